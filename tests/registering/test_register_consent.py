"""Consent at register (spec 5): with *send documents*, a line that would send to a contact who opted out of
e-mail, or to a privacy blocked contact, is refused naming the line and the contact; nothing is written."""

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select, update

from segapp.models import Contact, CorrespondenceType, InteractionLogEntry, LoggedSegment, SegmentHeader, SegmentLine
from segapp.services.delivery.consent import set_email_opt_out
from segapp.services.registering.register import RegisterRefused, register_segment
from tests.sqlcount import count_statements

HX = {"HX-Request": "true"}
OPTED_OUT = (
    "Line 20000: contact R00002 has opted out of e-mail, so the e-mail cannot be sent. "
    "Change the line's correspondence type, remove the line, or register without sending."
)
BLOCKED = (
    "Line 20000: contact R00002 is privacy blocked and may not receive anything. "
    "Remove the line, clear its correspondence type, or register without sending."
)


def _line(db: Any, segment_no: str, line_no: int, **values: Any) -> None:
    db.session.execute(
        update(SegmentLine).where(SegmentLine.segment_no == segment_no, SegmentLine.line_no == line_no).values(**values)
    )
    db.session.commit()


def _contact(db: Any, no: str, **values: Any) -> None:
    db.session.execute(update(Contact).where(Contact.no == no).values(**values))
    db.session.commit()


def _opt_out(db: Any, no: str) -> None:
    set_email_opt_out(db.session, no, True)
    db.session.commit()


def _refused(db: Any, segment_no: str) -> RegisterRefused:
    with pytest.raises(RegisterRefused) as refused:
        register_segment(db.session, segment_no, None, send_documents=True, create_follow_up=False)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(LoggedSegment)) == 0
    assert db.session.scalar(select(func.count()).select_from(InteractionLogEntry)) == 0
    return refused.value


def test_an_email_line_of_a_contact_who_opted_out_is_refused_when_sending(
    db: Any, make_registrable: Callable[..., SegmentHeader]
) -> None:
    header = make_registrable(3)
    _line(db, header.no, 20000, correspondence_type=CorrespondenceType.EMAIL)
    _line(db, header.no, 30000, correspondence_type=CorrespondenceType.EMAIL)
    _opt_out(db, "R00002")
    _opt_out(db, "R00003")
    refused = _refused(db, header.no)
    assert (refused.line_no, refused.contact_no, refused.field) == (20000, "R00002", "correspondence_type")
    assert refused.message == OPTED_OUT


def test_a_hard_copy_line_of_a_contact_who_opted_out_of_email_is_registered(
    db: Any, make_registrable: Callable[..., SegmentHeader]
) -> None:
    header = make_registrable(2)
    _opt_out(db, "R00002")  # the line stays a hard copy: the opt-out is of e-mail only
    register_segment(db.session, header.no, None, send_documents=True, create_follow_up=False)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(InteractionLogEntry)) == 2


@pytest.mark.parametrize("correspondence", [CorrespondenceType.EMAIL, CorrespondenceType.HARD_COPY])
def test_a_line_with_a_correspondence_type_of_a_privacy_blocked_contact_is_refused_when_sending(
    db: Any, make_registrable: Callable[..., SegmentHeader], correspondence: CorrespondenceType
) -> None:
    header = make_registrable(3)
    _line(db, header.no, 20000, correspondence_type=correspondence)
    _contact(db, "R00002", privacy_blocked=True)
    refused = _refused(db, header.no)
    assert (refused.line_no, refused.contact_no, refused.field) == (20000, "R00002", "correspondence_type")
    assert refused.message == BLOCKED


def test_privacy_block_is_named_before_the_opt_out_and_the_missing_address(
    db: Any, make_registrable: Callable[..., SegmentHeader]
) -> None:
    header = make_registrable(2)
    _line(db, header.no, 20000, correspondence_type=CorrespondenceType.EMAIL)
    _contact(db, "R00002", privacy_blocked=True, email="")
    _opt_out(db, "R00002")
    assert _refused(db, header.no).message == BLOCKED


def test_a_privacy_blocked_contact_on_a_line_without_correspondence_type_is_registered(
    db: Any, make_registrable: Callable[..., SegmentHeader]
) -> None:
    header = make_registrable(2)
    _line(db, header.no, 20000, correspondence_type=CorrespondenceType.BLANK)
    _contact(db, "R00002", privacy_blocked=True)
    register_segment(db.session, header.no, None, send_documents=True, create_follow_up=False)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(InteractionLogEntry)) == 2


def test_without_sending_neither_is_refused(db: Any, make_registrable: Callable[..., SegmentHeader]) -> None:
    header = make_registrable(3)
    _line(db, header.no, 20000, correspondence_type=CorrespondenceType.EMAIL)
    _opt_out(db, "R00002")
    _contact(db, "R00003", privacy_blocked=True)
    register_segment(db.session, header.no, None, send_documents=False, create_follow_up=False)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(InteractionLogEntry)) == 3


@pytest.mark.parametrize("lines", [3, 300])
def test_the_line_checks_stay_one_statement(
    db: Any, make_registrable: Callable[..., SegmentHeader], lines: int
) -> None:
    """The consent conditions join the one statement that finds the first line at fault, whatever the size."""
    from segapp.services.registering.checks import check_segment

    header = make_registrable(lines)
    db.session.execute(update(SegmentLine).values(correspondence_type=CorrespondenceType.EMAIL))
    db.session.commit()
    header = db.session.get(SegmentHeader, header.no)
    with count_statements(db.engine) as counted:
        check_segment(db.session, header, send_documents=True)
    # One to count the lines, one to find the first line at fault.
    assert len(counted.statements) == 2


def test_the_register_dialog_names_the_line_and_contact_and_links_to_the_line(
    db: Any, client: Any, login: Callable[..., Any], make_registrable: Callable[..., SegmentHeader]
) -> None:
    login()
    header = make_registrable(3)
    _line(db, header.no, 20000, correspondence_type=CorrespondenceType.EMAIL)
    _opt_out(db, "R00002")
    response = client.post(f"/segments/{header.no}/register", data={"send_documents": "1"}, headers=HX)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Line 20000: contact R00002 has opted out of e-mail" in page
    assert 'data-go-to-line="20000" data-field="correspondence_type"' in page
    assert 'data-contact-no="R00002"' in page
