"""The lines grid from the keyboard alone, at 1280x720 (issue 10, points 1-6 and 9): every wait is for a DOM state."""

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from segapp.models import SegmentCriteriaAction, SegmentLine
from segapp.services.segments.lines import add_line
from tests.browser_support import sign_in
from tests.conftest import PASSWORD

SMALL = {"width": 1280, "height": 720}
TYPIST = 30  # ms a key, no pause after Enter: a fast typist or a barcode scanner

# Counts every animation frame in which the focus is on the page body, and every key that lands there.
WATCH_BODY = """() => {
  window.bodyFrames = 0; window.bodyKeys = [];
  document.addEventListener("keydown", (e) => {
    if (e.target === document.body || e.target === document.documentElement) window.bodyKeys.push(e.key);
  }, true);
  const poll = () => { if (document.activeElement === document.body) window.bodyFrames++; requestAnimationFrame(poll); };
  requestAnimationFrame(poll);
}"""


def _cell(page: Any, line_no: int, field: str) -> Any:
    return page.locator(f'#line-{line_no} td[data-field="{field}"]')


def _expect_body_never_focused(page: Any) -> None:
    assert page.evaluate("() => [window.bodyFrames, window.bodyKeys]") == [0, []]


def _saved_contacts(db: Any, segment_no: str) -> list[str]:
    db.session.rollback()  # a fresh snapshot: the browser wrote the lines
    query = select(SegmentLine.contact_no).where(SegmentLine.segment_no == segment_no).order_by(SegmentLine.line_no)
    return list(db.session.scalars(query))


@pytest.fixture
def open_segment(
    live_server: str,
    new_browser_page: Callable[..., Any],
    make_user: Any,
    make_segment: Any,
    db: Any,
) -> Iterator[Callable[..., Any]]:
    """Sign in at 1280x720 and open a segment (a new one by default); the body watch is armed."""

    def _open(segment_no: str | None = None, language: str = "en", username: str = "ann") -> Any:
        from playwright.sync_api import expect

        make_user(username, salesperson_code="MR", language=language)
        page = new_browser_page(locale="it-IT" if language == "it" else "en-GB", viewport=SMALL)
        sign_in(page, live_server, username, PASSWORD)
        page.wait_for_url(live_server + "/")
        no = segment_no or make_segment().no
        db.session.rollback()  # the test holds no lock while the browser writes
        page.goto(f"{live_server}/segments/{no}")
        expect(page.locator("[data-grid]")).to_be_visible()
        page.evaluate(WATCH_BODY)
        return page

    yield _open


@pytest.fixture
def contacts(make_contact: Any) -> list[Any]:
    """Ten companies, CT000001 to CT000010."""
    return [make_contact(f"Company {i:02d}", city="Milano") for i in range(1, 11)]


def test_tab_on_a_new_line_saves_it_and_moves_and_escape_leaves_it(open_segment, contacts, db) -> None:
    from playwright.sync_api import expect

    page = open_segment()
    page.keyboard.press("Control+Insert")
    expect(page.locator("[data-new-contact]")).to_be_focused()
    page.keyboard.type("CT000003")
    page.keyboard.press("Tab")
    # Saved, and the focus moved to the next cell of that same line.
    expect(_cell(page, 10000, "contact_no")).to_have_text("CT000003")
    expect(_cell(page, 10000, "company_name")).to_be_focused()
    page.keyboard.press("Control+Insert")
    page.keyboard.type("CT000004")
    page.keyboard.press("Shift+Tab")
    expect(_cell(page, 20000, "contact_no")).to_have_text("CT000004")
    expect(_cell(page, 10000, "document")).to_be_focused()  # the last cell of the line above

    # A refused number keeps its text at the new line; Escape drops the draft and the focus stays in the grid.
    page.keyboard.press("Control+Insert")
    page.keyboard.type("NOPE")
    page.keyboard.press("Enter")
    expect(page.locator("#new-contact-error")).to_have_text("There is no contact NOPE.")
    expect(page.locator("[data-new-contact]")).to_have_value("NOPE")
    expect(page.locator("[data-new-contact]")).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.locator("tr[data-new-line]")).to_have_count(0)
    expect(_cell(page, 20000, "contact_no")).to_be_focused()

    # A draft left for the header is found again by Ctrl+Insert with its text selected: the next number replaces it.
    page.keyboard.press("Control+Insert")
    page.keyboard.type("CT0000")
    page.keyboard.press("Alt+Shift+H")
    expect(page.locator("#h-description")).to_be_focused()
    page.keyboard.press("Control+Insert")
    expect(page.locator("[data-new-contact]")).to_have_value("CT0000")
    page.keyboard.type("CT000005")
    page.keyboard.press("Enter")
    expect(_cell(page, 30000, "contact_no")).to_have_text("CT000005")
    assert _saved_contacts(db, "SEG00001") == ["CT000003", "CT000004", "CT000005"]
    _expect_body_never_focused(page)


