"""Jobs on both databases: the test kinds, a queue file for real consumers, and the registering tests' segment for
the export jobs."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from huey.storage import SqliteStorage

import tests.jobs.kinds  # noqa: F401 - registers the test kinds
from segapp.jobs.db_storage import DatabaseStorage
from segapp.jobs.queue import huey
from tests.registering.conftest import make_registrable, make_segment, reference

__all__ = ["make_registrable", "make_segment", "reference"]
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def queue_file(tmp_path: Path) -> Iterator[Path]:
    """The test app enqueues into a SQLite queue file that the consumers read (instead of immediate mode)."""
    path = tmp_path / "huey.db"
    saved = (huey._immediate, huey.storage)
    huey._immediate = False
    huey.storage = SqliteStorage(huey.name, filename=str(path))
    yield path
    huey._immediate, huey.storage = saved


@pytest.fixture(params=["file", "database"])
def queue_env(request: pytest.FixtureRequest, database_url: str, tmp_path: Path) -> Iterator[dict[str, str]]:
    """The queue the test app and its consumers share, in a SQLite file or in the test database's own tables;
    the environment that points a consumer at it."""
    saved = (huey._immediate, huey.storage)
    huey._immediate = False
    if request.param == "file":
        path = str(tmp_path / "huey.db")
        huey.storage = SqliteStorage(huey.name, filename=path)
        env = {"HUEY_STORAGE": "file", "HUEY_SQLITE_PATH": path}
    else:
        huey.storage = DatabaseStorage(huey.name, url=database_url)
        env = {"HUEY_STORAGE": "database"}
    yield env
    huey.storage.close()
    huey._immediate, huey.storage = saved
