"""Follow-up segments and reuse segment (spec 3.5, 3.6): one line per entry, recorded as an undoable action."""

from collections.abc import Callable
from typing import Any

from sqlalchemy import select, update

from segapp.models import (
    Contact,
    CriteriaActionType,
    DeliveryStatus,
    Evaluation,
    InteractionLogEntry,
    SegmentCriteriaAction,
    SegmentHeader,
    SegmentLine,
)
from segapp.services.criteria.describe import describe_action
from segapp.services.criteria.undo import go_back
from segapp.services.registering.follow_up import EntryOutcome, create_follow_up_segment, reuse_segment
from segapp.services.registering.register import register_segment


def _lines(db: Any, segment_no: str) -> list[tuple[Any, ...]]:
    return db.session.execute(
        select(
            SegmentLine.line_no,
            SegmentLine.contact_no,
            SegmentLine.interaction_template_code,
            SegmentLine.campaign_no,
            SegmentLine.description,
        )
        .where(SegmentLine.segment_no == segment_no)
        .order_by(SegmentLine.line_no)
    ).all()


def test_registering_with_follow_up_creates_the_follow_up_segment(
    db: Any, make_registrable: Callable[..., SegmentHeader]
) -> None:
    header = make_registrable(3)
    no = header.no
    result = register_segment(db.session, no, None, send_documents=False, create_follow_up=True)
    db.session.commit()
    follow_up = result.follow_up
    assert follow_up is not None and follow_up.no != no
    assert follow_up.description == f"Follow-up on segment {no}"
    assert follow_up.campaign_no == "CP1" and follow_up.interaction_template_code is None
    description = f"Follow-up on segment {no}"
    assert _lines(db, follow_up.no) == [
        (10000, "R00001", None, "CP1", description),
        (20000, "R00002", None, "CP1", description),
        (30000, "R00003", None, "CP1", description),
    ]
    action = db.session.scalars(select(SegmentCriteriaAction)).one()
    assert action.action_type == CriteriaActionType.REUSE_SEGMENT
    assert action.source_logged_segment_entry_no == result.logged_segment.entry_no
    assert describe_action(action) == f"Reuse segment {no} (3 lines)"


def _registered(db: Any, make_registrable: Callable[..., SegmentHeader], lines: int = 4) -> tuple[str, int]:
    header = make_registrable(lines)
    no = header.no
    result = register_segment(db.session, no, None, send_documents=True, create_follow_up=False)
    db.session.commit()
    return no, result.logged_segment.entry_no


def test_a_follow_up_by_outcome_takes_only_the_matching_entries(
    db: Any, make_registrable: Callable[..., SegmentHeader]
) -> None:
    no, entry_no = _registered(db, make_registrable)
    entry = InteractionLogEntry
    db.session.execute(update(entry).values(evaluation=Evaluation.NEUTRAL))
    db.session.execute(update(entry).where(entry.contact_no == "R00001").values(evaluation=Evaluation.NEGATIVE))
    db.session.execute(update(entry).where(entry.contact_no == "R00002").values(attempt_failed=True))
    db.session.execute(update(entry).where(entry.contact_no == "R00003").values(delivery_status=DeliveryStatus.ERROR))
    db.session.commit()

    negative = create_follow_up_segment(db.session, entry_no, None, EntryOutcome(frozenset({Evaluation.NEGATIVE})))
    failed = create_follow_up_segment(
        db.session, entry_no, None, EntryOutcome(attempt_failed=True, delivery_error=True)
    )
    everyone = create_follow_up_segment(db.session, entry_no, None)
    db.session.commit()
    assert [row[1] for row in _lines(db, negative.no)] == ["R00001"]
    assert [row[1] for row in _lines(db, failed.no)] == ["R00002", "R00003"]
    assert [row[1] for row in _lines(db, everyone.no)] == ["R00001", "R00002", "R00003", "R00004"]
    assert everyone.campaign_no == "CP1"
    action = db.session.scalars(
        select(SegmentCriteriaAction).where(SegmentCriteriaAction.segment_no == failed.no)
    ).one()
    assert describe_action(action) == (
        f"Reuse segment {no} (2 lines): only entries with attempt failed Yes or delivery status error"
    )


def test_reuse_segment_skips_contacts_on_the_segment_and_privacy_blocked_ones_and_go_back_undoes_it(
    db: Any, make_registrable: Callable[..., SegmentHeader], make_segment: Callable[..., SegmentHeader]
) -> None:
    _no, entry_no = _registered(db, make_registrable)
    db.session.execute(update(Contact).where(Contact.no == "R00004").values(privacy_blocked=True))
    target = make_registrable(1)
    target_no = target.no
    assert reuse_segment(db.session, target_no, entry_no, None) == 2
    db.session.commit()
    assert [(row[0], row[1]) for row in _lines(db, target_no)] == [
        (10000, "R00001"),
        (20000, "R00002"),
        (30000, "R00003"),
    ]
    result = go_back(db.session, target_no)
    db.session.commit()
    assert result.lines_removed == 2
    assert [row[1] for row in _lines(db, target_no)] == ["R00001"]
