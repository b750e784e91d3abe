"""The Italian home page of a demo installation: counts with the Italian separator, first steps from the keyboard."""

from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select

from segapp.models import Contact, ContactType, Role, User
from tests.browser_support import save_screenshot, sign_in
from tests.conftest import PASSWORD


def _tab_to(page: Any, selector: str, limit: int = 60) -> None:
    """Press Tab until the element has the focus (fails when it is never reached)."""
    for _press in range(limit):
        if page.evaluate("s => document.activeElement === document.querySelector(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def test_italian_home_shows_formatted_counts_and_first_steps_from_the_keyboard(
    live_server: str, new_browser_page: Callable[..., Any], make_user: Callable[..., User], db: Any
) -> None:
    from playwright.sync_api import expect

    from segapp.services.demo import load_demo_data

    load_demo_data(db.session, language="it")
    db.session.commit()
    persons = db.session.scalar(select(func.count()).select_from(Contact).where(Contact.type == ContactType.PERSON))
    assert persons > 999
    make_user("mario", role=Role.ADMIN, language="it")
    page = new_browser_page(locale="it-IT", viewport={"width": 1280, "height": 720})
    sign_in(page, live_server, "mario", PASSWORD)
    page.wait_for_url(live_server + "/")

    expect(page.locator('[data-count="persons"]')).to_have_text(f"{persons:,}".replace(",", "."))
    expect(page.locator('[data-count="companies"]')).to_have_text("300")
    steps = page.locator("#first-steps")
    expect(steps.get_by_role("heading", name="Primi passi")).to_be_in_viewport()
    expect(steps.get_by_role("link", name="Importa i tuoi contatti da un file CSV o Excel")).to_be_in_viewport()
    expect(steps.get_by_role("button", name="Crea un segmento")).to_be_in_viewport()
    expect(page.locator("#demo-note code")).to_have_text("flask demo-data --remove")
    save_screenshot(page, "home-it.png")

    _tab_to(page, '#first-steps a[href="/setup/company-information"]')
    page.keyboard.press("Enter")
    page.wait_for_url(live_server + "/setup/company-information")

    page.goto(live_server + "/")
    _tab_to(page, '[data-count="persons"]')
    page.keyboard.press("Enter")
    page.wait_for_url(live_server + "/contacts/?type=person")
    expect(page.locator("#contact-table [data-total]")).to_contain_text(f"{persons:,}".replace(",", "."))
