"""Registering a segment with e-mail lines in Chromium, from the keyboard: the dialog's one-e-mail-per-contact
option, then the e-mails arrive at the SMTP server on loopback; in English and in Italian."""

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import update

from segapp.models import Contact, SegmentHeader
from tests.browser_support import save_screenshot, sign_in
from tests.conftest import PASSWORD
from tests.smtp_server import SmtpServer

VIEWPORT = {"width": 1280, "height": 720}
TEXTS = {
    "en-GB": ("One e-mail per contact, even when contacts share an address", "has been registered"),
    "it-IT": ("Una e-mail per contatto, anche quando più contatti condividono un indirizzo", "registrato"),
}


@pytest.mark.parametrize("locale", sorted(TEXTS))
def test_register_with_one_email_per_contact_from_the_keyboard_and_the_emails_arrive(
    db: Any,
    live_server: str,
    new_browser_page: Any,
    make_user: Callable[..., Any],
    smtp_server: SmtpServer,
    email_segment: Callable[..., SegmentHeader],
    locale: str,
) -> None:
    from playwright.sync_api import expect

    make_user("ann", full_name="Ann Lee")
    header = email_segment(3)
    db.session.execute(update(Contact).where(Contact.no.in_(["R00002", "R00003"])).values(email="home@example.com"))
    db.session.commit()
    option, registered = TEXTS[locale]
    page = new_browser_page(locale=locale, viewport=VIEWPORT)
    sign_in(page, live_server, "ann", PASSWORD)
    page.wait_for_url(live_server + "/")
    page.goto(f"{live_server}/segments/{header.no}")
    expect(page.locator("tr[data-line-no] td[data-field]").first).to_be_focused()

    page.keyboard.press("Alt+Shift+L")
    dialog = page.locator("[data-register-dialog]")
    expect(dialog).to_contain_text(option)
    expect(page.locator("#register-send")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator("#register-per-contact")).to_be_focused()
    page.keyboard.press("Space")
    expect(page.locator("#register-per-contact")).to_be_checked()
    save_screenshot(page, f"delivery/register-dialog-{locale[:2]}.png")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server}/registered-segments/*")
    expect(page.locator("body")).to_contain_text(registered)
    assert smtp_server.wait_for(3) and sorted(smtp_server.recipients()) == [
        "home@example.com",
        "home@example.com",
        "p1@example.com",
    ]
