"""A preview's query stops when a newer request takes its token, or after its time limit, on both databases."""

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from segapp.query_cancel import (
    QueryStopped,
    claim,
    current_generation,
    new_token,
    prune,
    stop_queries,
    stoppable_query,
    valid_token,
)

ROWS = 200_000
# A self-join of the generated table: 200,000 x 2,000 row pairs, minutes of work on either database.
LONG_QUERY = "SELECT count(*) FROM query_cancel_probe a JOIN query_cancel_probe b ON a.k = b.k"
QUICK_QUERY = "SELECT count(*) FROM query_cancel_probe WHERE id < 10"


@pytest.fixture
def probe_table(db: Any, backend: str) -> Iterator[None]:
    """A generated table of 200,000 rows (100 keys), made set-based and dropped after the test."""
    with db.engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS query_cancel_probe"))
        connection.execute(text("CREATE TABLE query_cancel_probe (id INTEGER PRIMARY KEY, k INTEGER NOT NULL)"))
        if backend == "postgresql":
            generate = "INSERT INTO query_cancel_probe SELECT i, i % 100 FROM generate_series(1, :n) AS i"
        else:
            generate = (
                "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < :n) "
                "INSERT INTO query_cancel_probe SELECT i, i % 100 FROM s"
            )
        connection.execute(text(generate), {"n": ROWS})
    try:
        yield
    finally:
        with db.engine.begin() as connection:
            connection.execute(text("DROP TABLE query_cancel_probe"))


def _run_stoppable(engine: Any, token: str, folder: Path, timeout: float, query: str, outcome: dict[str, Any]) -> None:
    started = time.monotonic()
    with engine.connect() as connection:
        try:
            with connection.begin():
                with stoppable_query(connection, token, folder=folder, timeout=timeout):
                    outcome["started"] = True
                    outcome["result"] = connection.execute(text(query)).scalar()
        except QueryStopped as stopped:
            outcome["stopped"] = stopped
    outcome["seconds"] = time.monotonic() - started


def test_a_newer_request_stops_the_older_query(db: Any, probe_table: None, tmp_path: Path) -> None:
    token = new_token()
    older: dict[str, Any] = {}
    thread = threading.Thread(target=_run_stoppable, args=(db.engine, token, tmp_path, 120, LONG_QUERY, older))
    thread.start()
    time.sleep(1.0)  # the older query is well under way
    assert thread.is_alive(), older
    newer: dict[str, Any] = {}
    _run_stoppable(db.engine, token, tmp_path, 120, QUICK_QUERY, newer)
    thread.join(timeout=10)
    assert not thread.is_alive(), "the older query was not stopped"
    assert older["stopped"].superseded is True and "result" not in older
    assert older["seconds"] < 6
    assert newer["result"] == 9 and "stopped" not in newer


def test_a_newer_request_stops_the_older_one_between_its_statements(db: Any, probe_table: None, tmp_path: Path) -> None:
    token = new_token()
    with db.engine.connect() as connection, connection.begin():
        with pytest.raises(QueryStopped) as stopped:
            with stoppable_query(connection, token, folder=tmp_path, timeout=60):
                assert connection.execute(text(QUICK_QUERY)).scalar() == 9
                claim(tmp_path, token)  # a newer request for the same dialog
                connection.execute(text(QUICK_QUERY))
        assert stopped.value.superseded is True


def test_closing_the_dialog_stops_its_query(db: Any, probe_table: None, tmp_path: Path) -> None:
    token = new_token()
    older: dict[str, Any] = {}
    thread = threading.Thread(target=_run_stoppable, args=(db.engine, token, tmp_path, 120, LONG_QUERY, older))
    thread.start()
    time.sleep(1.0)
    assert thread.is_alive(), older
    with db.engine.connect() as connection, connection.begin():
        stop_queries(connection, token, folder=tmp_path)
    thread.join(timeout=10)
    assert not thread.is_alive(), "the query was not stopped"
    assert older["stopped"].superseded is True and older["seconds"] < 6


def test_a_query_past_its_time_limit_stops(db: Any, probe_table: None, tmp_path: Path) -> None:
    outcome: dict[str, Any] = {}
    _run_stoppable(db.engine, new_token(), tmp_path, 0.5, LONG_QUERY, outcome)
    assert outcome["stopped"].superseded is False and "result" not in outcome
    assert outcome["seconds"] < 5


def test_a_query_that_finishes_in_time_is_left_alone(db: Any, probe_table: None, tmp_path: Path) -> None:
    outcome: dict[str, Any] = {}
    _run_stoppable(db.engine, new_token(), tmp_path, 30, "SELECT count(*) FROM query_cancel_probe", outcome)
    assert outcome["result"] == ROWS and "stopped" not in outcome


def test_the_connection_is_clean_after_a_stopped_query(db: Any, probe_table: None, tmp_path: Path) -> None:
    """No progress handler or timeout is left behind on the pooled connection for the next request."""
    outcome: dict[str, Any] = {}
    _run_stoppable(db.engine, new_token(), tmp_path, 0.3, LONG_QUERY, outcome)
    assert outcome["stopped"].superseded is False
    with db.engine.connect() as connection:
        if db.engine.dialect.name == "postgresql":
            assert connection.execute(text("SHOW statement_timeout")).scalar() == "0"
            assert not connection.execute(text("SHOW application_name")).scalar().startswith("segapp-q:")
        # A query of a few seconds runs to its end.
        started = time.monotonic()
        pairs = "SELECT count(*) FROM query_cancel_probe a, query_cancel_probe b WHERE a.id < 300 AND b.id < 3000"
        count = connection.execute(text(pairs)).scalar()
        assert count == 299 * 2999
        assert time.monotonic() - started < 30


def test_other_errors_are_not_taken_for_a_stop(db: Any, tmp_path: Path) -> None:
    with db.engine.connect() as connection, connection.begin():
        with pytest.raises(Exception) as raised:
            with stoppable_query(connection, new_token(), folder=tmp_path, timeout=5):
                connection.execute(text("SELECT * FROM no_such_table"))
        assert not isinstance(raised.value, QueryStopped)


def test_tokens_name_only_files_in_their_folder(tmp_path: Path) -> None:
    assert valid_token(new_token())
    for bad in ("", "short", "../../etc/passwd-xxxxxxxxxx", "a" * 65, "token with spaces__", "tok\x00en-aaaaaaaaaaaa"):
        assert not valid_token(bad)
        with pytest.raises(ValueError):
            claim(tmp_path, bad)
    token = new_token()
    first = claim(tmp_path, token)
    assert current_generation(tmp_path, token) == first
    second = claim(tmp_path, token)
    assert second != first and current_generation(tmp_path, token) == second
    assert [path.name for path in tmp_path.iterdir()] == [token]


def test_old_token_files_are_pruned(tmp_path: Path) -> None:
    old, fresh = new_token(), new_token()
    claim(tmp_path, old)
    claim(tmp_path, fresh)
    long_ago = time.time() - 3 * 86400
    os.utime(tmp_path / old, (long_ago, long_ago))
    assert prune(tmp_path, 86400) == 1
    assert [path.name for path in tmp_path.iterdir()] == [fresh]
    assert prune(tmp_path / "missing", 86400) == 0
