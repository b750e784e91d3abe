"""What the contact card shows besides the contact: its company or persons, segments and history."""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from segapp.models import Contact, ContactType, InteractionLogEntry, SegmentHeader, SegmentLine
from segapp.services.contacts.records import persons_of

PERSONS_LIMIT = 200


@dataclass(frozen=True)
class ContactCard:
    """A person's company; a company's first persons and their number; the segments the contact is on."""

    company: Contact | None
    persons: list[Contact]
    persons_total: int
    segments: list[Any]


def contact_card(session: Session, contact: Contact) -> ContactCard:
    """The card's company, persons (at most PERSONS_LIMIT, with the total) and segments (no., description, lines)."""
    persons, persons_total = [], 0
    if contact.type == ContactType.COMPANY:
        persons = list(
            session.scalars(
                select(Contact).where(persons_of(contact.no)).order_by(Contact.name, Contact.no).limit(PERSONS_LIMIT)
            )
        )
        persons_total = session.scalar(select(func.count()).select_from(Contact).where(persons_of(contact.no))) or 0
    company = None
    if contact.type == ContactType.PERSON and contact.company_no:
        company = session.get(Contact, contact.company_no)
    segments = session.execute(
        select(SegmentHeader.no, SegmentHeader.description, func.count(SegmentLine.line_no))
        .join(SegmentLine, SegmentLine.segment_no == SegmentHeader.no)
        .where(SegmentLine.contact_no == contact.no)
        .group_by(SegmentHeader.no, SegmentHeader.description)
        .order_by(SegmentHeader.no)
    ).all()
    return ContactCard(company=company, persons=persons, persons_total=persons_total, segments=list(segments))


def entries_query(contact: Contact) -> Select[tuple[InteractionLogEntry]]:
    """The contact's interaction log entries, newest first."""
    return (
        select(InteractionLogEntry)
        .where(InteractionLogEntry.contact_no == contact.no)
        .order_by(InteractionLogEntry.date.desc(), InteractionLogEntry.entry_no.desc())
    )
