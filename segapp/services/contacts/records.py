"""Contacts: create, change, delete and anonymise them by the rules of spec 2."""

from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from sqlalchemy import ColumnElement, and_, exists, func, or_, select, update
from sqlalchemy.orm import Session, aliased

from segapp.contact_numbers import is_valid_contact_no, normalise_contact_no
from segapp.importing import IMPORT_FIELDS
from segapp.models import (
    Contact,
    ContactType,
    CountryRegion,
    InteractionLogEntry,
    Language,
    MarketingSetup,
    Salesperson,
    Salutation,
    SegmentLine,
    Territory,
)
from segapp.models.contacts import SEARCH_FIELDS, SEARCH_TEXT_LENGTH
from segapp.numbers import count_text
from segapp.services.contacts.relations import remove_all_relations
from segapp.services.delivery.consent import set_email_opt_out
from segapp.services.documents.erasure import erase_contact_letters
from segapp.services.errors import ServiceError
from segapp.services.setup.number_series import CONTACT_SERIES, next_number, series_for
from segapp.textfold import folded

# The contact's code fields: the reference table each names, and its column with a readable name
# (the card's suggestions, the import's lookups by code or name).
CODE_TABLES: dict[str, tuple[Any, Any]] = {
    "salesperson_code": (Salesperson, Salesperson.name),
    "territory_code": (Territory, Territory.name),
    "country_code": (CountryRegion, CountryRegion.name),
    "language_code": (Language, Language.name),
    "salutation_code": (Salutation, Salutation.description),
}

# Plain fields a user edits on the card: the contact fields of segapp.importing but type, no. and
# company, which are handled apart, and the e-mail opt-out, which keeps its time (set_email_opt_out).
EDITABLE_FIELDS = tuple(
    f for f in IMPORT_FIELDS if f not in {"no", "type", "company_no", "company_name", "email_opt_out"}
)

# Fields erased by anonymise.
PERSONAL_FIELDS = (
    "name",
    "first_name",
    "middle_name",
    "surname",
    "title",
    "address",
    "address_2",
    "post_code",
    "city",
    "county",
    "email",
    "phone",
    "mobile",
    "job_title",
)


def persons_of(company_no: str) -> ColumnElement[bool]:
    """The condition that picks the persons of a company."""
    return (Contact.company_no == company_no) & (Contact.type == ContactType.PERSON)


def on_segment_line(session: Session, no: str) -> str | None:
    """The no. of an unlogged segment that has this contact on a line, else None."""
    return session.scalar(select(SegmentLine.segment_no).where(SegmentLine.contact_no == no).limit(1))


def check_email(email: str) -> None:
    """Refuse an e-mail address that is not well formed (blank is fine)."""
    if not email:
        return
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as error:
        raise ServiceError(_("%(email)s is not a valid e-mail address.", email=email), field="email") from error


def check_codes(session: Session, values: dict[str, Any]) -> None:
    """Refuse codes of salesperson, territory, country, language and salutation that do not exist."""
    for field, (model, _label) in CODE_TABLES.items():
        code = values.get(field)
        if code and session.get(model, code) is None:
            raise ServiceError(_("The code %(code)s does not exist.", code=code), field=field)


def _company(session: Session, no: str) -> Contact:
    company = session.get(Contact, no)
    if company is None:
        raise ServiceError(_("The contact %(no)s does not exist.", no=no), field="company_no")
    if company.type != ContactType.COMPANY:
        raise ServiceError(_("%(no)s is a person, not a company.", no=no), field="company_no")
    return company


def contact_no_message() -> str:
    """Why a contact no. is refused (see segapp.contact_numbers)."""
    return _("A contact no. has at most 20 letters, digits, and - _ . (not first, never two dots in a row).")


def _normalise(values: dict[str, Any]) -> dict[str, Any]:
    clean = {key: values[key] for key in EDITABLE_FIELDS if key in values}
    for field in CODE_TABLES:
        if field in clean:
            clean[field] = (clean[field] or "").strip().upper() or None
    return clean


