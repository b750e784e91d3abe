"""After a large change, PostgreSQL's statistics of segment_line are refreshed (docs/benchmarks.md says why)."""

from typing import Any

from sqlalchemy import insert, text

from segapp.models import SegmentLine
from segapp.services.criteria.running import LARGE_CHANGE, refresh_line_statistics

LINES = 7


def _estimated_lines(db: Any) -> float:
    return db.session.scalar(text("SELECT reltuples FROM pg_class WHERE relname = 'segment_line'"))


def test_statistics_are_refreshed_after_a_large_change_only(
    db: Any, backend: str, world: Any, make_segment: Any
) -> None:
    segment = make_segment()
    rows = [{"segment_no": segment.no, "line_no": i, "contact_no": "C1", "version": 1} for i in range(1, LINES + 1)]
    db.session.execute(insert(SegmentLine), rows)
    db.session.commit()
    refresh_line_statistics(db.session, LARGE_CHANGE - 1)
    if backend == "sqlite":
        refresh_line_statistics(db.session, LARGE_CHANGE)  # nothing to do, and no error
        return
    db.session.commit()
    assert _estimated_lines(db) != LINES
    refresh_line_statistics(db.session, LARGE_CHANGE)
    db.session.commit()  # a new snapshot: the ANALYZE ran and committed on its own connection
    assert _estimated_lines(db) == LINES
