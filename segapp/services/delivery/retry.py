"""Retry (spec 5): a registered segment's e-mail entries in *error* (and, when the user says so, *unknown*) back to
*pending* on the same entries, and a send job for them. Only a user's retry sends an unknown entry again."""

from flask_babel import gettext as _
from sqlalchemy import update
from sqlalchemy.orm import Session

from segapp.models import BackgroundJob, CorrespondenceType, DeliveryStatus, InteractionLogEntry
from segapp.services.delivery.sending import start_sending
from segapp.services.errors import ServiceError
from segapp.services.registering.registered import get_registered_segment


def retry_entries(
    session: Session, logged_entry_no: int, *, include_unknown: bool, user_id: int | None
) -> BackgroundJob | None:
    """Put the registered segment's failed (and if asked unknown) e-mail entries back to pending and start a
    send job for them (the caller commits, then enqueues it); None when there was nothing to retry. NotFound
    for no such registered segment, ServiceError when it is cancelled."""
    logged = get_registered_segment(session, logged_entry_no)
    if logged.cancelled:
        raise ServiceError(
            _("Registered segment %(no)s is cancelled: un-cancel it to send its e-mails.", no=logged.segment_no)
        )
    statuses = [DeliveryStatus.ERROR, DeliveryStatus.UNKNOWN] if include_unknown else [DeliveryStatus.ERROR]
    entry = InteractionLogEntry
    session.execute(
        update(entry)
        .where(
            entry.logged_segment_entry_no == logged_entry_no,
            entry.correspondence_type == CorrespondenceType.EMAIL,
            entry.delivery_status.in_(statuses),
            entry.cancelled.is_(False),
        )
        .values(
            delivery_status=DeliveryStatus.PENDING,
            delivery_error="",
            delivery_worker="",
            delivery_lease_until=None,
        )
        .execution_options(synchronize_session=False)
    )
    return start_sending(session, logged_entry_no, user_id=user_id)
