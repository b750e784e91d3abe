"""Benchmark databases: a fresh SQLite file or a PostgreSQL database of our own, schema by migrations."""

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import create_engine, make_url, text

from segapp import create_app
from segapp.config import normalise_database_url

BENCH_DIR = Path(__file__).resolve().parent
DATA_DIR = BENCH_DIR / "data"
BENCH_SECRET_KEY = "bench-secret-key-not-for-production"


def bench_app(url: str) -> Flask:
    """The segapp application on the benchmark database (production configuration)."""
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": BENCH_SECRET_KEY})


@contextmanager
def sqlite_database(name: str, data_dir: Path = DATA_DIR, keep: bool = False) -> Iterator[str]:
    """A fresh SQLite file under bench/data, removed afterwards unless ``keep``."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / f"{name}.db"
    _remove_sqlite(path)
    try:
        yield "sqlite:///" + str(path)
    finally:
        if not keep:
            _remove_sqlite(path)


def _remove_sqlite(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(path) + suffix).unlink(missing_ok=True)


@contextmanager
def postgresql_database(server_url: str) -> Iterator[str]:
    """A new database on the PostgreSQL server of ``server_url``, dropped afterwards."""
    base = make_url(normalise_database_url(server_url))
    name = f"segapp_bench_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def build_schema(app: Flask) -> None:
    """Create the schema through the committed migrations."""
    with app.app_context():
        upgrade()
