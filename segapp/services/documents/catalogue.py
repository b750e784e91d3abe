"""The merge field catalogue (spec 5): the one place that says which MERGEFIELD names segapp fills and with what.

The starter document, the template checks, the README and the merge all read it. The values of a segment's lines
come from one SELECT (``line_values_select``): the register's INSERT … SELECT copies its ``merge_values`` (a JSON
object built in SQL) into the entries, and a line's letter (download, preview) reads the same SELECT.

The names are stable: templates made by users hold them. Add fields; never rename or remove one.
"""

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, String, and_, cast, func, literal, select
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import ColumnElement

from segapp.models import (
    Campaign,
    CompanyInformation,
    Contact,
    CountryRegion,
    Salesperson,
    SalutationFormula,
    SegmentLine,
    SegmentLineDocument,
    TemplateDocument,
)
from segapp.services.documents.field_sql import filled_formula, iso_date_text, json_text_object, mail_address, text_of

__all__ = [
    "FIELDS",
    "FIELD_NAMES",
    "GROUPS",
    "LineLetter",
    "MergeField",
    "current_template_document_id",
    "find_field",
    "json_text_object",
    "letter_locale",
    "line_letters",
    "line_values_select",
]


@dataclass(frozen=True)
class MergeField:
    """A MERGEFIELD segapp fills: its stable name, what it holds, and an example for the README and starter."""

    name: str
    caption: Any
    group: str
    example: str


# The groups of fields, in the order the starter document and the README show them.
GROUPS: dict[str, Any] = {
    "contact": _l("Contact"),
    "salutation": _l("Salutation"),
    "salesperson": _l("Salesperson"),
    "company": _l("Our company (company information)"),
    "document": _l("Document"),
}

FIELDS: tuple[MergeField, ...] = (
    MergeField("ContactNo", _l("Contact no."), "contact", "CT000123"),
    MergeField("ContactName", _l("Contact name"), "contact", "Anna Verdi"),
    MergeField("CompanyName", _l("Company name (of a person: the company)"), "contact", "Verdi Arredamenti SA"),
    MergeField("Title", _l("Title"), "contact", "Dott.ssa"),
    MergeField("FirstName", _l("First name"), "contact", "Anna"),
    MergeField("MiddleName", _l("Middle name"), "contact", "Maria"),
    MergeField("Surname", _l("Surname"), "contact", "Verdi"),
    MergeField("JobTitle", _l("Job title"), "contact", "Purchasing manager"),
    MergeField("Address", _l("Address"), "contact", "Via Nassa 12"),
    MergeField("Address2", _l("Address 2"), "contact", "Scala B"),
    MergeField("PostCode", _l("Post code"), "contact", "6900"),
    MergeField("City", _l("City"), "contact", "Lugano"),
    MergeField("County", _l("County"), "contact", "TI"),
    MergeField("CountryCode", _l("Country/region code"), "contact", "CH"),
    MergeField("Country", _l("Country/region"), "contact", "Svizzera"),
    MergeField("Email", _l("E-mail"), "contact", "anna.verdi@example.com"),
    MergeField("Phone", _l("Phone"), "contact", "+41 91 1234567"),
    MergeField("Mobile", _l("Mobile phone"), "contact", "+41 79 1234567"),
    MergeField(
        "MailAddress",
        _l("Mail address, on several lines (name, company, address, post code and city, country if not ours)"),
        "contact",
        "Anna Verdi\nVerdi Arredamenti SA\nVia Nassa 12\nScala B\n6900 Lugano TI\nSvizzera",
    ),
    MergeField(
        "AddressBlock",
        _l("Word's address block (Insert Address Block): the mail address"),
        "contact",
        "Anna Verdi\nVerdi Arredamenti SA\nVia Nassa 12\nScala B\n6900 Lugano TI\nSvizzera",
    ),
    MergeField(
        "FormalSalutation",
        _l("Formal salutation, in the letter's language"),
        "salutation",
        "Gentile Dott.ssa Verdi",
    ),
    MergeField("InformalSalutation", _l("Informal salutation, in the letter's language"), "salutation", "Cara Anna"),
    MergeField(
        "GreetingLine",
        _l("Word's greeting line (Insert Greeting Line): the formal salutation"),
        "salutation",
        "Gentile Dott.ssa Verdi",
    ),
    MergeField("SalespersonCode", _l("Salesperson code"), "salesperson", "MR"),
    MergeField("SalespersonName", _l("Salesperson name"), "salesperson", "Mario Rossi"),
    MergeField("SalespersonJobTitle", _l("Salesperson job title"), "salesperson", "Sales manager"),
    MergeField("SalespersonEmail", _l("Salesperson e-mail"), "salesperson", "mario.rossi@example.com"),
    MergeField("SalespersonPhone", _l("Salesperson phone"), "salesperson", "+39 02 7654321"),
    MergeField("OurCompanyName", _l("Our company name"), "company", "Cronos Forniture S.p.A."),
    MergeField("OurAddress", _l("Our address"), "company", "Corso Como 5"),
    MergeField("OurAddress2", _l("Our address 2"), "company", ""),
    MergeField("OurPostCode", _l("Our post code"), "company", "20154"),
    MergeField("OurCity", _l("Our city"), "company", "Milano"),
    MergeField("OurCounty", _l("Our county"), "company", "MI"),
    MergeField("OurCountry", _l("Our country/region"), "company", "Italia"),
    MergeField(
        "OurMailAddress",
        _l("Our mail address, on several lines"),
        "company",
        "Cronos Forniture S.p.A.\nCorso Como 5\n20154 Milano MI",
    ),
    MergeField("OurPhone", _l("Our phone"), "company", "+39 02 5550000"),
    MergeField("OurEmail", _l("Our e-mail"), "company", "info@cronos.example.com"),
    MergeField("OurHomePage", _l("Our home page"), "company", "www.cronos.example.com"),
    MergeField("OurVatNo", _l("Our VAT registration no."), "company", "IT01234567890"),
    MergeField("OurBankName", _l("Our bank"), "company", "Banca Esempio"),
    MergeField("OurIban", _l("Our IBAN"), "company", "IT60X0542811101000000123456"),
    MergeField("OurSwift", _l("Our SWIFT code"), "company", "BEXAITMM"),
    MergeField("Date", _l("Date of the line (as 2026-03-02: format it with a date switch)"), "document", "2026-03-02"),
    MergeField("Subject", _l("Subject"), "document", "La nostra offerta"),
    MergeField("SegmentNo", _l("Segment no."), "document", "SEG00042"),
    MergeField("Description", _l("Description"), "document", "Spring letter"),
    MergeField("CampaignNo", _l("Campaign no."), "document", "CP0007"),
    MergeField("CampaignDescription", _l("Campaign description"), "document", "Trade fair 2026"),
    MergeField("PersonalText", _l("Personal text of the line"), "document", "Thank you for visiting our stand."),
)
FIELD_NAMES = frozenset(field.name for field in FIELDS)
_BY_FOLDED_NAME = {field.name.casefold(): field for field in FIELDS}


