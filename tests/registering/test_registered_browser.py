"""From the keyboard in Chromium: open the registered segments list, open one, cancel it, see its entries
cancelled; then the entries page: select an entry and set its evaluation."""

from typing import Any

from tests.browser_support import save_screenshot, sign_in
from tests.conftest import PASSWORD
from tests.registering.registered_support import make_registered, make_segment, reference

__all__ = ["make_registered", "make_segment", "reference"]


def _tab_to(page: Any, locator: Any, limit: int = 40) -> None:
    """Press Tab until ``locator`` has the focus (as a keyboard user would)."""
    for _ in range(limit):
        if locator.evaluate("element => element === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError("never reached by Tab")


def test_cancel_a_registered_segment_from_the_keyboard(
    live_server: str, browser_page: Any, make_user: Any, make_registered: Any
) -> None:
    from playwright.sync_api import expect

    make_user("ann")
    make_registered("SEG00001", entries=3, description="Spring letters")
    make_registered("SEG00002", entries=2, prefix="OT", description="Autumn calls")
    page = browser_page
    sign_in(page, live_server, "ann", PASSWORD)
    page.wait_for_url(live_server + "/")

    navigation = page.get_by_role("navigation", name="Main").get_by_role("link", name="Registered segments")
    _tab_to(page, navigation)
    page.keyboard.press("Enter")
    page.wait_for_url("**/registered-segments")
    expect(page.locator("tr[data-registered] td:nth-child(2)")).to_have_text(["SEG00002", "SEG00001"])

    # Search, then open the one found.
    page.locator("#registered-search").focus()
    page.keyboard.type("spring")
    expect(page.locator("tr[data-registered]")).to_have_count(1)
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    link = page.get_by_role("link", name="SEG00001")
    _tab_to(page, link)
    page.keyboard.press("Enter")
    page.wait_for_url("**/registered-segments/*")
    expect(page.locator("h1")).to_contain_text("Registered segment SEG00001")
    expect(page.locator("tr[data-entry] td[data-field=cancelled]")).to_have_text(["", "", ""])

    cancel = page.get_by_role("button", name="Cancel registered segment")
    _tab_to(page, cancel)
    page.keyboard.press("Enter")
    expect(page.locator("#flash")).to_contain_text("Registered segment SEG00001 was cancelled with 3 entries.")
    expect(page.locator("tr[data-entry] td[data-field=cancelled]")).to_have_text(["Yes", "Yes", "Yes"])
    expect(page.locator("tr[data-campaign-entry] td[data-field=cancelled]")).to_have_text(["Yes"])
    expect(page.get_by_role("button", name="Un-cancel")).to_be_visible()
    save_screenshot(page, "registering/registered-segment-cancelled.png")


def test_set_an_evaluation_from_the_keyboard(
    live_server: str, browser_page: Any, make_user: Any, make_registered: Any
) -> None:
    from playwright.sync_api import expect

    make_user("ann")
    make_registered("SEG00001", entries=2)
    page = browser_page
    sign_in(page, live_server, "ann", PASSWORD)
    page.wait_for_url(live_server + "/")
    page.goto(live_server + "/interaction-log-entries")
    rows = page.locator("tr[data-entry]")
    expect(rows).to_have_count(2)

    box = rows.first.locator("input[type=checkbox]")
    _tab_to(page, box)
    page.keyboard.press("Space")
    expect(box).to_be_checked()
    evaluation = page.locator("#set-evaluation")
    evaluation.focus()
    evaluation.select_option("positive")
    _tab_to(page, page.get_by_role("button", name="Set on the selected entries"))
    page.keyboard.press("Enter")
    expect(page.locator("#flash")).to_contain_text("1 entry updated.")
    expect(page.locator("tr[data-entry] td[data-field=evaluation]")).to_have_text(["Positive", ""])
    save_screenshot(page, "registering/entries.png")
