"""Criteria actions for the recipe tests, recorded as the engine records them (record_action, history, lines)."""

from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from segapp.models import CriteriaActionType, SegmentCriteriaAction, SegmentLine
from segapp.services.segments.actions import record_action, save_lines_to_history


def columns_of(line: SegmentLine) -> dict[str, Any]:
    """Every column of a line, to compare a restored line with the line as it was."""
    return {column.key: getattr(line, column.key) for column in SegmentLine.__table__.columns}


def segment_lines(session: Session, segment_no: str) -> list[SegmentLine]:
    """The segment's lines in line no. order, read afresh."""
    session.expire_all()
    return list(session.scalars(select(SegmentLine).where(SegmentLine.segment_no == segment_no).order_by("line_no")))


def criteria_add(
    session: Session, segment_no: str, contact_nos: list[str], filters: list | None = None, **options: Any
) -> SegmentCriteriaAction:
    """An add action bringing these contacts in on new lines, numbered after the highest line no."""
    action = record_action(
        session,
        segment_no,
        CriteriaActionType.ADD,
        None,
        filters or [(1, "contact", "no", "|".join(contact_nos))],
        lines_added=len(contact_nos),
        **options,
    )
    last = session.scalar(select(func.max(SegmentLine.line_no)).where(SegmentLine.segment_no == segment_no)) or 0
    if contact_nos:
        session.execute(
            insert(SegmentLine),
            [
                {
                    "segment_no": segment_no,
                    "line_no": last + 10000 * (n + 1),
                    "contact_no": no,
                    "criteria_action_id": action.id,
                    "version": 1,
                }
                for n, no in enumerate(contact_nos)
            ],
        )
    return action


def criteria_reduce(session: Session, segment_no: str, contact_nos: list[str]) -> SegmentCriteriaAction:
    """A reduce action removing the lines of these contacts, kept in its history."""
    action = record_action(session, segment_no, CriteriaActionType.REDUCE, None, [(1, "contact", "no", "(list)")])
    where = (SegmentLine.segment_no == segment_no) & SegmentLine.contact_no.in_(contact_nos)
    action.lines_removed = save_lines_to_history(session, action.id, where)
    session.execute(delete(SegmentLine).where(where))
    session.flush()
    return action