def test_keys_typed_while_saving_land_on_the_next_line_in_order(open_segment, contacts, db) -> None:
    from playwright.sync_api import expect

    page = open_segment()
    page.keyboard.press("Control+Insert")
    page.keyboard.type("CT000001\nCT000002\nCT000003\nCT000004\n", delay=TYPIST)
    expect(page.locator('[data-total="lines"]')).to_have_text("4")
    expect(page.locator("tr[data-new-line][data-pending]")).to_have_count(0)
    expect(page.locator("[data-new-contact]")).to_be_focused()
    expect(page.locator("[data-new-contact]")).to_have_value("")
    assert _saved_contacts(db, "SEG00001") == ["CT000001", "CT000002", "CT000003", "CT000004"]
    _expect_body_never_focused(page)


def test_keys_typed_after_a_refusal_are_dropped_with_a_notice(open_segment, contacts, db) -> None:
    from playwright.sync_api import expect

    page = open_segment()
    page.keyboard.press("Control+Insert")
    page.keyboard.type("CT000001\nNOPE\nCT000003\n", delay=TYPIST)
    expect(page.locator("#new-contact-error")).to_have_text("There is no contact NOPE.")
    expect(page.locator("[data-new-contact]")).to_have_value("NOPE")  # never "NOPECT000003"
    expect(page.locator("#grid-status")).to_contain_text("Not kept, typed after the message: CT000003")
    expect(page.locator("[data-grid][data-holding]")).to_have_count(0)
    page.keyboard.press("Control+A")
    page.keyboard.type("CT000002\n", delay=TYPIST)
    expect(page.locator('[data-total="lines"]')).to_have_text("2")
    assert _saved_contacts(db, "SEG00001") == ["CT000001", "CT000002"]
    _expect_body_never_focused(page)


def test_an_ambiguous_name_offers_the_matches(open_segment, make_contact, db, tmp_path) -> None:
    from playwright.sync_api import expect

    mario = make_contact("Baldacci Mario", city="Pisa")
    srl = make_contact("Baldacci S.r.l.", city="Lucca")
    page = open_segment()
    page.keyboard.press("Control+Insert")
    page.keyboard.type("baldacci\nCT00", delay=TYPIST)  # typed on before the question came
    choices = page.locator("[data-contact-choices]")
    expect(choices).to_be_focused()
    expect(page.locator("#new-contact-error")).to_have_text("2 contacts match baldacci.")
    expect(choices.locator("[role=option]")).to_have_text(
        [f"{mario.no} · Baldacci Mario · Pisa", f"{srl.no} · Baldacci S.r.l. · Lucca"]
    )
    expect(page.locator("#grid-status")).to_contain_text("CT00")
    expect(page.locator("[data-grid][data-holding]")).to_have_count(0)
    page.keyboard.press("ArrowDown")
    expect(choices.locator('[aria-selected="true"]')).to_contain_text("Baldacci S.r.l.")
    page.screenshot(path=str(tmp_path / "two-contacts-match.png"))
    page.keyboard.press("Enter")
    expect(_cell(page, 10000, "contact_no")).to_have_text(srl.no)
    expect(page.locator("[data-new-contact]")).to_be_focused()
    # Esc on the list goes back to the text.
    page.keyboard.type("Baldacci\n")
    expect(choices).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.locator("[data-new-contact]")).to_have_value("Baldacci")
    expect(page.locator("[data-new-contact]")).to_be_focused()
    assert _saved_contacts(db, "SEG00001") == [srl.no]
    _expect_body_never_focused(page)


