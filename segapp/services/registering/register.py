"""Register a segment (spec 3.6): in one transaction the registered segment, its interaction log entries and
campaign entries, then the segment is deleted; exactly once, whoever presses Register at the same time.

A few statements whatever the segment's size: the header locked, the checks (two), the registered segment (one
INSERT), the campaign entries (one INSERT … SELECT grouped by campaign), the entries (whether a line's template
has a document, then one INSERT … SELECT of the lines, with the template version and merge values of each line's
letter when there are documents), the personalised letters (one
INSERT … SELECT into the entries' files), with *send documents* and hard-copy lines the printable letters' job
(one INSERT), with e-mail lines the send job (a count and one INSERT), the segment's deletion (five DELETEs), and with a follow-up the new segment and its reuse action.
The view commits, then hands the job to the workers.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Integer, String, and_, case, exists, func, insert, literal, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from segapp.models import (
    BackgroundJob,
    CampaignEntry,
    Contact,
    CorrespondenceType,
    DeliveryStatus,
    InteractionLogEntry,
    InteractionLogEntryFile,
    LoggedSegment,
    SegmentHeader,
    SegmentLine,
    SegmentLineDocument,
    TemplateDocument,
    User,
)
from segapp.models.base import utcnow
from segapp.services.delivery.sending import start_sending
from segapp.services.documents.catalogue import line_values_select
from segapp.services.documents.printable import start_printable_letters
from segapp.services.errors import NotFound
from segapp.services.registering.checks import (
    AlreadyRegistered,
    RegisterRefused,
    check_segment,
    email_without_address,
    registered_entry_no,
)
from segapp.services.segments.records import delete_segment, lock_segment

__all__ = ["AlreadyRegistered", "RegisterRefused", "RegisterResult", "register_segment"]


@dataclass
class RegisterResult:
    """The registered segment, how many entries were written, the follow-up segment when one was asked for, the
    job producing the printable letters and the one sending the e-mails when there are any (the view enqueues
    them after the commit)."""

    logged_segment: LoggedSegment
    entries: int
    follow_up: SegmentHeader | None
    printable_job: BackgroundJob | None = None
    # The job sending the e-mail entries (send documents and e-mail lines); the view enqueues it too.
    email_job: BackgroundJob | None = None


def lock_for_register(session: Session, segment_no: str) -> SegmentHeader:
    """Lock the segment's header (a second Register waits here for the first to finish), or AlreadyRegistered
    when it has been registered meanwhile, or NotFound when there is no such segment."""
    try:
        lock_segment(session, segment_no)
    except NotFound:
        entry_no = registered_entry_no(session, segment_no)
        if entry_no is not None:
            raise AlreadyRegistered(segment_no, entry_no) from None
        raise
    # The lock may have waited for another transaction: read the header as it is now, not as it was cached.
    header = session.get(SegmentHeader, segment_no, populate_existing=True)
    if header is None:  # pragma: no cover - the lock holds the row
        raise NotFound(segment_no)
    return header


def register_segment(
    session: Session,
    segment_no: str,
    user: User | None,
    *,
    send_documents: bool,
    create_follow_up: bool,
    email_per_contact: bool = False,
    today: date | None = None,
) -> RegisterResult:
    """Register the segment: refuse (RegisterRefused) and write nothing, or write it all; the caller commits.
    ``email_per_contact``: one e-mail per contact even when contacts share an address."""
    header = lock_for_register(session, segment_no)
    facts = check_segment(session, header, send_documents=send_documents)
    today = today or date.today()
    user_id = user.id if user is not None else None
    logged = _write_logged_segment(session, header, user_id, facts.lines_with_contact, today, email_per_contact)
    _write_campaign_entries(session, header, logged.entry_no, user_id, today)
    entries = _write_entries(session, header, logged.entry_no, user_id, send_documents)
    _copy_personalised_letters(session, header.no, logged.entry_no)
    job = None
    if send_documents and facts.hard_copy:
        job = start_printable_letters(session, logged.entry_no, facts.hard_copy, user_id=user_id)
    email_job = None
    if send_documents and facts.email:
        email_job = start_sending(session, logged.entry_no, user_id=user_id)
    campaign_no = header.campaign_no
    delete_segment(session, segment_no)
    follow_up = None
    if create_follow_up:
        # Imported here: follow_up imports this module's names for its own checks.
        from segapp.services.registering.follow_up import follow_up_segment_for

        follow_up = follow_up_segment_for(session, logged, user, campaign_no=campaign_no)
    return RegisterResult(logged, entries, follow_up, job, email_job)


def _write_logged_segment(
    session: Session, header: SegmentHeader, user_id: int | None, interactions: int, today: date, per_contact: bool
) -> LoggedSegment:
    """The registered segment; the unique segment no. is the last guard against registering it twice."""
    logged = LoggedSegment(
        segment_no=header.no,
        description=header.description,
        creation_date=today,
        user_id=user_id,
        no_of_interactions=interactions,
        cancelled=False,
        email_per_contact=per_contact,
    )
    try:
        with session.begin_nested():
            session.add(logged)
            session.flush()
    except IntegrityError:
        entry_no = registered_entry_no(session, header.no)
        if entry_no is None:
            raise
        raise AlreadyRegistered(header.no, entry_no) from None
    return logged


def _with_contact(segment_no: str) -> Any:
    return and_(SegmentLine.segment_no == segment_no, SegmentLine.contact_no.is_not(None))


def _write_campaign_entries(
    session: Session, header: SegmentHeader, logged_entry_no: int, user_id: int | None, today: date
) -> None:
    """One campaign entry per campaign the lines name: the interactions, cost and duration it got."""
    entry = CampaignEntry.__table__.c
    values: dict[str, Any] = {
        "campaign_no": SegmentLine.campaign_no,
        "description": literal(header.description, entry.description.type),
        "date": literal(today, entry.date.type),
        "segment_no": literal(header.no, entry.segment_no.type),
        "logged_segment_entry_no": literal(logged_entry_no, Integer),
        "salesperson_code": literal(header.salesperson_code, String),
        "user_id": literal(user_id, Integer),
        "no_of_interactions": func.count(),
        "cost": func.coalesce(func.sum(SegmentLine.cost), 0),
        "duration": func.coalesce(func.sum(SegmentLine.duration), 0),
        "cancelled": literal(False, entry.cancelled.type),
    }
    source = (
        select(*(value.label(key) for key, value in values.items()))
        .where(_with_contact(header.no), SegmentLine.campaign_no.is_not(None))
        .group_by(SegmentLine.campaign_no)
    )
    session.execute(insert(CampaignEntry).from_select(list(values), source, include_defaults=False))


def _write_entries(
    session: Session, header: SegmentHeader, logged_entry_no: int, user_id: int | None, send_documents: bool
) -> int:
    """One interaction log entry per line with a contact, every line field copied; how many were written.

    An e-mail line whose contact has no e-mail address loses its correspondence type (with *send* on the
    checks refused it already). A line left with a correspondence type has a document to produce or send when
    sending: its delivery status is pending."""
    line = SegmentLine
    entry = InteractionLogEntry.__table__.c
    campaign_entry = CampaignEntry.__table__
    no_email = email_without_address()
    correspondence = case(
        (no_email, literal(CorrespondenceType.BLANK, entry.correspondence_type.type)), else_=line.correspondence_type
    )
    if send_documents:
        delivery: Any = case(
            (
                no_email | (line.correspondence_type == CorrespondenceType.BLANK),
                literal(DeliveryStatus.NONE, entry.delivery_status.type),
            ),
            else_=literal(DeliveryStatus.PENDING, entry.delivery_status.type),
        )
    else:
        delivery = literal(DeliveryStatus.NONE, entry.delivery_status.type)
    now = utcnow()
    values: dict[str, Any] = {
        "contact_no": line.contact_no,
        "contact_company_no": line.contact_company_no,
        "date": line.date,
        "time_of_interaction": literal(now, entry.time_of_interaction.type),
        "description": line.description,
        "information_flow": line.information_flow,
        "initiated_by": line.initiated_by,
        "interaction_group_code": line.interaction_group_code,
        "interaction_template_code": line.interaction_template_code,
        "salesperson_code": line.salesperson_code,
        "campaign_no": line.campaign_no,
        "campaign_entry_no": campaign_entry.c.entry_no,
        "campaign_target": line.campaign_target,
        "campaign_response": line.campaign_response,
        "segment_no": line.segment_no,
        "segment_line_no": line.line_no,
        "logged_segment_entry_no": literal(logged_entry_no, Integer),
        "evaluation": line.evaluation,
        "cost": line.cost,
        "duration": line.duration,
        "attempt_failed": line.attempt_failed,
        "correspondence_type": correspondence,
        "language_code": line.language_code,
        "subject": line.subject,
        "send_word_doc_as_attachment": line.send_word_doc_as_attachment,
        "user_id": literal(user_id, Integer),
        "cancelled": literal(False, entry.cancelled.type),
        "delivery_status": delivery,
        "delivery_error": literal("", entry.delivery_error.type),
        "created_at": literal(now, entry.created_at.type),
    }
    letter = None
    if _has_documents(session, header.no):
        # What produces the letter again: the newest version of the line's template in its language, and the
        # values merged into it (none when the template has no document in that language).
        letter = line_values_select(header.no).order_by(None).subquery("letter")
        values["template_document_id"] = letter.c.template_document_id
        values["merge_values"] = case(
            (letter.c.template_document_id.is_(None), literal("", entry.merge_values.type)),
            else_=letter.c.merge_values,
        )
    source = (
        select(*(value.label(key) for key, value in values.items()))
        .select_from(line)
        .join(Contact, Contact.no == line.contact_no)
        .outerjoin(
            campaign_entry,
            and_(
                campaign_entry.c.logged_segment_entry_no == logged_entry_no,
                campaign_entry.c.campaign_no == line.campaign_no,
            ),
        )
        .where(line.segment_no == header.no)
        .order_by(line.line_no)
    )
    if letter is not None:
        source = source.outerjoin(letter, letter.c.line_no == line.line_no)
    result = session.execute(
        insert(InteractionLogEntry)
        .from_select(list(values), source, include_defaults=False)
        .execution_options(preserve_rowcount=True)
    )
    return result.rowcount or 0


def _has_documents(session: Session, segment_no: str) -> bool:
    """Whether a line's template has a Word document in the line's language: without one, no line has a letter
    to record and the entries skip the merge values' SELECT (one statement, stopping at the first line found)."""
    line = SegmentLine
    return bool(
        session.scalar(
            select(
                exists().where(
                    line.segment_no == segment_no,
                    TemplateDocument.template_code == line.interaction_template_code,
                    TemplateDocument.language_code == line.language_code,
                )
            )
        )
    )


def _copy_personalised_letters(session: Session, segment_no: str, logged_entry_no: int) -> None:
    """The personalised letters of the lines (uploaded back from Word) become their entries' own files: one
    INSERT … SELECT, before the segment's deletion takes the lines' documents with it."""
    document = SegmentLineDocument
    source = (
        select(InteractionLogEntry.entry_no, document.file_name, document.content)
        .join(
            InteractionLogEntry,
            and_(
                InteractionLogEntry.logged_segment_entry_no == logged_entry_no,
                InteractionLogEntry.segment_line_no == document.line_no,
            ),
        )
        .where(
            document.segment_no == segment_no,
            document.removed_by_action_id.is_(None),
            document.content.is_not(None),
        )
    )
    session.execute(
        insert(InteractionLogEntryFile).from_select(
            ["entry_no", "file_name", "content"], source, include_defaults=False
        )
    )
