"""Resend a registered segment (spec 3.7): new pending entries "Resend: …" dated today for the originals that had a
correspondence type, the old entries untouched, the counts raised, a job per kind; and its refusals."""

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select, update

from segapp.models import (
    BackgroundJob,
    CampaignEntry,
    Contact,
    CorrespondenceType,
    DeliveryStatus,
    Evaluation,
    InteractionLogEntry,
    InteractionLogEntryFile,
    LoggedSegment,
)
from segapp.services.delivery.resend import ResendPlan, resend_plan, resend_registered_segment
from segapp.services.documents.printable import JOB_KIND as PRINTABLE_KIND
from segapp.services.errors import NotFound, ServiceError
from tests.registering.registered_support import entries_of, make_registered, make_segment, reference
from tests.sqlcount import count_statements

__all__ = ["make_registered", "make_segment", "reference"]

TODAY = date(2026, 11, 28)
HARD, EMAIL, BLANK = CorrespondenceType.HARD_COPY, CorrespondenceType.EMAIL, CorrespondenceType.BLANK


def _snapshot(entries: list[InteractionLogEntry]) -> list[dict[str, Any]]:
    return [{c.key: getattr(e, c.key) for c in InteractionLogEntry.__table__.columns} for e in entries]


def _registered(make_registered: Any, types: list[CorrespondenceType], **fields: Any) -> LoggedSegment:
    outcomes = [
        {
            "correspondence_type": kind,
            "delivery_status": DeliveryStatus.SENT if kind != BLANK else DeliveryStatus.NONE,
            "evaluation": Evaluation.POSITIVE,
            "attempt_failed": True,
            "delivery_error": "",
        }
        for kind in types
    ]
    return make_registered("SEG00001", entries=len(types), outcomes=outcomes, **fields)


def test_resend_writes_new_pending_entries_and_leaves_the_old_ones(
    db: Any, make_registered: Any, make_user: Any
) -> None:
    user = make_user("ann")
    registered = _registered(make_registered, [HARD, EMAIL, BLANK, HARD])
    before = _snapshot(entries_of(db.session, registered.entry_no))

    result = resend_registered_segment(db.session, registered.entry_no, user, today=TODAY)
    db.session.commit()

    entries = entries_of(db.session, registered.entry_no)
    assert _snapshot(entries[:4]) == before
    new = entries[4:]
    assert result.entries == 3 and len(new) == 3
    originals = [before[0], before[1], before[3]]
    assert [e.resend_of_entry_no for e in new] == [o["entry_no"] for o in originals]
    assert [e.correspondence_type for e in new] == [HARD, EMAIL, HARD]
    assert {e.description for e in new} == {"Resend: Spring letters"}
    assert {e.date for e in new} == {TODAY}
    assert {e.delivery_status for e in new} == {DeliveryStatus.PENDING}
    assert {(e.evaluation, e.attempt_failed, e.cancelled, e.user_id) for e in new} == {
        (Evaluation.BLANK, False, False, user.id)
    }
    kept = (
        "contact_no",
        "segment_no",
        "campaign_no",
        "campaign_entry_no",
        "salesperson_code",
        "cost",
        "template_document_id",
    )
    assert [{k: getattr(e, k) for k in kept} for e in new] == [{k: o[k] for k in kept} for o in originals]
    assert db.session.get(LoggedSegment, registered.entry_no).no_of_interactions == 4 + 3
    campaign = db.session.scalars(select(CampaignEntry)).one()
    assert campaign.no_of_interactions == 4 + 3
    printable = db.session.get(BackgroundJob, result.printable_job.id)
    assert (printable.kind, printable.total, printable.state) == (PRINTABLE_KIND, 2, "queued")
    email = db.session.get(BackgroundJob, result.email_job.id)
    assert (email.kind, email.total, email.state, email.owner) == ("send_email", 1, "queued", printable.owner)


def test_a_second_resend_sends_the_originals_again_not_the_first_resend(db: Any, make_registered: Any) -> None:
    registered = _registered(make_registered, [HARD, HARD])
    resend_registered_segment(db.session, registered.entry_no, None, today=TODAY)
    db.session.execute(update(InteractionLogEntry).values(delivery_status=DeliveryStatus.SENT))
    db.session.commit()

    second = resend_registered_segment(db.session, registered.entry_no, None, today=TODAY)
    db.session.commit()

    entries = entries_of(db.session, registered.entry_no)
    assert second.entries == 2 and len(entries) == 6
    assert [e.resend_of_entry_no for e in entries[4:]] == [entries[0].entry_no, entries[1].entry_no]
    assert second.email_job is None
    assert db.session.get(LoggedSegment, registered.entry_no).no_of_interactions == 6


