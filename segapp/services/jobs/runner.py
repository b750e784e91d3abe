"""The worker's loop: claim a job with a lease, run its steps committing after each (the lease renewed in the same
commit, so a worker that lost its lease writes nothing), end it done or failed; the sweep that queues again the
jobs whose worker died, and cancelling."""

import logging
import os
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from flask import current_app, has_app_context
from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.orm import Session

from segapp.models import BackgroundJob, JobFile
from segapp.models.base import utcnow
from segapp.services.errors import ServiceError
from segapp.services.jobs.kinds import step_of

log = logging.getLogger(__name__)

# A job whose worker died is taken again after its lease: long enough for the slowest step, short enough that a
# crash costs little. A queued job nobody claimed within NUDGE (its wake-up call was lost) is handed out again.
DEFAULT_LEASE_SECONDS = 120
NUDGE = timedelta(minutes=5)
# A job whose worker died this many times is failed rather than run again: it may be what kills the worker.
MAX_ATTEMPTS = 5
MESSAGE_LENGTH = 2000
# On SQLite a step holds the one write lock from its first statement to its commit, and SQLite's busy wait is not
# fair: a user's save polls every 100 ms at most and would miss the instant between two steps, waiting for the
# whole job or failing after its busy timeout. Between two steps the worker waits a share of the step's time, at
# most WRITERS_TURN (a little over the poll interval), so that a waiting save gets the lock.
WRITERS_SHARE = 0.25
WRITERS_TURN = 0.15


class JobLeaseLost(Exception):
    """The worker no longer holds the job's lease (it expired and another worker took it, or it was cancelled)."""


def lease_duration() -> timedelta:
    """How long a claim or a renewal holds a job (``JOBS_LEASE_SECONDS``)."""
    if has_app_context():
        seconds = current_app.config.get("JOBS_LEASE_SECONDS")
        if seconds:
            return timedelta(seconds=float(seconds))
    return timedelta(seconds=float(os.environ.get("JOBS_LEASE_SECONDS", DEFAULT_LEASE_SECONDS)))


