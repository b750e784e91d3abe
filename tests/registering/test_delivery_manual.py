"""A delivery failure marked by hand (a bounce read by a person) and the registered segment's delivery summary."""

from typing import Any

import pytest

from segapp.models import CorrespondenceType, DeliveryStatus, Evaluation, SegmentLine
from segapp.services.delivery.manual import MAX_REASON, mark_delivery_failed
from segapp.services.delivery.summary import delivery_summary
from segapp.services.errors import ServiceError
from segapp.services.registering.follow_up import EntryOutcome, create_follow_up_segment
from tests.registering.registered_support import entries_of, make_registered, make_segment, reference
from tests.sqlcount import count_statements

__all__ = ["make_registered", "make_segment", "reference"]

HARD, EMAIL, BLANK = CorrespondenceType.HARD_COPY, CorrespondenceType.EMAIL, CorrespondenceType.BLANK
S = DeliveryStatus


def _registered(make_registered: Any, rows: list[tuple[CorrespondenceType, DeliveryStatus]], **fields: Any) -> Any:
    outcomes = [{"correspondence_type": kind, "delivery_status": status} for kind, status in rows]
    return make_registered(entries=len(rows), outcomes=outcomes, **fields)


def test_sent_unknown_and_undelivered_entries_are_marked_with_the_reason(db: Any, make_registered: Any) -> None:
    rows = [(EMAIL, S.SENT), (EMAIL, S.UNKNOWN), (HARD, S.NONE), (EMAIL, S.ERROR), (EMAIL, S.PENDING)]
    rows += [(EMAIL, S.SENDING), (BLANK, S.NONE)]
    registered = _registered(make_registered, rows)
    nos = [entry.entry_no for entry in entries_of(db.session, registered.entry_no)]

    marked = mark_delivery_failed(db.session, nos, "  550 mailbox\n unavailable ")
    db.session.commit()

    entries = entries_of(db.session, registered.entry_no)
    assert marked == 4
    assert [(e.delivery_status, e.delivery_error) for e in entries] == [
        (S.ERROR, "550 mailbox unavailable"),
        (S.ERROR, "550 mailbox unavailable"),
        (S.ERROR, "550 mailbox unavailable"),
        (S.ERROR, "550 mailbox unavailable"),
        (S.PENDING, ""),
        (S.SENDING, ""),
        (S.NONE, ""),
    ]


@pytest.mark.parametrize(
    ("reason", "message"),
    [("   ", "Say why the delivery failed"), ("x" * (MAX_REASON + 1), "at most 500")],
)
def test_a_missing_or_too_long_reason_is_refused(db: Any, make_registered: Any, reason: str, message: str) -> None:
    registered = _registered(make_registered, [(EMAIL, S.SENT)])
    nos = [entry.entry_no for entry in entries_of(db.session, registered.entry_no)]
    with pytest.raises(ServiceError, match=message):
        mark_delivery_failed(db.session, nos, reason)
    assert [e.delivery_status for e in entries_of(db.session, registered.entry_no)] == [S.SENT]


def test_a_reason_of_500_characters_is_kept_whole(db: Any, make_registered: Any) -> None:
    registered = _registered(make_registered, [(EMAIL, S.SENT)])
    nos = [entry.entry_no for entry in entries_of(db.session, registered.entry_no)]
    assert mark_delivery_failed(db.session, nos, "y" * MAX_REASON) == 1
    db.session.commit()
    assert entries_of(db.session, registered.entry_no)[0].delivery_error == "y" * MAX_REASON


@pytest.mark.parametrize("entries", [3, 300])
def test_marking_is_one_statement(db: Any, make_registered: Any, entries: int) -> None:
    registered = _registered(make_registered, [(EMAIL, S.SENT)] * entries)
    nos = [entry.entry_no for entry in entries_of(db.session, registered.entry_no)]
    with count_statements(db.engine) as counted:
        assert mark_delivery_failed(db.session, nos, "bounced") == entries
    assert counted.count == 1


def test_the_follow_up_by_delivery_error_takes_the_entries_marked_by_hand(
    db: Any, make_registered: Any, make_user: Any
) -> None:
    user = make_user("ann")
    registered = _registered(make_registered, [(EMAIL, S.SENT), (EMAIL, S.SENT), (HARD, S.SENT)])
    entries = entries_of(db.session, registered.entry_no)
    mark_delivery_failed(db.session, [entries[1].entry_no, entries[2].entry_no], "returned by the post")
    db.session.commit()

    header = create_follow_up_segment(db.session, registered.entry_no, user, EntryOutcome(delivery_error=True))
    db.session.commit()

    lines = db.session.query(SegmentLine.contact_no).filter(SegmentLine.segment_no == header.no).all()
    assert sorted(no for (no,) in lines) == ["RC00002", "RC00003"]


def test_the_summary_counts_entries_by_type_and_status_in_one_statement(db: Any, make_registered: Any) -> None:
    rows = [(EMAIL, S.SENT)] * 3 + [(EMAIL, S.ERROR), (EMAIL, S.UNKNOWN), (EMAIL, S.PENDING), (HARD, S.SENT)]
    rows += [(BLANK, S.NONE), (HARD, S.NONE)]
    registered = _registered(make_registered, rows, evaluation=Evaluation.BLANK)
    other = _registered(make_registered, [(EMAIL, S.ERROR)], prefix="OT")
    entry_no = registered.entry_no
    other_no = other.entry_no

    with count_statements(db.engine) as counted:
        summary = delivery_summary(db.session, entry_no)
    assert counted.count == 1
    email = summary.email
    assert [email[s] for s in (S.PENDING, S.SENDING, S.SENT, S.ERROR, S.UNKNOWN)] == [1, 0, 3, 1, 1]
    assert (email.total, email.failed, email.unknown, email.in_flight) == (6, 1, 1, 1)
    assert (summary.hard_copy[S.SENT], summary.hard_copy.total) == (1, 1)
    assert summary.in_flight == 1 and not summary.empty
    assert delivery_summary(db.session, other_no).email.failed == 1
    assert delivery_summary(db.session, 999).empty