def find_field(name: str) -> MergeField | None:
    """The catalogue field a MERGEFIELD name means, in any case (as Word matches them)."""
    return _BY_FOLDED_NAME.get(name.casefold())


def fields_by_group() -> list[tuple[Any, list[MergeField]]]:
    """The catalogue's fields under their group captions, in the catalogue's order."""
    return [(caption, [field for field in FIELDS if field.group == group]) for group, caption in GROUPS.items()]


def readme_table() -> str:
    """The catalogue as a Markdown table, for the README (in the current locale: English there)."""
    rows = ["| Field | Holds | Example |", "|---|---|---|"]
    for caption, fields in fields_by_group():
        rows.append(f"| **{caption}** | | |")
        for field in fields:
            example = field.example.replace("\n", "<br>") if field.example else "—"
            rows.append(f"| `{field.name}` | {field.caption} | {example} |")
    return "\n".join(rows)


@dataclass(frozen=True)
class _Sources:
    """The rows a line's values are read from (aliases in the one SELECT)."""

    contact: Any
    document: Any
    country: Any
    company: Any
    own_country: Any
    salesperson: Any
    campaign: Any
    formula: Any


def _values(s: _Sources) -> dict[str, ColumnElement]:
    """Every catalogue field's value as an SQL expression over the line and the rows joined to it."""
    contact, company = s.contact, s.company
    line = SegmentLine
    return {
        "ContactNo": text_of(contact.no),
        "ContactName": text_of(contact.name),
        "CompanyName": text_of(contact.company_name),
        "Title": text_of(contact.title),
        "FirstName": text_of(contact.first_name),
        "MiddleName": text_of(contact.middle_name),
        "Surname": text_of(contact.surname),
        "JobTitle": text_of(contact.job_title),
        "Address": text_of(contact.address),
        "Address2": text_of(contact.address_2),
        "PostCode": text_of(contact.post_code),
        "City": text_of(contact.city),
        "County": text_of(contact.county),
        "CountryCode": text_of(contact.country_code),
        "Country": func.coalesce(func.nullif(s.country.name, ""), text_of(contact.country_code)),
        "Email": text_of(contact.email),
        "Phone": text_of(contact.phone),
        "Mobile": text_of(contact.mobile),
        "MailAddress": mail_address(contact, s.country.name, company.country_code),
        # Word's ADDRESSBLOCK and GREETINGLINE fields are merged as fields of these names (segapp.merge).
        "AddressBlock": mail_address(contact, s.country.name, company.country_code),
        "FormalSalutation": filled_formula(s.formula.formal, contact),
        "InformalSalutation": filled_formula(s.formula.informal, contact),
        "GreetingLine": filled_formula(s.formula.formal, contact),
        "SalespersonCode": text_of(line.salesperson_code),
        "SalespersonName": text_of(s.salesperson.name),
        "SalespersonJobTitle": text_of(s.salesperson.job_title),
        "SalespersonEmail": text_of(s.salesperson.email),
        "SalespersonPhone": text_of(s.salesperson.phone),
        "OurCompanyName": text_of(company.name),
        "OurAddress": text_of(company.address),
        "OurAddress2": text_of(company.address_2),
        "OurPostCode": text_of(company.post_code),
        "OurCity": text_of(company.city),
        "OurCounty": text_of(company.county),
        "OurCountry": func.coalesce(func.nullif(s.own_country.name, ""), text_of(company.country_code)),
        # Our own address, as we would write it on an envelope to ourselves: the country left out.
        "OurMailAddress": mail_address(company, s.own_country.name, company.country_code),
        "OurPhone": text_of(company.phone),
        "OurEmail": text_of(company.email),
        "OurHomePage": text_of(company.home_page),
        "OurVatNo": text_of(company.vat_no),
        "OurBankName": text_of(company.bank_name),
        "OurIban": text_of(company.iban),
        "OurSwift": text_of(company.swift),
        "Date": iso_date_text(line.date),
        "Subject": text_of(line.subject),
        "SegmentNo": text_of(line.segment_no),
        "Description": text_of(line.description),
        "CampaignNo": text_of(line.campaign_no),
        "CampaignDescription": text_of(s.campaign.description),
        "PersonalText": text_of(s.document.personal_text),
    }


