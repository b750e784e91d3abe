"""The worker's loop on both databases: claim, steps committed one by one, failure, lease lost, sweep, cancel."""

import threading
import time
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from segapp.database import immediate_transactions
from segapp.models import BackgroundJob, JobFile
from segapp.models.base import utcnow
from segapp.services.jobs import (
    cancel_job,
    claim_job,
    enqueue_after_commit,
    job_cursor,
    job_file_ids,
    run_claimed,
    run_job_now,
    start_job,
    sweep_jobs,
)
from segapp.services.jobs.kinds import step_of
from segapp.services.jobs.runner import MAX_ATTEMPTS, NUDGE, JobLeaseLost, checkpoint
from tests.sqlcount import count_statements


def _job(db: Any, total: int = 3, **params: Any) -> int:
    job_id = start_job(db.session, "test_count", params=params, total=total, owner="test").id
    db.session.commit()
    return job_id


def _state(db: Any, job_id: int) -> BackgroundJob:
    # A new transaction: on SQLite an older one would still see the database as it was before other sessions wrote.
    db.session.rollback()
    job = db.session.get(BackgroundJob, job_id)
    assert job is not None
    return job


def _files(db: Any, job_id: int) -> list[tuple[str, str]]:
    return [
        tuple(row) for row in db.session.execute(select(JobFile.kind, JobFile.name).where(JobFile.job_id == job_id))
    ]


def test_a_job_runs_step_by_step_to_done_and_keeps_only_its_outputs(db: Any) -> None:
    job_id = _job(db, total=4)
    job = run_job_now(db.session, job_id)
    assert (job.state, job.done, job.total, job.errors, job.attempts) == ("done", 4, 4, 0, 1)
    assert job.finished_at is not None and job.lease_until is None
    assert job_cursor(job)["steps"] == [0, 1, 2, 3]
    # The parts were for the job's own steps: once done, only the output stays.
    assert _files(db, job_id) == [("output", "steps.txt")]


def test_a_step_that_raises_fails_the_job_with_its_error_and_leaves_nothing_half_written(db: Any) -> None:
    job_id = _job(db, total=5, fail_at=2)
    job = run_job_now(db.session, job_id)
    assert job.state == "failed"
    assert job.message == "RuntimeError: step 2 broke"
    # The failing step's writes were rolled back (done stays at the last committed step), and the earlier
    # steps' parts are gone with the job's failure.
    assert job.done == 2
    assert job_cursor(job)["steps"] == [0, 1]
    assert _files(db, job_id) == []


