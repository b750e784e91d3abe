"""The contact list's search folds case the one way (segapp.textfold) however a contact was written.

A contact's search column is filled in Python on insert and on ORM updates, and in SQL after the
import's set-based updates: both must give the same fold as the search term, on both databases.
"""

from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from segapp.models import Contact
from segapp.models.contacts import SEARCH_FIELDS, contact_search_text
from segapp.services.demo import load_demo_data
from segapp.services.importing.run import ImportOptions, import_contacts
from tests.contacts.test_list_views import HX, _numbers

# (name, city, what the user types): the letters whose lower case differs between folds.
CASES = [
    ("Straße GmbH", "Köln", "straße"),  # ß stays ß (str.lower; casefold would make it ss)
    ("İzmir Ticaret", "İSTANBUL", "İZMIR"),  # İ lowers to i + combining dot, I to i
    ("ÀNFORA SRL", "Àosta", "ànfora"),
    ("NICCOLÒ Bianchi", "Forlì", "niccolò"),
    ("ØRSTED A/S", "Ørbæk", "ørsted"),
    ("ΑΘΗΝΑΪΚΟΣ ΟΜΙΛΟΣ", "ΑΘΗΝΑ", "αθηναϊκος"),  # a final capital sigma lowers to ς
    ("ЖУКОВ и партнёры", "МОСКВА", "жуков"),
]
CITY_QUERIES = ["köln", "i̇stanbul", "àosta", "FORLÌ", "ørbæk", "αθηνα", "москва"]


def _email(index: int) -> str:
    return f"contact{index}@example.com"


def _assert_each_is_found(client: FlaskClient, numbers: list[str]) -> None:
    for number, (name, _city, query), city_query in zip(numbers, CASES, CITY_QUERIES, strict=True):
        for term in (query, city_query, name, name.lower()):
            response = client.get("/contacts/", query_string={"q": term}, headers=HX)
            assert _numbers(response.get_data(as_text=True)) == [number], (name, term)


@pytest.fixture
def plain_contacts(make_contact: Callable[..., Contact]) -> list[str]:
    """One contact per case, with a plain ASCII name and city, matched by e-mail on import."""
    return [make_contact(f"Plain {index}", city="Pisa", email=_email(index)).no for index in range(len(CASES))]


def test_search_finds_contacts_created_through_the_form(client: FlaskClient, login: Callable, db: Any) -> None:
    login()
    numbers = []
    for index, (name, city, _query) in enumerate(CASES):
        data = {"name": name, "city": city, "email": _email(index), "correspondence_type": ""}
        response = client.post("/contacts/new?type=company", data=data)
        assert response.status_code == 302, response.get_data(as_text=True)
        numbers.append(response.headers["Location"].rstrip("/").rsplit("/", 1)[-1])
    _assert_each_is_found(client, numbers)


def test_search_finds_contacts_edited_through_the_form(
    client: FlaskClient, login: Callable, plain_contacts: list[str]
) -> None:
    login()
    for index, (no, (name, city, _query)) in enumerate(zip(plain_contacts, CASES, strict=True)):
        data = {"no": no, "name": name, "city": city, "email": _email(index), "correspondence_type": ""}
        response = client.post(f"/contacts/{no}/edit", data=data)
        assert response.status_code == 302, response.get_data(as_text=True)
    _assert_each_is_found(client, plain_contacts)


def test_search_finds_contacts_updated_by_an_import(
    client: FlaskClient, login: Callable, db: Any, plain_contacts: list[str]
) -> None:
    # The reported bug: after an import updated "Straße GmbH", "straße" no longer found it on PostgreSQL.
    login()
    rows = [[name, _email(index), city] for index, (name, city, _query) in enumerate(CASES)]
    mapping = {"Name": "name", "E-mail": "email", "City": "city"}
    result = import_contacts(
        db.session, ["Name", "E-mail", "City"], rows, ImportOptions(mapping=mapping, duplicates="update")
    )
    db.session.commit()
    assert (result.created, result.updated, result.errors) == (0, len(CASES), [])
    _assert_each_is_found(client, plain_contacts)


def test_demo_contacts_carry_the_one_fold(db: Any) -> None:
    created = load_demo_data(db.session, companies=5, persons_per_company=2)
    db.session.commit()
    contacts = db.session.scalars(select(Contact)).all()
    assert len(contacts) == created > 5
    for contact in contacts:
        assert contact.search_text == contact_search_text({key: getattr(contact, key) for key in SEARCH_FIELDS})
