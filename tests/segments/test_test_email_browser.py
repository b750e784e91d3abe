"""Send test e-mail from the keyboard in Chromium at 1280x720: Actions ▸ Send test e-mail… opens the dialog with its
first field focused, Enter sends to the test SMTP server and the dialog shows the result, Esc closes it and the focus
goes back to the Actions button."""

from collections.abc import Callable
from typing import Any

from sqlalchemy import update

from segapp.models import SegmentHeader, User
from tests.browser_support import save_screenshot, sign_in
from tests.conftest import PASSWORD
from tests.delivery.conftest import add_template_document, email_segment, make_registrable, make_segment, reference
from tests.smtp_server import SmtpServer

__all__ = ["add_template_document", "email_segment", "make_registrable", "make_segment", "reference"]


def test_send_a_test_email_from_the_keyboard(
    live_server: str,
    new_browser_page: Callable[..., Any],
    db: Any,
    make_user: Callable[..., Any],
    email_segment: Callable[..., SegmentHeader],
    smtp_server: SmtpServer,
) -> None:
    from playwright.sync_api import expect

    header = email_segment(3)
    user = make_user("ann")
    db.session.execute(update(User).where(User.id == user.id).values(email="ann@segapp.example"))
    db.session.commit()
    page = new_browser_page(viewport={"width": 1280, "height": 720})
    sign_in(page, live_server, "ann", PASSWORD)
    page.wait_for_url(live_server + "/")
    page.goto(f"{live_server}/segments/{header.no}")
    page.wait_for_selector("[data-total='lines']")

    menu = page.locator("#segment-actions")
    menu.locator("summary").focus()
    page.keyboard.press("Enter")
    page.keyboard.press("End")  # Delete segment…
    page.keyboard.press("ArrowUp")  # Apply mailing group…
    page.keyboard.press("ArrowUp")
    expect(menu.get_by_role("link", name="Send test e-mail…")).to_be_focused()
    page.keyboard.press("Enter")

    dialog = page.locator("dialog#test-email-dialog[open]")
    expect(dialog).to_be_visible()
    line_no = dialog.get_by_label("Line no.")
    to = dialog.get_by_label("To", exact=True)
    expect(line_no).to_be_focused()
    expect(line_no).to_have_value("10000")
    expect(to).to_have_value("ann@segapp.example")
    # The second line's message to another address: Tab, type, Enter sends.
    page.keyboard.press("Control+A")
    page.keyboard.type("20000")
    page.keyboard.press("Tab")
    expect(to).to_be_focused()
    page.keyboard.press("Control+A")
    page.keyboard.type("me@example.com")
    page.keyboard.press("Enter")
    sent = page.locator("dialog#test-email-dialog[open] [data-test-email-sent]")
    expect(sent).to_contain_text("Test e-mail of line 20000 (contact R00002) sent to me@example.com")
    (received,) = smtp_server.wait_for(1)
    assert received.to == "me@example.com"
    save_screenshot(page, "test-email-sent.png")

    # A bad address: the message at the field, the focus on it, nothing sent.
    to = page.locator("dialog#test-email-dialog[open]").get_by_label("To", exact=True)
    to.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("not an address")
    page.keyboard.press("Enter")
    expect(page.locator("dialog#test-email-dialog[open] #to_address-error")).to_have_text(
        "This is not a valid e-mail address."
    )
    expect(page.locator("dialog#test-email-dialog[open]").get_by_label("To", exact=True)).to_be_focused()
    assert len(smtp_server.messages) == 1

    page.keyboard.press("Escape")
    expect(page.locator("dialog#test-email-dialog[open]")).to_have_count(0)
    expect(menu.locator("summary")).to_be_focused()
