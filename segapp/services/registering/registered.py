"""Registered segments: the list, cancel and un-cancel with their entries, delete the cancelled ones (spec 3.7)."""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import Select, delete, func, or_, select, update
from sqlalchemy.orm import Session

from segapp.models import CampaignEntry, InteractionLogEntry, LoggedSegment, User
from segapp.services.errors import NotFound, ServiceError


def registered_query(search: str = "") -> Select:
    """The list: each registered segment with its user's name, newest first; ``search`` in no. or description."""
    query = (
        select(LoggedSegment, func.coalesce(User.full_name, User.username).label("user_name"))
        .outerjoin(User, User.id == LoggedSegment.user_id)
        .order_by(LoggedSegment.entry_no.desc())
    )
    text = search.strip()[:100]
    if text:
        columns = (LoggedSegment.segment_no, LoggedSegment.description)
        query = query.where(or_(*(column.icontains(text, autoescape=True) for column in columns)))
    return query


def get_registered_segment(session: Session, entry_no: int) -> LoggedSegment:
    """The registered segment with this entry no., or NotFound."""
    registered = session.get(LoggedSegment, entry_no)
    if registered is None:
        raise NotFound(_("There is no registered segment %(no)s.", no=entry_no))
    return registered


def campaign_entries(session: Session, entry_no: int) -> list[CampaignEntry]:
    """The campaign entries the registered segment wrote, one per campaign."""
    return list(
        session.scalars(
            select(CampaignEntry)
            .where(CampaignEntry.logged_segment_entry_no == entry_no)
            .order_by(CampaignEntry.entry_no)
        )
    )


@dataclass(frozen=True)
class CancelResult:
    """What cancelling or un-cancelling a registered segment changed."""

    segment_no: str
    entries: int
    campaign_entries: int


def set_registered_cancelled(session: Session, entry_no: int, cancelled: bool) -> CancelResult:
    """Cancel (or un-cancel) a registered segment with its interaction log entries and campaign entries:
    three set-based UPDATEs, whatever the number of entries."""
    segment_no = session.scalar(
        update(LoggedSegment)
        .where(LoggedSegment.entry_no == entry_no)
        .values(cancelled=cancelled)
        .returning(LoggedSegment.segment_no)
        .execution_options(synchronize_session=False)
    )
    if segment_no is None:
        raise NotFound(_("There is no registered segment %(no)s.", no=entry_no))
    entries = session.execute(
        update(InteractionLogEntry)
        .where(InteractionLogEntry.logged_segment_entry_no == entry_no, InteractionLogEntry.cancelled != cancelled)
        .values(cancelled=cancelled)
        .execution_options(synchronize_session=False)
    ).rowcount
    campaigns = session.execute(
        update(CampaignEntry)
        .where(CampaignEntry.logged_segment_entry_no == entry_no, CampaignEntry.cancelled != cancelled)
        .values(cancelled=cancelled)
        .execution_options(synchronize_session=False)
    ).rowcount
    session.expire_all()
    return CancelResult(segment_no, entries, campaigns)


def delete_registered_segment(session: Session, entry_no: int) -> str:
    """Delete a cancelled registered segment; its entries and campaign entries stay (their link to it is
    set to null by the foreign key). Refused while it is not cancelled. Returns its segment no."""
    registered = get_registered_segment(session, entry_no)
    if not registered.cancelled:
        raise ServiceError(_("Registered segment %(no)s is not cancelled: cancel it first.", no=registered.segment_no))
    segment_no = registered.segment_no
    session.execute(delete(LoggedSegment).where(LoggedSegment.entry_no == entry_no, LoggedSegment.cancelled))
    session.expunge(registered)
    return segment_no
