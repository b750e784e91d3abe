"""The claim on e-mail entries: two workers never hold (or send) the same entry, on PostgreSQL with SKIP LOCKED;
a claim is one statement whatever the batch, and a message costs the same few statements whatever the step."""

import threading
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from segapp.models import BackgroundJob, LoggedSegment, SegmentHeader
from segapp.models.base import utcnow
from segapp.services.delivery import sending
from segapp.services.delivery.claims import claim_entries
from segapp.services.delivery.sending import start_sending
from segapp.services.jobs import claim_job, run_claimed, step_of
from tests.delivery.support import deliveries, register
from tests.smtp_server import SmtpServer
from tests.sqlcount import count_statements


def _logged(db: Any) -> int:
    return int(db.session.scalar(select(LoggedSegment.entry_no)))


@pytest.mark.parametrize("by_address", [False, True])
def test_on_postgresql_a_second_worker_skips_the_entries_the_first_holds_without_waiting(
    db: Any, backend: str, email_segment: Callable[..., SegmentHeader], by_address: bool
) -> None:
    if backend != "postgresql":
        pytest.skip("SKIP LOCKED is PostgreSQL's; SQLite serialises writers")
    header = email_segment(10)
    register(db, header.no)
    logged = _logged(db)
    lease = utcnow() + timedelta(minutes=2)
    with Session(db.engine) as first, Session(db.engine) as second:
        mine = claim_entries(first, logged, "first", limit=4, lease_until=lease, by_address=by_address)
        # first has not committed: its rows are locked, and second takes others at once
        theirs = claim_entries(second, logged, "second", limit=4, lease_until=lease, by_address=by_address)
        assert len(mine) == len(theirs) == 4 and not set(mine) & set(theirs)
        first.commit()
        second.commit()
    with Session(db.engine) as third:
        rest = claim_entries(third, logged, "third", limit=10, lease_until=lease, by_address=by_address)
        third.commit()
    assert len(rest) == 2 and not set(rest) & (set(mine) | set(theirs))


def test_two_workers_sending_the_same_registered_segment_on_postgresql_never_send_an_entry_twice(
    db: Any,
    app: Any,
    backend: str,
    smtp_server: SmtpServer,
    email_segment: Callable[..., SegmentHeader],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if backend != "postgresql":
        pytest.skip("two workers at once on one database: PostgreSQL (SQLite serialises them)")
    monkeypatch.setattr(sending, "STEP_MESSAGES", 5)
    header = email_segment(60)
    first_job = register(db, header.no)
    # A second job for the same entries, as a retry or a second press would make while the first runs.
    second_job = start_sending(db.session, _logged(db), user_id=None)
    db.session.commit()
    assert second_job is not None
    outcomes: dict[str, str] = {}

    def work(name: str, job_id: int) -> None:
        with app.app_context(), Session(db.engine) as session:
            outcomes[name] = run_claimed(session, job_id, name)

    threads = [
        threading.Thread(target=work, args=("one", first_job.id)),
        threading.Thread(target=work, args=("two", second_job.id)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert outcomes == {"one": "done", "two": "done"}
    received = Counter(smtp_server.recipients())
    assert len(received) == 60 and set(received.values()) == {1}
    assert {status for _contact, status in deliveries(db)} == {"sent"}
    jobs = db.session.scalars(select(BackgroundJob).order_by(BackgroundJob.id)).all()
    assert sum(job.done for job in jobs) == 60 and all(job.done > 0 for job in jobs)


def test_a_claim_is_one_statement_for_3_entries_as_for_30(db: Any, email_segment: Callable[..., SegmentHeader]) -> None:
    def claimed(lines: int) -> list[str]:
        header = email_segment(lines)
        register(db, header.no)
        logged = db.session.scalar(select(LoggedSegment.entry_no).where(LoggedSegment.segment_no == header.no))
        with count_statements(db.engine) as counted:
            entries = claim_entries(
                db.session, logged, "w", limit=200, lease_until=utcnow() + timedelta(minutes=2), by_address=True
            )
        db.session.commit()
        assert len(entries) == lines
        return counted.statements

    assert len(claimed(3)) == len(claimed(30)) == 1


def _step_statements(db: Any, email_segment: Callable[..., SegmentHeader], lines: int) -> list[str]:
    header = email_segment(lines)
    job = register(db, header.no)
    job = claim_job(db.session, job.id, "counting")
    assert job is not None
    with count_statements(db.engine) as counted:
        assert step_of(job.kind)(db.session, job) is True
        db.session.commit()
    assert job.done == lines
    return counted.statements


def test_a_send_step_with_a_window_of_one_costs_one_statement_per_message(
    app: Any,
    db: Any,
    smtp_server: SmtpServer,
    email_segment: Callable[..., SegmentHeader],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(app.config, "SMTP_SENDING_WINDOW", 1)
    small = _step_statements(db, email_segment, 3)
    large = _step_statements(db, email_segment, 30)
    assert len(smtp_server.messages) == 33
    # Per message one UPDATE: the previous message's *sent* with this one's *sending* (then its commit).
    assert len(large) - len(small) == 27, "\n\n".join(large)
    # expire, setup, claim, entries, templates, the job's lease, the last message's sent, the job's reload and
    # its counts and cursor
    assert len(small) - 3 == 9, "\n\n".join(small)


def test_a_send_step_marks_a_window_of_messages_sending_in_two_statements_whatever_its_size(
    db: Any, smtp_server: SmtpServer, email_segment: Callable[..., SegmentHeader]
) -> None:
    small = _step_statements(db, email_segment, 3)  # one window of 3 messages
    large = _step_statements(db, email_segment, 30)  # windows of 20 and 10
    assert len(smtp_server.messages) == 33
    # The second window: the first one's *sent* and its own *sending*, two UPDATEs, before its messages go.
    assert len(large) - len(small) == 2, "\n\n".join(large)
    assert len(small) == 10, "\n\n".join(small)


def test_a_claim_takes_no_more_than_its_limit_and_a_second_claim_the_next_ones(
    db: Any, email_segment: Callable[..., SegmentHeader]
) -> None:
    header = email_segment(10)
    register(db, header.no)
    logged = _logged(db)
    lease = utcnow() + timedelta(minutes=2)
    first = claim_entries(db.session, logged, "first", limit=4, lease_until=lease, by_address=False)
    db.session.commit()
    second = claim_entries(db.session, logged, "second", limit=4, lease_until=lease, by_address=False)
    db.session.commit()
    assert (len(first), len(second)) == (4, 4) and not set(first) & set(second)
    # The first worker claims again: its own entries (still pending) come back first, none of the second's.
    again = claim_entries(db.session, logged, "first", limit=6, lease_until=lease, by_address=False)
    assert set(first) <= set(again) and not set(again) & set(second) and len(again) == 6
