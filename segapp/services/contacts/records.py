"""Contacts: create and change them, their relations, and the rules of spec 2."""

from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from sqlalchemy import ColumnElement, and_, delete, exists, func, or_, select, update
from sqlalchemy.orm import Session, aliased

from segapp.models import (
    BusinessRelation,
    Contact,
    ContactBusinessRelation,
    ContactIndustryGroup,
    ContactJobResponsibility,
    ContactMailingGroup,
    ContactProfileAnswer,
    ContactType,
    CountryRegion,
    IndustryGroup,
    InteractionLogEntry,
    JobResponsibility,
    Language,
    MailingGroup,
    MarketingSetup,
    ProfileAnswer,
    ProfileQuestion,
    ProfileQuestionnaire,
    QuestionnaireAppliesTo,
    Salesperson,
    Salutation,
    SegmentLine,
    Territory,
)
from segapp.models.contacts import SEARCH_FIELDS, SEARCH_TEXT_LENGTH
from segapp.services.errors import ServiceError
from segapp.services.setup.number_series import CONTACT_SERIES, next_number, series_for

# Form field -> (model whose code it names, its primary key column).
CODE_FIELDS: dict[str, Any] = {
    "salesperson_code": Salesperson.code,
    "territory_code": Territory.code,
    "country_code": CountryRegion.code,
    "language_code": Language.code,
    "salutation_code": Salutation.code,
}

