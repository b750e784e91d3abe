"""Segment documents: create, find, delete, totals and the list."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import Select, delete, func, or_, select
from sqlalchemy.orm import Session

from segapp.models import (
    Campaign,
    MarketingSetup,
    SegmentCriteriaAction,
    SegmentCriteriaFilter,
    SegmentHeader,
    SegmentLine,
    SegmentLineHistory,
    User,
)
from segapp.services.errors import NotFound
from segapp.services.setup.number_series import SEGMENT_SERIES, next_number, series_for
from segapp.services.setup.salespeople import is_choosable


@dataclass(frozen=True)
class SegmentTotals:
    """No. of lines, total cost and total duration of a segment."""

    lines: int
    cost: Decimal
    duration: Decimal


def get_segment(session: Session, segment_no: str) -> SegmentHeader:
    """The segment with this no., or NotFound."""
    header = session.get(SegmentHeader, segment_no)
    if header is None:
        raise NotFound(_("There is no segment %(no)s.", no=segment_no))
    return header


def lock_segment(session: Session, segment_no: str) -> None:
    """Lock the segment's header for this transaction, or NotFound: two changes of its recipe (an action, a go
    back) take turns, so they never take the same sequence no. nor undo the same action twice."""
    locked = session.execute(select(SegmentHeader.no).where(SegmentHeader.no == segment_no).with_for_update())
    if locked.first() is None:
        raise NotFound(_("This segment no longer exists."))


def create_segment(session: Session, user: User | None) -> SegmentHeader:
    """A new segment: next no. of the SEGMENT series, today's date, the user's salesperson unless blocked."""
    no = next_number(session, series_for(session, SEGMENT_SERIES))
    own = user.salesperson_code if user is not None else None
    salesperson = own if is_choosable(session, own) else None
    setup = session.get(MarketingSetup, 1)
    header = SegmentHeader(
        no=no,
        date=date.today(),
        salesperson_code=salesperson,
        language_code=setup.default_language_code if setup else None,
        created_by_id=user.id if user is not None else None,
        version=1,
    )
    session.add(header)
    session.flush()
    return header


def delete_segment(session: Session, segment_no: str) -> None:
    """Delete an unlogged segment with its lines, criteria and history (set-based)."""
    header = get_segment(session, segment_no)
    actions = select(SegmentCriteriaAction.id).where(SegmentCriteriaAction.segment_no == segment_no)
    session.execute(delete(SegmentLine).where(SegmentLine.segment_no == segment_no))
    session.execute(delete(SegmentLineHistory).where(SegmentLineHistory.action_id.in_(actions)))
    session.execute(delete(SegmentCriteriaFilter).where(SegmentCriteriaFilter.action_id.in_(actions)))
    session.execute(delete(SegmentCriteriaAction).where(SegmentCriteriaAction.segment_no == segment_no))
    session.execute(delete(SegmentHeader).where(SegmentHeader.no == segment_no))
    session.expunge(header)


def segment_totals(session: Session, segment_no: str) -> SegmentTotals:
    """Counted and summed by the database in one statement."""
    count, cost, duration = session.execute(
        select(
            func.count(),
            func.coalesce(func.sum(SegmentLine.cost), 0),
            func.coalesce(func.sum(SegmentLine.duration), 0),
        ).where(SegmentLine.segment_no == segment_no)
    ).one()
    return SegmentTotals(count, Decimal(cost), Decimal(duration))


@dataclass(frozen=True)
class ActionCounts:
    """A segment's criteria actions: the criteria runs (add, reduce, refine, reuse) and the manual line edits."""

    runs: int
    manual: int

    @property
    def total(self) -> int:
        """Every action, runs and manual edits."""
        return self.runs + self.manual


def criteria_action_count(session: Session, segment_no: str) -> ActionCounts:
    """No. of criteria actions of a segment, the manual edits counted apart (one statement)."""
    total, manual = session.execute(
        select(func.count(), func.count().filter(SegmentCriteriaAction.manual)).where(
            SegmentCriteriaAction.segment_no == segment_no
        )
    ).one()
    return ActionCounts(int(total) - int(manual), int(manual))


def segments_query(search: str = "") -> Select:
    """The list: no., description, campaign, salesperson, date and no. of lines, newest first."""
    line_count = (
        select(func.count())
        .where(SegmentLine.segment_no == SegmentHeader.no)
        .correlate(SegmentHeader)
        .scalar_subquery()
        .label("line_count")
    )
    query = (
        select(SegmentHeader, Campaign.description.label("campaign_description"), line_count)
        .outerjoin(Campaign, Campaign.no == SegmentHeader.campaign_no)
        .order_by(SegmentHeader.no.desc())
    )
    text = search.strip()
    if text:
        columns = (
            SegmentHeader.no,
            SegmentHeader.description,
            SegmentHeader.campaign_no,
            SegmentHeader.salesperson_code,
        )
        query = query.where(or_(*(column.icontains(text, autoescape=True) for column in columns)))
    return query
