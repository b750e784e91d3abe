"""How imported rows are stored: every column as the ORM would store it, duplicates looked up once per file."""

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import event, select

from segapp.models import Contact, ContactType, CorrespondenceType
from segapp.models.contacts import contact_search_text
from segapp.services.importing.run import ImportOptions, import_contacts
from segapp.textfold import SQLITE_FOLD_FUNCTION

COLUMNS = ["Company", "First name", "Surname", "E-mail", "City", "Correspondence", "Blocked"]
MAPPING = {
    "Company": "company_name",
    "First name": "first_name",
    "Surname": "surname",
    "E-mail": "email",
    "City": "city",
    "Correspondence": "correspondence_type",
    "Blocked": "privacy_blocked",
}


def test_imported_rows_have_every_column_the_list_and_search_need(db: Any) -> None:
    before = datetime.now(UTC) - timedelta(seconds=5)
    rows = [
        ["Ölwerke GmbH", "", "", "Info@Oelwerke.DE", "Düsseldorf", "e-mail", "no"],
        ["Ölwerke GmbH", "Jürgen", "Straß", "j.strass@oelwerke.de", "Köln", "paper", "yes"],
    ]
    result = import_contacts(db.session, COLUMNS, rows, ImportOptions(dict(MAPPING)))
    db.session.commit()
    assert (result.created, result.errors) == (2, [])
    db.session.expire_all()
    company, person = db.session.scalars(select(Contact).order_by(Contact.type, Contact.no)).all()
    assert (company.type, company.name, company.company_no, company.company_name) == (
        ContactType.COMPANY,
        "Ölwerke GmbH",
        company.no,
        "Ölwerke GmbH",
    )
    assert (person.type, person.name, person.company_no, person.company_name) == (
        ContactType.PERSON,
        "Jürgen Straß",
        company.no,
        "Ölwerke GmbH",
    )
    assert company.correspondence_type == CorrespondenceType.EMAIL and company.privacy_blocked is False
    assert person.correspondence_type == CorrespondenceType.HARD_COPY and person.privacy_blocked is True
    assert person.exclude_from_segment is False and person.anonymised is False
    assert person.title == "" and person.salesperson_code is None and person.country_code is None
    for contact in (company, person):
        fields = {"no": contact.no, "name": contact.name, "city": contact.city, "email": contact.email}
        assert contact.search_text == contact_search_text(fields)
        assert contact.created_at == contact.modified_at
        created = contact.created_at if contact.created_at.tzinfo else contact.created_at.replace(tzinfo=UTC)
        assert before <= created <= datetime.now(UTC) + timedelta(seconds=5)
    assert "jürgen straß" in person.search_text  # the one fold (str.lower) keeps ß


def test_duplicates_are_looked_up_once_per_file_whatever_its_size(db: Any, make_contact: Any) -> None:
    make_contact("Existing Co", email="Shared@Example.com")
    rows = [[f"Company {n}", "", "", f"c{n}@example.com", "Milano", "", ""] for n in range(6000)]
    rows.append(["Other name", "", "", "shared@example.COM", "Roma", "", ""])
    rows.append(["existing co", "", "", "", "Roma", "", ""])
    statements: list[str] = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        result = import_contacts(db.session, COLUMNS, rows, ImportOptions(dict(MAPPING)))
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    db.session.commit()
    assert (result.created, result.skipped, result.errors) == (6000, 2, [])
    fold_call = "lower(" if db.engine.dialect.name == "postgresql" else f"{SQLITE_FOLD_FUNCTION}("
    lookups = [s for s in statements if s.lstrip().upper().startswith("SELECT") and fold_call in s]
    # One query for the e-mails and one for the company names, not one per few thousand rows.
    assert len(lookups) == 2, lookups
    assert all(len(s) < 1000 for s in lookups)  # the keys travel as one parameter
