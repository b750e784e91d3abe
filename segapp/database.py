"""Engine tuning: SQLite in WAL mode, busy timeout, and writes that begin immediately; PostgreSQL without JIT."""

import contextvars
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any, TypeVar

from flask import current_app, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

SQLITE_BUSY_TIMEOUT_MS = 10_000
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

View = TypeVar("View", bound=Callable[..., Any])

# How SQLite transactions begin where a block of code says so, the innermost block winning: True takes the write
# lock at BEGIN, False does not; None (no block) leaves it to the request's method and view.
_immediate_here: contextvars.ContextVar[bool | None] = contextvars.ContextVar("segapp_immediate_here", default=None)


@contextmanager
def _transactions_begin(immediate: bool) -> Iterator[None]:
    token = _immediate_here.set(immediate)
    try:
        yield
    finally:
        _immediate_here.reset(token)


def immediate_transactions() -> AbstractContextManager[None]:
    """Outside a request (CLI, jobs, tests), make SQLite transactions take the write lock at BEGIN."""
    return _transactions_begin(True)


def deferred_transactions() -> AbstractContextManager[None]:
    """Within a state-changing request, let SQLite transactions begin without the write lock (an error page that
    only reads, while another process holds the lock)."""
    return _transactions_begin(False)


def reads_only(view: View) -> View:
    """Mark a view that answers a POST without writing (a live preview): its SQLite transactions begin deferred,
    so that a long count does not hold the write lock (put it below the route decorator)."""
    view.reads_only = True  # type: ignore[attr-defined]
    return view


def _wants_immediate() -> bool:
    # A state-changing request will write: taking the lock at BEGIN avoids the
    # SQLITE_BUSY that a read transaction gets when it later tries to write.
    immediate_here = _immediate_here.get()
    if immediate_here is not None:
        return immediate_here
    if not has_request_context() or request.method in SAFE_METHODS:
        return False
    view = current_app.view_functions.get(request.endpoint or "")
    return not getattr(view, "reads_only", False)


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # Let SQLAlchemy's "begin" event emit BEGIN itself (pysqlite's own is deferred and late).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _configure_postgresql(dbapi_connection: Any, _record: Any) -> None:
    if type(dbapi_connection).__module__.split(".")[0] != "psycopg":
        return
    # JIT compiling pays off for long analytic queries only. Ours are short or set-based over rows whose
    # folded-text estimates are poor, and there it cost 0.8 to 2.5 s of compiling per statement (docs/benchmarks.md).
    with dbapi_connection.cursor() as cursor:
        cursor.execute("SET jit = off")
    dbapi_connection.commit()


def _begin_sqlite(conn: Connection) -> None:
    if conn.dialect.name != "sqlite":
        return
    conn.exec_driver_sql("BEGIN IMMEDIATE" if _wants_immediate() else "BEGIN")


def register_engine_events() -> None:
    """Tune every engine from now on (the app's and any other) on connect and begin; safe to call again."""
    listeners = (("connect", _configure_sqlite), ("connect", _configure_postgresql), ("begin", _begin_sqlite))
    for name, listener in listeners:
        if not event.contains(Engine, name, listener):
            event.listen(Engine, name, listener)
