"""Contact numbers: letters, digits, - _ . (not first, no ..), at most 20, upper case; form and import alike."""

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from segapp.contact_numbers import is_valid_contact_no
from segapp.models import Contact
from segapp.services.importing.run import ImportOptions, import_contacts

BAD = ["A/B", "A B", "-A1", ".A1", "_A1", "A..B", "A" * 21, "CAFÉ1", "A%2FB", "A?B", "A#B"]
GOOD = ["CT000001", "A", "A-1", "A_1", "A.1.B", "A" * 20, "0-9_Z."]


@pytest.mark.parametrize("no", GOOD)
def test_good_numbers(no: str) -> None:
    assert is_valid_contact_no(no)


@pytest.mark.parametrize("no", [*BAD, "lower1", ""])
def test_bad_numbers(no: str) -> None:
    assert not is_valid_contact_no(no)


def test_the_form_refuses_a_bad_number_and_upper_cases_a_good_one(
    db: Any, client: FlaskClient, login: Callable
) -> None:
    login()
    for no in ("a/b", "x..y", ".a"):
        response = client.post("/contacts/new?type=company", data={"no": no, "name": "Acme", "correspondence_type": ""})
        assert response.status_code == 422 and "at most 20 letters, digits" in response.get_data(as_text=True)
    response = client.post(
        "/contacts/new?type=company", data={"no": "ct-7.a", "name": "Acme", "correspondence_type": ""}
    )
    assert response.status_code == 302
    db.session.rollback()
    assert db.session.scalars(select(Contact.no)).all() == ["CT-7.A"]


def test_the_import_applies_the_same_rule(db: Any) -> None:
    rows = [["a/b", "Slash Ltd"], ["x..y", "Dots Ltd"], ["ct-9", "Lower Ltd"]]
    result = import_contacts(db.session, ["No.", "Name"], rows, ImportOptions({"No.": "no", "Name": "name"}))
    assert [e.row_number for e in result.errors] == [2, 3]
    assert "a/b" in result.errors[0].message and "at most 20 letters, digits" in result.errors[0].message
    result = import_contacts(
        db.session, ["No.", "Name"], rows, ImportOptions({"No.": "no", "Name": "name"}, skip_invalid_rows=True)
    )
    db.session.commit()
    assert result.created == 1
    assert db.session.scalars(select(Contact.no)).all() == ["CT-9"]


def test_the_import_matches_existing_numbers_whatever_their_case(db: Any, make_contact: Callable[..., Contact]) -> None:
    make_contact("Old lower", no="lower1", city="Pisa")
    make_contact("Old company", no="comp1")
    result = import_contacts(
        db.session,
        ["No.", "Name", "City", "Company no.", "Type"],
        [["LOWER1", "New name", "Roma", "", ""], ["", "Anna Rossi", "", "Comp1", "person"]],
        ImportOptions(
            {"No.": "no", "Name": "name", "City": "city", "Company no.": "company_no", "Type": "type"},
            duplicates="update",
        ),
    )
    db.session.commit()
    assert (result.created, result.updated, result.errors) == (1, 1, [])
    db.session.expire_all()
    contacts = {c.no: c for c in db.session.scalars(select(Contact))}
    assert set(contacts) == {"lower1", "comp1", "CT000001"}
    assert (contacts["lower1"].name, contacts["lower1"].city) == ("New name", "Roma")
    assert contacts["CT000001"].company_no == "comp1"


def test_a_command_lists_existing_contacts_whose_numbers_break_the_rule(
    app: Flask, db: Any, make_contact: Callable[..., Contact]
) -> None:
    runner = app.test_cli_runner()
    make_contact("Fine", no="CT000001")
    result = runner.invoke(args=["check-contact-numbers"])
    assert result.exit_code == 0 and "Every contact number follows the rule" in result.output
    make_contact("Slash", no="A/B")
    make_contact("Lower", no="lower1")
    result = runner.invoke(args=["check-contact-numbers"])
    assert result.exit_code == 1
    assert "A/B\tSlash" in result.output and "lower1\tLower" in result.output and "CT000001" not in result.output
    assert "2 contact numbers break the rule" in result.output
    db.session.expire_all()
    assert len(db.session.scalars(select(Contact)).all()) == 3  # nothing renamed or removed
