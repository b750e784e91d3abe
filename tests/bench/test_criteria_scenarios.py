"""The criteria scenarios at a small N: each side does real work, and the baseline the same work as segapp.

Both sides run in this process here (the harness runs each in a child): after segapp's side the lines are
there (or gone), the segment is put back, and the baseline's statement leaves the same lines.
"""

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select, text

from bench.datagen import SEED, Sql, generate
from bench.measure import Context
from bench.scenarios import criteria
from bench.scenarios.criteria_sql import ADD_SEGMENT, ALL_SEGMENT, keep_sql, match_sql, run_baseline
from segapp.models import SegmentCriteriaAction, SegmentLine
from segapp.services.segments.actions import HISTORY_COLUMNS

N = 400
# Compared line by line: everything but the action that brought the line (the baseline records none).
COMPARED = [c for c in HISTORY_COLUMNS if c != "criteria_action_id"]


@pytest.fixture
def ctx(app: Flask, db: Any, database_url: str, backend: str) -> Context:
    """N generated contacts and the two benchmark segments."""
    generate(db.engine, N)
    context = Context(db=backend, url=database_url, n=N, seed=SEED, app=app)
    for segment_no in (ADD_SEGMENT, ALL_SEGMENT):
        criteria.ensure_segment(context, segment_no)
    db.session.remove()
    return context


def _lines(db: Any, segment_no: str) -> list[tuple]:
    db.session.rollback()  # a fresh snapshot: the harness's helpers write through their own connections
    columns = [getattr(SegmentLine, c) for c in COMPARED]
    rows = db.session.execute(
        select(*columns).where(SegmentLine.segment_no == segment_no).order_by(SegmentLine.line_no)
    )
    return [tuple(row) for row in rows]


def _segapp(db: Any, spec: dict[str, Any]) -> Any:
    done, _changed = criteria._segapp(db.session, spec)
    db.session.commit()
    return done


def _baseline(db: Any, spec: dict[str, Any]) -> Any:
    done = run_baseline(db.session, spec)
    db.session.commit()
    return done


def _contacts(db: Any, where: str) -> int:
    """Contacts matching a condition written over contact c."""
    return db.session.scalar(text(f"SELECT count(*) FROM contact c WHERE {where}"))


def test_the_filters_touch_about_a_fifth_of_the_contacts(ctx: Context, db: Any) -> None:
    sql = Sql(db.engine.dialect.name, 0)
    matched = _contacts(db, match_sql(sql))
    kept = _contacts(db, keep_sql(sql))
    assert 0.15 * N < matched < 0.25 * N
    assert 0.15 * N < N - kept < 0.25 * N


def test_preview_counts_what_the_add_brings_as_the_count_does(ctx: Context, db: Any) -> None:
    counted = _segapp(db, {"scenario": "preview"})
    assert counted == _baseline(db, {"scenario": "preview"})
    assert 0.1 * N < counted < 0.25 * N
    assert _lines(db, ADD_SEGMENT) == []


def test_add_inserts_the_same_lines_as_the_insert_select(ctx: Context, db: Any) -> None:
    spec = {"scenario": "add", **criteria.AddScenario().set_up(ctx)}
    added = _segapp(db, spec)
    lines = _lines(db, ADD_SEGMENT)
    assert added == len(lines) and 0.1 * N < added < 0.25 * N
    criteria.restore_segment(ctx, ADD_SEGMENT)
    assert _lines(db, ADD_SEGMENT) == []
    assert _baseline(db, spec) == added
    assert _lines(db, ADD_SEGMENT) == lines


@pytest.mark.parametrize("name", ["reduce", "refine"])
def test_reduce_and_refine_delete_the_same_lines_as_the_delete(ctx: Context, db: Any, name: str) -> None:
    before = _lines(db, ALL_SEGMENT)
    assert len(before) == N
    removed = _segapp(db, {"scenario": name})
    after = _lines(db, ALL_SEGMENT)
    assert removed == N - len(after) and 0.15 * N < removed < 0.25 * N
    criteria.restore_segment(ctx, ALL_SEGMENT)
    assert _lines(db, ALL_SEGMENT) == before
    assert db.session.scalar(select(func.count()).select_from(SegmentCriteriaAction)) == 0
    assert _baseline(db, {"scenario": name}) == removed
    assert _lines(db, ALL_SEGMENT) == after


def test_go_back_removes_and_restores_the_same_lines_as_the_delete_and_insert(ctx: Context, db: Any) -> None:
    before = _lines(db, ALL_SEGMENT)
    scenario = criteria.GoBackScenario()
    spec = {"scenario": "go_back", **scenario.set_up(ctx)}
    changed = _lines(db, ALL_SEGMENT)
    assert changed != before and len(changed) < N  # the add brings back the reduced, less excluded and blocked
    removed, restored = _segapp(db, spec)
    assert 0.1 * N < removed < 0.25 * N and 0.15 * N < restored < 0.25 * N
    assert _lines(db, ALL_SEGMENT) == before
    criteria.restore_segment(ctx, ALL_SEGMENT)
    spec = {"scenario": "go_back", **scenario.set_up(ctx)}
    assert _lines(db, ALL_SEGMENT) == changed
    assert _baseline(db, spec) == [removed, restored]
    assert _lines(db, ALL_SEGMENT) == before
