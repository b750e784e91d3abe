"""Registering a segment (spec 3.6): the entries field by field, campaign entries, the segment gone."""

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from segapp.models import (
    CampaignEntry,
    CorrespondenceType,
    DeliveryStatus,
    Evaluation,
    InformationFlow,
    InitiatedBy,
    InteractionLogEntry,
    LoggedSegment,
    SegmentCriteriaAction,
    SegmentHeader,
    SegmentLine,
    SegmentLineHistory,
)
from segapp.services.criteria.matching import ActionOptions, FieldFilter
from segapp.services.criteria.running import reduce_contacts
from segapp.services.registering.register import register_segment
from tests.registering.conftest import DAY

TODAY = date(2026, 3, 5)


def test_register_writes_the_registered_segment_and_one_entry_per_line(
    db: Any, make_registrable: Callable[..., SegmentHeader], make_user: Callable[..., Any]
) -> None:
    user = make_user("ann")
    header = make_registrable(3)
    result = register_segment(db.session, header.no, user, send_documents=True, create_follow_up=False, today=TODAY)
    db.session.commit()
    logged = db.session.scalars(select(LoggedSegment)).one()
    assert (logged.segment_no, logged.description, logged.creation_date) == (header.no, "Spring letter", TODAY)
    assert (logged.user_id, logged.no_of_interactions, logged.cancelled) == (user.id, 3, False)
    assert result.entries == 3 and result.follow_up is None
    entries = db.session.scalars(select(InteractionLogEntry).order_by(InteractionLogEntry.segment_line_no)).all()
    assert [e.contact_no for e in entries] == ["R00001", "R00002", "R00003"]
    first = entries[0]
    assert first.segment_no == header.no and first.segment_line_no == 10000
    assert first.logged_segment_entry_no == logged.entry_no
    assert first.date == DAY and first.description == "Spring letter"
    assert (first.salesperson_code, first.interaction_template_code, first.interaction_group_code) == (
        "MR",
        "LETTER",
        "LETTER",
    )
    assert (first.language_code, first.subject) == ("ITA", "La nostra offerta")
    assert first.evaluation == Evaluation.POSITIVE
    assert (first.cost, first.duration) == (Decimal("1.20"), Decimal("5.00"))
    assert first.information_flow == InformationFlow.OUTBOUND and first.initiated_by == InitiatedBy.US
    assert (first.campaign_no, first.campaign_target, first.campaign_response) == ("CP1", True, False)
    assert first.send_word_doc_as_attachment is True and first.attempt_failed is False
    assert first.correspondence_type == CorrespondenceType.HARD_COPY
    assert first.delivery_status == DeliveryStatus.PENDING
    assert first.user_id == user.id and first.cancelled is False
    assert first.time_of_interaction is not None
    campaign = db.session.scalars(select(CampaignEntry)).one()
    assert first.campaign_entry_no == campaign.entry_no
    assert (campaign.campaign_no, campaign.no_of_interactions, campaign.cost, campaign.duration) == (
        "CP1",
        3,
        Decimal("3.60"),
        Decimal("15.00"),
    )
    assert (campaign.segment_no, campaign.logged_segment_entry_no, campaign.date) == (header.no, logged.entry_no, TODAY)
    assert db.session.get(SegmentHeader, header.no) is None
    assert db.session.scalar(select(func.count()).select_from(SegmentLine)) == 0


def test_registering_deletes_the_criteria_actions_and_the_history_of_removed_lines(
    db: Any, make_registrable: Callable[..., SegmentHeader]
) -> None:
    header = make_registrable(3)
    reduce_contacts(
        db.session,
        header.no,
        [FieldFilter(1, "contact", "no", "R00003")],
        ActionOptions(),
        user_id=None,
        locale="en",
    )
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(SegmentLineHistory)) == 1
    result = register_segment(db.session, header.no, None, send_documents=False, create_follow_up=False)
    db.session.commit()
    assert result.entries == 2
    assert db.session.scalar(select(func.count()).select_from(SegmentCriteriaAction)) == 0
    assert db.session.scalar(select(func.count()).select_from(SegmentLineHistory)) == 0


def test_a_line_without_a_contact_is_not_registered_and_lines_of_several_campaigns_get_an_entry_each(
    db: Any, make_registrable: Callable[..., SegmentHeader]
) -> None:
    header = make_registrable(3)
    db.session.execute(
        SegmentLine.__table__.update()
        .where(SegmentLine.segment_no == header.no, SegmentLine.line_no == 20000)
        .values(campaign_no="CP2", cost=Decimal("7"))
    )
    db.session.execute(
        SegmentLine.__table__.update()
        .where(SegmentLine.segment_no == header.no, SegmentLine.line_no == 30000)
        .values(contact_no=None)
    )
    db.session.commit()
    result = register_segment(db.session, header.no, None, send_documents=False, create_follow_up=False)
    db.session.commit()
    assert result.entries == 1 + 1
    assert result.logged_segment.no_of_interactions == 2
    campaigns = db.session.execute(
        select(CampaignEntry.campaign_no, CampaignEntry.no_of_interactions, CampaignEntry.cost).order_by(
            CampaignEntry.campaign_no
        )
    ).all()
    assert campaigns == [("CP1", 1, Decimal("1.20")), ("CP2", 1, Decimal("7.00"))]
    by_contact = dict(
        db.session.execute(select(InteractionLogEntry.contact_no, InteractionLogEntry.campaign_entry_no)).tuples().all()
    )
    entry_nos = dict(db.session.execute(select(CampaignEntry.campaign_no, CampaignEntry.entry_no)).tuples().all())
    assert by_contact == {"R00001": entry_nos["CP1"], "R00002": entry_nos["CP2"]}


def test_without_sending_no_entry_is_pending(db: Any, make_registrable: Callable[..., SegmentHeader]) -> None:
    header = make_registrable(2)
    register_segment(db.session, header.no, None, send_documents=False, create_follow_up=False)
    db.session.commit()
    statuses = db.session.scalars(select(InteractionLogEntry.delivery_status)).all()
    assert statuses == [DeliveryStatus.NONE, DeliveryStatus.NONE]


def test_a_line_without_correspondence_type_has_nothing_to_send(
    db: Any, make_registrable: Callable[..., SegmentHeader]
) -> None:
    header = make_registrable(2)
    db.session.execute(
        SegmentLine.__table__.update()
        .where(SegmentLine.segment_no == header.no, SegmentLine.line_no == 20000)
        .values(correspondence_type=CorrespondenceType.BLANK)
    )
    db.session.commit()
    register_segment(db.session, header.no, None, send_documents=True, create_follow_up=False)
    db.session.commit()
    rows = db.session.execute(
        select(InteractionLogEntry.contact_no, InteractionLogEntry.delivery_status).order_by(
            InteractionLogEntry.contact_no
        )
    ).all()
    assert rows == [("R00001", DeliveryStatus.PENDING), ("R00002", DeliveryStatus.NONE)]
