"""Kinds of background jobs and what their steps read and write: parameters, cursor, files; the hand-over to
the task queue."""

import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import delete, event, select
from sqlalchemy.orm import Session, scoped_session

from segapp.models import BackgroundJob, JobFile

Step = Callable[[Session, BackgroundJob], bool]
_KINDS: dict[str, Step] = {}
# Set by the task queue when the app starts (segapp.jobs.queue): hands a job id to the workers.
_enqueuer: list[Callable[[int], None]] = []

FINISHED_STATES = ("done", "failed", "cancelled")


def job_kind(name: str) -> Callable[[Step], Step]:
    """Register the step function of a kind of job."""

    def register(step: Step) -> Step:
        _KINDS[name] = step
        return step

    return register


def step_of(kind: str) -> Step:
    """The step function of a kind (KeyError when no module registered it)."""
    return _KINDS[kind]


def start_job(
    session: Session, kind: str, *, params: dict[str, Any], total: int, user_id: int | None = None, owner: str = ""
) -> BackgroundJob:
    """A new queued job (the caller commits, then calls ``enqueue``)."""
    step_of(kind)
    job = BackgroundJob(kind=kind, params=json.dumps(params), total=total, user_id=user_id, owner=owner)
    session.add(job)
    session.flush()
    return job


def newest_job(session: Session, owner: str, kind: str) -> BackgroundJob | None:
    """The newest job of a kind that an owner (e.g. a registered segment) had, if any."""
    return session.scalars(
        select(BackgroundJob)
        .where(BackgroundJob.owner == owner, BackgroundJob.kind == kind)
        .order_by(BackgroundJob.id.desc())
        .limit(1)
    ).first()


def job_params(job: BackgroundJob) -> dict[str, Any]:
    """The job's parameters, as given to ``start_job``."""
    return json.loads(job.params or "{}")


def job_cursor(job: BackgroundJob) -> dict[str, Any]:
    """Where the job's steps got to (empty at the start)."""
    return json.loads(job.cursor or "{}")


def set_job_cursor(job: BackgroundJob, cursor: dict[str, Any]) -> None:
    """Record where the job's steps got to; committed with the step's work."""
    job.cursor = json.dumps(cursor)


def save_job_file(
    session: Session, job: BackgroundJob, name: str, content: bytes, *, media_type: str, kind: str = "output"
) -> JobFile:
    """Keep a file of the job: an output to download, or a part for its later steps (kind "part")."""
    session.execute(delete(JobFile).where(JobFile.job_id == job.id, JobFile.kind == kind, JobFile.name == name))
    file = JobFile(job_id=job.id, kind=kind, name=name, media_type=media_type, size=len(content), content=content)
    session.add(file)
    session.flush()
    return file


def job_file_ids(session: Session, job: BackgroundJob, kind: str = "output") -> list[tuple[int, str]]:
    """(id, name) of the job's files of a kind, by name: read each one's content on its own to keep memory low."""
    query = (
        select(JobFile.id, JobFile.name).where(JobFile.job_id == job.id, JobFile.kind == kind).order_by(JobFile.name)
    )
    return [(row.id, row.name) for row in session.execute(query)]


def job_output_file(session: Session, job: BackgroundJob, file_id: int) -> Any:
    """(name, media_type) of an output file of a finished job, or None: a file of another job, a part, or a job
    that has not finished has nothing to download."""
    if job.state != "done":
        return None
    query = select(JobFile.name, JobFile.media_type).where(
        JobFile.id == file_id, JobFile.job_id == job.id, JobFile.kind == "output"
    )
    return session.execute(query).one_or_none()


def job_file_content(session: Session, file_id: int) -> bytes:
    """The content of one of a job's files (read alone: files may be large)."""
    return session.execute(select(JobFile.content).where(JobFile.id == file_id)).scalar_one()


def set_enqueuer(enqueuer: Callable[[int], None]) -> None:
    """Install the function that hands a job to the workers (the task queue does, when the app is created)."""
    _enqueuer[:] = [enqueuer]


def enqueue(job_id: int) -> None:
    """Hand a committed job to the workers. Call it after the commit that made the job: a worker that looks
    before it would not find the job (the sweep would still start it, a few minutes later)."""
    if _enqueuer:
        _enqueuer[0](job_id)


def enqueue_after_commit(session: Session | scoped_session, job_id: int) -> None:
    """Hand the job to the workers once the session's transaction commits (nothing if it rolls back): for a
    service that starts a job but, as services do, leaves the commit to its view."""
    real = session() if isinstance(session, scoped_session) else session

    def committed(_session: Session) -> None:
        if event.contains(real, "after_rollback", rolled_back):
            event.remove(real, "after_rollback", rolled_back)
        enqueue(job_id)

    def rolled_back(_session: Session) -> None:
        if event.contains(real, "after_commit", committed):
            event.remove(real, "after_commit", committed)

    event.listen(real, "after_commit", committed, once=True)
    event.listen(real, "after_rollback", rolled_back, once=True)
