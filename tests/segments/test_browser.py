"""The segment page driven from the keyboard alone in Chromium (spec 4)."""

from pathlib import Path
from typing import Any

from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[2]


def _cell(page: Any, line_no: int, field: str) -> Any:
    return page.locator(f'#line-{line_no} td[data-field="{field}"]')


def _expect_focus(page: Any, line_no: int, field: str) -> None:
    from playwright.sync_api import expect

    expect(_cell(page, line_no, field)).to_be_focused()


def _focused(page: Any) -> str:
    return page.evaluate(
        "() => { const el = document.activeElement; const tr = el && el.closest('tr');"
        " return (tr && tr.id ? tr.id : '') + ':' + (el.dataset.field || el.id || el.tagName); }"
    )


def test_a_segment_is_filled_and_edited_from_the_keyboard(
    live_server: str,
    browser_page: Any,
    db: Any,
    make_user: Any,
    make_contact: Any,
    reference: dict,
    letter_documents: None,  # Ann's line takes her language (ENU) and its subject: LETTER has a document in it
) -> None:
    from playwright.sync_api import expect

    page = browser_page
    make_user("ann", salesperson_code="MR")
    acme = make_contact("Acme S.r.l.", city="Milano")
    ann = make_contact("Ann Lee", company=acme, language_code="ENU")
    bob = make_contact("Bob Gallo", company=acme)

    page.goto(live_server + "/auth/login")
    page.locator("#username").focus()
    page.keyboard.type("ann")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(live_server + "/")

    page.goto(live_server + "/segments/")
    page.get_by_role("button", name="New segment").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/segments/SEG00001")

    # The header: a template fills its defaults without reloading the page.
    page.locator("#h-description").focus()
    page.keyboard.type("Autumn letter")
    page.keyboard.press("Tab")
    expect(page.locator("#segment-title")).to_contain_text("Autumn letter")
    page.locator("#h-interaction_template_code").focus()
    page.keyboard.type("LETTER")
    page.keyboard.press("Tab")
    expect(page.locator("#h-unit_cost")).to_have_value("1.20")
    expect(page.locator("#h-interaction_group_code")).to_have_value("LETTER")
    # A saved header field keeps the focus, and its dependants follow (correspondence type unlocks).
    expect(page.locator("#h-correspondence_type")).to_be_disabled()
    page.locator("#h-ignore_contact_corr_type").focus()
    page.keyboard.press("Space")
    expect(page.locator("#h-correspondence_type")).to_be_enabled()
    expect(page.locator("#h-ignore_contact_corr_type")).to_be_focused()
    page.keyboard.press("Space")
    expect(page.locator("#h-correspondence_type")).to_be_disabled()
    expect(page.locator("#h-ignore_contact_corr_type")).to_be_focused()

    # Three lines by typing contact numbers.
    page.keyboard.press("Control+Insert")
    for contact in (acme, ann, bob):
        expect(page.locator("[data-new-contact]")).to_be_focused()
        page.keyboard.type(contact.no)
        page.keyboard.press("Enter")
        expect(page.locator("[data-new-contact]")).to_have_value("")
    expect(page.locator('[data-total="lines"]')).to_have_text("3")
    expect(_cell(page, 20000, "subject")).to_have_text("Our offer")
    page.keyboard.press("Escape")
    _expect_focus(page, 30000, "contact_no")

    # Edit a cell: move to the first line's description, type, Enter saves and moves down.
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    for _ in range(4):
        page.keyboard.press("ArrowRight")
    _expect_focus(page, 10000, "description")
    page.keyboard.type("Call first")
    page.keyboard.press("Enter")
    expect(_cell(page, 10000, "description")).to_have_text("Call first")
    _expect_focus(page, 20000, "description")

    # F8 copies the value of the cell above.
    page.keyboard.press("F8")
    expect(_cell(page, 20000, "description")).to_have_text("Call first")
    _expect_focus(page, 20000, "description")

    # A refused value shows its message at the cell and nothing else changes.
    for _ in range(6):
        page.keyboard.press("ArrowRight")
    _expect_focus(page, 20000, "cost")
    page.keyboard.type("-4")
    page.keyboard.press("Enter")
    expect(_cell(page, 20000, "cost").locator(".cell-error")).to_contain_text("cannot be negative")
    expect(_cell(page, 20000, "cost").locator("input")).to_be_focused()
    page.keyboard.press("Escape")
    expect(_cell(page, 20000, "cost")).to_have_text("1.20")
    _expect_focus(page, 20000, "cost")

    # Ctrl+Delete deletes the line; the focus moves to the next one.
    page.keyboard.press("Control+Delete")
    expect(page.locator("#line-20000")).to_have_count(0)
    expect(page.locator('[data-total="lines"]')).to_have_text("2")
    _expect_focus(page, 30000, "cost")

    # Someone else changes the last line meanwhile: our edit is refused with their value and a message.
    from segapp.services.segments.lines import update_line_field

    db.session.rollback()  # end the test's read snapshot, taken before the browser added the lines
    update_line_field(db.session, "SEG00001", 30000, "description", "Changed by Bob", 1)
    db.session.commit()
    for _ in range(6):
        page.keyboard.press("ArrowLeft")
    _expect_focus(page, 30000, "description")
    page.keyboard.type("Mine")
    page.keyboard.press("Enter")
    expect(_cell(page, 30000, "description").locator(".cell-error")).to_contain_text(
        "Someone else changed this to “Changed by Bob”"
    )
    expect(_cell(page, 30000, "description").locator("input")).to_have_value("Mine")  # the text is kept
    page.keyboard.press("Escape")  # keep theirs
    expect(_cell(page, 30000, "description")).to_have_text("Changed by Bob")
    _expect_focus(page, 30000, "description")

    # The shortcut overlay, and a shortcut whose page does not exist yet.
    page.keyboard.press("F1")
    expect(page.locator("#shortcuts")).to_be_visible()
    expect(page.locator("#shortcuts")).to_contain_text("Ctrl+Ins")
    page.keyboard.press("Escape")
    expect(page.locator("#shortcuts")).to_be_hidden()
    page.keyboard.press("Alt+Shift+L")  # register: its dialog opens in place, Escape closes it
    expect(page.locator("[data-register-dialog]")).to_be_visible()
    expect(page.locator("#register-send")).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.locator("[data-register-dialog]")).to_be_hidden()
    page.locator("#lines-filter").focus()
    page.keyboard.type("?")
    expect(page.locator("#shortcuts")).to_be_hidden()
    page.keyboard.press("Backspace")
    page.wait_for_load_state("networkidle")  # the filter's debounced request must not race the refresh below
    expect(_cell(page, 10000, "contact_no")).to_be_visible()

    # A header change asks whether the lines follow; the dialog is answered from the keyboard.
    page.locator("#h-salesperson_code").focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("LB")
    page.keyboard.press("Tab")
    dialog = page.locator("#lines-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("2 lines")
    expect(dialog).to_contain_text("Update Salesperson on 2 lines?")
    expect(dialog.get_by_role("button", name="Yes, update all 2 lines")).to_be_focused()
    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    expect(_cell(page, 10000, "salesperson_code")).to_have_text("LB")
    expect(_cell(page, 30000, "salesperson_code")).to_have_text("LB")
    expect(page.locator("#grid-status")).to_contain_text("2 lines updated")
