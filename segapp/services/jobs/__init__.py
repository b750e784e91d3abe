"""Background jobs: long work done in bounded steps whose progress is kept in segapp's tables.

A job kind is a step function registered with ``job_kind``: it does one bounded piece of the work (a few hundred
letters), records how far it got in ``job.cursor`` / ``job.done`` / ``job.errors`` and in its files, and returns
True when the job is finished. The runner commits after every step and renews the worker's lease, so a job whose
worker dies resumes from its last committed step.

FIRST CUT (the contract's interface): ``run_job_now`` runs a job's steps in the calling process. The jobs work
adds the task queue, the lease and its sweep, and the progress page.
"""

import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from segapp.models import BackgroundJob, JobFile
from segapp.models.base import utcnow

Step = Callable[[Session, BackgroundJob], bool]
_KINDS: dict[str, Step] = {}


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


def enqueue(job_id: int) -> None:
    """Hand a committed job to the workers. FIRST CUT: nothing (tests call run_job_now)."""


def run_job_now(session: Session, job_id: int) -> BackgroundJob:
    """Run a job's steps to the end in this process, committing after each (tests; the worker's loop)."""
    job = session.get(BackgroundJob, job_id)
    assert job is not None
    step = step_of(job.kind)
    job.state = "running"
    session.commit()
    while not step(session, job):
        session.commit()
    job.state = "done"
    job.finished_at = utcnow()
    session.commit()
    return job