def test_getting_around_the_grid_and_the_header(open_segment, make_segment, contacts, db) -> None:
    from playwright.sync_api import expect

    # A new segment opens on its first empty header field; the date takes a typed date.
    page = open_segment()
    expect(page.locator("#h-description")).to_be_focused()
    page.locator("#h-date").focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("23/11/2026")
    page.keyboard.press("Tab")
    expect(page.locator("#h-date")).to_have_value("2026-11-23")
    page.locator("#h-date").focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("t")
    page.keyboard.press("Tab")
    expect(page.locator("#h-date")).to_have_value(date.today().isoformat())

    header = make_segment(description="Many lines")
    for i in range(60):
        add_line(db.session, header.no, contacts[i % 10].no, allow_existing=True)
    db.session.commit()
    page.goto(page.url.rsplit("/", 1)[0] + "/" + header.no)
    page.evaluate(WATCH_BODY)
    grid = page.locator("[data-grid]")
    expect(grid).to_have_attribute("role", "grid")
    expect(grid).to_have_attribute("aria-rowcount", "61")
    first = _cell(page, 10000, "contact_no")
    expect(first).to_be_focused()  # a segment with lines opens on its first cell
    expect(first).to_have_attribute("role", "gridcell")
    expect(first).to_have_attribute("aria-current", "true")
    expect(page.locator("#line-20000")).to_have_attribute("aria-rowindex", "3")
    page.keyboard.press("End")
    expect(_cell(page, 10000, "document")).to_be_focused()
    page.keyboard.press("Home")
    expect(first).to_be_focused()
    page.keyboard.press("Control+End")
    expect(_cell(page, 250000, "document")).to_be_focused()  # the last loaded line
    page.keyboard.press("Control+Home")
    expect(first).to_be_focused()
    # PageDown moves a screenful, and past the loaded lines brings the next page.
    for _ in range(4):
        page.keyboard.press("PageDown")
    page.wait_for_function("() => Number(document.activeElement.closest('tr').dataset.lineNo) > 250000")
    focused_line = page.evaluate("() => Number(document.activeElement.closest('tr').dataset.lineNo)")
    page.keyboard.press("PageUp")
    assert page.evaluate("() => Number(document.activeElement.closest('tr').dataset.lineNo)") < focused_line
    # A date typed in a cell.
    page.keyboard.press("Control+Home")
    for _ in range(12):
        page.keyboard.press("ArrowRight")
    expect(_cell(page, 10000, "date")).to_be_focused()
    page.keyboard.type("23.11.2026")
    page.keyboard.press("Enter")
    expect(_cell(page, 10000, "date")).to_have_attribute("data-value", "2026-11-23")
    expect(_cell(page, 20000, "date")).to_be_focused()
    _expect_body_never_focused(page)


def test_the_grid_is_no_keyboard_trap(open_segment, make_segment, contacts, db) -> None:
    from playwright.sync_api import expect

    header = make_segment(description="Two lines")
    add_line(db.session, header.no, contacts[0].no)
    add_line(db.session, header.no, contacts[1].no)
    db.session.commit()
    page = open_segment(header.no)
    first = _cell(page, 10000, "contact_no")
    expect(first).to_be_focused()
    page.keyboard.press("Shift+Tab")
    expect(page.locator("[data-new-line-button]")).to_be_focused()
    page.keyboard.press("Tab")
    expect(first).to_be_focused()  # back in, on the current cell (one Tab stop for the whole grid)
    page.keyboard.press("Escape")  # on a cell that is not being edited: nothing happens, the focus stays
    expect(first).to_be_focused()
    page.keyboard.press("Control+End")
    expect(_cell(page, 20000, "document")).to_be_focused()
    page.keyboard.press("Tab")
    assert page.evaluate(
        "() => !document.activeElement.closest('[data-grid]') && document.activeElement !== document.body"
    )
    page.keyboard.press("Alt+Shift+H")
    expect(page.locator("#h-description")).to_be_focused()
    _expect_body_never_focused(page)


