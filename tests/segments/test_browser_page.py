"""The segment page's shape and rules in Chromium at 1280×720 and 1366×850, from the keyboard (issue 10: 7, 8, 10, 12)."""

import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from segapp.models import Contact, InformationFlow, InitiatedBy, SegmentHeader, SegmentLine
from segapp.services.segments.lines import add_line
from tests.browser_support import save_screenshot, sign_in
from tests.conftest import PASSWORD

NAMES = ["Rossi", "Bianchi", "Gallo", "Conti", "Ferrari", "Esposito", "Romano", "Colombo", "Ricci", "Marino", "Greco"]
KINDS = ["Arredamenti S.r.l.", "Trasporti S.p.A.", "Tessile S.r.l.", "Alimentari S.n.c."]
CITIES = ["Milano", "Torino", "Bologna", "Verona", "Bergamo"]
SIZES = [pytest.param((1280, 720), id="1280x720"), pytest.param((1366, 850), id="1366x850")]

# Where the grid stands in the window: its scroll box, the column header, the rows wholly visible under it,
# the new line, and whether the page itself (rather than the grid) would scroll.
GEOMETRY = """() => {
  const wrap = document.querySelector('.grid-wrap').getBoundingClientRect();
  const head = document.querySelector('#lines-grid thead th').getBoundingClientRect();
  const inside = (el) => { const b = el.getBoundingClientRect();
    return b.top >= head.bottom - 1 && b.bottom <= wrap.bottom + 1; };
  const rows = [...document.querySelectorAll('#lines-grid tr[data-line-no]')];
  const input = document.querySelector('[data-new-contact]');
  const newLine = input ? input.closest('tr') : null;
  return {
    wrapTop: wrap.top, wrapBottom: wrap.bottom, headTop: head.top, headBottom: head.bottom,
    wholeRows: rows.filter(inside).length,
    wholeRowsAboveNew: newLine ? rows.filter((r) => inside(r) && r.getBoundingClientRect().bottom <= newLine.getBoundingClientRect().top + 1).length : null,
    newLineInside: newLine ? inside(newLine) : null,
    pageOverflow: document.scrollingElement.scrollHeight - innerHeight,
    mainOverflow: document.querySelector('main').scrollHeight - document.querySelector('main').clientHeight,
    gridScrolls: document.querySelector('.grid-wrap').scrollHeight > document.querySelector('.grid-wrap').clientHeight,
  };
}"""


def _cell(page: Any, line_no: int, field: str) -> Any:
    return page.locator(f'#line-{line_no} td[data-field="{field}"]')


@pytest.fixture
def segment_page(
    live_server: str,
    new_browser_page: Callable[..., Any],
    db: Any,
    make_user: Callable[..., Any],
    make_segment: Callable[..., SegmentHeader],
    make_contact: Callable[..., Contact],
) -> Callable[..., Any]:
    """A segment with ``lines`` lines (and 20 more contacts to type), opened by a signed-in user at ``size``."""

    def _open(size: tuple[int, int], lines: int = 25, locale: str = "en-GB") -> tuple[Any, SegmentHeader, list]:
        make_user("ann", salesperson_code="MR")
        header = make_segment(
            description="Autumn letter",
            salesperson_code="MR",
            interaction_template_code="LETTER",
            interaction_group_code="LETTER",
            language_code="ITA",
            subject="La nostra offerta",
            unit_cost=Decimal("1.20"),
            unit_duration=Decimal("5"),
            information_flow=InformationFlow.OUTBOUND,
            initiated_by=InitiatedBy.US,
            campaign_no="CP1",
            campaign_target=True,
        )
        contacts = [
            make_contact(
                f"{NAMES[i % len(NAMES)]} {KINDS[i // len(NAMES) % len(KINDS)]}",
                city=CITIES[i % len(CITIES)],
                email=f"info{i:02d}@example.com",
                phone=f"02 555 {i:04d}",
            )
            for i in range(lines + 20)
        ]
        for contact in contacts[:lines]:
            add_line(db.session, header.no, contact.no)
        db.session.commit()
        page = new_browser_page(locale=locale)
        page.set_viewport_size({"width": size[0], "height": size[1]})
        sign_in(page, live_server, "ann", PASSWORD)
        page.wait_for_url(live_server + "/")
        page.goto(f"{live_server}/segments/{header.no}")
        page.wait_for_selector("[data-total='lines']")
        return page, header, contacts

    return _open


