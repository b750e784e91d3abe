"""The merge values of a segment's lines come from one SELECT, on both databases: every catalogue field."""

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update

from segapp.models import (
    Contact,
    CountryRegion,
    Salesperson,
    Salutation,
    SalutationFormula,
    SegmentHeader,
    SegmentLine,
    SegmentLineDocument,
)
from segapp.services.contacts.addresses import mail_address_lines
from segapp.services.documents.catalogue import (
    FIELD_NAMES,
    FIELDS,
    GROUPS,
    fields_by_group,
    find_field,
    letter_locale,
    line_letters,
    line_values_select,
    readme_table,
)
from segapp.services.setup.settings import save_company_information
from tests.sqlcount import count_statements


def test_each_line_has_its_contacts_values_and_personal_text(
    db: Any, make_registrable: Callable[..., SegmentHeader]
) -> None:
    header = make_registrable(lines=2)
    db.session.add(SegmentLineDocument(segment_no=header.no, line_no=20000, personal_text="Grazie, Luca!\nA presto"))
    db.session.commit()

    letters = line_letters(db.session, header.no)

    assert sorted(letters) == [10000, 20000]
    assert letters[10000].values["ContactName"] == "Person 00001"
    assert letters[10000].values["PersonalText"] == ""
    assert letters[20000].values["PersonalText"] == "Grazie, Luca!\nA presto"
    assert letters[20000].template_document_id is None  # LETTER has no document yet
    assert not letters[20000].personalised
    row = db.session.execute(line_values_select(header.no, [10000])).one()
    assert json.loads(row.merge_values)["ContactNo"] == "R00001"


def test_field_names_match_in_any_case_as_in_word() -> None:
    assert find_field("contactname") is find_field("ContactName") is not None
    assert find_field("NoSuchField") is None


def test_every_field_has_a_group_and_names_are_unique_in_any_case() -> None:
    assert len({field.name.casefold() for field in FIELDS}) == len(FIELDS)
    assert {field.group for field in FIELDS} == set(GROUPS)
    assert [field for _caption, fields in fields_by_group() for field in fields] == sorted(
        FIELDS, key=lambda field: list(GROUPS).index(field.group)
    )


@pytest.fixture
def full_line(db: Any, make_registrable: Callable[..., SegmentHeader]) -> SegmentHeader:
    """Line 10000 of a segment: a person of a Swiss company with every field set, salutation, salesperson,
    campaign, our company information in Italy."""
    header = make_registrable(lines=2)
    s = db.session
    s.add_all(
        [
            CountryRegion(code="CH", name="Svizzera"),
            CountryRegion(code="IT", name="Italia"),
            CountryRegion(code="XX", name=""),
            Salutation(code="F", description="Female"),
        ]
    )
    s.flush()
    s.add_all(
        [
            SalutationFormula(
                salutation_code="F",
                language_code="ITA",
                formal="Gentile {title} {surname},",
                informal="Cara {first_name}",
            ),
            SalutationFormula(
                salutation_code="F", language_code="ENU", formal="Dear Ms {surname}", informal="Dear {first_name}"
            ),
        ]
    )
    s.flush()
    save_company_information(
        s,
        dict(
            name="Cronos Forniture S.p.A.",
            address="Corso Como 5",
            post_code="20154",
            city="Milano",
            county="MI",
            country_code="IT",
            phone="+39 02 5550000",
            email="info@cronos.example.com",
            home_page="www.cronos.example.com",
            vat_no="IT01234567890",
            bank_name="Banca Esempio",
            iban="IT60X0542811101000000123456",
            swift="BEXAITMM",
        ),
    )
    s.execute(
        update(Contact)
        .where(Contact.no == "R00001")
        .values(
            name="Anna Verdi",
            title="Dott.ssa",
            first_name="Anna",
            middle_name="Maria",
            surname="Verdi",
            company_name="Verdi Arredamenti SA",
            job_title="Buyer",
            address="Via Nassa 12",
            address_2="Scala B",
            post_code="6900",
            city="Lugano",
            county="TI",
            country_code="CH",
            email="anna@example.com",
            phone="+41 91 1234567",
            mobile="+41 79 1234567",
            salutation_code="F",
        )
    )
    s.execute(update(Salesperson).where(Salesperson.code == "MR").values(job_title="Sales", email="mr@example.com"))
    s.add(SegmentLineDocument(segment_no=header.no, line_no=10000, personal_text="Grazie!"))
    s.commit()
    return header


