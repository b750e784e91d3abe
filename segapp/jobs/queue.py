"""The task queue (Huey): wake-up calls that hand a job id to a worker, and the sweep every minute.

What a job has done lives in segapp's tables (segapp.services.jobs); Huey only carries "run job 12". Storage
(``HUEY_STORAGE``): ``file``, a SQLite file in the instance folder (the default: no server beyond the app's own);
``database``, tables of the app's own database (several app servers on one PostgreSQL share one queue, no Redis);
``redis`` (``HUEY_REDIS_URL``; needs the ``redis`` package). Several app servers may also keep one file queue
each, with a consumer beside each: the claim and the sweep work on the shared database, so any consumer finishes
any job. Tests run in Huey's immediate mode (``HUEY_IMMEDIATE``): enqueue runs the job at once.
"""

import logging
import os
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import import_module

from flask import Flask, current_app, has_app_context
from huey import Huey, crontab
from huey.storage import MemoryStorage, SqliteStorage
from sqlalchemy.orm import Session

from segapp.database import immediate_transactions
from segapp.extensions import db
from segapp.jobs.db_storage import DatabaseStorage
from segapp.services.delivery.claims import expire_delivery_claims
from segapp.services.jobs import enqueue, run_claimed, set_enqueuer, sweep_jobs

log = logging.getLogger(__name__)

# Replaced by configure_queue when the app is created; memory until then (importing never creates a file).
huey = Huey("segapp", results=False, utc=True, storage_class=MemoryStorage)
# Modules defining job kinds, imported where jobs run; more from SEGAPP_JOB_MODULES (comma separated).
JOB_MODULES = [
    "segapp.services.jobs.exports",
    "segapp.services.documents.printable",
    "segapp.services.delivery.sending",
]

_worker_app: list[Flask] = []
_stop_flag: list[threading.Event] = []


def configure_queue(app: Flask) -> None:
    """Point the queue at its storage: immediate (tests), the app's database, Redis, or a SQLite file."""
    for module in JOB_MODULES + [m for m in os.environ.get("SEGAPP_JOB_MODULES", "").split(",") if m.strip()]:
        import_module(module.strip())
    set_enqueuer(_hand_over)
    if app.config.get("HUEY_IMMEDIATE"):
        huey.immediate = True
        return
    huey._immediate = False
    storage = app.config.get("HUEY_STORAGE") or ("redis" if app.config.get("HUEY_REDIS_URL") else "file")
    if storage == "database":
        huey.storage = DatabaseStorage(huey.name, url=app.config["SQLALCHEMY_DATABASE_URI"])
        return
    url = app.config.get("HUEY_REDIS_URL")
    if storage == "redis":
        from huey.storage import RedisStorage  # needs the redis package, installed only for this mode

        huey.storage = RedisStorage(huey.name, url=url)
        return
    path = app.config.get("HUEY_SQLITE_PATH") or os.path.join(app.instance_path, "huey.db")
    if not isinstance(huey.storage, SqliteStorage) or huey.storage.filename != path:
        huey.storage = SqliteStorage(huey.name, filename=path)


def _hand_over(job_id: int) -> None:
    run_job_task(job_id)


def use_app(app: Flask, stop_flag: threading.Event | None = None) -> None:
    """The app the consumer's tasks run in (set by ``flask jobs worker``), and its stop flag."""
    _worker_app[:] = [app]
    _stop_flag[:] = [stop_flag] if stop_flag is not None else []


@contextmanager
def _app_context() -> Iterator[Flask]:
    """The caller's app (immediate mode), else the consumer's (``flask jobs worker`` sets it)."""
    if has_app_context():
        yield current_app._get_current_object()  # type: ignore[attr-defined]
        return
    if not _worker_app:
        raise RuntimeError("start the consumer with `flask jobs worker`")
    with _worker_app[0].app_context():
        yield _worker_app[0]


def worker_name() -> str:
    """This worker thread, as a job's ``worker`` (host, process, thread)."""
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"[:100]


def _stopping() -> bool:
    return bool(_stop_flag) and _stop_flag[0].is_set()


@huey.task()
def run_job_task(job_id: int) -> None:
    """Run a job to its end in this worker (or give it back when the consumer stops between two steps)."""
    with _app_context(), immediate_transactions(), Session(db.engine) as session:
        outcome = run_claimed(session, job_id, worker_name(), should_stop=_stopping)
    log.info("job %s: %s", job_id, outcome)
    if outcome == "released":
        run_job_task(job_id)  # into the persistent queue: the next consumer start takes it up


def sweep() -> list[int]:
    """Queue again the jobs whose lease expired, and hand them to the workers; e-mail entries whose worker died
    mid-call become unknown."""
    with _app_context(), immediate_transactions(), Session(db.engine) as session:
        ids = sweep_jobs(session)
        # E-mail entries left *sending* by a worker that died become *unknown* once their lease is over.
        unknown = expire_delivery_claims(session)
        session.commit()
    if unknown:
        log.warning("sweep: %s e-mail entries left sending by a dead worker are now unknown", unknown)
    for job_id in ids:
        enqueue(job_id)
    if ids:
        log.info("sweep: jobs %s queued again", ids)
    return ids


@huey.periodic_task(crontab(minute="*"))
def sweep_task() -> None:
    """Every minute: the sweep of expired leases."""
    sweep()


@huey.on_startup()
def sweep_at_start() -> None:
    """At consumer start (each worker thread): the sweep, so a crashed consumer's jobs go on at once once their
    lease is over."""
    try:
        sweep()
    except Exception:  # noqa: BLE001 - a database not reachable yet must not stop the consumer; the minute's sweep retries
        log.exception("sweep at start failed")
