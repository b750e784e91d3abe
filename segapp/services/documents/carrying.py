"""A line's document (personal text, personalised letter) goes where its line goes: out with an action that
removes the line, back with the go back that restores it, gone with a go back that takes an added line away.

Each is one set-based statement per action, whatever the number of lines: the lines an action removed are
found in its history (segment_line_history, keyed by the action), so the documents follow them by line no.
"""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, exists, or_, select, update
from sqlalchemy.orm import Session

from segapp.models import SegmentLine, SegmentLineDocument, SegmentLineHistory

_LIVE = SegmentLineDocument.removed_by_action_id.is_(None)


def remove_documents_with_lines(session: Session, segment_no: str, action_id: int) -> None:
    """The documents of the lines that action ``action_id`` saved in its history (and removed) leave with them."""
    removed = select(SegmentLineHistory.line_no).where(
        SegmentLineHistory.action_id == action_id, SegmentLineHistory.segment_no == segment_no
    )
    session.execute(
        update(SegmentLineDocument)
        .where(SegmentLineDocument.segment_no == segment_no, _LIVE, SegmentLineDocument.line_no.in_(removed))
        .values(removed_by_action_id=action_id)
        .execution_options(synchronize_session=False)
    )


def delete_line_documents(session: Session, segment_no: str, line_no: int) -> None:
    """A line deleted without an action to go back on (it had no contact): its document goes for good."""
    session.execute(
        delete(SegmentLineDocument)
        .where(SegmentLineDocument.segment_no == segment_no, SegmentLineDocument.line_no == line_no, _LIVE)
        .execution_options(synchronize_session=False)
    )


def documents_follow_go_back(
    session: Session,
    segment_no: str,
    action_ids: Sequence[int],
    leaving: ColumnElement[bool],
    history: Any,
    restored: ColumnElement[bool],
) -> None:
    """Before a go back changes the lines: the documents of the lines it takes away (``leaving``, over
    segment_line) are deleted, and so are those removed by the undone actions whose lines do not come back;
    those whose lines come back (``restored``, over the history rows aliased as ``history``) are live again.

    Two statements, in this order: a line can leave and come back under the same no. (a contact retyped),
    and only one live document per line may exist."""
    ids = list(action_ids)
    comes_back = exists().where(
        restored,
        history.action_id == SegmentLineDocument.removed_by_action_id,
        history.segment_no == SegmentLineDocument.segment_no,
        history.line_no == SegmentLineDocument.line_no,
    )
    leaving_nos = select(SegmentLine.line_no).where(leaving)
    session.execute(
        delete(SegmentLineDocument)
        .where(
            SegmentLineDocument.segment_no == segment_no,
            or_(
                and_(_LIVE, SegmentLineDocument.line_no.in_(leaving_nos)),
                and_(SegmentLineDocument.removed_by_action_id.in_(ids), ~comes_back),
            ),
        )
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(SegmentLineDocument)
        .where(SegmentLineDocument.segment_no == segment_no, SegmentLineDocument.removed_by_action_id.in_(ids))
        .values(removed_by_action_id=None)
        .execution_options(synchronize_session=False)
    )