def claim_job(session: Session, job_id: int, worker: str) -> BackgroundJob | None:
    """Take the job for ``worker`` if it is queued (or running on an expired lease): one conditional UPDATE, so
    two workers never both get it. Committed; None when someone else has it or it is finished."""
    now = utcnow()
    claimed = session.execute(
        update(BackgroundJob)
        .where(
            BackgroundJob.id == job_id,
            or_(
                BackgroundJob.state == "queued",
                and_(BackgroundJob.state == "running", BackgroundJob.lease_until < now),
            ),
        )
        .values(state="running", worker=worker, lease_until=now + lease_duration(), attempts=BackgroundJob.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        session.rollback()
        return None
    session.commit()
    job = session.get(BackgroundJob, job_id, populate_existing=True)
    assert job is not None
    # Who holds the claim, kept on the object rather than read back from the row (which names the new holder
    # once another worker has taken the job over).
    job.claimed_by = worker  # type: ignore[attr-defined]
    return job


def _renew(session: Session, job_id: int, worker: str, **values: object) -> None:
    """Renew the lease (and set ``values``) in the step's own transaction, only while ``worker`` still holds it."""
    session.flush()
    renewed = session.execute(
        update(BackgroundJob)
        .where(BackgroundJob.id == job_id, BackgroundJob.worker == worker, BackgroundJob.state == "running")
        .values({"lease_until": utcnow() + lease_duration(), **values})
        .execution_options(synchronize_session=False)
    )
    if renewed.rowcount != 1:
        raise JobLeaseLost(job_id)


def checkpoint(session: Session, job: BackgroundJob) -> None:
    """Commit the work done so far within a step, renewing the lease (e.g. before an SMTP call that must not be
    repeated); raises JobLeaseLost, after rolling back, when the worker no longer holds the job."""
    try:
        _renew(session, job.id, job.claimed_by)  # type: ignore[attr-defined]
    except JobLeaseLost:
        session.rollback()
        raise
    session.commit()


def end_reading(session: Session) -> None:
    """End the step's transaction once it has read what its long work needs (a merge, a PDF: seconds without the
    database), before it writes anything: on SQLite that transaction holds the one write lock, which every user's
    save would wait for. The step's writes and the lease's renewal follow together in the next transaction."""
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("end_reading() after the step has written")
    session.commit()


def run_claimed(session: Session, job_id: int, worker: str, *, should_stop: Callable[[], bool] = lambda: False) -> str:
    """Claim the job and run its steps to the end: "done", "failed", "lost" (another worker has it now),
    "released" (``should_stop`` said stop: queued again for the next worker) or "not_claimed"."""
    job = claim_job(session, job_id, worker)
    if job is None:
        return "not_claimed"
    on_sqlite = session.get_bind().dialect.name == "sqlite"
    while True:
        started = time.monotonic()
        try:
            finished = step_of(job.kind)(session, job)
            if finished:
                _renew(session, job_id, worker, state="done", lease_until=None, finished_at=utcnow())
                session.execute(delete(JobFile).where(JobFile.job_id == job_id, JobFile.kind == "part"))
            else:
                _renew(session, job_id, worker)
            session.commit()
        except JobLeaseLost:
            session.rollback()
            log.warning("job %s: %s lost its lease; another worker has it", job_id, worker)
            return "lost"
        except Exception as error:  # noqa: BLE001 - any error of a step fails its job, with the error kept
            session.rollback()
            log.exception("job %s (%s) failed", job_id, job.kind)
            return _fail(session, job_id, worker, error)
        if finished:
            return "done"
        if should_stop():
            return _release(session, job_id, worker)
        if on_sqlite:
            time.sleep(min(WRITERS_TURN, (time.monotonic() - started) * WRITERS_SHARE))


def _error_text(error: Exception) -> str:
    if isinstance(error, ServiceError):
        return error.message[:MESSAGE_LENGTH]
    if isinstance(error, KeyError) and not str(error):
        return type(error).__name__
    return f"{type(error).__name__}: {error}"[:MESSAGE_LENGTH]


def _fail(session: Session, job_id: int, worker: str, error: Exception) -> str:
    """Mark the job failed with its error; its files go (nothing half-written is offered)."""
    failed = session.execute(
        update(BackgroundJob)
        .where(BackgroundJob.id == job_id, BackgroundJob.worker == worker, BackgroundJob.state == "running")
        .values(state="failed", message=_error_text(error), lease_until=None, finished_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if failed.rowcount == 1:
        session.execute(delete(JobFile).where(JobFile.job_id == job_id))
    session.commit()
    return "failed"


def _release(session: Session, job_id: int, worker: str) -> str:
    """Give the job back (the worker is stopping): queued again, from its last committed step."""
    session.execute(
        update(BackgroundJob)
        .where(BackgroundJob.id == job_id, BackgroundJob.worker == worker, BackgroundJob.state == "running")
        .values(state="queued", worker="", lease_until=None)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return "released"


def sweep_jobs(session: Session, now: datetime | None = None) -> list[int]:
    """Queue again the running jobs whose lease expired (their worker died) and nudge the queued ones nobody
    claimed within NUDGE; fail those that have killed MAX_ATTEMPTS workers. Returns the ids to hand to the
    workers once the caller has committed. A few set-based statements whatever the number of jobs."""
    now = now or utcnow()
    expired = and_(BackgroundJob.state == "running", BackgroundJob.lease_until < now)
    worn_out = and_(expired, BackgroundJob.attempts >= MAX_ATTEMPTS)
    worn_ids = list(session.scalars(select(BackgroundJob.id).where(worn_out)))
    if worn_ids:
        session.execute(
            update(BackgroundJob)
            .where(BackgroundJob.id.in_(worn_ids), worn_out)
            .values(
                state="failed",
                message=f"Stopped after {MAX_ATTEMPTS} attempts: its worker died each time.",
                lease_until=None,
                finished_at=now,
            )
            .execution_options(synchronize_session=False)
        )
        session.execute(delete(JobFile).where(JobFile.job_id.in_(worn_ids)))
    stale_queued = and_(
        BackgroundJob.state == "queued",
        or_(
            BackgroundJob.lease_until < now,
            and_(BackgroundJob.lease_until.is_(None), BackgroundJob.created_at < now - NUDGE),
        ),
    )
    due = or_(expired, stale_queued)
    ids = list(session.scalars(select(BackgroundJob.id).where(due).order_by(BackgroundJob.id)))
    if ids:
        # lease_until of a queued job: when to nudge it again if still nobody claims it.
        session.execute(
            update(BackgroundJob)
            .where(BackgroundJob.id.in_(ids), due)
            .values(state="queued", worker="", lease_until=now + NUDGE)
            .execution_options(synchronize_session=False)
        )
    return ids


def cancel_job(session: Session, job_id: int) -> bool:
    """Stop a queued or running job: its worker notices at its next step's commit, and writes nothing more."""
    cancelled = session.execute(
        update(BackgroundJob)
        .where(BackgroundJob.id == job_id, BackgroundJob.state.in_(("queued", "running")))
        .values(state="cancelled", lease_until=None, finished_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if cancelled.rowcount != 1:
        return False
    session.execute(delete(JobFile).where(JobFile.job_id == job_id))
    return True
