"""Migrations, number series and engine settings on every backend."""

import sqlite3
import threading

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, text
from sqlalchemy.orm import Session

import segapp.database
from segapp.models import Base, MarketingSetup, NumberSeries, SegmentHeader
from segapp.services.setup.number_series import SEGMENT_SERIES, format_number, next_number, next_numbers


def test_migrations_build_exactly_the_models(app: Flask, db) -> None:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []
    assert db.session.get(MarketingSetup, 1).segment_series_code == "SEGMENT"


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(app: Flask, db, backend: str) -> None:
    if backend != "sqlite":
        pytest.skip("SQLite settings")
    assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    assert db.session.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
    assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_number_series_formats_and_advances(db) -> None:
    assert format_number("SEG", 5, 1) == "SEG00001"
    assert next_number(db.session, SEGMENT_SERIES) == "SEG00001"
    assert next_numbers(db.session, SEGMENT_SERIES, 3) == ["SEG00002", "SEG00003", "SEG00004"]
    db.session.commit()
    assert db.session.get(NumberSeries, SEGMENT_SERIES).next_number == 5


def test_number_series_never_hands_out_a_number_twice_under_concurrency(app: Flask, db) -> None:
    from segapp.database import immediate_transactions

    results: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    barrier = threading.Barrier(8)
    engine = db.engine

    def worker() -> None:
        try:
            barrier.wait()
            with immediate_transactions():
                for _ in range(25):
                    with Session(engine) as session:
                        number = next_number(session, SEGMENT_SERIES)
                        session.commit()
                    with lock:
                        results.append(number)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(results) == 200
    assert len(set(results)) == 200
    assert sorted(results) == [format_number("SEG", 5, n) for n in range(1, 201)]
    assert db.session.scalar(select(NumberSeries.next_number).where(NumberSeries.code == SEGMENT_SERIES)) == 201


def test_postgresql_connections_run_without_jit(app: Flask, db, backend: str) -> None:
    if backend != "postgresql":
        pytest.skip("PostgreSQL settings")
    assert db.session.execute(text("SHOW jit")).scalar() == "off"


def test_a_save_that_finds_sqlite_locked_too_long_says_so_and_saves_nothing(
    app: Flask, db, backend: str, client: FlaskClient, login, monkeypatch: pytest.MonkeyPatch
) -> None:
    if backend != "sqlite":
        pytest.skip("SQLite's write lock")
    login()
    # Another process holds the write lock for longer than the busy timeout (shortened here from 10 s).
    monkeypatch.setattr(segapp.database, "SQLITE_BUSY_TIMEOUT_MS", 100)
    db.engine.dispose()
    other = sqlite3.connect(db.engine.url.database, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        response = client.post("/segments/new", headers={"HX-Request": "true"})
    finally:
        other.execute("ROLLBACK")
        other.close()
        monkeypatch.undo()
        db.engine.dispose()
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert "The database is busy with a long task" in response.get_data(as_text=True)
    assert db.session.scalar(select(SegmentHeader.no)) is None
    assert client.post("/segments/new").status_code == 303  # the new segment, once the lock is free