def test_ctrl_delete_then_ctrl_z_puts_the_line_back_as_it_was(
    open_segment, make_segment, contacts, db, tmp_path
) -> None:
    from playwright.sync_api import expect

    header = make_segment(description="Three lines")
    for contact in contacts[:3]:
        add_line(db.session, header.no, contact.no)
    db.session.commit()
    page = open_segment(header.no)
    for _ in range(4):
        page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowDown")
    expect(_cell(page, 20000, "description")).to_be_focused()
    page.keyboard.type("Call first")
    page.keyboard.press("Enter")
    expect(_cell(page, 20000, "description")).to_have_text("Call first")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Control+Delete")
    expect(page.locator("#line-20000")).to_have_count(0)
    expect(page.locator("#grid-status")).to_contain_text("Line deleted — Ctrl+Z to undo")
    expect(_cell(page, 30000, "description")).to_be_focused()
    expect(page.locator('[data-total="lines"]')).to_have_text("2")
    page.screenshot(path=str(tmp_path / "line-deleted.png"))
    page.keyboard.press("Control+z")
    expect(_cell(page, 20000, "description")).to_have_text("Call first")
    expect(_cell(page, 20000, "contact_no")).to_have_text("CT000002")
    expect(page.locator('[data-total="lines"]')).to_have_text("3")
    # In its place, between the first and the third line, and the delete is gone from the criteria.
    assert page.evaluate("() => [...document.querySelectorAll('tr[data-line-no]')].map(r => r.dataset.lineNo)") == [
        "10000",
        "20000",
        "30000",
    ]
    db.session.rollback()
    assert db.session.scalar(select(SegmentLine.version).where(SegmentLine.line_no == 20000)) == 2
    assert all(action.action_type == "add" for action in db.session.scalars(select(SegmentCriteriaAction)))
    _expect_body_never_focused(page)


def test_a_save_on_a_line_deleted_by_someone_else_says_so_at_the_cell(open_segment, make_segment, contacts, db) -> None:
    from playwright.sync_api import expect

    from segapp.services.segments.lines import delete_line

    header = make_segment(description="Two lines")
    add_line(db.session, header.no, contacts[0].no)
    add_line(db.session, header.no, contacts[1].no)
    db.session.commit()
    page = open_segment(header.no)
    delete_line(db.session, header.no, 10000, 1)
    db.session.commit()
    for _ in range(4):
        page.keyboard.press("ArrowRight")
    page.keyboard.type("Mine")
    page.keyboard.press("Enter")
    cell = _cell(page, 10000, "description")
    expect(cell.locator(".cell-error")).to_have_text("This line was deleted by someone else.")
    expect(cell).to_be_focused()  # never moved on as if saved
    expect(cell).to_contain_text("Mine")
    expect(cell).not_to_have_class("saving")
    expect(page.locator("#flash .flash-error")).to_have_count(0)
    _expect_body_never_focused(page)


def test_a_save_after_signing_out_keeps_the_text_for_after_signing_in(
    open_segment, make_segment, contacts, db, app, live_server, monkeypatch, tmp_path
) -> None:
    from playwright.sync_api import expect

    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    header = make_segment(description="One line")
    add_line(db.session, header.no, contacts[0].no)
    db.session.commit()
    page = open_segment(header.no)
    other = page.context.new_page()  # another tab of the same browser
    other.goto(live_server + "/")
    other.get_by_role("button", name="Sign out").click()
    other.wait_for_url("**/auth/login")

    for _ in range(4):
        page.keyboard.press("ArrowRight")
    page.keyboard.type("Mine")
    page.keyboard.press("Enter")
    cell = _cell(page, 10000, "description")
    expect(cell.locator(".cell-error")).to_have_text("You were signed out — sign in again; your text is kept.")
    expect(cell.locator(".cell-editor")).to_have_value("Mine")
    expect(cell.locator(".cell-editor")).to_be_focused()
    expect(page).to_have_url(f"{live_server}/segments/{header.no}")
    page.screenshot(path=str(tmp_path / "signed-out.png"))

    sign_in(other, live_server, "ann", PASSWORD)
    other.wait_for_url(live_server + "/")
    page.bring_to_front()
    page.keyboard.press("Enter")
    expect(page.locator("#line-10000[data-version='2']")).to_have_count(1)
    expect(cell).to_have_text("Mine")
    expect(cell.locator(".cell-error")).to_have_count(0)
    db.session.rollback()
    assert db.session.scalar(select(SegmentLine.description).where(SegmentLine.line_no == 10000)) == "Mine"
    _expect_body_never_focused(page)


