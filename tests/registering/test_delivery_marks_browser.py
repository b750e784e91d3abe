"""From the keyboard in Chromium: on a registered segment, select an entry and mark its delivery failed with the
reason (Enter in the reason marks it); the entry, the summary and Retry failed show it."""

from typing import Any

from segapp.models import CorrespondenceType, DeliveryStatus
from tests.browser_support import save_screenshot, sign_in
from tests.conftest import PASSWORD
from tests.registering.registered_support import make_registered, make_segment, reference

__all__ = ["make_registered", "make_segment", "reference"]


def _tab_to(page: Any, locator: Any, limit: int = 60) -> None:
    """Press Tab until ``locator`` has the focus (as a keyboard user would)."""
    for _ in range(limit):
        if locator.evaluate("element => element === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError("never reached by Tab")


def test_mark_a_bounce_from_the_keyboard(
    live_server: str, browser_page: Any, make_user: Any, make_registered: Any
) -> None:
    from playwright.sync_api import expect

    make_user("ann")
    sent = {"correspondence_type": CorrespondenceType.EMAIL, "delivery_status": DeliveryStatus.SENT}
    registered = make_registered("SEG00001", entries=3, outcomes=[sent] * 3, description="Spring e-mails")
    page = browser_page
    sign_in(page, live_server, "ann", PASSWORD)
    page.wait_for_url(live_server + "/")
    page.goto(f"{live_server}/registered-segments/{registered.entry_no}")
    summary = page.locator("table.delivery-summary tr[data-delivery=email]")
    expect(summary.locator("td[data-status=sent]")).to_have_text("3")
    expect(page.locator("#retry-form")).to_have_count(0)

    row = page.locator("tr[data-entry]").filter(has_text="RC00002")
    box = row.locator("input[name=entry]")
    _tab_to(page, box)
    page.keyboard.press("Space")
    expect(box).to_be_checked()
    reason = page.get_by_label("Delivery failed: reason")
    _tab_to(page, reason)
    page.keyboard.type("550 mailbox unavailable (bounce of 3 March)")
    page.keyboard.press("Enter")

    expect(page.locator("#flash")).to_contain_text("1 entry marked as failed delivery.")
    row = page.locator("tr[data-entry]").filter(has_text="RC00002")
    expect(row.locator("td[data-field=delivery_status]")).to_contain_text("Error")
    expect(row.locator("[data-field=delivery_error]")).to_have_text("550 mailbox unavailable (bounce of 3 March)")
    expect(summary.locator("td[data-status=error]")).to_have_text("1")
    expect(summary.locator("td[data-status=sent]")).to_have_text("2")
    expect(page.get_by_role("button", name="Retry failed")).to_be_visible()
    save_screenshot(page, "registering/registered-segment-delivery-marked.png")
