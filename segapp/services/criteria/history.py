"""Moving the lines a reduce or refine removes into the action's history, in a few set-based statements.

PostgreSQL: one statement, the DELETE … RETURNING feeding the INSERT into the history. SQLite has no DELETE inside
a WITH: the match (folds, related tables) runs once into a temporary table of the lines' rowids and columns, kept
in memory; the history is filled from it, and the lines are deleted by rowid, the cheapest way SQLite finds a row.
Reading the lines a second time through their key instead cost a reduce of 200,000 lines a tenth more.
"""

from typing import Any

from sqlalchemy import Integer, delete, insert, literal, literal_column, select, text
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.base import Executable
from sqlalchemy.sql.elements import ClauseElement, ColumnElement

from segapp.models import SegmentLine, SegmentLineHistory
from segapp.services.segments.actions import HISTORY_COLUMNS

MOVED_TABLE = "segapp_moved_lines"


class CreateTemporaryTableAs(Executable, ClauseElement):
    """``CREATE TEMP TABLE name AS <select>`` (SQLite), its parameters bound like any statement's."""

    inherit_cache = False

    def __init__(self, name: str, query: Any) -> None:
        self.name = name
        self.query = query


@compiles(CreateTemporaryTableAs)
def _create_temporary_table_as(element: CreateTemporaryTableAs, compiler: Any, **kw: Any) -> str:
    return f"CREATE TEMP TABLE {element.name} AS {compiler.process(element.query, **kw)}"


def move_to_history(session: Session, action_id: int, where: ColumnElement[bool]) -> int:
    """Delete the lines matching ``where``, saved in the action's history exactly as they were; how many."""
    if session.get_bind().dialect.name == "postgresql":
        lines = SegmentLine.__table__
        moved = delete(lines).where(where).returning(*(lines.c[key] for key in HISTORY_COLUMNS)).cte("moved")
        source = select(*(moved.c[key] for key in HISTORY_COLUMNS), literal(action_id, Integer))
        statement = insert(SegmentLineHistory).from_select([*HISTORY_COLUMNS, "action_id"], source)
        return session.execute(statement.execution_options(preserve_rowcount=True)).rowcount or 0
    lines = SegmentLine.__table__
    matched = select(
        literal_column("segment_line.rowid").label("line_rowid"), *(lines.c[key] for key in HISTORY_COLUMNS)
    )
    session.execute(CreateTemporaryTableAs(MOVED_TABLE, matched.where(where)))
    columns = ", ".join(HISTORY_COLUMNS)
    try:
        session.execute(
            text(
                f"INSERT INTO segment_line_history ({columns}, action_id) "
                f"SELECT {columns}, :action_id FROM temp.{MOVED_TABLE}"
            ),
            {"action_id": action_id},
        )
        removed = session.execute(
            text(f"DELETE FROM segment_line WHERE rowid IN (SELECT line_rowid FROM temp.{MOVED_TABLE})")
        ).rowcount
    finally:
        session.execute(text(f"DROP TABLE temp.{MOVED_TABLE}"))
    return removed or 0
