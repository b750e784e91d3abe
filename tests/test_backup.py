"""``flask backup``: a consistent copy of the running SQLite database; PostgreSQL is pointed to pg_dump."""

import sqlite3
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask

from segapp.models import Contact


def _names(path: Path) -> list[str]:
    with sqlite3.connect(path) as copy:
        return [row[0] for row in copy.execute("SELECT name FROM contact ORDER BY name")]


def test_backup_copies_the_committed_data_while_a_writer_is_busy(
    app: Flask, db, backend: str, make_contact: Callable[..., Contact], tmp_path: Path
) -> None:
    if backend != "sqlite":
        pytest.skip("the SQLite backup")
    make_contact("Acme S.r.l.")
    # Another connection is in the middle of a write: its change is not committed.
    writer = sqlite3.connect(db.engine.url.database, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("UPDATE contact SET name = 'Uncommitted Ltd'")
        target = tmp_path / "segapp-backup.db"
        result = app.test_cli_runner().invoke(args=["backup", str(target)])
        writer.execute("COMMIT")
    finally:
        writer.close()
    assert result.exit_code == 0, result.output
    assert "Backup written to" in result.output
    assert _names(target) == ["Acme S.r.l."]
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert not (tmp_path / "segapp-backup.db-wal").exists()
    with sqlite3.connect(target) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert copy.execute("SELECT version_num FROM alembic_version").fetchone()[0]


def test_backup_never_overwrites_without_force(
    app: Flask, backend: str, make_contact: Callable[..., Contact], tmp_path: Path
) -> None:
    if backend != "sqlite":
        pytest.skip("the SQLite backup")
    target = tmp_path / "old.db"
    target.write_text("yesterday's backup")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code != 0
    assert "exists" in result.output
    assert target.read_text() == "yesterday's backup"
    make_contact("Acme S.r.l.")
    result = runner.invoke(args=["backup", "--force", str(target)])
    assert result.exit_code == 0, result.output
    assert _names(target) == ["Acme S.r.l."]
    assert list(tmp_path.iterdir()) == [target]


def test_backup_of_postgresql_points_to_pg_dump(app: Flask, backend: str, tmp_path: Path) -> None:
    if backend != "postgresql":
        pytest.skip("PostgreSQL only")
    result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "x.db")])
    assert result.exit_code != 0
    assert "pg_dump" in result.output
    assert not (tmp_path / "x.db").exists()
