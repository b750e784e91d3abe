"""A real Huey consumer (``flask jobs worker``) on the test database: killed mid-job, the job is finished by the next
consumer's sweep from its last committed step; stopped with Ctrl+C, it gives the job back. And the sweep's
periodic task, in immediate mode."""

import os
import signal
import subprocess
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import update

from segapp.jobs.queue import sweep_task
from segapp.models import BackgroundJob
from segapp.models.base import utcnow
from segapp.services.jobs import claim_job, enqueue, job_cursor, job_file_content, job_file_ids, start_job
from tests.jobs.conftest import read_job, wait_for_job

STEPS = 30


def _slow_job(db: Any) -> int:
    job_id = start_job(db.session, "test_count", params={"sleep": 0.25}, total=STEPS, owner="test").id
    db.session.commit()
    enqueue(job_id)
    return job_id


def test_a_killed_consumers_job_is_finished_by_the_next_consumers_sweep(
    db: Any, consumers: Callable[[], subprocess.Popen]
) -> None:
    first = consumers()
    job_id = _slow_job(db)
    first_worker = wait_for_job(db, job_id, lambda job: job.done >= 3).worker
    os.killpg(first.pid, signal.SIGKILL)  # no chance to give the job back
    first.wait()
    dead = read_job(db, job_id)
    assert dead.state == "running" and 3 <= dead.done < STEPS
    assert dead.worker == first_worker
    # Once its lease has expired, the next consumer's sweep at start queues it again.
    wait_for_job(db, job_id, lambda job: job.lease_until is not None and _naive(job.lease_until) < _naive(utcnow()), 10)
    second = consumers()
    job = wait_for_job(db, job_id, lambda job: job.state == "done")
    assert (job.done, job.total, job.errors, job.attempts) == (STEPS, STEPS, 0, 2)
    assert job.worker != first_worker
    # Each committed step once, in order: the job went on from the step where it was killed.
    assert job_cursor(job)["steps"] == list(range(STEPS))
    ((file_id, name),) = job_file_ids(db.session, job)
    assert name == "steps.txt"
    assert job_file_content(db.session, file_id).decode() == ",".join(str(n) for n in range(STEPS))
    second.send_signal(signal.SIGINT)
    assert second.wait(timeout=30) == 0


def test_ctrl_c_gives_the_job_back_after_its_step_and_the_next_start_finishes_it(
    db: Any, consumers: Callable[[], subprocess.Popen]
) -> None:
    first = consumers()
    job_id = _slow_job(db)
    wait_for_job(db, job_id, lambda job: job.done >= 2)
    os.killpg(first.pid, signal.SIGINT)  # Ctrl+C in the terminal signals the whole group
    assert first.wait(timeout=20) == 0
    released = read_job(db, job_id)
    assert (released.state, released.worker, released.lease_until) == ("queued", "", None)
    assert released.done < STEPS
    # Its wake-up call waits in the queue file: the next consumer takes the job up without any sweep.
    second = consumers()
    job = wait_for_job(db, job_id, lambda job: job.state == "done")
    assert job_cursor(job)["steps"] == list(range(STEPS))
    os.killpg(second.pid, signal.SIGINT)
    assert second.wait(timeout=30) == 0


def test_the_periodic_sweep_runs_every_minute_and_finishes_a_dead_workers_job(db: Any) -> None:
    assert all(sweep_task.task_class().validate_datetime(datetime(2026, 11, 28, 4, minute)) for minute in range(60))
    job_id = start_job(db.session, "test_count", params={}, total=3, owner="test").id
    db.session.commit()
    claim_job(db.session, job_id, "dead")
    db.session.execute(update(BackgroundJob).where(BackgroundJob.id == job_id).values(lease_until=utcnow()))
    db.session.commit()
    sweep_task.call_local()  # immediate mode: the sweep hands the job over and it runs here
    job = read_job(db, job_id)
    assert (job.state, job.done, job.attempts) == ("done", 3, 2)


def _naive(value: datetime) -> datetime:
    """SQLite gives back naive UTC datetimes, PostgreSQL aware ones."""
    return value.replace(tzinfo=None)
