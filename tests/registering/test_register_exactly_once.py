"""Exactly once (issue #12 point 2): eight users pressing Register at the same moment get one registered segment and
one set of entries; a failure in the middle leaves nothing written and the segment as it was."""

import threading
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from segapp.models import CampaignEntry, InteractionLogEntry, LoggedSegment, SegmentHeader, SegmentLine
from segapp.services.registering import register as register_module
from segapp.services.registering.register import AlreadyRegistered, register_segment
from tests.sqlcount import count_statements

USERS = 8


def _counts(db: Any) -> list[int]:
    return [
        db.session.scalar(select(func.count()).select_from(model))
        for model in (LoggedSegment, InteractionLogEntry, CampaignEntry, SegmentHeader, SegmentLine)
    ]


def test_eight_users_registering_at_once_get_one_registered_segment(
    app: Any, db: Any, make_registrable: Callable[..., SegmentHeader]
) -> None:
    from segapp.database import immediate_transactions

    segment_no = make_registrable(20).no
    db.session.rollback()  # Reading the no. began a transaction: on SQLite its snapshot would hide the threads' work.
    barrier = threading.Barrier(USERS)
    registered: list[int] = []
    refused: list[int] = []
    errors: list[BaseException] = []

    def user() -> None:
        try:
            with app.app_context(), immediate_transactions(), Session(db.engine) as session:
                barrier.wait()
                try:
                    result = register_segment(session, segment_no, None, send_documents=True, create_follow_up=False)
                    session.commit()
                    registered.append(result.logged_segment.entry_no)
                except AlreadyRegistered as already:
                    session.rollback()
                    refused.append(already.logged_segment_entry_no)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=user) for _ in range(USERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(registered) == 1
    assert refused == registered * (USERS - 1)
    assert _counts(db) == [1, 20, 1, 0, 0]


def test_a_failure_after_the_entries_are_written_leaves_nothing_written(
    db: Any, make_registrable: Callable[..., SegmentHeader], monkeypatch: pytest.MonkeyPatch
) -> None:
    segment_no = make_registrable(3).no
    before = _counts(db)

    def fail(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(register_module, "delete_segment", fail)
    with pytest.raises(RuntimeError):
        register_segment(db.session, segment_no, None, send_documents=True, create_follow_up=False)
    db.session.rollback()
    assert before == [0, 0, 0, 1, 3]
    assert _counts(db) == before
    monkeypatch.undo()
    register_segment(db.session, segment_no, None, send_documents=True, create_follow_up=False)
    db.session.commit()
    assert _counts(db) == [1, 3, 1, 0, 0]


def _statements(db: Any, make_registrable: Callable[..., SegmentHeader], lines: int, follow_up: bool) -> list[str]:
    segment_no = make_registrable(lines).no
    db.session.expire_all()
    with count_statements(db.engine) as counted:
        result = register_segment(db.session, segment_no, None, send_documents=True, create_follow_up=follow_up)
        db.session.commit()
    assert result.entries == lines
    return counted.statements


@pytest.mark.parametrize("follow_up", [False, True])
def test_registering_3_or_300_lines_takes_the_same_statements(
    db: Any, make_registrable: Callable[..., SegmentHeader], follow_up: bool
) -> None:
    small = _statements(db, make_registrable, 3, follow_up)
    large = _statements(db, make_registrable, 300, follow_up)
    assert len(small) == len(large), (small, large)
    # With whether a line's template has a document, the personalised letters' INSERT … SELECT and the printable
    # letters' job (the lines are hard copy).
    assert len(small) == (27 if follow_up else 15), "\n\n".join(small)
