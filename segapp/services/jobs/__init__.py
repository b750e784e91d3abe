"""Background jobs: long work done in bounded steps whose progress is kept in segapp's tables.

A job kind is a step function registered with ``job_kind``: it does one bounded piece of the work (a few hundred
letters), records how far it got in ``job.cursor`` / ``job.done`` / ``job.errors`` and in its files, and returns
True when the job is finished. The runner (``segapp.services.jobs.runner``) claims a job with a lease, commits
after every step while renewing the lease, so a job whose worker dies resumes from its last committed step once
the sweep finds its lease expired. The task queue (Huey, ``segapp.jobs.queue``) only carries wake-up calls:
losing one costs a minute, never work.
"""

from sqlalchemy.orm import Session

from segapp.models import BackgroundJob
from segapp.services.jobs.kinds import (
    FINISHED_STATES,
    Step,
    enqueue,
    enqueue_after_commit,
    job_cursor,
    job_file_content,
    job_file_ids,
    job_kind,
    job_output_file,
    job_params,
    newest_job,
    save_job_file,
    set_enqueuer,
    set_job_cursor,
    start_job,
    step_of,
)
from segapp.services.jobs.runner import (
    JobLeaseLost,
    cancel_job,
    checkpoint,
    claim_job,
    end_reading,
    run_claimed,
    sweep_jobs,
)

__all__ = [
    "FINISHED_STATES",
    "JobLeaseLost",
    "Step",
    "cancel_job",
    "checkpoint",
    "claim_job",
    "end_reading",
    "enqueue",
    "enqueue_after_commit",
    "job_cursor",
    "job_file_content",
    "job_output_file",
    "job_file_ids",
    "job_kind",
    "job_params",
    "newest_job",
    "run_claimed",
    "run_job_now",
    "save_job_file",
    "set_enqueuer",
    "set_job_cursor",
    "start_job",
    "step_of",
    "sweep_jobs",
]


def run_job_now(session: Session, job_id: int) -> BackgroundJob:
    """Run a job's steps to the end in this process, committing after each (tests; a job already finished, e.g.
    by the queue's immediate mode, is returned as it is)."""
    run_claimed(session, job_id, worker="inline")
    session.expire_all()
    job = session.get(BackgroundJob, job_id)
    assert job is not None
    return job