def test_two_workers_never_claim_the_same_job(app: Any, db: Any) -> None:
    job_id = _job(db)
    winners: list[str] = []
    barrier = threading.Barrier(4)

    def claim(name: str) -> None:
        with app.app_context(), immediate_transactions(), Session(db.engine) as session:
            barrier.wait()
            if claim_job(session, job_id, name) is not None:
                winners.append(name)

    threads = [threading.Thread(target=claim, args=(f"w{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(winners) == 1
    job = _state(db, job_id)
    assert (job.state, job.worker, job.attempts) == ("running", winners[0], 1)
    assert job.lease_until is not None


def test_a_worker_whose_lease_was_taken_over_writes_nothing_more(app: Any, db: Any) -> None:
    job_id = _job(db, total=3)
    with Session(db.engine) as slow_session:
        slow_job = claim_job(slow_session, job_id, "slow")
        assert slow_job is not None
        slow_session.rollback()
        # The slow worker's lease runs out while it works; another worker takes the job over.
        db.session.execute(update(BackgroundJob).where(BackgroundJob.id == job_id).values(lease_until=utcnow()))
        db.session.commit()
        assert claim_job(db.session, job_id, "fast") is not None
        db.session.rollback()
        # The slow worker's step ends: its commit finds the lease gone and rolls the step back.
        with immediate_transactions():
            step_of("test_count")(slow_session, slow_job)
            with pytest.raises(JobLeaseLost):
                checkpoint(slow_session, slow_job)
    job = _state(db, job_id)
    assert (job.worker, job.done, job_cursor(job), job.attempts) == ("fast", 0, {}, 2)
    assert _files(db, job_id) == []


def test_run_claimed_stops_when_the_lease_is_lost_midway(db: Any) -> None:
    job_id = _job(db, total=3)
    assert claim_job(db.session, job_id, "other") is not None
    # Another worker holds an unexpired lease: this one does not get it.
    assert run_claimed(db.session, job_id, "me") == "not_claimed"
    assert _state(db, job_id).worker == "other"


def test_the_sweep_queues_again_the_jobs_whose_lease_expired(db: Any) -> None:
    dead, alive, worn, fresh, forgotten = (_job(db) for _ in range(5))
    now = utcnow()
    for job_id, worker in ((dead, "dead"), (alive, "alive"), (worn, "worn")):
        assert claim_job(db.session, job_id, worker) is not None
    db.session.execute(
        update(BackgroundJob).where(BackgroundJob.id.in_((dead, worn))).values(lease_until=now - timedelta(seconds=1))
    )
    db.session.execute(update(BackgroundJob).where(BackgroundJob.id == worn).values(attempts=MAX_ATTEMPTS))
    # A queued job whose wake-up call was lost long ago, and one just made.
    db.session.execute(
        update(BackgroundJob).where(BackgroundJob.id == forgotten).values(created_at=now - NUDGE - timedelta(1))
    )
    db.session.commit()
    assert sweep_jobs(db.session, now) == [dead, forgotten]
    db.session.commit()
    states = {job_id: (_state(db, job_id).state, _state(db, job_id).worker) for job_id in (dead, alive, worn, fresh)}
    assert states == {
        dead: ("queued", ""),
        alive: ("running", "alive"),
        worn: ("failed", "worn"),
        fresh: ("queued", ""),
    }
    assert "attempts" in _state(db, worn).message
    # Nudged once: not again until NUDGE has passed, unless still nobody claims it.
    assert sweep_jobs(db.session, now + timedelta(seconds=1)) == []
    assert {dead, forgotten} <= set(sweep_jobs(db.session, now + NUDGE + timedelta(seconds=1)))
    db.session.rollback()
    # The requeued job is claimed again and finished from where it stopped.
    job = run_job_now(db.session, dead)
    assert (job.state, job.attempts) == ("done", 2)


def test_the_sweep_is_a_few_statements_whatever_the_number_of_jobs(db: Any) -> None:
    def expired(count: int) -> int:
        ids = [_job(db) for _ in range(count)]
        for job_id in ids:
            claim_job(db.session, job_id, "dead")
        db.session.execute(
            update(BackgroundJob).where(BackgroundJob.id.in_(ids)).values(lease_until=utcnow() - timedelta(1))
        )
        db.session.commit()
        with count_statements(db.engine) as counted:
            assert len(sweep_jobs(db.session)) == count
        db.session.commit()
        return counted.count

    assert expired(2) == expired(20) <= 4


def test_a_cancelled_job_stops_at_its_next_step(db: Any) -> None:
    job_id = _job(db, total=3)
    assert cancel_job(db.session, job_id)
    db.session.commit()
    assert run_claimed(db.session, job_id, "w") == "not_claimed"
    job = _state(db, job_id)
    assert (job.state, job.done) == ("cancelled", 0)
    assert not cancel_job(db.session, job_id)


def test_a_stopping_worker_gives_the_job_back_after_its_current_step(db: Any) -> None:
    job_id = _job(db, total=4)
    assert run_claimed(db.session, job_id, "w", should_stop=lambda: True) == "released"
    job = _state(db, job_id)
    assert (job.state, job.worker, job.done, job.lease_until) == ("queued", "", 1, None)
    assert [name for _id, name in job_file_ids(db.session, job, kind="part")] == ["part-0000"]
    assert run_job_now(db.session, job_id).state == "done"


def test_a_job_is_handed_over_once_its_transaction_commits_and_never_after_a_rollback(db: Any) -> None:
    dropped = start_job(db.session, "test_count", params={}, total=2, owner="test").id
    enqueue_after_commit(db.session, dropped)
    db.session.rollback()
    kept = start_job(db.session, "test_count", params={}, total=2, owner="test").id
    enqueue_after_commit(db.session, kept)
    assert _state_in_other_session(db, kept) is None  # not committed: no worker could see it yet
    db.session.commit()  # immediate mode: the hand-over runs the job here
    assert _state(db, kept).state == "done"
    db.session.commit()
    assert db.session.get(BackgroundJob, dropped) is None or dropped == kept


def _state_in_other_session(db: Any, job_id: int) -> str | None:
    with Session(db.engine) as other:
        return other.scalar(select(BackgroundJob.state).where(BackgroundJob.id == job_id))


def test_a_user_can_save_while_a_job_runs_its_steps(app: Any, db: Any) -> None:
    # On SQLite each step holds the write lock; the worker leaves room between two steps for a user's save, which
    # would otherwise wait for the whole job (or fail after its busy timeout). On PostgreSQL nothing waits.
    job_id = _job(db, total=6, sleep=0.6)

    def work() -> None:
        with app.app_context(), immediate_transactions(), Session(db.engine) as session:
            run_claimed(session, job_id, "w")

    worker = threading.Thread(target=work)
    worker.start()
    try:
        deadline = time.monotonic() + 30
        while _state(db, job_id).done < 1:
            assert time.monotonic() < deadline, "the job did not start"
            time.sleep(0.05)
        with immediate_transactions(), Session(db.engine) as user:
            saved = start_job(user, "test_count", params={}, total=1, owner="user").id
            user.commit()
        assert _state(db, job_id).state == "running", "the save waited for the whole job"
    finally:
        worker.join()
    assert _state(db, job_id).state == "done"
    assert _state(db, saved).owner == "user"
