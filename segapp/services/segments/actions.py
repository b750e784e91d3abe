"""Criteria action records written by manual line edits, so that they can be undone and replayed."""

import re
from typing import Any

from sqlalchemy import Integer, func, insert, literal, select
from sqlalchemy.orm import Session

from segapp.models import (
    CriteriaActionType,
    SegmentCriteriaAction,
    SegmentCriteriaFilter,
    SegmentLine,
    SegmentLineHistory,
)
from segapp.services.documents.carrying import remove_documents_with_lines
from segapp.services.segments.records import lock_segment

_PLAIN = re.compile(r"^[A-Za-z0-9]+$")
HISTORY_COLUMNS = [c.key for c in SegmentLine.__table__.columns]


def contact_no_expression(contact_no: str) -> str:
    """A filter expression (spec 6) matching exactly this contact no."""
    if _PLAIN.match(contact_no):
        return contact_no
    return "'" + contact_no.replace("'", "''") + "'"


def record_action(
    session: Session,
    segment_no: str,
    action_type: CriteriaActionType,
    user_id: int | None,
    filters: list[tuple[int, str, str, str]] | tuple = (),
    **options: bool | int,
) -> SegmentCriteriaAction:
    """Append an action to the segment's recipe, with filters as (group, table, field, expression)."""
    lock_segment(session, segment_no)
    last = session.scalar(
        select(func.max(SegmentCriteriaAction.sequence_no)).where(SegmentCriteriaAction.segment_no == segment_no)
    )
    action = SegmentCriteriaAction(
        segment_no=segment_no,
        sequence_no=(last or 0) + 1,
        action_type=action_type,
        user_id=user_id,
        **options,
    )
    action.filters = [
        SegmentCriteriaFilter(group_no=group, table_name=table, field_name=field, expression=expression)
        for group, table, field, expression in filters
    ]
    session.add(action)
    session.flush()
    return action


def save_lines_to_history(session: Session, action_id: int, where: object) -> int:
    """Copy the lines matching ``where`` into the history of an action, exactly as they are. The caller notes the
    highest line no. saved on the action (``highest_saved_line_no``)."""
    columns = [getattr(SegmentLine, key) for key in HISTORY_COLUMNS]
    source = select(*columns, literal(action_id, Integer).label("action_id")).where(where)  # type: ignore[arg-type]
    result = session.execute(insert(SegmentLineHistory).from_select([*HISTORY_COLUMNS, "action_id"], source))
    return result.rowcount or 0


def highest_saved_line_no(action_id: int) -> Any:
    """The highest line no. in the history of an action, as a subquery to assign to ``highest_saved_line_no``."""
    return (
        select(func.max(SegmentLineHistory.line_no)).where(SegmentLineHistory.action_id == action_id).scalar_subquery()
    )


def _record_manual(
    session: Session,
    segment_no: str,
    action_type: CriteriaActionType,
    user_id: int | None,
    contact_no: str,
    **options: Any,
) -> SegmentCriteriaAction:
    """A manual action on one contact: its only filter is "contact no. = X"."""
    contact_filter = (1, "contact", "no", contact_no_expression(contact_no))
    return record_action(session, segment_no, action_type, user_id, [contact_filter], manual=True, **options)


def record_manual_add(
    session: Session, segment_no: str, contact_no: str, user_id: int | None, allow_existing: bool = False
) -> SegmentCriteriaAction:
    """Typing a contact on a line: an add action "no. = X"; ``allow_existing`` records the user's yes to a
    contact already on the segment, so that a replay adds it again too."""
    return _record_manual(
        session,
        segment_no,
        CriteriaActionType.ADD,
        user_id,
        contact_no,
        allow_existing_contacts=allow_existing,
        ignore_exclusion=True,
        lines_added=1,
    )


def record_manual_reduce(
    session: Session, segment_no: str, line_no: int, contact_no: str, user_id: int | None
) -> SegmentCriteriaAction:
    """Deleting a line or changing its contact: a reduce "no. = X", the line saved as it was, its document
    (personal text, personalised letter: written for that contact) going with it."""
    action = _record_manual(
        session,
        segment_no,
        CriteriaActionType.REDUCE,
        user_id,
        contact_no,
        lines_removed=1,
        highest_saved_line_no=line_no,
    )
    save_lines_to_history(session, action.id, (SegmentLine.segment_no == segment_no) & (SegmentLine.line_no == line_no))
    remove_documents_with_lines(session, segment_no, action.id)
    return action
