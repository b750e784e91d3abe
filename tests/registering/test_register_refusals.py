"""Every refusal of spec 3.6 names the segment or the line and the field, and leaves the segment as it was."""

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select, update

from segapp.models import (
    CampaignEntry,
    Contact,
    CorrespondenceType,
    InteractionLogEntry,
    LoggedSegment,
    SegmentHeader,
    SegmentLine,
)
from segapp.services.registering.register import AlreadyRegistered, RegisterRefused, register_segment


def _state(db: Any, segment_no: str) -> tuple[Any, ...]:
    """What a user sees of a segment (its description and lines) and whether anything was registered."""
    db.session.expire_all()
    header = db.session.get(SegmentHeader, segment_no)
    lines = db.session.execute(
        select(
            SegmentLine.line_no,
            SegmentLine.contact_no,
            SegmentLine.date,
            SegmentLine.salesperson_code,
            SegmentLine.interaction_template_code,
            SegmentLine.correspondence_type,
        )
        .where(SegmentLine.segment_no == segment_no)
        .order_by(SegmentLine.line_no)
    ).all()
    written = [
        db.session.scalar(select(func.count()).select_from(model))
        for model in (LoggedSegment, InteractionLogEntry, CampaignEntry)
    ]
    return (header.description if header else None, lines, written)


def _refused(db: Any, segment_no: str, send: bool = True) -> RegisterRefused:
    before = _state(db, segment_no)
    with pytest.raises(RegisterRefused) as refused:
        register_segment(db.session, segment_no, None, send_documents=send, create_follow_up=True)
    db.session.rollback()
    assert _state(db, segment_no) == before
    assert before[0] is not None and before[2] == [0, 0, 0]
    return refused.value


def _set_line(db: Any, segment_no: str, line_no: int, **values: Any) -> None:
    db.session.execute(
        update(SegmentLine).where(SegmentLine.segment_no == segment_no, SegmentLine.line_no == line_no).values(**values)
    )
    db.session.commit()


def test_an_empty_description_is_refused(db: Any, make_registrable: Callable[..., SegmentHeader]) -> None:
    header = make_registrable(2, description="  ")
    refused = _refused(db, header.no)
    assert (refused.segment_no, refused.line_no, refused.field) == (header.no, None, "description")
    assert header.no in refused.message and "description" in refused.message


def test_a_segment_without_a_line_with_a_contact_is_refused(
    db: Any, make_registrable: Callable[..., SegmentHeader]
) -> None:
    header = make_registrable(1)
    _set_line(db, header.no, 10000, contact_no=None)
    refused = _refused(db, header.no)
    assert (refused.line_no, refused.field) == (None, "contact_no")
    assert "no line with a contact" in refused.message


@pytest.mark.parametrize(
    ("values", "field", "words"),
    [
        ({"date": None}, "date", "has no date"),
        ({"salesperson_code": None}, "salesperson_code", "has no salesperson"),
        ({"interaction_template_code": None}, "interaction_template_code", "has no interaction template"),
    ],
)
def test_a_line_lacking_a_date_salesperson_or_template_is_refused_naming_the_first_such_line(
    db: Any, make_registrable: Callable[..., SegmentHeader], values: dict[str, Any], field: str, words: str
) -> None:
    header = make_registrable(3)
    _set_line(db, header.no, 30000, **values)
    _set_line(db, header.no, 20000, **values)
    refused = _refused(db, header.no)
    assert (refused.line_no, refused.field) == (20000, field)
    assert refused.message == f"Line 20000 (contact R00002) {words}."


def test_an_email_line_of_a_contact_without_address_is_refused_when_sending(
    db: Any, make_registrable: Callable[..., SegmentHeader]
) -> None:
    header = make_registrable(3)
    _set_line(db, header.no, 20000, correspondence_type=CorrespondenceType.EMAIL)
    db.session.execute(update(Contact).where(Contact.no == "R00002").values(email=""))
    db.session.commit()
    refused = _refused(db, header.no, send=True)
    assert (refused.line_no, refused.field) == (20000, "correspondence_type")
    assert "contact R00002 has no e-mail address" in refused.message


def test_without_sending_that_line_loses_its_correspondence_type(
    db: Any, make_registrable: Callable[..., SegmentHeader]
) -> None:
    header = make_registrable(2)
    _set_line(db, header.no, 20000, correspondence_type=CorrespondenceType.EMAIL)
    db.session.execute(update(Contact).where(Contact.no == "R00002").values(email=""))
    db.session.commit()
    register_segment(db.session, header.no, None, send_documents=False, create_follow_up=False)
    db.session.commit()
    types = dict(
        db.session.execute(select(InteractionLogEntry.contact_no, InteractionLogEntry.correspondence_type))
        .tuples()
        .all()
    )
    assert types == {"R00001": CorrespondenceType.HARD_COPY, "R00002": CorrespondenceType.BLANK}


def test_registering_twice_is_refused_with_the_registered_segment(
    db: Any, make_registrable: Callable[..., SegmentHeader]
) -> None:
    header = make_registrable(2)
    no = header.no
    first = register_segment(db.session, no, None, send_documents=False, create_follow_up=False)
    db.session.commit()
    with pytest.raises(AlreadyRegistered) as again:
        register_segment(db.session, no, None, send_documents=False, create_follow_up=False)
    db.session.rollback()
    assert again.value.logged_segment_entry_no == first.logged_segment.entry_no
    assert again.value.message == f"Segment {no} was already registered."
    assert db.session.scalar(select(func.count()).select_from(InteractionLogEntry)) == 2


def test_the_unique_segment_no_is_the_last_guard(db: Any, make_registrable: Callable[..., SegmentHeader]) -> None:
    """A registered segment of the same no. that the header lock did not see (written by another path)."""
    from datetime import date

    header = make_registrable(2)
    db.session.add(LoggedSegment(segment_no=header.no, description="x", creation_date=date.today()))
    db.session.commit()
    existing = db.session.scalar(select(LoggedSegment.entry_no))
    with pytest.raises(AlreadyRegistered) as again:
        register_segment(db.session, header.no, None, send_documents=False, create_follow_up=False)
    db.session.rollback()
    assert again.value.logged_segment_entry_no == existing
    assert db.session.get(SegmentHeader, header.no) is not None
    assert db.session.scalar(select(func.count()).select_from(InteractionLogEntry)) == 0
