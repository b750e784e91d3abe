"""Counting the SQL statements that code runs, so that an N+1 regression fails a test.

with count_statements(db.engine) as counted:
    client.get("/segments/SEG00001")
assert counted.count <= 6, counted.statements
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

# Transaction control differs between backends (SQLite's BEGIN is emitted as a statement), so it is not counted.
TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


@dataclass
class CountedStatements:
    """The statements executed inside the block, without transaction control."""

    statements: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        """How many statements ran."""
        return len(self.statements)


@contextmanager
def count_statements(engine: Engine) -> Iterator[CountedStatements]:
    """Record every statement sent to the database through ``engine`` while the block runs."""
    counted = CountedStatements()

    def record(_conn: Any, _cursor: Any, statement: str, _parameters: Any, _context: Any, _executemany: bool) -> None:
        if not statement.lstrip().upper().startswith(TRANSACTION_CONTROL):
            counted.statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield counted
    finally:
        event.remove(engine, "before_cursor_execute", record)