def create_contact(session: Session, contact_type: ContactType, values: dict[str, Any]) -> Contact:
    """Create a company or a person; the no. comes from the contact series unless given."""
    clean = _normalise(values)
    check_codes(session, clean)
    check_email(clean.get("email", ""))
    no = normalise_contact_no(values.get("no"))
    if no and not is_valid_contact_no(no):
        raise ServiceError(contact_no_message(), field="no")
    if no and session.get(Contact, no) is not None:
        raise ServiceError(_("The no. %(no)s is taken.", no=no), field="no")
    company = None
    if contact_type == ContactType.PERSON and values.get("company_no"):
        company = _company(session, values["company_no"].strip().upper())
    contact = Contact(no=no or next_number(session, series_for(session, CONTACT_SERIES)), type=contact_type, **clean)
    _fill_name(contact)
    if contact_type == ContactType.COMPANY:
        contact.company_no, contact.company_name = contact.no, contact.name
    elif company is not None:
        contact.company_no, contact.company_name = company.no, company.name
    session.add(contact)
    session.flush()
    apply_new_contact_defaults(session, Contact.no == contact.no)
    if values.get("email_opt_out"):
        set_email_opt_out(session, contact.no, True)
    session.refresh(contact)
    return contact


# What a new person takes from its company when its own is blank (as Business Central does). The address
# goes as a whole: a person with a city of its own keeps it and takes no street from the company.
INHERITED_ADDRESS = ("address", "address_2", "post_code", "city", "county", "country_code")
INHERITED_CODES = ("territory_code", "salesperson_code", "language_code")
# Filling a new contact's blanks, or its derived search column, is no change by a user: keep the
# modified stamp (the column's onupdate would set it on every UPDATE).
UNCHANGED_STAMP = {"modified_at": Contact.modified_at}


def apply_new_contact_defaults(session: Session, where: ColumnElement[bool]) -> None:
    """Fill the blanks of the new contacts matching ``where``: persons take their company's address and
    territory, salesperson and language; a language still blank is marketing setup's default.

    One rule for contacts made by hand and by import: ``where`` names the new ones (``Contact.no == no``,
    or an import's ``Contact.created_at == stamp``). Three UPDATEs whatever their number; values the user
    gave are never replaced.
    """
    company = aliased(Contact)

    def of_company(field: str) -> Any:
        return select(getattr(company, field)).where(company.no == Contact.company_no).scalar_subquery()

    persons = and_(
        where, Contact.type == ContactType.PERSON, Contact.company_no.is_not(None), Contact.company_no != Contact.no
    )
    no_address = and_(*(getattr(Contact, f) == "" for f in INHERITED_ADDRESS[:-1]), Contact.country_code.is_(None))
    moved = session.execute(
        update(Contact)
        .where(persons, no_address)
        .values({**{field: of_company(field) for field in INHERITED_ADDRESS}, **UNCHANGED_STAMP})
        .execution_options(synchronize_session=False)
    ).rowcount
    session.execute(
        update(Contact)
        .where(persons, or_(*(getattr(Contact, f).is_(None) for f in INHERITED_CODES)))
        .values({**{f: func.coalesce(getattr(Contact, f), of_company(f)) for f in INHERITED_CODES}, **UNCHANGED_STAMP})
        .execution_options(synchronize_session=False)
    )
    language = session.scalar(select(MarketingSetup.default_language_code).where(MarketingSetup.id == 1))
    if language:
        session.execute(
            update(Contact)
            .where(where, Contact.language_code.is_(None))
            .values(language_code=language, **UNCHANGED_STAMP)
            .execution_options(synchronize_session=False)
        )
    if moved:
        refresh_search_text(session, where)  # the city is searched


def update_contact(session: Session, contact: Contact, values: dict[str, Any]) -> Contact:
    """Change a contact's fields; a person's company cannot change while it is on a segment line."""
    clean = _normalise(values)
    check_codes(session, clean)
    check_email(clean.get("email", ""))
    if contact.type == ContactType.PERSON and "company_no" in values:
        _change_company(session, contact, (values["company_no"] or "").strip().upper() or None)
    for key, value in clean.items():
        setattr(contact, key, value)
    _fill_name(contact)
    if contact.type == ContactType.COMPANY:
        contact.company_no, contact.company_name = contact.no, contact.name
        session.execute(update(Contact).where(persons_of(contact.no)).values(company_name=contact.name))
    session.flush()
    if "email_opt_out" in values and bool(values["email_opt_out"]) != contact.email_opt_out:
        set_email_opt_out(session, contact.no, bool(values["email_opt_out"]))
    return contact


