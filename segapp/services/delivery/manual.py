"""A delivery failure recorded by hand: segapp does not read the bounces that come back by mail (or the letters
returned by the post), so a user marks the entries concerned as failed, with the reason they read. The follow-up
segment by delivery error then picks them up."""

from collections.abc import Sequence

from flask_babel import gettext as _
from sqlalchemy import update
from sqlalchemy.orm import Session

from segapp.models import CorrespondenceType, DeliveryStatus, InteractionLogEntry
from segapp.services.errors import ServiceError

MAX_REASON = 500
# An entry on its way (pending, or in an SMTP call) is left alone: its worker would overwrite the mark.
MARKABLE_STATUSES = (DeliveryStatus.NONE, DeliveryStatus.SENT, DeliveryStatus.ERROR, DeliveryStatus.UNKNOWN)


def delivery_reason(text: str | None) -> str:
    """The reason as the user typed it, trimmed; ServiceError when empty or longer than MAX_REASON."""
    reason = " ".join((text or "").split())
    if not reason:
        raise ServiceError(_("Say why the delivery failed (the bounce's reason, a returned letter…)."), "reason")
    if len(reason) > MAX_REASON:
        raise ServiceError(
            _("The reason is %(length)s characters long: at most %(max)s.", length=len(reason), max=MAX_REASON),
            "reason",
        )
    return reason


def mark_delivery_failed(session: Session, entry_nos: Sequence[int], reason: str) -> int:
    """Mark the entries' delivery as failed (*error*) with the reason: those that had a document to deliver
    and are not on their way (one UPDATE). Returns how many were marked."""
    text = delivery_reason(reason)
    if not entry_nos:
        raise ServiceError(_("Select at least one entry."))
    entry = InteractionLogEntry
    marked = session.execute(
        update(entry)
        .where(
            entry.entry_no.in_(list(entry_nos)),
            entry.correspondence_type != CorrespondenceType.BLANK,
            entry.delivery_status.in_(MARKABLE_STATUSES),
        )
        .values(delivery_status=DeliveryStatus.ERROR, delivery_error=text)
        .execution_options(synchronize_session=False)
    ).rowcount
    session.expire_all()
    return marked
