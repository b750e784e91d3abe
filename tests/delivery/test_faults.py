"""Faults while sending, against a real SMTP server on loopback: a server that is down, a refused recipient, a
connection dropped mid-batch (the entries concerned in error, the others sent, retry completes the rest); a worker
killed between *sending* and *sent* (the entry becomes unknown after its lease and is never sent twice unless a
user retries it); and retry's own rules."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from segapp.database import immediate_transactions
from segapp.jobs.queue import sweep
from segapp.models import BackgroundJob, InteractionLogEntry, LoggedSegment, SegmentHeader
from segapp.models.base import utcnow
from segapp.services.delivery import sending, smtp
from segapp.services.delivery.claims import expire_delivery_claims
from segapp.services.delivery.retry import retry_entries
from segapp.services.errors import NotFound, ServiceError
from segapp.services.jobs import cancel_job, run_job_now
from tests.delivery.support import deliveries, errors, register
from tests.smtp_server import SmtpServer

ROOT = Path(__file__).resolve().parents[2]


def _logged(db: Any) -> int:
    return int(db.session.scalar(select(LoggedSegment.entry_no)))


def _retry(db: Any, include_unknown: bool = False) -> BackgroundJob | None:
    job = retry_entries(db.session, _logged(db), include_unknown=include_unknown, user_id=None)
    db.session.commit()
    return run_job_now(db.session, job.id) if job is not None else None


def test_a_server_that_is_down_fails_every_entry_and_retry_sends_them_once_it_is_back(
    db: Any, smtp_server: SmtpServer, email_segment: Callable[..., SegmentHeader]
) -> None:
    header = email_segment(3)
    smtp_server.stop()
    job = run_job_now(db.session, register(db, header.no).id)
    assert (job.state, job.done, job.errors) == ("done", 3, 3)
    assert deliveries(db) == [("R00001", "error"), ("R00002", "error"), ("R00003", "error")]
    assert "cannot be reached" in errors(db)["R00001"]
    smtp_server.start()

    again = _retry(db)

    assert again is not None and (again.total, again.done, again.errors) == (3, 3, 0)
    assert smtp_server.recipients() == ["p1@example.com", "p2@example.com", "p3@example.com"]
    assert deliveries(db) == [("R00001", "sent"), ("R00002", "sent"), ("R00003", "sent")]
    assert errors(db) == {}


def test_a_refused_recipient_is_that_entrys_error_with_the_servers_reason_and_the_others_are_sent(
    db: Any, smtp_server: SmtpServer, email_segment: Callable[..., SegmentHeader]
) -> None:
    header = email_segment(3)
    smtp_server.refuse("p2@example.com")
    job = run_job_now(db.session, register(db, header.no).id)
    assert (job.done, job.errors) == (3, 1)
    assert deliveries(db) == [("R00001", "sent"), ("R00002", "error"), ("R00003", "sent")]
    assert errors(db)["R00002"].startswith("The mail server refused the recipient: 550 5.1.1 <p2@example.com>")
    smtp_server.refused.clear()

    _retry(db)

    assert smtp_server.recipients() == ["p1@example.com", "p3@example.com", "p2@example.com"]
    attempts = db.session.scalars(select(InteractionLogEntry.delivery_attempts).order_by(InteractionLogEntry.entry_no))
    assert list(attempts) == [1, 2, 1]


def test_a_connection_dropped_mid_batch_fails_that_message_the_rest_goes_on_and_retry_completes_it(
    db: Any, smtp_server: SmtpServer, email_segment: Callable[..., SegmentHeader]
) -> None:
    header = email_segment(5)
    smtp_server.drop_after(2)
    job = run_job_now(db.session, register(db, header.no).id)
    assert (job.done, job.errors) == (5, 1)
    assert deliveries(db)[2] == ("R00003", "error")
    assert "connection to the mail server was lost" in errors(db)["R00003"]
    assert smtp_server.dropped == 1

    _retry(db)

    assert sorted(smtp_server.recipients()) == [f"p{n}@example.com" for n in range(1, 6)]
    assert {status for _contact, status in deliveries(db)} == {"sent"}


def test_a_worker_killed_between_sending_and_sent_leaves_the_entry_unknown_after_its_lease_never_sent_twice(
    db: Any,
    app: Any,
    smtp_server: SmtpServer,
    email_segment: Callable[..., SegmentHeader],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(app.config, "JOBS_LEASE_SECONDS", 1)
    monkeypatch.setitem(app.config, "SMTP_SENDING_WINDOW", 1)  # each message's entries marked alone
    header = email_segment(3)
    job = register(db, header.no)
    real_send = smtp.MailConnection.send

    def send_then_die(self: Any, message: Any, recipients: Any = None) -> None:
        real_send(self, message, recipients)
        if message["To"].addresses[0].addr_spec == "p2@example.com":
            raise SystemExit("killed after the server accepted the message")

    monkeypatch.setattr(smtp.MailConnection, "send", send_then_die)
    with pytest.raises(SystemExit):
        run_job_now(db.session, job.id)
    db.session.rollback()
    # The server has the message; the entry says it was being sent, committed before the call.
    assert smtp_server.recipients() == ["p1@example.com", "p2@example.com"]
    assert deliveries(db) == [("R00001", "sent"), ("R00002", "sending"), ("R00003", "pending")]
    # A slow server is not a dead worker: while the lease runs the entry stays sending.
    assert expire_delivery_claims(db.session) == 0
    db.session.rollback()
    monkeypatch.setattr(smtp.MailConnection, "send", real_send)
    time.sleep(1.2)

    # The leases are over: the minute's sweep makes the entry unknown, queues the job again, and the next
    # worker (the tests' queue runs it at once) finishes it.
    assert sweep() == [job.id]

    job = db.session.get(BackgroundJob, job.id, populate_existing=True)
    assert job.state == "done"
    assert deliveries(db) == [("R00001", "sent"), ("R00002", "unknown"), ("R00003", "sent")]
    assert smtp_server.recipients() == ["p1@example.com", "p2@example.com", "p3@example.com"]
    assert "may have gone" in errors(db)["R00002"]
    # Retry leaves an unknown entry alone unless the user says so.
    assert _retry(db) is None
    assert len(smtp_server.messages) == 3
    _retry(db, include_unknown=True)
    assert smtp_server.recipients()[3:] == ["p2@example.com"]
    assert deliveries(db)[1] == ("R00002", "sent")


def _kill_worker_at(database_url: str, smtp_server: SmtpServer, job_id: int, *, message: int, window: int) -> None:
    """Run the job in a worker process that SIGKILLs itself once the server accepted its ``message``-th message."""
    args = [database_url, str(smtp_server.port), str(job_id), str(message), str(window)]
    worker = subprocess.run(
        [sys.executable, "-m", "tests.delivery.kill_worker", *args],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        timeout=120,
    )
    assert worker.returncode == -signal.SIGKILL, worker.stderr.decode()[-2000:]


def _leases_over(db: Any) -> None:
    """The job's and the entries' leases over (moved back rather than waited for)."""
    past = utcnow() - timedelta(seconds=1)
    db.session.execute(update(BackgroundJob).values(lease_until=past))
    db.session.execute(
        update(InteractionLogEntry)
        .where(InteractionLogEntry.delivery_lease_until.is_not(None))
        .values(delivery_lease_until=past)
    )
    db.session.commit()


def test_a_worker_process_killed_after_the_server_accepted_a_message_never_sends_it_again(
    db: Any,
    app: Any,
    database_url: str,
    smtp_server: SmtpServer,
    email_segment: Callable[..., SegmentHeader],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    header = email_segment(4)
    job = register(db, header.no)
    _kill_worker_at(database_url, smtp_server, job.id, message=2, window=1)
    assert smtp_server.recipients() == ["p1@example.com", "p2@example.com"]
    assert deliveries(db) == [("R00001", "sent"), ("R00002", "sending"), ("R00003", "pending"), ("R00004", "pending")]
    # Later, its leases over (moved back here rather than waited for), the sweep and the next worker finish.
    _leases_over(db)

    job = run_job_now(db.session, job.id)

    assert (job.state, job.attempts) == ("done", 2)
    assert deliveries(db) == [("R00001", "sent"), ("R00002", "unknown"), ("R00003", "sent"), ("R00004", "sent")]
    assert smtp_server.recipients() == [f"p{n}@example.com" for n in range(1, 5)]


def test_a_worker_killed_inside_a_window_leaves_the_windows_entries_unknown_and_sends_nothing_twice(
    db: Any,
    app: Any,
    database_url: str,
    smtp_server: SmtpServer,
    email_segment: Callable[..., SegmentHeader],
) -> None:
    """A window marks its messages' entries *sending* in one commit: a worker killed after the server accepted
    the 2nd of 4 leaves all 4 *sending*, then *unknown*; nothing goes again unless a user retries the unknown."""
    header = email_segment(4)
    job = register(db, header.no)
    _kill_worker_at(database_url, smtp_server, job.id, message=2, window=20)
    assert smtp_server.recipients() == ["p1@example.com", "p2@example.com"]
    assert [status for _no, status in deliveries(db)] == ["sending"] * 4
    _leases_over(db)

    job = run_job_now(db.session, job.id)

    assert job.state == "done"
    assert [status for _no, status in deliveries(db)] == ["unknown"] * 4
    assert _retry(db) is None  # nothing in error: retry without the unknown ones sends nothing
    assert smtp_server.recipients() == ["p1@example.com", "p2@example.com"]


def test_retry_refuses_a_cancelled_registered_segment_and_a_missing_one(
    db: Any, smtp_server: SmtpServer, email_segment: Callable[..., SegmentHeader]
) -> None:
    header = email_segment(1)
    smtp_server.refuse("p1@example.com")
    run_job_now(db.session, register(db, header.no).id)
    db.session.execute(update(LoggedSegment).values(cancelled=True))
    db.session.commit()
    with pytest.raises(ServiceError, match="is cancelled"):
        retry_entries(db.session, _logged(db), include_unknown=False, user_id=None)
    with pytest.raises(NotFound):
        retry_entries(db.session, 999999, include_unknown=False, user_id=None)
    assert deliveries(db) == [("R00001", "error")]


def test_a_job_cancelled_while_sending_stops_before_its_next_message_with_what_it_sent_recorded(
    app: Any,
    db: Any,
    smtp_server: SmtpServer,
    email_segment: Callable[..., SegmentHeader],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sending, "RENEW_SECONDS", 0)  # the job's lease renewed before every message
    monkeypatch.setitem(app.config, "SMTP_SENDING_WINDOW", 1)  # (a window is noticed cancelled at its start)
    header = email_segment(4)
    job = register(db, header.no)
    real_send = smtp.MailConnection.send

    def send_then_cancel(self: Any, message: Any, recipients: Any = None) -> None:
        real_send(self, message, recipients)
        if len(smtp_server.messages) == 2:
            with Session(db.engine) as other:
                assert cancel_job(other, job.id)
                other.commit()

    monkeypatch.setattr(smtp.MailConnection, "send", send_then_cancel)
    run_job_now(db.session, job.id)
    assert db.session.get(BackgroundJob, job.id, populate_existing=True).state == "cancelled"
    assert smtp_server.recipients() == ["p1@example.com", "p2@example.com"]
    assert deliveries(db) == [("R00001", "sent"), ("R00002", "sent"), ("R00003", "pending"), ("R00004", "pending")]


def test_the_progress_bar_moves_while_a_step_sends_not_only_at_its_end(
    app: Any,
    db: Any,
    smtp_server: SmtpServer,
    email_segment: Callable[..., SegmentHeader],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sending, "RENEW_SECONDS", 0)  # the progress written before every message
    monkeypatch.setitem(app.config, "SMTP_SENDING_WINDOW", 1)  # (with a window: at each window's start)
    smtp_server.refuse("p2@example.com")
    header = email_segment(4)
    job_id = register(db, header.no).id
    db.session.rollback()  # no read transaction left open in the test's session
    real_send = smtp.MailConnection.send
    seen: list[tuple[int, int]] = []

    def send_and_look(self: Any, message: Any, recipients: Any = None) -> None:
        with db.engine.connect() as other:  # what the progress bar reads, from another connection
            row = other.execute(select(BackgroundJob.done, BackgroundJob.errors).where(BackgroundJob.id == job_id))
            seen.append(tuple(row.one()))
            other.rollback()
        real_send(self, message, recipients)

    monkeypatch.setattr(smtp.MailConnection, "send", send_and_look)
    with immediate_transactions():  # as in the consumer: SQLite's transactions take the write lock at BEGIN
        finished = run_job_now(db.session, job_id)
    # Before the n-th message the bar shows the n-1 handled before it (the 2nd was refused: one error).
    assert seen == [(0, 0), (1, 0), (2, 1), (3, 1)]
    assert finished.state == "done", finished.message
    assert (finished.done, finished.errors) == (4, 1)