# Plain fields a user edits on the card; type, no. and company are handled apart.
EDITABLE_FIELDS = (
    "name",
    "first_name",
    "middle_name",
    "surname",
    "title",
    "salutation_code",
    "address",
    "address_2",
    "post_code",
    "city",
    "county",
    "country_code",
    "territory_code",
    "salesperson_code",
    "language_code",
    "correspondence_type",
    "email",
    "phone",
    "mobile",
    "job_title",
    "exclude_from_segment",
    "privacy_blocked",
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

# Relation kind -> (link model, its code column, the reference model's code column, for companies, for persons).
RELATIONS: dict[str, tuple[Any, Any, Any, bool, bool]] = {
    "mailing_group": (ContactMailingGroup, ContactMailingGroup.mailing_group_code, MailingGroup.code, True, True),
    "industry_group": (ContactIndustryGroup, ContactIndustryGroup.industry_group_code, IndustryGroup.code, True, False),
    "business_relation": (
        ContactBusinessRelation,
        ContactBusinessRelation.business_relation_code,
        BusinessRelation.code,
        True,
        False,
    ),
    "job_responsibility": (
        ContactJobResponsibility,
        ContactJobResponsibility.job_responsibility_code,
        JobResponsibility.code,
        False,
        True,
    ),
}
RELATION_MODELS = (
    ContactMailingGroup,
    ContactIndustryGroup,
    ContactBusinessRelation,
    ContactJobResponsibility,
    ContactProfileAnswer,
)


def get_contact(session: Session, no: str) -> Contact:
    """The contact with this no., or a ServiceError naming it."""
    contact = session.get(Contact, no)
    if contact is None:
        raise ServiceError(_("The contact %(no)s does not exist.", no=no), field="no")
    return contact


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
    for field, column in CODE_FIELDS.items():
        code = values.get(field)
        if code and session.scalar(select(column).where(column == code)) is None:
            raise ServiceError(_("The code %(code)s does not exist.", code=code), field=field)


def _company(session: Session, no: str) -> Contact:
    company = session.get(Contact, no)
    if company is None:
        raise ServiceError(_("The contact %(no)s does not exist.", no=no), field="company_no")
    if company.type != ContactType.COMPANY:
        raise ServiceError(_("%(no)s is a person, not a company.", no=no), field="company_no")
    return company


def _normalise(values: dict[str, Any]) -> dict[str, Any]:
    clean = {key: values[key] for key in EDITABLE_FIELDS if key in values}
    for field in CODE_FIELDS:
        if field in clean:
            clean[field] = (clean[field] or "").strip().upper() or None
    return clean


def create_contact(session: Session, contact_type: ContactType, values: dict[str, Any]) -> Contact:
    """Create a company or a person; the no. comes from the contact series unless given."""
    clean = _normalise(values)
    check_codes(session, clean)
    check_email(clean.get("email", ""))
    no = (values.get("no") or "").strip().upper()
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
    session.refresh(contact)
    return contact


# What a new person takes from its company when its own is blank (as Business Central does). The address
# goes as a whole: a person with a city of its own keeps it and takes no street from the company.
INHERITED_ADDRESS = ("address", "address_2", "post_code", "city", "county", "country_code")
INHERITED_CODES = ("territory_code", "salesperson_code", "language_code")


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
        .values({field: of_company(field) for field in INHERITED_ADDRESS})
        .execution_options(synchronize_session=False)
    ).rowcount
    session.execute(
        update(Contact)
        .where(persons, or_(*(getattr(Contact, f).is_(None) for f in INHERITED_CODES)))
        .values({f: func.coalesce(getattr(Contact, f), of_company(f)) for f in INHERITED_CODES})
        .execution_options(synchronize_session=False)
    )
    language = session.scalar(select(MarketingSetup.default_language_code).where(MarketingSetup.id == 1))
    if language:
        session.execute(
            update(Contact)
            .where(where, Contact.language_code.is_(None))
            .values(language_code=language)
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
        session.execute(
            update(Contact)
            .where(Contact.company_no == contact.no, Contact.type == ContactType.PERSON)
            .values(company_name=contact.name)
        )
    session.flush()
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
    segment_no = on_segment_line(session, contact.no)
    if segment_no:
        raise ServiceError(
            _("%(no)s is on segment %(segment)s and cannot be deleted.", no=contact.no, segment=segment_no)
        )
    if contact.type == ContactType.COMPANY:
        persons = session.scalar(
            select(func.count())
            .select_from(Contact)
            .where(Contact.company_no == contact.no, Contact.type == ContactType.PERSON)
        )
        if persons:
            raise ServiceError(
                _("The company %(no)s still has %(n)d persons and cannot be deleted.", no=contact.no, n=persons)
            )
    if session.scalar(select(exists().where(InteractionLogEntry.contact_no == contact.no))):
        raise ServiceError(
            _("%(no)s has interaction log entries and cannot be deleted; anonymise it instead.", no=contact.no)
        )
    _remove_relations(session, contact.no)
    session.delete(contact)
    session.flush()


def _remove_relations(session: Session, no: str) -> None:
    for model in RELATION_MODELS:
        session.execute(delete(model).where(model.contact_no == no))


def anonymise_contact(session: Session, contact: Contact) -> None:
    """Erase a contact's personal fields and relations; its interaction log entries stay."""
    segment_no = on_segment_line(session, contact.no)
    if segment_no:
        raise ServiceError(
            _("%(no)s is on segment %(segment)s and cannot be anonymised.", no=contact.no, segment=segment_no)
        )
    for field in PERSONAL_FIELDS:
        setattr(contact, field, "")
    contact.salutation_code = None
    contact.anonymised = True
    contact.privacy_blocked = True
    if contact.type == ContactType.COMPANY:
        contact.company_name = ""
        session.execute(
            update(Contact)
            .where(Contact.company_no == contact.no, Contact.type == ContactType.PERSON)
            .values(company_name="")
        )
    _remove_relations(session, contact.no)
    session.flush()


def _relation(kind: str, contact: Contact) -> tuple[Any, Any, Any]:
    if kind not in RELATIONS:
        raise ServiceError(_("Unknown relation."))
    model, column, reference, for_companies, for_persons = RELATIONS[kind]
    if not (for_companies if contact.type == ContactType.COMPANY else for_persons):
        raise ServiceError(_("This relation does not apply to this kind of contact."), field=kind)
    return model, column, reference


def add_relation(session: Session, contact: Contact, kind: str, code: str) -> None:
    """Link a contact to a mailing group, industry group, business relation or job responsibility."""
    model, column, reference = _relation(kind, contact)
    code = (code or "").strip().upper()
    if not code:
        raise ServiceError(_("Choose a code."), field=kind)
    if session.scalar(select(reference).where(reference == code)) is None:
        raise ServiceError(_("The code %(code)s does not exist.", code=code), field=kind)
    if session.scalar(select(model.contact_no).where(model.contact_no == contact.no, column == code)) is None:
        session.add(model(contact_no=contact.no, **{column.key: code}))
        session.flush()


def remove_relation(session: Session, contact: Contact, kind: str, code: str) -> None:
    """Unlink a contact from a group or relation (nothing happens if it was not linked)."""
    model, column, _reference = _relation(kind, contact)
    session.execute(delete(model).where(model.contact_no == contact.no, column == code))


def relation_codes(session: Session, contact: Contact, kind: str) -> list[tuple[str, str]]:
    """The (code, description) pairs a contact is linked to, by code."""
    model, column, reference = RELATIONS[kind][:3]
    table = reference.class_
    rows = session.execute(
        select(column, table.description)
        .join(table, reference == column)
        .where(model.contact_no == contact.no)
        .order_by(column)
    )
    return [(code, description) for code, description in rows]


def questionnaires_for(session: Session, contact: Contact) -> list[ProfileQuestionnaire]:
    """The questionnaires that apply to this contact's type."""
    applies = QuestionnaireAppliesTo.COMPANY if contact.type == ContactType.COMPANY else QuestionnaireAppliesTo.PERSON
    return list(
        session.scalars(
            select(ProfileQuestionnaire)
            .where(ProfileQuestionnaire.applies_to == applies)
            .order_by(ProfileQuestionnaire.code)
        )
    )


def profile_answer_ids(session: Session, contact: Contact) -> set[int]:
    """The ids of the profile answers given for this contact."""
    return set(
        session.scalars(select(ContactProfileAnswer.answer_id).where(ContactProfileAnswer.contact_no == contact.no))
    )


def set_profile_answer(session: Session, contact: Contact, question_id: int, answer_id: int | None) -> None:
    """Give one answer to a question for a contact (None clears it); the questionnaire must apply."""
    question = session.get(ProfileQuestion, question_id)
    if question is None:
        raise ServiceError(_("The question does not exist."))
    if question.questionnaire not in questionnaires_for(session, contact):
        raise ServiceError(_("This questionnaire does not apply to this kind of contact."))
    answer_ids = [answer.id for answer in question.answers]
    if answer_id is not None and answer_id not in answer_ids:
        raise ServiceError(_("The answer does not belong to this question."))
    if answer_ids:
        session.execute(
            delete(ContactProfileAnswer).where(
                ContactProfileAnswer.contact_no == contact.no, ContactProfileAnswer.answer_id.in_(answer_ids)
            )
        )
    if answer_id is not None:
        session.add(ContactProfileAnswer(contact_no=contact.no, answer_id=answer_id))
    session.flush()


def refresh_search_text(session: Session, where: ColumnElement[bool] | None = None) -> None:
    """Recompute the search column in one statement, for set-based writes that bypass the ORM."""
    source = func.coalesce(getattr(Contact, SEARCH_FIELDS[0]), "")
    for field in SEARCH_FIELDS[1:]:
        source = source + " " + func.coalesce(getattr(Contact, field), "")
    if session.get_bind().dialect.name == "sqlite":
        raw = session.connection().connection.driver_connection
        raw.create_function(
            "segapp_casefold", 1, lambda v: (v or "").casefold()[:SEARCH_TEXT_LENGTH], deterministic=True
        )
        folded = func.segapp_casefold(source)
    else:
        folded = func.left(func.lower(source), SEARCH_TEXT_LENGTH)
    statement = update(Contact).values(search_text=folded).execution_options(synchronize_session=False)
    if where is not None:
        statement = statement.where(where)
    session.execute(statement)


def answers_by_question(session: Session, question_ids: list[int]) -> dict[int, list[ProfileAnswer]]:
    """The possible answers of the given questions."""
    result: dict[int, list[ProfileAnswer]] = {qid: [] for qid in question_ids}
    for answer in session.scalars(
        select(ProfileAnswer).where(ProfileAnswer.question_id.in_(question_ids)).order_by(ProfileAnswer.line_no)
    ):
        result[answer.question_id].append(answer)
    return result
