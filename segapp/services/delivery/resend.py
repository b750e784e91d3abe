"""Resend a registered segment's documents (spec 3.7): new entries "Resend: …" dated today, one per original
entry that had a correspondence type, pending, naming the entry they send again; the old entries are never
touched. Hard copies go to a new printable letters job, e-mails to a new send job.

A few statements whatever the segment's size: the registered segment locked, whether anything is on its way,
the plan (one grouped SELECT), the entries (one INSERT … SELECT), their personalised letters (one INSERT …
SELECT), the registered segment's and campaign entries' counts (two UPDATEs), and a job per kind.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import (
    ColumnElement,
    Integer,
    and_,
    case,
    exists,
    func,
    insert,
    literal,
    not_,
    select,
    update,
)
from sqlalchemy.orm import Session

from segapp.models import (
    BackgroundJob,
    CampaignEntry,
    Contact,
    CorrespondenceType,
    DeliveryStatus,
    Evaluation,
    InteractionLogEntry,
    InteractionLogEntryFile,
    LoggedSegment,
    User,
)
from segapp.models.base import utcnow
from segapp.services.delivery.sending import start_sending
from segapp.services.delivery.summary import IN_FLIGHT
from segapp.services.documents.printable import start_printable_letters
from segapp.services.errors import NotFound, ServiceError

_ENTRY = InteractionLogEntry
# What a resent entry does not take from its original: it is a new interaction, with its own outcome and delivery.
_NOT_COPIED = {
    "entry_no",
    "date",
    "time_of_interaction",
    "description",
    "evaluation",
    "attempt_failed",
    "user_id",
    "cancelled",
    "delivery_status",
    "delivery_error",
    "delivery_worker",
    "delivery_lease_until",
    "delivery_attempts",
    "delivered_at",
    "delivery_message_id",
    "resend_of_entry_no",
    "created_at",
}


@dataclass(frozen=True)
class ResendPlan:
    """What a resend would write: entries per correspondence type, and the originals it leaves out (their
    contact is privacy blocked, or opted out of e-mail since)."""

    hard_copy: int = 0
    email: int = 0
    left_out: int = 0

    @property
    def entries(self) -> int:
        """The new entries."""
        return self.hard_copy + self.email


@dataclass
class ResendResult:
    """The entries written and the jobs delivering them (the caller commits, then enqueues them)."""

    entries: int
    printable_job: BackgroundJob | None
    email_job: BackgroundJob | None
    left_out: int = 0


def _originals(logged_entry_no: int) -> list[ColumnElement[bool]]:
    """The entries a resend sends again: the registered segment's own (not earlier resends), not cancelled,
    that had a document to deliver."""
    return [
        _ENTRY.logged_segment_entry_no == logged_entry_no,
        _ENTRY.resend_of_entry_no.is_(None),
        _ENTRY.cancelled.is_(False),
        _ENTRY.correspondence_type != CorrespondenceType.BLANK,
    ]


def _left_out() -> ColumnElement[bool]:
    """A contact that may get no document now: privacy blocked, or (for an e-mail) opted out of e-mail."""
    return Contact.privacy_blocked.is_(True) | (
        (_ENTRY.correspondence_type == CorrespondenceType.EMAIL) & Contact.email_opt_out.is_(True)
    )


def resend_plan(session: Session, logged_entry_no: int) -> ResendPlan:
    """What resending the registered segment would write (one grouped SELECT)."""
    left_out = case((_left_out(), 1), else_=0)
    rows = session.execute(
        select(_ENTRY.correspondence_type, left_out.label("left_out"), func.count())
        .join(Contact, Contact.no == _ENTRY.contact_no)
        .where(*_originals(logged_entry_no))
        .group_by(_ENTRY.correspondence_type, left_out)
    ).all()
    counts = {"hard_copy": 0, "email": 0, "left_out": 0}
    for correspondence, out, count in rows:
        key = "left_out" if out else ("email" if correspondence == CorrespondenceType.EMAIL else "hard_copy")
        counts[key] += count
    return ResendPlan(**counts)


def check_resendable(session: Session, logged_entry_no: int) -> LoggedSegment:
    """The registered segment, locked against a second resend at the same moment; ServiceError when it is
    cancelled or its documents are still on their way (a resend would take its pending entries too)."""
    registered = session.get(LoggedSegment, logged_entry_no, with_for_update=True, populate_existing=True)
    if registered is None:
        raise NotFound(_("There is no registered segment %(no)s.", no=logged_entry_no))
    if registered.cancelled:
        raise ServiceError(
            _("Registered segment %(no)s is cancelled: un-cancel it to resend.", no=registered.segment_no)
        )
    busy = session.scalar(
        select(exists().where(_ENTRY.logged_segment_entry_no == logged_entry_no, _ENTRY.delivery_status.in_(IN_FLIGHT)))
    )
    if busy:
        raise ServiceError(
            _(
                "The documents of registered segment %(no)s are still being sent: resend once that has finished.",
                no=registered.segment_no,
            )
        )
    return registered


def resend_registered_segment(
    session: Session, logged_entry_no: int, user: User | None, *, today: date | None = None
) -> ResendResult:
    """Resend the registered segment's documents as new pending entries and start their jobs; refused
    (ServiceError, nothing written) when cancelled, still sending, or with nothing to resend."""
    registered = check_resendable(session, logged_entry_no)
    plan = resend_plan(session, logged_entry_no)
    if not plan.entries:
        raise ServiceError(
            _("Registered segment %(no)s has no document to resend.", no=registered.segment_no)
            if not plan.left_out
            else _(
                "Registered segment %(no)s has no document to resend: its contacts are privacy blocked or have "
                "opted out of e-mail.",
                no=registered.segment_no,
            )
        )
    user_id = user.id if user is not None else None
    first_new = (session.scalar(select(func.max(_ENTRY.entry_no))) or 0) + 1
    written = _write_entries(session, logged_entry_no, user_id, today or date.today())
    new_entries = and_(
        _ENTRY.logged_segment_entry_no == logged_entry_no,
        _ENTRY.resend_of_entry_no.is_not(None),
        _ENTRY.entry_no >= first_new,
    )
    _copy_personalised_letters(session, new_entries)
    _raise_counts(session, logged_entry_no, written, new_entries)
    printable_job = None
    if plan.hard_copy:
        printable_job = start_printable_letters(session, logged_entry_no, plan.hard_copy, user_id=user_id)
    email_job = _start_sending(session, logged_entry_no, user_id) if plan.email else None
    session.expire_all()
    return ResendResult(written, printable_job, email_job, plan.left_out)


def _start_sending(session: Session, logged_entry_no: int, user_id: int | None) -> BackgroundJob | None:
    """The send job of the registered segment's pending e-mail entries."""
    return start_sending(session, logged_entry_no, user_id=user_id)