def test_every_catalogue_field_has_its_value(db: Any, full_line: SegmentHeader) -> None:
    values = line_letters(db.session, full_line.no)[10000].values

    assert set(values) == FIELD_NAMES
    assert values == {
        "ContactNo": "R00001",
        "ContactName": "Anna Verdi",
        "CompanyName": "Verdi Arredamenti SA",
        "Title": "Dott.ssa",
        "FirstName": "Anna",
        "MiddleName": "Maria",
        "Surname": "Verdi",
        "JobTitle": "Buyer",
        "Address": "Via Nassa 12",
        "Address2": "Scala B",
        "PostCode": "6900",
        "City": "Lugano",
        "County": "TI",
        "CountryCode": "CH",
        "Country": "Svizzera",
        "Email": "anna@example.com",
        "Phone": "+41 91 1234567",
        "Mobile": "+41 79 1234567",
        "MailAddress": "Anna Verdi\nVerdi Arredamenti SA\nVia Nassa 12\nScala B\n6900 Lugano TI\nSvizzera",
        "AddressBlock": "Anna Verdi\nVerdi Arredamenti SA\nVia Nassa 12\nScala B\n6900 Lugano TI\nSvizzera",
        "FormalSalutation": "Gentile Dott.ssa Verdi,",
        "InformalSalutation": "Cara Anna",
        "GreetingLine": "Gentile Dott.ssa Verdi,",
        "SalespersonCode": "MR",
        "SalespersonName": "Mario Rossi",
        "SalespersonJobTitle": "Sales",
        "SalespersonEmail": "mr@example.com",
        "SalespersonPhone": "",
        "OurCompanyName": "Cronos Forniture S.p.A.",
        "OurAddress": "Corso Como 5",
        "OurAddress2": "",
        "OurPostCode": "20154",
        "OurCity": "Milano",
        "OurCounty": "MI",
        "OurCountry": "Italia",
        "OurMailAddress": "Cronos Forniture S.p.A.\nCorso Como 5\n20154 Milano MI",
        "OurPhone": "+39 02 5550000",
        "OurEmail": "info@cronos.example.com",
        "OurHomePage": "www.cronos.example.com",
        "OurVatNo": "IT01234567890",
        "OurBankName": "Banca Esempio",
        "OurIban": "IT60X0542811101000000123456",
        "OurSwift": "BEXAITMM",
        "Date": "2026-03-02",
        "Subject": "La nostra offerta",
        "SegmentNo": full_line.no,
        "Description": "Spring letter",
        "CampaignNo": "CP1",
        "CampaignDescription": "Fair",
        "PersonalText": "Grazie!",
    }


def test_a_contact_with_nothing_set_gives_blanks_not_nulls(db: Any, full_line: SegmentHeader) -> None:
    db.session.execute(
        update(SegmentLine)
        .where(SegmentLine.segment_no == full_line.no, SegmentLine.line_no == 20000)
        .values(contact_no=None, salesperson_code=None, campaign_no=None, date=None, language_code=None)
    )
    db.session.commit()

    values = line_letters(db.session, full_line.no)[20000].values

    assert set(values) == FIELD_NAMES
    blank = {
        name
        for name in FIELD_NAMES
        if not name.startswith("Our") and name not in ("Subject", "SegmentNo", "Description")
    }
    assert {name: values[name] for name in blank} == dict.fromkeys(blank, "")


def test_the_salutation_follows_the_letters_language(db: Any, full_line: SegmentHeader) -> None:
    db.session.execute(update(SegmentLine).where(SegmentLine.line_no == 10000).values(language_code="ENU"))
    db.session.execute(update(Contact).where(Contact.no == "R00001").values(title="", surname=""))
    db.session.commit()

    values = line_letters(db.session, full_line.no, [10000])[10000].values

    assert (values["FormalSalutation"], values["InformalSalutation"]) == ("Dear Ms", "Dear Anna")
    db.session.execute(update(SegmentLine).where(SegmentLine.line_no == 10000).values(language_code="ITA"))
    db.session.commit()
    # Blank title and surname leave no double space and no space before the comma.
    assert line_letters(db.session, full_line.no, [10000])[10000].values["FormalSalutation"] == "Gentile,"


@pytest.mark.parametrize(
    "address",
    [
        {"name": "Anna Verdi", "company_name": "Anna Verdi", "city": "Milano", "country_code": "IT"},
        {"name": " Bob ", "company_name": "Acme", "address": "  ", "post_code": "", "city": "Roma", "county": "RM"},
        {"name": "", "company_name": "", "address": "Via X 1", "post_code": "00100", "country_code": "CH"},
        {"name": "Zed", "company_name": "", "address_2": "c/o Y", "post_code": "8000", "country_code": "XX"},
        {"name": "", "company_name": "", "address": ""},
    ],
    ids=["same-company-own-country", "blank-parts", "no-name-foreign", "unknown-country-name", "empty"],
)
def test_the_mail_address_is_the_one_of_the_labels(db: Any, full_line: SegmentHeader, address: dict[str, Any]) -> None:
    blank = dict.fromkeys(("address", "address_2", "post_code", "city", "county"), "")
    row = {**blank, "country_code": None, **address}
    db.session.execute(update(Contact).where(Contact.no == "R00001").values(**row))
    db.session.commit()
    names = {"CH": "Svizzera", "IT": "Italia"}

    values = line_letters(db.session, full_line.no, [10000])[10000].values

    expected = mail_address_lines({**row, "country_name": names.get(row["country_code"] or "")}, "IT")
    assert values["MailAddress"].split("\n") == (expected or [""])


def test_the_values_of_a_large_segment_are_one_statement(
    db: Any, make_registrable: Callable[..., SegmentHeader]
) -> None:
    small, large = make_registrable(lines=3), make_registrable(lines=300)
    for header, lines in ((small, 3), (large, 300)):
        with count_statements(db.engine) as counted:
            assert len(line_letters(db.session, header.no)) == lines
        assert counted.count == 1, counted.statements


def test_the_letter_locale_of_italian_languages_is_italian() -> None:
    assert [letter_locale(code) for code in ("ITA", "ita", "ITS", "ENU", "DEU", None)] == [
        "it",
        "it",
        "it",
        "en",
        "en",
        "en",
    ]


def test_a_line_date_is_iso_text_on_both_databases(db: Any, full_line: SegmentHeader) -> None:
    db.session.execute(update(SegmentLine).where(SegmentLine.line_no == 10000).values(date=date(2026, 12, 31)))
    db.session.commit()
    assert line_letters(db.session, full_line.no, [10000])[10000].values["Date"] == "2026-12-31"


README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_readme_lists_every_field_as_the_catalogue_defines_it(app: Any) -> None:
    with app.test_request_context():
        table = readme_table()
    assert table in README.read_text(encoding="utf-8")
    assert all(f"| `{field.name}` |" in table for field in FIELDS)
