"""Follow-up segments and *reuse segment* (spec 3.5, 3.6): one line per entry of a registered segment, in one
INSERT … SELECT, recorded as a criteria action so that go back takes the lines out again."""

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Integer, exists, false, func, insert, literal, not_, or_, select
from sqlalchemy.orm import Session

from segapp.models import (
    Contact,
    CriteriaActionType,
    DeliveryStatus,
    Evaluation,
    InteractionLogEntry,
    LoggedSegment,
    SegmentHeader,
    SegmentLine,
    User,
)
from segapp.services.errors import NotFound
from segapp.services.segments.actions import record_action
from segapp.services.segments.lines import LINE_NO_STEP
from segapp.services.segments.records import create_segment, get_segment
from segapp.services.segments.rules import contact_values, header_line_values

# The criteria table and fields a reuse action is recorded with: the criteria view and describe read them.
REUSE_TABLE = "interaction"


@dataclass(frozen=True)
class EntryOutcome:
    """Which entries of a registered segment to take: empty is every entry; else the entries matching any of
    the conditions (an evaluation in the set, attempt failed, a delivery error)."""

    evaluations: frozenset[Evaluation] = frozenset()
    attempt_failed: bool = False
    delivery_error: bool = False

    @property
    def empty(self) -> bool:
        """No condition: every entry."""
        return not (self.evaluations or self.attempt_failed or self.delivery_error)

    def condition(self) -> Any:
        """The condition on InteractionLogEntry, or None for every entry."""
        if self.empty:
            return None
        parts = []
        if self.evaluations:
            parts.append(InteractionLogEntry.evaluation.in_(sorted(self.evaluations)))
        if self.attempt_failed:
            parts.append(InteractionLogEntry.attempt_failed.is_(True))
        if self.delivery_error:
            parts.append(InteractionLogEntry.delivery_status == DeliveryStatus.ERROR)
        return or_(*parts)

    def filter_rows(self, segment_no: str) -> list[tuple[int, str, str, str]]:
        """The action's filters as (group, table, field, expression): the registered segment's no., and each
        condition in a group of its own (the groups are ORed)."""
        rows = [(1, REUSE_TABLE, "segment_no", segment_no)]
        conditions = []
        if self.evaluations:
            conditions.append(("evaluation", "|".join(sorted(self.evaluations))))
        if self.attempt_failed:
            conditions.append(("attempt_failed", "Yes"))
        if self.delivery_error:
            conditions.append(("delivery_status", DeliveryStatus.ERROR.value))
        if not conditions:
            return rows
        return [
            row
            for group, (field, expression) in enumerate(conditions, start=1)
            for row in ((group, REUSE_TABLE, "segment_no", segment_no), (group, REUSE_TABLE, field, expression))
        ]


def _logged(session: Session, logged_segment_entry_no: int) -> LoggedSegment:
    logged = session.get(LoggedSegment, logged_segment_entry_no)
    if logged is None:
        raise NotFound(_("There is no registered segment %(no)s.", no=logged_segment_entry_no))
    return logged


def reuse_segment(
    session: Session,
    segment_no: str,
    logged_segment_entry_no: int,
    user: User | None,
    outcome: EntryOutcome = EntryOutcome(),
) -> int:
    """Append one line per (matching) entry of the registered segment, skipping contacts already on the segment
    and privacy-blocked ones; recorded as a *reuse segment* action. How many lines were added."""
    header = get_segment(session, segment_no)
    logged = _logged(session, logged_segment_entry_no)
    action = record_action(
        session,
        segment_no,
        CriteriaActionType.REUSE_SEGMENT,
        user.id if user is not None else None,
        outcome.filter_rows(logged.segment_no),
        source_logged_segment_entry_no=logged.entry_no,
    )
    last = session.scalar(select(func.max(SegmentLine.line_no)).where(SegmentLine.segment_no == segment_no)) or 0
    entry = InteractionLogEntry
    line = SegmentLine.__table__.c
    order = [entry.segment_line_no, entry.entry_no]
    values: dict[str, Any] = {
        "segment_no": literal(header.no, line.segment_no.type),
        "line_no": literal(last, line.line_no.type) + LINE_NO_STEP * func.row_number().over(order_by=order),
        "contact_no": Contact.no,
        "criteria_action_id": literal(action.id, Integer),
        "version": literal(1, Integer),
    }
    values.update({key: literal(value, line[key].type) for key, value in header_line_values(header).items()})
    values.update(contact_values(header, None, Contact))
    on_segment = exists(select(1).where(SegmentLine.segment_no == segment_no, SegmentLine.contact_no == Contact.no))
    source = (
        select(*(value.label(key) for key, value in values.items()))
        .select_from(entry)
        .join(Contact, Contact.no == entry.contact_no)
        .where(entry.logged_segment_entry_no == logged.entry_no, Contact.privacy_blocked == false(), not_(on_segment))
    )
    condition = outcome.condition()
    if condition is not None:
        source = source.where(condition)
    added = (
        session.execute(
            insert(SegmentLine).from_select(list(values), source).execution_options(preserve_rowcount=True)
        ).rowcount
        or 0
    )
    action.lines_added = added
    session.flush()
    return added


def create_follow_up_segment(
    session: Session,
    logged_segment_entry_no: int,
    user: User | None,
    outcome: EntryOutcome = EntryOutcome(),
) -> SegmentHeader:
    """A new segment "Follow-up on segment X", with the campaign of the registered segment's entries and one line
    per (matching) entry; its interaction fields are left empty for the user to choose."""
    logged = _logged(session, logged_segment_entry_no)
    campaign_no = session.scalar(
        select(InteractionLogEntry.campaign_no)
        .where(
            InteractionLogEntry.logged_segment_entry_no == logged.entry_no,
            InteractionLogEntry.campaign_no.is_not(None),
        )
        .group_by(InteractionLogEntry.campaign_no)
        .order_by(func.count().desc(), InteractionLogEntry.campaign_no)
        .limit(1)
    )
    return follow_up_segment_for(session, logged, user, campaign_no=campaign_no, outcome=outcome)


def follow_up_segment_for(
    session: Session,
    logged: LoggedSegment,
    user: User | None,
    *,
    campaign_no: str | None,
    outcome: EntryOutcome = EntryOutcome(),
) -> SegmentHeader:
    """The follow-up segment of a registered segment whose campaign is known (registering knows its header's)."""
    header = create_segment(session, user)
    header.description = _("Follow-up on segment %(no)s", no=logged.segment_no)[:100]
    header.campaign_no = campaign_no
    session.flush()
    reuse_segment(session, header.no, logged.entry_no, user, outcome)
    return header
