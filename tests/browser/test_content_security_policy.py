"""Every main page in Chromium under the Content-Security-Policy: no violation, no script error."""

from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from segapp.models import Contact, ContactType, Role, User
from segapp.setup.registry import TABLES
from tests.browser_support import sign_in
from tests.conftest import PASSWORD


class Problems:
    """Console CSP reports and uncaught script errors of a page, with the URL where they happened."""

    def __init__(self, page: Any) -> None:
        self.found: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.found.append(f"{page.url}: script error: {error}"))
        self._page = page

    def _console(self, message: Any) -> None:
        text = message.text
        if "Content Security Policy" in text or "Refused to" in text or "unsafe-eval" in text:
            self.found.append(f"{self._page.url}: {text}")


def _visit(page: Any, url: str) -> None:
    response = page.goto(url)
    assert response is not None and response.status == 200, (url, response and response.status)
    assert "default-src 'self'" in response.headers.get("content-security-policy", ""), url
    page.wait_for_load_state("networkidle")


def test_no_page_breaks_the_content_security_policy(
    live_server: str, browser_page: Any, db: Any, make_user: Callable[..., User]
) -> None:
    from playwright.sync_api import expect

    from segapp.services.demo import load_demo_data

    load_demo_data(db.session, companies=3)
    db.session.commit()
    company = db.session.scalar(select(Contact.no).where(Contact.type == ContactType.COMPANY).order_by(Contact.no))
    person = db.session.scalar(select(Contact.no).where(Contact.type == ContactType.PERSON).order_by(Contact.no))
    page = browser_page
    problems = Problems(page)

    _visit(page, live_server + "/auth/first-admin")
    admin = make_user("boss", role=Role.ADMIN)
    sign_in(page, live_server, "boss", PASSWORD)
    page.wait_for_url(live_server + "/")

    urls = [
        "/",
        "/auth/profile",
        "/contacts/",
        f"/contacts/{company}",
        f"/contacts/{person}",
        f"/contacts/{company}/edit",
        f"/contacts/{person}/delete",
        f"/contacts/{person}/anonymise",
        "/contacts/new?type=company",
        "/contacts/new?type=person",
        "/contacts/import",
        "/segments/",
        "/setup/",
        "/setup/company-information",
        "/setup/marketing",
        "/setup/number-series/",
        "/setup/number-series/CONTACT/edit",
        "/users/",
        "/users/new",
        f"/users/{admin.id}/edit",
    ]
    for table in TABLES:
        urls += [f"/setup/{table.slug}/", f"/setup/{table.slug}/new"]
    for url in urls:
        _visit(page, live_server + url)
    for table in TABLES:  # the edit page of the first row of each table, detail sections included
        _visit(page, live_server + f"/setup/{table.slug}/")
        first = page.locator("#rows tbody tr a").first
        if first.count():
            first.click()
            page.wait_for_load_state("networkidle")

    # htmx at work: active search on the contacts list.
    _visit(page, live_server + "/contacts/")
    page.locator("#contact-search").fill("a")
    page.wait_for_load_state("networkidle")

    # The segment page: a new segment, a header field, a line typed from the keyboard, the shortcuts.
    _visit(page, live_server + "/segments/")
    page.get_by_role("button", name="New segment").click()
    page.wait_for_url("**/segments/SEG*")
    page.locator("#h-description").fill("CSP check")
    page.keyboard.press("Tab")
    expect(page.locator("#segment-title")).to_contain_text("CSP check")
    page.keyboard.press("Control+Insert")
    expect(page.locator("[data-new-contact]")).to_be_focused()
    page.keyboard.type(company)
    page.keyboard.press("Enter")
    expect(page.locator('[data-total="lines"]')).to_have_text("1")
    page.keyboard.press("Escape")
    page.keyboard.press("F1")
    page.wait_for_load_state("networkidle")
    _visit(page, page.url)

    assert problems.found == []