def current_template_document_id(template_code: Any, language_code: Any) -> Any:
    """The id of the newest document version of a template in a language (NULL when it has none)."""
    return (
        select(func.max(TemplateDocument.id))
        .where(TemplateDocument.template_code == template_code, TemplateDocument.language_code == language_code)
        .scalar_subquery()
    )


def line_values_select(segment_no: str, line_nos: Sequence[int] | None = None) -> Select:
    """One row per line of the segment: line_no, template_document_id (the newest version of the line's
    template in the line's language, NULL if none), language_code, personalised (a personalised file exists)
    and merge_values (JSON text: every catalogue field's name to its value, '' where the line has none)."""
    s = _Sources(
        contact=aliased(Contact),
        document=aliased(SegmentLineDocument),
        country=aliased(CountryRegion),
        company=aliased(CompanyInformation),
        own_country=aliased(CountryRegion),
        salesperson=aliased(Salesperson),
        campaign=aliased(Campaign),
        formula=aliased(SalutationFormula),
    )
    pairs: list[Any] = []
    for name, value in _values(s).items():
        pairs += [literal(name, String), cast(value, String)]
    # The salutation in the letter's language: the line's (the contact's when the template has a document in
    # it, spec 3.2), else the contact's own.
    letter_language = func.coalesce(SegmentLine.language_code, s.contact.language_code)
    query = (
        select(
            SegmentLine.line_no,
            current_template_document_id(SegmentLine.interaction_template_code, SegmentLine.language_code).label(
                "template_document_id"
            ),
            SegmentLine.language_code,
            s.document.content.is_not(None).label("personalised"),
            json_text_object(*pairs).label("merge_values"),
        )
        .outerjoin(s.contact, s.contact.no == SegmentLine.contact_no)
        .outerjoin(
            s.document,
            and_(
                s.document.segment_no == SegmentLine.segment_no,
                s.document.line_no == SegmentLine.line_no,
                s.document.removed_by_action_id.is_(None),
            ),
        )
        .outerjoin(s.country, s.country.code == s.contact.country_code)
        # Company information is the one row with id 1 (none yet on a new installation).
        .outerjoin(s.company, s.company.id == 1)
        .outerjoin(s.own_country, s.own_country.code == s.company.country_code)
        .outerjoin(s.salesperson, s.salesperson.code == SegmentLine.salesperson_code)
        .outerjoin(s.campaign, s.campaign.no == SegmentLine.campaign_no)
        .outerjoin(
            s.formula,
            and_(s.formula.salutation_code == s.contact.salutation_code, s.formula.language_code == letter_language),
        )
        .where(SegmentLine.segment_no == segment_no)
        .order_by(SegmentLine.line_no)
    )
    if line_nos is not None:
        query = query.where(SegmentLine.line_no.in_(list(line_nos)))
    return query


@dataclass(frozen=True)
class LineLetter:
    """What a line's letter is merged from."""

    line_no: int
    template_document_id: int | None
    language_code: str | None
    personalised: bool
    values: dict[str, str]


def line_letters(session: Session, segment_no: str, line_nos: Sequence[int] | None = None) -> dict[int, LineLetter]:
    """The letters of some lines (or all) of a segment, by line no."""
    rows = session.execute(line_values_select(segment_no, line_nos)).all()
    return {
        row.line_no: LineLetter(
            row.line_no,
            row.template_document_id,
            row.language_code,
            bool(row.personalised),
            json.loads(row.merge_values),
        )
        for row in rows
    }


def letter_locale(language_code: str | None) -> str:
    """The locale a letter in this language is merged in (month names, decimal comma): "it" or "en"."""
    return "it" if (language_code or "").upper().startswith("IT") else "en"
