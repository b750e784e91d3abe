"""The unsubscribe page in Chromium at 1280x720, in the recipient's language: no sign-in, the confirm button has the
focus, Enter unsubscribes; a bad link says so."""

from collections.abc import Callable
from typing import Any

import pytest

from segapp.models import CompanyInformation, Contact, Role
from segapp.services.delivery.consent import unsubscribe_token
from tests.browser_support import save_screenshot


@pytest.mark.parametrize(
    ("locale", "question", "done", "invalid"),
    [
        (
            "en-GB",
            "Do you want to stop receiving e-mail from Cronus Italia?",
            "You will get no more e-mail from us.",
            "This unsubscribe link is not valid.",
        ),
        (
            "it-IT",
            "Non vuoi più ricevere e-mail da Cronus Italia?",
            "Non riceverai più e-mail da noi.",
            "Questo link per annullare l'iscrizione non è valido.",
        ),
    ],
)
def test_unsubscribe_from_the_keyboard_without_signing_in(
    live_server: str,
    new_browser_page: Callable[..., Any],
    db: Any,
    make_user: Callable[..., Any],
    make_contact: Callable[..., Contact],
    locale: str,
    question: str,
    done: str,
    invalid: str,
) -> None:
    from playwright.sync_api import expect

    make_user("admin", role=Role.ADMIN)  # a user exists: any other page would ask to sign in
    db.session.merge(CompanyInformation(id=1, name="Cronus Italia"))
    ann = make_contact("Ann Lee", email="ann@example.com")
    url = f"{live_server}/unsubscribe/{unsubscribe_token(ann.no)}"
    db.session.rollback()

    page = new_browser_page(locale=locale, viewport={"width": 1280, "height": 720})
    page.goto(url)
    expect(page.locator("main")).to_contain_text(question)
    button = page.locator("main form button[type=submit]")
    expect(button).to_be_focused()
    save_screenshot(page, f"unsubscribe-ask-{locale}.png")
    page.keyboard.press("Enter")
    expect(page.locator("[data-state=done] [role=status]")).to_have_text(done)
    assert page.url == url
    save_screenshot(page, f"unsubscribe-done-{locale}.png")
    db.session.rollback()
    assert db.session.get(Contact, ann.no).email_opt_out is True

    response = page.goto(f"{live_server}/unsubscribe/{unsubscribe_token(ann.no)[:-3]}")
    assert response is not None and response.status == 404
    expect(page.locator("[role=alert]")).to_contain_text(invalid)
    save_screenshot(page, f"unsubscribe-invalid-{locale}.png")
