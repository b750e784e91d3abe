"""Backups of a running SQLite database through SQLite's online backup API.

A plain file copy of a database in WAL mode can miss committed pages that are still in the
-wal file, or catch a page half-written; the backup API copies a consistent snapshot while
the app goes on reading and writing. PostgreSQL is backed up with pg_dump (see the README).
"""

import os
import sqlite3
from pathlib import Path

from sqlalchemy.engine import Engine

# Pages copied per step: between steps the app's writers are not held up.
PAGES_PER_STEP = 1024


class BackupError(Exception):
    """A backup that cannot be made; the message says why."""


def backup_sqlite(engine: Engine, target: Path, overwrite: bool = False) -> int:
    """Copy the SQLite database of ``engine`` to ``target`` (readable by its owner only); returns its size."""
    if engine.dialect.name != "sqlite":
        raise BackupError("The database is not SQLite: back up PostgreSQL with pg_dump (see the README).")
    if target.exists() and not overwrite:
        raise BackupError(f"{target} exists: choose another file or pass --force.")
    if not target.parent.is_dir():
        raise BackupError(f"The folder {target.parent} does not exist.")
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(descriptor)
    raw = engine.raw_connection()
    try:
        destination = sqlite3.connect(partial)
        try:
            raw.driver_connection.backup(destination, pages=PAGES_PER_STEP)
            check = destination.execute("PRAGMA quick_check").fetchone()[0]
            destination.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        finally:
            destination.close()
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        raw.close()
    if check != "ok":
        partial.unlink(missing_ok=True)
        raise BackupError(f"The copy failed its check: {check}")
    os.replace(partial, target)
    return target.stat().st_size