def _type_line(page: Any, contact_no: str, count: int) -> None:
    """Type a contact no. on the new line and Enter; wait until the line is there and the new line is empty."""
    from playwright.sync_api import expect

    page.keyboard.type(contact_no)
    page.keyboard.press("Enter")
    expect(page.locator("[data-total='lines']")).to_have_text(str(count))
    expect(page.locator("[data-new-contact]")).to_have_value("")
    expect(page.locator("[data-new-contact]")).to_be_focused()


@pytest.mark.parametrize("size", SIZES)
def test_the_grid_fills_the_window_under_sections_that_fold_and_the_new_line_stays_in_view(
    segment_page: Callable[..., Any], size: tuple[int, int], tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    page, header, contacts = segment_page(size)
    geometry = page.evaluate(GEOMETRY)
    # The window does not scroll; the grid does, and it reaches the bottom of the window.
    assert geometry["pageOverflow"] <= 0 and geometry["mainOverflow"] <= 0 and geometry["gridScrolls"], geometry
    assert size[1] - 16 <= geometry["wrapBottom"] <= size[1], geometry
    open_rows = geometry["wholeRows"]
    assert open_rows >= (13 if size[1] == 720 else 18), geometry  # every section open, as by default
    page.screenshot(path=str(tmp_path / f"segment-page-{size[0]}x{size[1]}.png"))

    # Sections fold from the keyboard, show a summary line when closed, and are remembered for this user.
    general = page.locator("#section-general")
    general.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(general).not_to_have_attribute("open", "")
    expect(page.locator("#summary-general")).to_be_visible()
    expect(page.locator("#summary-general")).to_contain_text("SEG00001")
    expect(page.locator("#summary-general")).to_contain_text("Autumn letter")
    expect(page.locator("#summary-general")).to_contain_text("MR")
    expect(page.locator("#h-description")).to_be_hidden()
    page.keyboard.press("Tab")
    expect(page.locator("#section-interaction summary")).to_be_focused()  # the closed fields are skipped
    page.keyboard.press("Space")
    expect(page.locator("#summary-interaction")).to_contain_text("LETTER")
    expect(page.locator("#h-unit_cost")).to_be_hidden()
    assert page.evaluate(GEOMETRY)["wholeRows"] >= open_rows + 4
    page.screenshot(path=str(tmp_path / f"segment-page-{size[0]}x{size[1]}-closed.png"))
    page.wait_for_load_state("networkidle")  # both remembered before the reload
    page.reload()
    page.wait_for_selector("[data-total='lines']")
    expect(page.locator("#section-general")).not_to_have_attribute("open", "")
    expect(page.locator("#section-interaction")).not_to_have_attribute("open", "")
    expect(page.locator("#section-campaign")).to_have_attribute("open", "")
    page.locator("#section-general summary").focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(page.locator("#h-no")).to_be_focused()  # open again: its fields are back in the Tab order
    page.locator("#section-interaction summary").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#h-unit_cost")).to_be_visible()

    # Typing line after line: the new line never leaves the window, with whole lines visible above it.
    page.keyboard.press("Control+Insert")
    expect(page.locator("[data-new-contact]")).to_be_focused()
    for i, contact in enumerate(contacts[25:40], start=26):
        _type_line(page, contact.no, i)
        geometry = page.evaluate(GEOMETRY)
        assert geometry["newLineInside"], geometry
        assert geometry["wholeRowsAboveNew"] >= open_rows - 2, geometry
    # The column header stays on top of the scrolled grid.
    assert abs(geometry["headTop"] - geometry["wrapTop"]) <= 2, geometry
    expect(page.locator("#lines-grid th[data-field='contact_no']")).to_be_visible()
    page.screenshot(path=str(tmp_path / f"segment-page-{size[0]}x{size[1]}-typing.png"))
    if size == (1280, 720):
        save_screenshot(page, "segment-page.png")  # the README's picture, with SEGAPP_SCREENSHOT_DIR=docs


# Where the frozen columns and a cell stand, horizontally, against the grid's scroll box.
COLUMNS = """(field) => {
  const wrap = document.querySelector('.grid-wrap');
  const box = wrap.getBoundingClientRect();
  const row = document.activeElement.closest('tr');
  const at = (name) => row.querySelector(`td[data-field="${name}"]`).getBoundingClientRect();
  return { scrollLeft: wrap.scrollLeft, wrapLeft: box.left, wrapRight: box.right,
           noLeft: at('contact_no').left, frozenRight: at('contact_name').right,
           cellLeft: at(field).left, cellRight: at(field).right };
}"""


@pytest.mark.parametrize("size", SIZES)
def test_contact_no_and_names_stay_when_the_grid_scrolls_right(
    segment_page: Callable[..., Any], size: tuple[int, int], tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    page, header, contacts = segment_page(size, lines=5)
    _cell(page, 10000, "contact_no").focus()
    fields = page.eval_on_selector_all("#line-10000 td[data-field]", "cells => cells.map(c => c.dataset.field)")
    for field in fields[1 : fields.index("email") + 1]:
        page.keyboard.press("ArrowRight")
        expect(_cell(page, 10000, field)).to_be_focused()
    where = page.evaluate(COLUMNS, "email")
    assert where["scrollLeft"] > 0, where
    assert abs(where["noLeft"] - where["wrapLeft"]) <= 2, where  # contact no. did not scroll away
    assert where["frozenRight"] - 1 <= where["cellLeft"] and where["cellRight"] <= where["wrapRight"] + 1, where
    expect(_cell(page, 10000, "company_name")).to_have_text(contacts[0].name)
    page.screenshot(path=str(tmp_path / f"segment-page-{size[0]}x{size[1]}-right.png"))
    # Coming back left, each cell shows up beside the frozen columns, never under them.
    for field in reversed(fields[3 : fields.index("email")]):
        page.keyboard.press("ArrowLeft")
        expect(_cell(page, 10000, field)).to_be_focused()
        where = page.evaluate(COLUMNS, field)
        assert where["frozenRight"] - 1 <= where["cellLeft"], (field, where)


def test_two_users_edit_different_fields_of_a_line_and_a_clash_keeps_the_typed_text(
    segment_page: Callable[..., Any], db: Any, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    from segapp.services.segments.lines import update_line_field

    page, header, contacts = segment_page((1280, 720), lines=3)
    # Another user changes the description of the first line after this page was loaded.
    db.session.rollback()
    update_line_field(db.session, header.no, 10000, "description", "Bob's words", 1, start="Autumn letter")
    db.session.commit()
    _cell(page, 10000, "subject").focus()
    page.keyboard.type("Ann's subject")
    page.keyboard.press("Enter")
    expect(_cell(page, 20000, "subject")).to_be_focused()
    expect(_cell(page, 10000, "subject")).to_have_text("Ann's subject")  # no conflict: another field
    expect(_cell(page, 10000, "description")).to_have_text("Bob's words")  # and the row shows his change
    expect(_cell(page, 10000, "subject").locator(".cell-error")).to_have_count(0)

    # Now he changes the subject she is about to change: hers is refused, her text stays for another try.
    db.session.rollback()
    update_line_field(db.session, header.no, 10000, "subject", "Bob's subject", 3, start="Ann's subject")
    db.session.commit()
    page.keyboard.press("ArrowUp")
    page.keyboard.type("Ann again")
    page.keyboard.press("Enter")
    cell = _cell(page, 10000, "subject")
    expect(cell.locator(".cell-error")).to_contain_text("Someone else changed this to “Bob's subject”")
    expect(cell.locator("input")).to_be_focused()
    expect(cell.locator("input")).to_have_value("Ann again")
    page.screenshot(path=str(tmp_path / "segment-page-1280x720-clash.png"))
    page.keyboard.press("Enter")  # she has seen his value and keeps hers
    expect(cell).to_have_text("Ann again")
    expect(cell).not_to_have_class(re.compile(r"\bsaving\b"))  # the server's answer, not the optimistic text
    expect(cell.locator(".cell-error")).to_have_count(0)
    db.session.rollback()
    saved = db.session.get(SegmentLine, (header.no, 10000))
    assert (saved.description, saved.subject) == ("Bob's words", "Ann again")


def test_a_contact_typed_again_asks_first_and_the_answer_is_recorded(
    segment_page: Callable[..., Any], db: Any, tmp_path: Path
) -> None:
    from playwright.sync_api import expect
    from sqlalchemy import select

    from segapp.models import SegmentCriteriaAction

    page, header, contacts = segment_page((1280, 720), lines=3)
    page.keyboard.press("Control+Insert")
    new_contact = page.locator("[data-new-contact]")
    expect(new_contact).to_be_focused()
    page.keyboard.type(contacts[1].no)
    page.keyboard.press("Enter")
    dialog = page.locator("#existing-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text(f"{contacts[1].no} {contacts[1].name} is already on line 20000")
    expect(dialog.get_by_role("button", name="No", exact=True)).to_be_focused()  # BC's default: not twice
    page.screenshot(path=str(tmp_path / "segment-page-1280x720-twice.png"))
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(new_contact).to_be_focused()
    assert page.evaluate("() => { const i = document.activeElement; return [i.selectionStart, i.selectionEnd]; }") == [
        0,
        len(contacts[1].no),
    ]  # the typed number is selected: the next one replaces it
    expect(page.locator("[data-total='lines']")).to_have_text("3")

    page.keyboard.type(contacts[1].no)
    page.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    page.keyboard.press("Shift+Tab")
    expect(dialog.get_by_role("button", name="Yes, add another line")).to_be_focused()
    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    expect(page.locator("[data-total='lines']")).to_have_text("4")
    expect(_cell(page, 40000, "contact_no")).to_have_text(contacts[1].no)
    expect(new_contact).to_be_focused()
    expect(new_contact).to_have_value("")
    _type_line(page, contacts[3].no, 5)  # a contact not on the segment goes in without a question

    # Typed over the contact of another line, in its cell: the same question; No keeps the typed text there.
    page.keyboard.press("Escape")
    _cell(page, 30000, "contact_no").focus()
    page.keyboard.type(contacts[0].no)
    page.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text(f"{contacts[0].no} {contacts[0].name} is already on line 10000")
    page.keyboard.press("Enter")  # No
    expect(dialog).to_be_hidden()
    editor = _cell(page, 30000, "contact_no").locator("input")
    expect(editor).to_be_focused()
    expect(editor).to_have_value(contacts[0].no)
    page.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")  # Yes
    expect(dialog).to_be_hidden()
    expect(_cell(page, 30000, "company_name")).to_have_text(contacts[0].name)
    expect(_cell(page, 30000, "contact_no")).to_be_focused()
    db.session.rollback()
    recorded = db.session.scalars(
        select(SegmentCriteriaAction.allow_existing_contacts)
        .where(SegmentCriteriaAction.segment_no == header.no)
        .order_by(SegmentCriteriaAction.sequence_no)
    ).all()
    assert recorded == [False, False, False, True, False, False, True]  # reduce, then the add she agreed to
