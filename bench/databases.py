"""Benchmark databases: a fresh SQLite file or a PostgreSQL database of our own, schema by migrations."""

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from flask import Flask
from flask_migrate import upgrade

from segapp import create_app
from segapp.scratch_database import scratch_postgresql_database

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


def postgresql_database(server_url: str) -> AbstractContextManager[str]:
    """A new database on the PostgreSQL server of ``server_url``, dropped afterwards."""
    return scratch_postgresql_database(server_url, "segapp_bench")


def build_schema(app: Flask) -> None:
    """Create the schema through the committed migrations."""
    with app.app_context():
        upgrade()
