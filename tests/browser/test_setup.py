"""An administrator creates a salesperson through the setup pages in the browser."""

from collections.abc import Callable
from typing import Any

from segapp.models import Role
from tests.browser_support import save_screenshot


def test_an_admin_creates_a_salesperson_and_a_duplicate_code_is_refused_at_the_field(
    signed_in: Callable[..., Any], live_server: str, db: Any
) -> None:
    from playwright.sync_api import expect

    from segapp.services.demo import load_demo_data

    load_demo_data(db.session, companies=3)  # reference data: the setup lists are not empty in the picture
    db.session.commit()
    page = signed_in("boss", role=Role.ADMIN)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Setup").click()
    page.wait_for_url("**/setup/")
    expect(page.get_by_role("heading", name="Setup", level=1)).to_be_visible()
    save_screenshot(page, "setup.png")

    page.get_by_role("link", name="Salespeople").click()
    page.wait_for_url("**/setup/salespeople/")
    page.get_by_role("link", name="New", exact=True).click()
    expect(page.locator("#code")).to_be_focused()
    page.keyboard.type("GV")
    page.keyboard.press("Tab")
    page.keyboard.type("Giulia Verdi")
    page.keyboard.press("Tab")
    page.keyboard.type("giulia.verdi@example.com")
    page.keyboard.press("Enter")
    page.wait_for_url("**/setup/salespeople/GV/edit")
    expect(page.locator("#flash")).to_contain_text("GV")
    expect(page.locator("[data-key]")).to_have_text("GV")

    page.get_by_role("link", name="Back to the list").click()
    page.wait_for_url("**/setup/salespeople/")
    row = page.locator("#rows tbody tr", has=page.get_by_role("link", name="GV", exact=True))
    expect(row).to_contain_text("Giulia Verdi")

    # The same code again: the form stays, with the message next to the code.
    page.get_by_role("link", name="New", exact=True).click()
    page.locator("#code").fill("GV")
    page.locator("#name").fill("Someone Else")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#code-error")).to_have_text("The code GV already exists.")
    expect(page.locator("#code")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#name")).to_have_value("Someone Else")
    expect(page).to_have_url(live_server + "/setup/salespeople/new")
