"""The home page: counts in the user's locale that lead to their lists, and the first steps of a new installation."""

from typing import Any

from lxml import html
from sqlalchemy import insert

from segapp.models import CompanyInformation, Contact, ContactType, Role
from segapp.services.demo import DEMO_COMPANY_NAME, load_demo_data, needs_first_steps


def _companies(db: Any, count: int) -> None:
    """``count`` companies in one statement (enough to need a thousands separator)."""
    rows = [
        dict(no=f"HX{k:06d}", type=ContactType.COMPANY, name=f"Company {k}", company_no=f"HX{k:06d}")
        for k in range(count)
    ]
    db.session.execute(insert(Contact), rows)
    db.session.commit()


def _set_company_name(db: Any, name: str) -> None:
    info = db.session.get(CompanyInformation, 1) or CompanyInformation(id=1)
    info.name = name
    db.session.merge(info)
    db.session.commit()


def test_first_steps_are_needed_while_the_installation_is_empty_or_the_demo() -> None:
    assert needs_first_steps(0, "Rossi S.p.A.")
    assert needs_first_steps(2401, DEMO_COMPANY_NAME)
    assert needs_first_steps(12, "")
    assert not needs_first_steps(12, "Rossi S.p.A.")


def test_counts_use_the_users_thousands_separator_and_link_to_their_lists(client, login, db) -> None:
    _companies(db, 2101)
    login("ugo", language="it")
    page = html.fromstring(client.get("/").get_data(as_text=True))
    companies = page.xpath('//a[@data-count="companies"]')[0]
    assert companies.text_content() == "2.101"
    assert companies.get("href") == "/contacts/?type=company"
    assert page.xpath('//a[@data-count="persons"]')[0].get("href") == "/contacts/?type=person"
    assert page.xpath('//a[@data-count="segments"]')[0].get("href") == "/segments/"
    client.post("/auth/logout", data={})
    login("ann", language="en")
    page = html.fromstring(client.get("/").get_data(as_text=True))
    assert page.xpath('//*[@data-count="companies"]')[0].text_content() == "2,101"


def test_an_empty_installation_shows_the_administrator_every_next_step(client, login) -> None:
    login("mario", role=Role.ADMIN)
    page = html.fromstring(client.get("/").get_data(as_text=True))
    steps = page.xpath('//section[@id="first-steps"]//li')
    assert [step.get("data-step") for step in steps] == ["company", "users", "import", "segment"]
    links = page.xpath('//section[@id="first-steps"]//a/@href')
    assert links == ["/setup/company-information", "/setup/marketing", "/users/new", "/contacts/import"]
    assert page.xpath('//li[@data-step="segment"]//form/@action') == ["/segments/new"]


def test_a_user_sees_only_the_steps_they_may_take(client, login) -> None:
    login("ann", role=Role.USER)
    page = html.fromstring(client.get("/").get_data(as_text=True))
    assert [step.get("data-step") for step in page.xpath('//section[@id="first-steps"]//li')] == ["import", "segment"]


def test_the_demo_installation_shows_the_steps_until_the_company_is_set_up(client, login, db) -> None:
    load_demo_data(db.session, companies=3)
    db.session.commit()
    login("mario", role=Role.ADMIN)
    page = client.get("/").get_data(as_text=True)
    assert 'id="first-steps"' in page and "<code>flask demo-data --remove</code>" in page
    _set_company_name(db, "Rossi Forniture S.p.A.")
    assert 'id="first-steps"' not in client.get("/").get_data(as_text=True)