def _write_entries(session: Session, logged_entry_no: int, user_id: int | None, today: date) -> int:
    """One new entry per original (one INSERT … SELECT); how many were written."""
    table = _ENTRY.__table__
    prefix = _("Resend:") + " "
    length = table.c.description.type.length
    now = utcnow()
    values: dict[str, Any] = {
        column.key: getattr(_ENTRY, column.key) for column in table.columns if column.key not in _NOT_COPIED
    }
    values.update(
        {
            "date": literal(today, table.c.date.type),
            "time_of_interaction": literal(now, table.c.time_of_interaction.type),
            "description": func.substr(literal(prefix, table.c.description.type) + _ENTRY.description, 1, length),
            "evaluation": literal(Evaluation.BLANK, table.c.evaluation.type),
            "attempt_failed": literal(False, table.c.attempt_failed.type),
            "user_id": literal(user_id, Integer),
            "cancelled": literal(False, table.c.cancelled.type),
            "delivery_status": literal(DeliveryStatus.PENDING, table.c.delivery_status.type),
            "delivery_error": literal("", table.c.delivery_error.type),
            "delivery_worker": literal("", table.c.delivery_worker.type),
            "delivery_attempts": literal(0, Integer),
            "delivery_message_id": literal("", table.c.delivery_message_id.type),
            "resend_of_entry_no": _ENTRY.entry_no,
            "created_at": literal(now, table.c.created_at.type),
        }
    )
    source = (
        select(*(value.label(key) for key, value in values.items()))
        .select_from(_ENTRY)
        .join(Contact, Contact.no == _ENTRY.contact_no)
        .where(*_originals(logged_entry_no), not_(_left_out()))
        .order_by(_ENTRY.entry_no)
    )
    result = session.execute(
        insert(_ENTRY)
        .from_select(list(values), source, include_defaults=False)
        .execution_options(preserve_rowcount=True)
    )
    return result.rowcount or 0


def _copy_personalised_letters(session: Session, new_entries: ColumnElement[bool]) -> None:
    """A personalised letter (the original's own file) goes with its resend: one INSERT … SELECT."""
    source = (
        select(_ENTRY.entry_no, InteractionLogEntryFile.file_name, InteractionLogEntryFile.content)
        .join(InteractionLogEntryFile, InteractionLogEntryFile.entry_no == _ENTRY.resend_of_entry_no)
        .where(new_entries)
    )
    session.execute(
        insert(InteractionLogEntryFile).from_select(
            ["entry_no", "file_name", "content"], source, include_defaults=False
        )
    )


def _raise_counts(session: Session, logged_entry_no: int, written: int, new_entries: ColumnElement[bool]) -> None:
    """The registered segment and its campaign entries (one per campaign) count the new interactions (two
    UPDATEs)."""
    session.execute(
        update(LoggedSegment)
        .where(LoggedSegment.entry_no == logged_entry_no)
        .values(no_of_interactions=LoggedSegment.no_of_interactions + written)
        .execution_options(synchronize_session=False)
    )
    per_campaign = (
        select(func.count())
        .where(new_entries, _ENTRY.campaign_no == CampaignEntry.campaign_no)
        .correlate(CampaignEntry)
        .scalar_subquery()
    )
    session.execute(
        update(CampaignEntry)
        .where(CampaignEntry.logged_segment_entry_no == logged_entry_no)
        .values(no_of_interactions=CampaignEntry.no_of_interactions + per_campaign)
        .execution_options(synchronize_session=False)
    )
