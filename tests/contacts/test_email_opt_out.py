"""A contact's e-mail opt-out (spec 5, consent): the card's button and the form's checkbox keep its time, the
list shows a badge, the import and export carry the column, the criteria filter on it."""

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select, update

from segapp.importing import guess_mapping
from segapp.models import Contact
from segapp.services.contacts.records import create_contact, update_contact
from segapp.services.criteria.matching import FieldFilter, match_condition
from segapp.services.importing.files import open_import_file
from segapp.services.importing.run import ImportOptions, import_contacts


def _fresh(db: Any, no: str) -> Contact:
    db.session.rollback()  # ends the test's read transaction, so the request's commit is seen
    return db.session.scalars(select(Contact).where(Contact.no == no)).one()


def test_the_card_button_opts_out_and_shows_since_when(
    db: Any, client: FlaskClient, login: Callable, make_contact: Callable
) -> None:
    login("ann")
    acme = make_contact("Acme", email="info@acme.it")
    card = client.get(f"/contacts/{acme.no}").get_data(as_text=True)
    assert "<dd data-email-opt-out>No</dd>" in card and "No e-mail (opt out)" in card
    response = client.post(f"/contacts/{acme.no}/email-opt-out", data={"opted_out": "1"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert f"{acme.no} gets no more e-mail." in page
    fresh = _fresh(db, acme.no)
    assert fresh.email_opt_out is True and fresh.email_opt_out_at is not None
    since = fresh.email_opt_out_at
    assert f"<dd data-email-opt-out>Yes, since {since.month}/{since.day}/{since.strftime('%y')}</dd>" in page
    assert "Allow e-mail again" in page
    client.post(f"/contacts/{acme.no}/email-opt-out", data={"opted_out": "0"})
    fresh = _fresh(db, acme.no)
    assert (fresh.email_opt_out, fresh.email_opt_out_at) == (False, None)


def test_the_card_button_of_a_missing_contact_is_a_404(client: FlaskClient, login: Callable) -> None:
    login("ann")
    assert client.post("/contacts/NOPE/email-opt-out", data={"opted_out": "1"}).status_code == 404


def test_a_viewer_cannot_opt_a_contact_out(
    db: Any, client: FlaskClient, login: Callable, make_contact: Callable
) -> None:
    from segapp.models import Role

    login("vera", role=Role.VIEWER)
    acme = make_contact("Acme")
    assert "No e-mail (opt out)" not in client.get(f"/contacts/{acme.no}").get_data(as_text=True)
    assert client.post(f"/contacts/{acme.no}/email-opt-out", data={"opted_out": "1"}).status_code == 403
    assert _fresh(db, acme.no).email_opt_out is False


def test_the_form_checkbox_goes_through_the_consent_rule(
    db: Any, client: FlaskClient, login: Callable, make_contact: Callable
) -> None:
    login("ann")
    acme = make_contact("Acme", email="info@acme.it")
    form = client.get(f"/contacts/{acme.no}/edit").get_data(as_text=True)
    assert 'name="email_opt_out"' in form and "No e-mail (opted out)" in form
    data = {"name": "Acme", "email": "info@acme.it", "correspondence_type": "", "email_opt_out": "y"}
    assert client.post(f"/contacts/{acme.no}/edit", data=data).status_code == 302
    first = _fresh(db, acme.no).email_opt_out_at
    assert first is not None
    # Saved again with the box still ticked: the time of the opt-out stays.
    client.post(f"/contacts/{acme.no}/edit", data={**data, "phone": "02 1"})
    assert _fresh(db, acme.no).email_opt_out_at == first
    box = re.search(
        r"<input[^>]*name=\"email_opt_out\"[^>]*>", client.get(f"/contacts/{acme.no}/edit").get_data(as_text=True)
    )
    assert box and "checked" in box.group(0)
    del data["email_opt_out"]
    client.post(f"/contacts/{acme.no}/edit", data=data)
    fresh = _fresh(db, acme.no)
    assert (fresh.email_opt_out, fresh.email_opt_out_at) == (False, None)


def test_a_new_contact_may_start_opted_out(db: Any) -> None:
    from segapp.models import ContactType

    made = create_contact(db.session, ContactType.COMPANY, {"name": "Beta", "email_opt_out": True})
    db.session.commit()
    fresh = _fresh(db, made.no)
    assert fresh.email_opt_out is True and fresh.email_opt_out_at is not None
    update_contact(db.session, fresh, {"name": "Beta", "email_opt_out": False})
    db.session.commit()
    assert _fresh(db, made.no).email_opt_out_at is None


def test_the_list_shows_a_badge(client: FlaskClient, login: Callable, make_contact: Callable) -> None:
    login("ann")
    make_contact("Acme", email="info@acme.it", email_opt_out=True)
    make_contact("Beta", email="info@beta.it")
    page = client.get("/contacts/").get_data(as_text=True)
    assert page.count("data-email-opt-out") == 1
    acme_row = next(part for part in page.split("<tr ")[1:] if "info@acme.it" in part)
    assert '<span class="badge" data-email-opt-out>No e-mail</span>' in acme_row


def _import(db: Any, tmp_path: Path, text: str, duplicates: str = "update") -> Any:
    path = tmp_path / "contacts.csv"
    path.write_text(text, encoding="utf-8")
    table = open_import_file(path, path.name, 20 * 1024 * 1024)
    result = import_contacts(
        db.session, table.columns, table.rows(), ImportOptions(guess_mapping(table.columns), duplicates)
    )
    db.session.commit()
    return result


def test_the_import_reads_the_column_and_stamps_the_time(db: Any, tmp_path: Path) -> None:
    assert guess_mapping(["Name", "E-mail", "Unsubscribed"])["Unsubscribed"] == "email_opt_out"
    assert guess_mapping(["Nome", "Nessuna e-mail (opt-out)"])["Nessuna e-mail (opt-out)"] == "email_opt_out"
    result = _import(db, tmp_path, "Name,E-mail,No e-mail (opted out)\nAcme,a@acme.it,yes\nBeta,b@beta.it,no\n")
    assert (result.created, result.errors) == (2, [])
    rows = dict(db.session.execute(select(Contact.name, Contact.email_opt_out_at.is_not(None))).tuples().all())
    flags = dict(db.session.execute(select(Contact.name, Contact.email_opt_out)).tuples().all())
    assert flags == {"Acme": True, "Beta": False} and rows == {"Acme": True, "Beta": False}


def test_updating_by_import_keeps_the_first_time_and_opting_in_clears_it(
    db: Any, tmp_path: Path, make_contact: Callable
) -> None:
    from datetime import UTC, datetime

    acme = make_contact("Acme", email="a@acme.it")
    beta = make_contact("Beta", email="b@beta.it")
    then = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
    db.session.execute(update(Contact).where(Contact.no == beta.no).values(email_opt_out=True, email_opt_out_at=then))
    db.session.commit()
    text = f"No.,Name,Email opt out\n{acme.no},Acme,yes\n{beta.no},Beta,yes\n"
    result = _import(db, tmp_path, text)
    assert (result.updated, result.errors) == (2, [])
    assert _fresh(db, acme.no).email_opt_out_at is not None
    assert _fresh(db, beta.no).email_opt_out_at.replace(tzinfo=UTC) == then
    result = _import(db, tmp_path, f"No.,Name,Email opt out\n{beta.no},Beta,no\n")
    fresh = _fresh(db, beta.no)
    assert (fresh.email_opt_out, fresh.email_opt_out_at) == (False, None)


def test_a_bad_value_in_the_column_is_reported_on_its_row(db: Any, tmp_path: Path) -> None:
    result = _import(db, tmp_path, "Name,Unsubscribed\nAcme,perhaps\n")
    assert result.created == 0
    assert 'No e-mail (opted out) must be yes or no, not "perhaps".' in str(result.errors)


def test_the_criteria_filter_on_the_opt_out(db: Any, make_contact: Callable) -> None:
    make_contact("Acme", email_opt_out=True)
    make_contact("Beta")
    condition = match_condition([FieldFilter(1, "contact", "email_opt_out", "Yes")], locale="en")
    assert db.session.scalars(select(Contact.name).where(condition)).all() == ["Acme"]