def test_after_a_form_error_the_focus_is_on_the_field_in_error(live_server, new_browser_page, make_user) -> None:
    from playwright.sync_api import expect

    make_user("ann")
    page = new_browser_page(viewport=SMALL)
    sign_in(page, live_server, "ann", "wrong password")
    expect(page.locator("#password")).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(live_server + "/")
    page.goto(live_server + "/contacts/new")
    expect(page.locator("#name")).to_be_focused()
    page.keyboard.type("Acme")
    page.locator("#email").fill("not an e-mail")
    page.locator("#name").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#email")).to_be_focused()


# Counts the animation frames in which the new line's editor is not wholly inside the window.
WATCH_NEW_LINE = """() => {
  window.outsideFrames = 0;
  const poll = () => {
    const input = document.querySelector("[data-new-contact]");
    if (input) {
      const box = input.getBoundingClientRect();
      if (box.top < 0 || box.bottom > window.innerHeight) window.outsideFrames++;
    }
    requestAnimationFrame(poll);
  };
  requestAnimationFrame(poll);
}"""


WHOLE_LINES_ABOVE_NEW_LINE = """() => {
  const wrap = document.querySelector(".grid-wrap").getBoundingClientRect();
  const head = document.querySelector("#lines-grid thead th").getBoundingClientRect();
  const line = document.querySelector("[data-new-contact]").closest("tr").getBoundingClientRect();
  const top = Math.max(head.bottom, wrap.top, 0) - 1, bottom = Math.min(wrap.bottom, innerHeight) + 1;
  return [...document.querySelectorAll("#lines-grid tr[data-line-no]")].filter((tr) => {
    const box = tr.getBoundingClientRect();
    return box.top >= top && box.bottom <= bottom && box.bottom <= line.top + 1;
  }).length;
}"""


def test_thirty_numbers_typed_at_speed_in_italian(open_segment, make_contact, db, tmp_path) -> None:
    """Issue 10's "done when": 30 numbers at 30 ms a key, Enter and no pause, on 1280x720 in Italian."""
    from playwright.sync_api import expect

    numbers = [make_contact(f"Azienda {i:02d}", city="Roma").no for i in range(1, 31)]
    page = open_segment(language="it")
    expect(page.locator("#lines-title")).to_have_text("Righe")
    page.evaluate(WATCH_NEW_LINE)
    page.keyboard.press("Control+Insert")
    page.keyboard.type("".join(f"{no}\n" for no in numbers), delay=TYPIST)
    expect(page.locator('[data-total="lines"]')).to_have_text("30")
    expect(page.locator("tr[data-new-line][data-pending]")).to_have_count(0)
    expect(page.locator("[data-new-contact]")).to_be_focused()
    expect(page.locator("[data-new-contact]")).to_have_value("")
    assert _saved_contacts(db, "SEG00001") == numbers
    page.screenshot(path=str(tmp_path / "thirty-lines.png"))
    assert page.evaluate("() => window.outsideFrames") == 0
    _expect_body_never_focused(page)
    # At least 12 whole lines in view above the new line, under the grid's sticky column header.
    above = page.evaluate(WHOLE_LINES_ABOVE_NEW_LINE)
    page.screenshot(path=str(tmp_path / "thirty-lines.png"))
    assert above >= 12
