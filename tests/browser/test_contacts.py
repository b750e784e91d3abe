"""The contacts list and card in the browser: active search, "/" to search, keyboard to the card."""

import re
from collections.abc import Callable
from typing import Any

from segapp.models import Contact, ContactType, Role
from tests.browser_support import save_screenshot


def _tab_to(page: Any, name: str, limit: int = 40) -> None:
    """Press Tab until the focused element's text is ``name``."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("() => (document.activeElement.textContent || '').trim()") == name:
            return
    raise AssertionError(f"{name} is not reachable with Tab")


def test_the_search_narrows_the_list_as_one_types_and_a_card_opens_from_the_keyboard(
    signed_in: Callable[..., Any], live_server: str, make_contact: Callable[..., Contact]
) -> None:
    from playwright.sync_api import expect

    acme = make_contact("Acme S.r.l.", city="Milano")
    make_contact("Ann Lee", company=acme, email="ann@acme.example")
    make_contact("Bob Gallo", company=acme)
    beta = make_contact("Beta Foods", city="Torino")
    make_contact("Carla Verdi", company=beta)
    make_contact("Delta Print", city="Roma")
    page = signed_in("ann", role=Role.USER)

    page.goto(live_server + "/contacts/")
    rows = page.locator("#contact-table tbody tr[data-contact]")
    expect(rows).to_have_count(6)
    page.evaluate("() => { window.__noReload = 'still here'; }")

    # "/" from anywhere on the page goes to the search box.
    page.locator("main").focus()
    page.keyboard.press("/")
    expect(page.locator("#contact-search")).to_be_focused()
    page.keyboard.type("acm")  # the name of the company, the e-mail of one of its persons
    expect(rows).to_have_count(2)
    expect(page.locator("#contact-table tbody")).to_contain_text("Acme S.r.l.")
    expect(page.locator("#contact-table tbody")).to_contain_text("Ann Lee")
    page.keyboard.press("Backspace")
    page.keyboard.press("Backspace")
    page.keyboard.press("Backspace")
    page.keyboard.type("Torino")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Beta Foods")
    page.keyboard.press("Control+A")
    page.keyboard.type("nobody at all")
    expect(page.locator("#contact-table")).to_contain_text("No contact matches.")
    expect(rows).to_have_count(0)
    page.keyboard.press("Control+A")
    page.keyboard.type("acme s.r")
    expect(rows).to_have_count(1)
    assert page.evaluate("() => window.__noReload") == "still here", "the page was reloaded"
    expect(page).to_have_url(re.compile(r"/contacts/\?q=acme(%20|\+)s\.r&"))  # pushed: Back and reload keep it

    # Tab from the search box to the company's number and open its card with Enter.
    _tab_to(page, acme.no)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/contacts/{acme.no}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Acme S.r.l.")
    persons = page.locator("#persons")
    expect(persons.locator("tr[data-person]")).to_have_count(2)
    expect(persons).to_contain_text("Ann Lee")
    expect(persons).to_contain_text("Bob Gallo")
    expect(persons).not_to_contain_text("Carla Verdi")


def test_pictures_of_the_main_pages_with_demo_data(signed_in: Callable[..., Any], live_server: str, db: Any) -> None:
    from playwright.sync_api import expect
    from sqlalchemy import func, select

    from segapp.services.demo import load_demo_data
    from segapp.services.segments.records import create_segment

    load_demo_data(db.session, companies=30)
    for description in ("Autumn letter", "Trade fair invitations"):
        create_segment(db.session, None).description = description
    db.session.commit()
    companies = db.session.scalar(select(func.count()).select_from(Contact).where(Contact.type == ContactType.COMPANY))
    persons = db.session.scalar(select(func.count()).select_from(Contact).where(Contact.type == ContactType.PERSON))
    company = db.session.scalars(
        select(Contact).where(Contact.type == ContactType.COMPANY).order_by(Contact.no).limit(1)
    ).one()
    page = signed_in("mario", role=Role.ADMIN, full_name="Mario Rossi")

    expect(page.locator('[data-count="companies"]')).to_have_text(str(companies))
    expect(page.locator('[data-count="persons"]')).to_have_text(str(persons))
    expect(page.locator('[data-count="segments"]')).to_have_text("2")
    save_screenshot(page, "home.png")

    page.goto(live_server + "/contacts/")
    expect(page.locator("#contact-table tbody tr[data-contact]").first).to_be_visible()
    expect(page.locator("#contact-table [data-total]")).to_contain_text(f"{companies + persons}")
    save_screenshot(page, "contacts-list.png")

    page.goto(live_server + f"/contacts/{company.no}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(company.name)
    expect(page.locator("#persons tr[data-person]").first).to_be_visible()
    save_screenshot(page, "contact-card.png")


def test_the_list_from_the_keyboard_arrow_keys_into_the_results_and_next_lands_on_the_first_row(
    signed_in: Callable[..., Any], live_server: str, make_contact: Callable[..., Contact]
) -> None:
    from playwright.sync_api import expect

    for n in range(55):
        make_contact(
            f"Società Cooperativa Agricola del Nord Est numero {n:02d}",
            no=f"C{n:03d}",
            post_code="20121",
            city="San Giovanni in Persiceto",
            phone="+39 051 123 4567",
            email=f"amministrazione.{n:02d}@cooperativa-agricola.example",
        )
    page = signed_in("ann", role=Role.USER)
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(live_server + "/contacts/")
    rows = page.locator("#contact-table tbody tr[data-contact]")
    expect(rows).to_have_count(50)

    save_screenshot(page, "contacts-list-1280.png")
    # 50 rows one line each: phone and post code never wrap.
    heights = page.evaluate(
        "() => [...document.querySelectorAll('#contact-table tbody tr')].map(r => r.getBoundingClientRect().height)"
    )
    assert max(heights) < 36, heights
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 1280

    # The name is a link to the card.
    expect(rows.first.get_by_role("link", name=re.compile("numero 00"))).to_have_attribute("href", "/contacts/C000")

    # "/" to the search box, ArrowDown into the results, up and down between them, up again to the box.
    page.locator("main").focus()
    page.keyboard.press("/")
    page.keyboard.type("amministrazione.1")
    expect(rows).to_have_count(10)
    page.keyboard.press("ArrowDown")
    expect(rows.nth(0).locator("a[data-row-link]")).to_be_focused()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(rows.nth(2).locator("a[data-row-link]")).to_be_focused()
    page.keyboard.press("ArrowUp")
    expect(rows.nth(1).locator("a[data-row-link]")).to_be_focused()
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    expect(page.locator("#contact-search")).to_be_focused()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url("**/contacts/C011")
    expect(page.get_by_role("heading", level=1)).to_contain_text("numero 11")

    # Next (from the keyboard, at the bottom of the page) lands at the top with the first row focused.
    page.goto(live_server + "/contacts/")
    next_link = page.locator("nav.pager a[rel=next]")
    next_link.focus()
    assert page.evaluate("() => window.scrollY") > 0
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"after_no=C049"))
    expect(rows).to_have_count(5)
    expect(rows.first.locator("a[data-row-link]")).to_be_focused()
    expect(rows.first).to_contain_text("numero 50")
    assert page.evaluate("() => window.scrollY") == 0
    page.keyboard.press("ArrowDown")
    expect(rows.nth(1).locator("a[data-row-link]")).to_be_focused()

    # Previous goes back by keyset to the first page, focus again on its first row.
    page.locator("nav.pager a[rel=prev]").focus()
    page.keyboard.press("Enter")
    expect(rows).to_have_count(50)
    expect(rows.first.locator("a[data-row-link]")).to_be_focused()
    expect(rows.first).to_contain_text("numero 00")
