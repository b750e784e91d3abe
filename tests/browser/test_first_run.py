"""A new installation in the browser: the administrator, signing out and in, Italian for an Italian browser."""

from collections.abc import Callable
from typing import Any

from segapp.models import User
from tests.browser_support import sign_in
from tests.conftest import PASSWORD


def test_the_first_visit_creates_the_administrator_then_signs_out_and_in(live_server: str, browser_page: Any) -> None:
    from playwright.sync_api import expect

    page = browser_page
    page.goto(live_server + "/")
    page.wait_for_url("**/auth/first-admin")
    expect(page.get_by_role("heading", name="Welcome to segapp")).to_be_visible()
    expect(page.locator("#username")).to_be_focused()  # autofocus: typing starts at once
    page.keyboard.type("boss")
    page.keyboard.press("Tab")
    page.keyboard.type("Paola Neri")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(live_server + "/")
    expect(page.get_by_role("heading", name="Home")).to_be_visible()
    expect(page.locator("#flash")).to_contain_text("You are the administrator")
    expect(page.locator(".usermenu")).to_contain_text("Paola Neri")
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Users")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/auth/login")
    expect(page.locator("#flash")).to_contain_text("You have signed out.")
    # The first-run page is closed now that a user exists.
    page.goto(live_server + "/auth/first-admin")
    page.wait_for_url("**/auth/login")

    sign_in(page, live_server, "boss", "not-the-password")
    expect(page.locator("form")).to_contain_text("Unknown username or wrong password.")
    expect(page.locator(".usermenu")).to_have_count(0)

    sign_in(page, live_server, "boss", PASSWORD)
    page.wait_for_url(live_server + "/")
    expect(page.locator(".usermenu")).to_contain_text("Paola Neri")


def test_an_italian_browser_sees_italian_pages(
    live_server: str,
    new_browser_page: Callable[..., Any],
    make_user: Callable[..., User],
    make_contact: Callable[..., Any],
) -> None:
    from playwright.sync_api import expect

    make_user("ann")
    make_contact("Acme S.r.l.")
    page = new_browser_page(locale="it-IT")
    page.goto(live_server + "/")
    page.wait_for_url("**/auth/login**")
    expect(page.locator("html")).to_have_attribute("lang", "it")
    expect(page.get_by_role("heading", name="Accedi")).to_be_visible()
    expect(page.get_by_label("Nome utente")).to_be_visible()

    sign_in(page, live_server, "ann", PASSWORD)
    page.wait_for_url(live_server + "/")
    expect(page.locator(".tiles")).to_contain_text("Società")
    expect(page.locator(".tiles")).to_contain_text("Persone")
    expect(page.get_by_role("button", name="Esci")).to_be_visible()
    expect(page.get_by_role("navigation").get_by_role("link", name="Contatti")).to_be_visible()
