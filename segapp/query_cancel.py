"""Stop a read query that a newer request has made useless, or that runs too long (the live preview's counts).

Each dialog carries a random token. A request entering ``stoppable_query`` with that token claims it: it writes a
new generation id into a small file named after the token (so that every gunicorn worker sees it) and, on
PostgreSQL, cancels the backends still running a query under the same token. The older query stops:
- on SQLite, through a progress handler that reads the token's file every few thousand virtual machine steps and
  interrupts the query once another request has claimed the token, or once the time limit has passed;
- on PostgreSQL, through ``pg_cancel_backend`` (the query carries the token as its ``application_name``) and a
  ``statement_timeout``; a request that claimed the token before the older one had named itself is caught by the
  same file, read once the name is set.
On both, every statement of the block first reads the file, so that the older request does not start its next
statement (between two statements there is no running query for a cancel to reach).
Either way the older request gets ``QueryStopped`` (``superseded`` says which of the two it was) and must roll its
transaction back. The module needs no Flask app: it takes a SQLAlchemy connection and the folder of the files.
"""

import os
import re
import secrets
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{16,64}")
APPLICATION_NAME_PREFIX = "segapp-q:"
# How often SQLite's progress handler looks at the token's file and the clock: a few milliseconds of work.
CHECK_EVERY_STEPS = 20_000


class QueryStopped(Exception):
    """The query was stopped: ``superseded`` when a newer request took its token, else it ran out of time."""

    def __init__(self, superseded: bool) -> None:
        super().__init__("superseded by a newer request" if superseded else "stopped after its time limit")
        self.superseded = superseded


def new_token() -> str:
    """A random token for one dialog (URL-safe, 22 characters)."""
    return secrets.token_urlsafe(16)


def valid_token(token: str) -> bool:
    """True when ``token`` can name a token file (letters, digits, ``-`` and ``_`` only, 16 to 64 of them)."""
    return bool(TOKEN_PATTERN.fullmatch(token))


def _token_file(folder: Path, token: str) -> Path:
    if not valid_token(token):
        raise ValueError("invalid query token")
    return folder / token


def claim(folder: Path, token: str) -> str:
    """Make this request the token's newest: write a new generation id into its file; returns that id."""
    path = _token_file(folder, token)
    folder.mkdir(parents=True, exist_ok=True)
    generation = secrets.token_hex(8)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".claim-")
    with os.fdopen(handle, "w", encoding="ascii") as file:
        file.write(generation)
    os.replace(temporary, path)  # atomic: a reader sees the old id or the new one
    return generation


def current_generation(folder: Path, token: str) -> str:
    """The id of the token's newest request ("" when there is none)."""
    try:
        return _token_file(folder, token).read_text(encoding="ascii")
    except OSError:
        return ""


def prune(folder: Path, older_than_seconds: float) -> int:
    """Delete the token files not claimed for a while (dialogs long closed); returns how many went."""
    if not folder.is_dir():
        return 0
    limit = time.time() - older_than_seconds
    removed = 0
    for path in folder.iterdir():
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
                removed += 1
        except OSError:
            continue  # another worker pruned it first
    return removed


def stop_queries(connection: Connection, token: str, *, folder: Path) -> None:
    """Stop the token's running queries without starting one (the dialog was closed)."""
    claim(folder, token)
    if connection.dialect.name == "postgresql":
        _cancel_others(connection, token)


def _cancel_others(connection: Connection, token: str) -> None:
    connection.execute(
        text(
            "SELECT pg_cancel_backend(pid) FROM pg_stat_activity "
            "WHERE application_name = :name AND pid <> pg_backend_pid() AND state = 'active'"
        ),
        {"name": APPLICATION_NAME_PREFIX + token},
    )


@contextmanager
def stoppable_query(connection: Connection, token: str, *, folder: Path, timeout: float) -> Iterator[None]:
    """Run the block's statements as the token's newest request: they stop (``QueryStopped``) when a newer
    request claims the token or after ``timeout`` seconds. Call it inside a transaction that is rolled back
    after (on PostgreSQL the settings are local to it, and a cancelled statement aborts it)."""
    generation = claim(folder, token)
    if connection.dialect.name == "postgresql":
        manager = _postgresql(connection, token, generation, folder, timeout)
    else:
        manager = _sqlite(connection, token, generation, folder, timeout)

    # Between two statements no query runs that a cancel could reach: each statement first checks the token.
    def before_statement(*_args: Any) -> None:
        if current_generation(folder, token) != generation:
            raise QueryStopped(superseded=True)

    with manager:
        event.listen(connection, "before_cursor_execute", before_statement)
        try:
            yield
        finally:
            event.remove(connection, "before_cursor_execute", before_statement)


@contextmanager
def _postgresql(connection: Connection, token: str, generation: str, folder: Path, timeout: float) -> Iterator[None]:
    name = APPLICATION_NAME_PREFIX + token
    _cancel_others(connection, token)
    connection.execute(
        text("SELECT set_config('application_name', :name, true), set_config('statement_timeout', :ms, true)"),
        {"name": name, "ms": str(max(1, int(timeout * 1000)))},
    )
    # A newer request that looked for this name before it was set has still claimed the token's file.
    if current_generation(folder, token) != generation:
        raise QueryStopped(superseded=True)
    try:
        yield
    except DBAPIError as error:
        if getattr(error.orig, "sqlstate", None) != "57014":  # query_canceled: by a newer request or the timeout
            raise
        raise QueryStopped(superseded=current_generation(folder, token) != generation) from error


@contextmanager
def _sqlite(connection: Connection, token: str, generation: str, folder: Path, timeout: float) -> Iterator[None]:
    raw = connection.connection.driver_connection
    if not isinstance(raw, sqlite3.Connection):
        raise TypeError("stoppable_query needs a PostgreSQL or sqlite3 connection")
    deadline = time.monotonic() + timeout
    stopped: list[bool] = []  # what stopped the query: [True] superseded, [False] out of time

    def check() -> int:
        if current_generation(folder, token) != generation:
            stopped.append(True)
            return 1
        if time.monotonic() > deadline:
            stopped.append(False)
            return 1
        return 0

    raw.set_progress_handler(check, CHECK_EVERY_STEPS)
    try:
        yield
    except DBAPIError as error:
        if not stopped:
            raise
        raise QueryStopped(superseded=stopped[0]) from error
    finally:
        raw.set_progress_handler(None, CHECK_EVERY_STEPS)
