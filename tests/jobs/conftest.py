"""Jobs on both databases: the test kinds, a queue for real consumers (a SQLite file, the database's own tables or
Redis), the consumers themselves, and the registering tests' segment for the export jobs."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from huey.storage import BaseStorage, SqliteStorage

import tests.jobs.kinds  # noqa: F401 - registers the test kinds
from segapp.jobs.db_storage import DatabaseStorage
from segapp.jobs.queue import huey
from segapp.models import BackgroundJob
from tests.registering.conftest import make_registrable, make_segment, reference

__all__ = ["make_registrable", "make_segment", "reference"]
ROOT = Path(__file__).resolve().parents[2]
# Database 15 of the Redis on loopback, away from a real queue on a developer's machine (database 0).
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def queue_file(tmp_path: Path) -> Iterator[Path]:
    """The test app enqueues into a SQLite queue file that the consumers read (instead of immediate mode)."""
    path = tmp_path / "huey.db"
    saved = (huey._immediate, huey.storage)
    huey._immediate = False
    huey.storage = SqliteStorage(huey.name, filename=str(path))
    yield path
    huey._immediate, huey.storage = saved


def redis_storage() -> BaseStorage:
    """Huey's Redis storage on TEST_REDIS_URL, emptied; a skip when Redis does not answer (a failure in CI)."""
    try:
        from huey.storage import RedisStorage
        from redis.exceptions import RedisError

        storage = RedisStorage(huey.name, url=TEST_REDIS_URL)
        storage.conn.ping()
    except (ImportError, RedisError) as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis must answer at {TEST_REDIS_URL} in CI (.ci/run starts it): {error}")
        pytest.skip(f"no Redis at {TEST_REDIS_URL}: {error}")
    storage.flush_all()
    return storage


def shared_queue(kind: str, database_url: str, tmp_path: Path) -> Iterator[dict[str, str]]:
    """Point the test app's queue at ``kind`` (file, database, redis) for the test; yield the environment that
    points a consumer at the same queue."""
    saved = (huey._immediate, huey.storage)
    if kind == "file":
        path = str(tmp_path / "huey.db")
        storage: BaseStorage = SqliteStorage(huey.name, filename=path)
        env = {"HUEY_STORAGE": "file", "HUEY_SQLITE_PATH": path}
    elif kind == "database":
        storage = DatabaseStorage(huey.name, url=database_url)
        env = {"HUEY_STORAGE": "database"}
    else:
        storage = redis_storage()
        env = {"HUEY_STORAGE": "redis", "HUEY_REDIS_URL": TEST_REDIS_URL}
    huey._immediate = False
    huey.storage = storage
    try:
        yield env
    finally:
        if kind == "redis":
            storage.flush_all()
        storage.close()
        huey._immediate, huey.storage = saved


@pytest.fixture(params=["file", "database"])
def queue_env(request: pytest.FixtureRequest, database_url: str, tmp_path: Path) -> Iterator[dict[str, str]]:
    """The queue the test app and its consumers share, in a SQLite file or in the test database's own tables;
    the environment that points a consumer at it."""
    yield from shared_queue(request.param, database_url, tmp_path)


@pytest.fixture
def consumers(database_url: str, queue_env: dict[str, str], tmp_path: Path) -> Iterator[Callable[[], subprocess.Popen]]:
    """Start consumers (``flask jobs worker -w 1``) on the test database and queue, with a lease of 2 seconds;
    any still running is killed at the end, and their logs printed."""
    started: list[subprocess.Popen] = []
    env = dict(
        os.environ,
        DATABASE_URL=database_url,
        SECRET_KEY="test",
        FLASK_APP="wsgi.py",
        HUEY_IMMEDIATE="0",
        **queue_env,
        JOBS_LEASE_SECONDS="2",
        SEGAPP_JOB_MODULES="tests.jobs.kinds",
    )

    def start() -> subprocess.Popen:
        log = open(consumer_log(tmp_path, len(started)), "wb")  # noqa: SIM115 - kept open for the process
        process = subprocess.Popen(
            [sys.executable, "-m", "flask", "jobs", "worker", "-w", "1"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    for log in sorted(tmp_path.glob("consumer-*.log")):
        print(log.name, log.read_text(errors="replace")[-3000:])


def consumer_log(tmp_path: Path, index: int) -> Path:
    """The output of the ``index``-th consumer the ``consumers`` fixture started."""
    return tmp_path / f"consumer-{index}.log"


def read_job(db: Any, job_id: int) -> BackgroundJob:
    """The job as the database has it now."""
    db.session.rollback()  # a new snapshot (SQLite)
    job = db.session.get(BackgroundJob, job_id, populate_existing=True)
    assert job is not None
    return job


def wait_for_job(db: Any, job_id: int, until: Callable[[BackgroundJob], bool], seconds: float = 60) -> BackgroundJob:
    """The job once ``until`` holds for it; a failure after ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = read_job(db, job_id)
        if until(job):
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} still {job.state} at {job.done}/{job.total}")
