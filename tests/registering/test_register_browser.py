"""Registering a segment from the keyboard in Chromium: Alt+Shift+L, Enter, the registered segment; a refusal's
"Go to line" takes the focus to the cell at fault."""

from collections.abc import Callable
from typing import Any

from sqlalchemy import update

from segapp.models import SegmentHeader, SegmentLine
from tests.browser_support import save_screenshot, sign_in
from tests.conftest import PASSWORD

VIEWPORT = {"width": 1280, "height": 720}


def _open(page: Any, live_server: str, segment_no: str) -> None:
    from playwright.sync_api import expect

    sign_in(page, live_server, "ann", PASSWORD)
    page.wait_for_url(live_server + "/")
    page.goto(f"{live_server}/segments/{segment_no}")
    expect(page.locator("tr[data-line-no] td[data-field]").first).to_be_focused()


def test_register_from_the_keyboard_lands_on_the_registered_segment(
    live_server: str,
    new_browser_page: Any,
    make_user: Callable[..., Any],
    make_registrable: Callable[..., SegmentHeader],
) -> None:
    from playwright.sync_api import expect

    make_user("ann", full_name="Ann Lee")
    no = make_registrable(3).no
    page = new_browser_page(viewport=VIEWPORT)
    _open(page, live_server, no)
    # The toolbar keeps one line with the Register button in it.
    button = page.locator('[data-shortcut-action="register"]')
    expect(button).to_have_text("Register")
    toolbar = page.locator(".segment-page > .toolbar")
    assert toolbar.bounding_box()["height"] < 60

    page.keyboard.press("Alt+Shift+L")
    dialog = page.locator("[data-register-dialog]")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("3 lines with a contact become interaction log entries")
    expect(page.locator("#register-send")).to_be_focused()
    expect(page.locator("#register-send")).to_be_checked()
    save_screenshot(page, "registering/register-dialog.png")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server}/registered-segments/*")
    expect(page.locator("body")).to_contain_text(f"Segment {no} has been registered.")


def test_a_refusal_goes_to_the_line_at_fault(
    live_server: str,
    new_browser_page: Any,
    db: Any,
    make_user: Callable[..., Any],
    make_registrable: Callable[..., SegmentHeader],
) -> None:
    from playwright.sync_api import expect

    make_user("ann")
    no = make_registrable(3).no
    db.session.execute(update(SegmentLine).where(SegmentLine.line_no == 20000).values(salesperson_code=None))
    db.session.commit()
    page = new_browser_page(viewport=VIEWPORT)
    _open(page, live_server, no)
    page.keyboard.press("Alt+Shift+L")
    expect(page.locator("#register-send")).to_be_focused()
    page.keyboard.press("Enter")
    error = page.locator("#register-error")
    expect(error).to_contain_text("Line 20000 (contact R00002) has no salesperson.")
    # The refusal takes the focus to its link: Enter goes to the line at fault.
    expect(page.get_by_role("link", name="Go to line 20000")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("[data-register-dialog]")).to_be_hidden()
    expect(page.locator('#line-20000 td[data-field="salesperson_code"]')).to_be_focused()
