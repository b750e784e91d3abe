"""Registered segments: cancel and un-cancel cascade to entries and campaign entries; delete keeps the entries."""

from typing import Any

import pytest
from sqlalchemy import select

from segapp.models import CampaignEntry, InteractionLogEntry, LoggedSegment
from segapp.services.errors import NotFound, ServiceError
from segapp.services.registering.entries import uncancel_entries
from segapp.services.registering.registered import (
    delete_registered_segment,
    registered_query,
    set_registered_cancelled,
)
from tests.registering.registered_support import entries_of, make_registered, make_segment, reference
from tests.sqlcount import count_statements

__all__ = ["make_registered", "make_segment", "reference"]


def _campaign_entry(db: Any, entry_no: int) -> CampaignEntry:
    db.session.expire_all()
    return db.session.scalars(select(CampaignEntry).where(CampaignEntry.logged_segment_entry_no == entry_no)).one()


def test_cancel_cascades_to_entries_and_campaign_entry_and_leaves_other_segments(db: Any, make_registered: Any) -> None:
    first = make_registered("SEG00001", entries=3)
    other = make_registered("SEG00002", entries=2, prefix="OT")
    result = set_registered_cancelled(db.session, first.entry_no, True)
    db.session.commit()
    assert (result.segment_no, result.entries, result.campaign_entries) == ("SEG00001", 3, 1)
    assert db.session.get(LoggedSegment, first.entry_no).cancelled
    assert [entry.cancelled for entry in entries_of(db.session, first.entry_no)] == [True, True, True]
    assert _campaign_entry(db, first.entry_no).cancelled
    assert [entry.cancelled for entry in entries_of(db.session, other.entry_no)] == [False, False]
    assert not _campaign_entry(db, other.entry_no).cancelled
    assert not db.session.get(LoggedSegment, other.entry_no).cancelled


def test_uncancel_brings_every_entry_back(db: Any, make_registered: Any) -> None:
    registered = make_registered(entries=2, cancelled=True)
    result = set_registered_cancelled(db.session, registered.entry_no, False)
    db.session.commit()
    assert result.entries == 2
    assert not db.session.get(LoggedSegment, registered.entry_no).cancelled
    assert [entry.cancelled for entry in entries_of(db.session, registered.entry_no)] == [False, False]
    assert not _campaign_entry(db, registered.entry_no).cancelled


def test_cancel_of_a_missing_registered_segment_is_not_found(db: Any, make_registered: Any) -> None:
    with pytest.raises(NotFound):
        set_registered_cancelled(db.session, 999, True)


@pytest.mark.parametrize("entries", [3, 300])
def test_cancel_is_the_same_statements_for_3_and_300_entries(db: Any, make_registered: Any, entries: int) -> None:
    entry_no = make_registered(entries=entries).entry_no
    with count_statements(db.engine) as counted:
        set_registered_cancelled(db.session, entry_no, True)
        db.session.flush()
    assert counted.count == 3, counted.statements
    assert sum(entry.cancelled for entry in entries_of(db.session, entry_no)) == entries


def test_an_entry_of_a_cancelled_registered_segment_cannot_be_uncancelled_alone(db: Any, make_registered: Any) -> None:
    cancelled = make_registered("SEG00001", entries=2, cancelled=True)
    entry = entries_of(db.session, cancelled.entry_no)[0]
    with pytest.raises(ServiceError, match="un-cancel registered segment SEG00001 instead"):
        uncancel_entries(db.session, [entry.entry_no])
    db.session.rollback()
    assert db.session.get(InteractionLogEntry, entry.entry_no).cancelled


def test_an_entry_cancelled_alone_is_uncancelled_alone(db: Any, make_registered: Any) -> None:
    registered = make_registered(entries=2)
    first, second = entries_of(db.session, registered.entry_no)
    first.cancelled = True
    db.session.commit()
    assert uncancel_entries(db.session, [first.entry_no]) == 1
    db.session.commit()
    assert [entry.cancelled for entry in entries_of(db.session, registered.entry_no)] == [False, False]


def test_delete_is_refused_while_not_cancelled(db: Any, make_registered: Any) -> None:
    registered = make_registered("SEG00001")
    with pytest.raises(ServiceError, match="SEG00001 is not cancelled"):
        delete_registered_segment(db.session, registered.entry_no)
    db.session.rollback()
    assert db.session.get(LoggedSegment, registered.entry_no) is not None


def test_delete_of_a_cancelled_one_keeps_its_entries_and_campaign_entry(db: Any, make_registered: Any) -> None:
    registered = make_registered("SEG00001", entries=3, cancelled=True)
    entry_no = registered.entry_no
    entry_nos = [entry.entry_no for entry in entries_of(db.session, entry_no)]
    assert delete_registered_segment(db.session, entry_no) == "SEG00001"
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(LoggedSegment, entry_no) is None
    kept = db.session.scalars(
        select(InteractionLogEntry).where(InteractionLogEntry.entry_no.in_(entry_nos)).order_by("entry_no")
    ).all()
    assert [(entry.segment_no, entry.logged_segment_entry_no, entry.cancelled) for entry in kept] == [
        ("SEG00001", None, True)
    ] * 3
    campaign = db.session.scalars(select(CampaignEntry).where(CampaignEntry.segment_no == "SEG00001")).one()
    assert (campaign.logged_segment_entry_no, campaign.cancelled) == (None, True)


def test_the_list_searches_no_and_description(db: Any, make_registered: Any) -> None:
    make_registered("SEG00001", description="Spring letters")
    make_registered("SEG00002", description="Autumn calls", prefix="OT")
    found = lambda text: [row[0].segment_no for row in db.session.execute(registered_query(text))]  # noqa: E731
    assert found("") == ["SEG00002", "SEG00001"]
    assert found("autumn") == ["SEG00002"]
    assert found("00001") == ["SEG00001"]
    assert found("50%") == []
