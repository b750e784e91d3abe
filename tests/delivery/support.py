"""Helpers of the delivery tests: register a segment with *send documents*, read the entries' delivery."""

from typing import Any

from sqlalchemy import select

from segapp.models import BackgroundJob, InteractionLogEntry
from segapp.services.registering.register import register_segment


def register(db: Any, segment_no: str, *, per_contact: bool = False) -> BackgroundJob:
    """Register with *send documents* (committed): the send job, not yet run."""
    result = register_segment(
        db.session, segment_no, None, send_documents=True, create_follow_up=False, email_per_contact=per_contact
    )
    db.session.commit()
    assert result.email_job is not None
    return result.email_job


def deliveries(db: Any) -> list[tuple[str, str]]:
    """(contact no., delivery status) of every entry, in entry order."""
    db.session.rollback()  # a new transaction: on SQLite an open one would still see before a worker's writes
    rows = db.session.execute(
        select(InteractionLogEntry.contact_no, InteractionLogEntry.delivery_status).order_by(
            InteractionLogEntry.entry_no
        )
    ).all()
    return [(contact, str(status)) for contact, status in rows]


def errors(db: Any) -> dict[str, str]:
    """The delivery error of each entry that has one, by contact no."""
    rows = db.session.execute(
        select(InteractionLogEntry.contact_no, InteractionLogEntry.delivery_error).where(
            InteractionLogEntry.delivery_error != ""
        )
    ).all()
    return {row.contact_no: row.delivery_error for row in rows}