def _fill_name(contact: Contact) -> None:
    """A person's name is made of its parts when the user left it blank."""
    if contact.type == ContactType.PERSON and not contact.name:
        parts = (contact.first_name, contact.middle_name, contact.surname)
        contact.name = " ".join(part for part in parts if part)
    if not contact.name:
        raise ServiceError(_("A name is required."), field="name")


def _change_company(session: Session, contact: Contact, company_no: str | None) -> None:
    if company_no == contact.company_no:
        return
    segment_no = on_segment_line(session, contact.no)
    if segment_no:
        raise ServiceError(
            _(
                "The company of %(no)s cannot change while the contact is on segment %(segment)s.",
                no=contact.no,
                segment=segment_no,
            ),
            field="company_no",
        )
    if company_no is None:
        contact.company_no, contact.company_name = None, ""
        return
    company = _company(session, company_no)
    contact.company_no, contact.company_name = company.no, company.name


def set_privacy_blocked(session: Session, contact: Contact, blocked: bool) -> None:
    """Mark a contact as privacy blocked (it may not be put on a segment) or clear the mark."""
    contact.privacy_blocked = blocked
    session.flush()


def delete_contact(session: Session, contact: Contact) -> None:
    """Delete a contact with its relations; refused while it is on a segment line, has persons or history."""
    if segment_no := on_segment_line(session, contact.no):
        raise ServiceError(
            _("%(no)s is on segment %(segment)s and cannot be deleted.", no=contact.no, segment=segment_no)
        )
    if contact.type == ContactType.COMPANY:
        persons = session.scalar(select(func.count()).select_from(Contact).where(persons_of(contact.no)))
        if persons:
            raise ServiceError(
                count_text(
                    "The company %(no)s still has %(num)s person and cannot be deleted.",
                    "The company %(no)s still has %(num)s persons and cannot be deleted.",
                    persons,
                    no=contact.no,
                )
            )
    if session.scalar(select(exists().where(InteractionLogEntry.contact_no == contact.no))):
        raise ServiceError(
            _("%(no)s has interaction log entries and cannot be deleted; anonymise it instead.", no=contact.no)
        )
    remove_all_relations(session, contact.no)
    session.delete(contact)
    session.flush()


def anonymise_contact(session: Session, contact: Contact) -> None:
    """Erase a contact's personal fields and relations; its interaction log entries stay."""
    if segment_no := on_segment_line(session, contact.no):
        message = _("%(no)s is on segment %(segment)s and cannot be anonymised.", no=contact.no, segment=segment_no)
        raise ServiceError(message)
    for field in PERSONAL_FIELDS:
        setattr(contact, field, "")
    contact.salutation_code = None
    contact.anonymised = True
    contact.privacy_blocked = True
    if contact.type == ContactType.COMPANY:
        contact.company_name = ""
        session.execute(update(Contact).where(persons_of(contact.no)).values(company_name=""))
    remove_all_relations(session, contact.no)
    # Its entries stay, but not what their letters kept of it (the letter produced again shows the gaps).
    erase_contact_letters(session, contact.no)
    session.flush()


def refresh_search_text(session: Session, where: ColumnElement[bool] | None = None) -> None:
    """Recompute the search column in one statement, for set-based writes that bypass the ORM."""
    source = func.coalesce(getattr(Contact, SEARCH_FIELDS[0]), "")
    for field in SEARCH_FIELDS[1:]:
        source = source + " " + func.coalesce(getattr(Contact, field), "")
    # The same fold and cut as contact_search_text, in SQL (substr counts characters on both engines).
    statement = (
        update(Contact)
        .values(search_text=func.substr(folded(source), 1, SEARCH_TEXT_LENGTH), **UNCHANGED_STAMP)
        .execution_options(synchronize_session=False)
    )
    if where is not None:
        statement = statement.where(where)
    session.execute(statement)