def test_only_e_mails_start_only_the_send_job(db: Any, make_registered: Any) -> None:
    registered = _registered(make_registered, [EMAIL, EMAIL])
    result = resend_registered_segment(db.session, registered.entry_no, None, today=TODAY)
    assert result.printable_job is None and result.email_job is not None and result.email_job.total == 2


def test_privacy_blocked_and_opted_out_contacts_are_left_out(db: Any, make_registered: Any) -> None:
    registered = _registered(make_registered, [HARD, EMAIL, EMAIL, HARD])
    db.session.execute(update(Contact).where(Contact.no == "RC00002").values(email_opt_out=True))
    db.session.execute(update(Contact).where(Contact.no == "RC00004").values(privacy_blocked=True))
    # Opting out of e-mail does not stop a letter.
    db.session.execute(update(Contact).where(Contact.no == "RC00001").values(email_opt_out=True))
    db.session.commit()

    assert resend_plan(db.session, registered.entry_no) == ResendPlan(hard_copy=1, email=1, left_out=2)
    result = resend_registered_segment(db.session, registered.entry_no, None, today=TODAY)
    db.session.commit()

    new = entries_of(db.session, registered.entry_no)[4:]
    assert [e.contact_no for e in new] == ["RC00001", "RC00003"]
    assert (result.entries, result.left_out) == (2, 2)


def test_cancelled_entries_are_not_resent(db: Any, make_registered: Any) -> None:
    registered = _registered(make_registered, [HARD, HARD])
    first = entries_of(db.session, registered.entry_no)[0]
    db.session.execute(
        update(InteractionLogEntry).where(InteractionLogEntry.entry_no == first.entry_no).values(cancelled=True)
    )
    db.session.commit()
    assert resend_registered_segment(db.session, registered.entry_no, None, today=TODAY).entries == 1


def test_a_personalised_letter_goes_with_its_resend(db: Any, make_registered: Any) -> None:
    registered = _registered(make_registered, [HARD, HARD])
    first = entries_of(db.session, registered.entry_no)[0]
    db.session.add(InteractionLogEntryFile(entry_no=first.entry_no, file_name="mine.docx", content=b"PK mine"))
    db.session.commit()
    resend_registered_segment(db.session, registered.entry_no, None, today=TODAY)
    db.session.commit()
    new = entries_of(db.session, registered.entry_no)[2:]
    files = db.session.execute(select(InteractionLogEntryFile.entry_no, InteractionLogEntryFile.content)).all()
    assert sorted(files) == sorted([(first.entry_no, b"PK mine"), (new[0].entry_no, b"PK mine")])


def test_a_long_description_is_cut_to_the_column(db: Any, make_registered: Any) -> None:
    registered = _registered(make_registered, [HARD], description="x" * 100)
    resend_registered_segment(db.session, registered.entry_no, None, today=TODAY)
    db.session.commit()
    new = entries_of(db.session, registered.entry_no)[1]
    assert new.description == ("Resend: " + "x" * 100)[:100]


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ({"cancelled": True}, "is cancelled: un-cancel it to resend"),
        ({"delivery": DeliveryStatus.PENDING}, "are still being sent"),
        ({"delivery": DeliveryStatus.SENDING}, "are still being sent"),
        ({"types": [BLANK, BLANK]}, "has no document to resend"),
    ],
)
def test_refusals_write_nothing(db: Any, make_registered: Any, setup: dict[str, Any], message: str) -> None:
    registered = _registered(make_registered, setup.get("types", [HARD, HARD]), cancelled=setup.get("cancelled", False))
    if "delivery" in setup:
        db.session.execute(
            update(InteractionLogEntry)
            .where(InteractionLogEntry.entry_no == entries_of(db.session, registered.entry_no)[1].entry_no)
            .values(delivery_status=setup["delivery"])
        )
        db.session.commit()
    before = _snapshot(entries_of(db.session, registered.entry_no))
    with pytest.raises(ServiceError, match=message):
        resend_registered_segment(db.session, registered.entry_no, None, today=TODAY)
    db.session.rollback()
    assert _snapshot(entries_of(db.session, registered.entry_no)) == before
    assert db.session.scalars(select(BackgroundJob)).all() == []


def test_a_missing_registered_segment_is_not_found(db: Any) -> None:
    with pytest.raises(NotFound):
        resend_registered_segment(db.session, 999, None)


@pytest.mark.parametrize("entries", [3, 60])
def test_resend_is_the_same_statements_for_3_and_60_entries(db: Any, make_registered: Any, entries: int) -> None:
    entry_no = _registered(make_registered, [HARD] * entries).entry_no
    with count_statements(db.engine) as counted:
        result = resend_registered_segment(db.session, entry_no, None, today=TODAY)
    assert result.entries == entries
    # lock, in flight?, plan, max entry no., INSERT entries, INSERT files, two counts, the printable job
    assert counted.count == 9, counted.statements
