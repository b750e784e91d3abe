"""A contact's relations: mailing groups (any contact), industry groups and business relations (companies),
job responsibilities (persons)."""

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from segapp.models import (
    BusinessRelation,
    Contact,
    ContactBusinessRelation,
    ContactIndustryGroup,
    ContactJobResponsibility,
    ContactMailingGroup,
    ContactProfileAnswer,
    ContactType,
    IndustryGroup,
    JobResponsibility,
    MailingGroup,
)
from segapp.services.errors import ServiceError


@dataclass(frozen=True)
class Relation:
    """One kind of relation: the link model, its code column, the reference model, and who may have it."""

    link: Any
    code: Any
    reference: Any
    for_companies: bool
    for_persons: bool

    def applies_to(self, contact_type: ContactType) -> bool:
        """True when a contact of this type may have the relation."""
        return self.for_companies if contact_type == ContactType.COMPANY else self.for_persons


RELATIONS: dict[str, Relation] = {
    "mailing_group": Relation(
        ContactMailingGroup, ContactMailingGroup.mailing_group_code, MailingGroup, for_companies=True, for_persons=True
    ),
    "industry_group": Relation(
        ContactIndustryGroup,
        ContactIndustryGroup.industry_group_code,
        IndustryGroup,
        for_companies=True,
        for_persons=False,
    ),
    "business_relation": Relation(
        ContactBusinessRelation,
        ContactBusinessRelation.business_relation_code,
        BusinessRelation,
        for_companies=True,
        for_persons=False,
    ),
    "job_responsibility": Relation(
        ContactJobResponsibility,
        ContactJobResponsibility.job_responsibility_code,
        JobResponsibility,
        for_companies=False,
        for_persons=True,
    ),
}
# Every table that links a contact to something; emptied when the contact is deleted or anonymised.
LINK_MODELS = (*(relation.link for relation in RELATIONS.values()), ContactProfileAnswer)


def relation_kinds(contact: Contact) -> list[str]:
    """The relation kinds a contact of this type may have, in the card's order."""
    return [kind for kind, relation in RELATIONS.items() if relation.applies_to(contact.type)]


def remove_all_relations(session: Session, no: str) -> None:
    """Unlink a contact from every group, relation and profile answer."""
    for model in LINK_MODELS:
        session.execute(delete(model).where(model.contact_no == no))


def _relation(kind: str, contact: Contact) -> Relation:
    relation = RELATIONS.get(kind)
    if relation is None:
        raise ServiceError(_("Unknown relation."))
    if not relation.applies_to(contact.type):
        raise ServiceError(_("This relation does not apply to this kind of contact."), field=kind)
    return relation


def add_relation(session: Session, contact: Contact, kind: str, code: str) -> None:
    """Link a contact to a mailing group, industry group, business relation or job responsibility."""
    relation = _relation(kind, contact)
    code = (code or "").strip().upper()
    if not code:
        raise ServiceError(_("Choose a code."), field=kind)
    if session.get(relation.reference, code) is None:
        raise ServiceError(_("The code %(code)s does not exist.", code=code), field=kind)
    link = relation.link
    if session.scalar(select(link.contact_no).where(link.contact_no == contact.no, relation.code == code)) is None:
        session.add(link(contact_no=contact.no, **{relation.code.key: code}))
        session.flush()


def remove_relation(session: Session, contact: Contact, kind: str, code: str) -> None:
    """Unlink a contact from a group or relation (nothing happens if it was not linked)."""
    relation = _relation(kind, contact)
    session.execute(delete(relation.link).where(relation.link.contact_no == contact.no, relation.code == code))


def relation_codes(session: Session, contact: Contact, kind: str) -> list[tuple[str, str]]:
    """The (code, description) pairs a contact is linked to, by code."""
    relation = RELATIONS[kind]
    reference = relation.reference
    rows = session.execute(
        select(relation.code, reference.description)
        .join(reference, reference.code == relation.code)
        .where(relation.link.contact_no == contact.no)
        .order_by(relation.code)
    )
    return [(code, description) for code, description in rows]


def relation_options(session: Session, kind: str, linked: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The (code, description) pairs the contact could still be linked to, by code."""
    reference = RELATIONS[kind].reference
    taken = {code for code, _description in linked}
    rows = session.execute(select(reference.code, reference.description).order_by(reference.code))
    return [(code, description) for code, description in rows if code not in taken]
