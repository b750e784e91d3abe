"""Spec 3.3: header edits, their rules, and carrying them to the lines."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from segapp.models import CorrespondenceType, InformationFlow, InitiatedBy, SegmentHeader, SegmentLine
from segapp.services.errors import Conflict, ServiceError
from segapp.services.segments.header import apply_header_to_lines, update_header_field
from segapp.services.segments.lines import add_line, update_line_field
from segapp.services.segments.records import create_segment, delete_segment, segment_totals


def _lines(db, segment_no: str) -> list[SegmentLine]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(SegmentLine).where(SegmentLine.segment_no == segment_no).order_by(SegmentLine.line_no)
        )
    )


def test_create_segment_takes_the_series_today_and_the_users_salesperson(db, reference, make_user) -> None:
    user = make_user("ann", salesperson_code="MR")
    header = create_segment(db.session, user)
    assert header.no == "SEG00001" and header.date == date.today() and header.salesperson_code == "MR"
    blocked = make_user("bob", salesperson_code="OLD")
    assert create_segment(db.session, blocked).salesperson_code is None


def test_template_change_reads_exactly_its_defaults_and_clears_the_subject(db, make_segment) -> None:
    header = make_segment(subject="Old subject", description="Keep me", salesperson_code="LB")
    update_header_field(db.session, header.no, "interaction_template_code", "letter", 1)
    db.session.expire_all()
    h = db.session.get(SegmentHeader, header.no)
    assert (h.interaction_template_code, h.interaction_group_code) == ("LETTER", "LETTER")
    assert (h.unit_cost, h.unit_duration) == (Decimal("1.20"), Decimal("5.00"))
    assert (h.information_flow, h.initiated_by) == (InformationFlow.OUTBOUND, InitiatedBy.US)
    assert (h.campaign_no, h.campaign_target, h.campaign_response) == ("CP1", True, False)
    assert (h.correspondence_type, h.ignore_contact_corr_type, h.language_code) == (
        CorrespondenceType.HARD_COPY,
        False,
        "ITA",
    )
    assert h.subject == ""
    assert (h.description, h.salesperson_code, h.version) == ("Keep me", "LB", 2)


def test_a_template_without_campaign_keeps_the_headers_campaign(db, make_segment) -> None:
    header = make_segment(campaign_no="CP2")
    update_header_field(db.session, header.no, "interaction_template_code", "CALL", 1)
    db.session.expire_all()
    assert db.session.get(SegmentHeader, header.no).campaign_no == "CP2"


def test_clearing_the_campaign_clears_its_flags(db, make_segment) -> None:
    header = make_segment(campaign_no="CP1", campaign_target=True, campaign_response=True)
    change = update_header_field(db.session, header.no, "campaign_no", "", 1)
    db.session.expire_all()
    h = db.session.get(SegmentHeader, header.no)
    assert (h.campaign_no, h.campaign_target, h.campaign_response) == (None, False, False)
    assert set(change.changed) == {"campaign_no", "campaign_target", "campaign_response"}


def test_correspondence_type_is_editable_only_when_ignoring_the_contacts(db, make_segment) -> None:
    header = make_segment()
    with pytest.raises(ServiceError) as error:
        update_header_field(db.session, header.no, "correspondence_type", "email", 1)
    assert error.value.field == "correspondence_type"
    update_header_field(db.session, header.no, "ignore_contact_corr_type", "on", 1)
    update_header_field(db.session, header.no, "correspondence_type", "email", 2)
    db.session.expire_all()
    assert db.session.get(SegmentHeader, header.no).correspondence_type == CorrespondenceType.EMAIL


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("unit_cost", "-1", "cannot be negative"),
        ("unit_duration", "abc", "is not a number"),
        ("salesperson_code", "NOPE", "no salesperson NOPE"),
        ("salesperson_code", "OLD", "is blocked and cannot be chosen"),
        ("interaction_template_code", "NOPE", "no interaction template"),
        ("date", "31/02/2026", "is not a date"),
        ("campaign_no", "X", "no campaign"),
        ("information_flow", "sideways", "not one of the choices"),
        ("no", "X", "cannot be changed"),
    ],
)
def test_bad_header_values_are_refused_and_nothing_changes(db, make_segment, field, value, message) -> None:
    header = make_segment(salesperson_code="MR", unit_cost=Decimal("1"))
    with pytest.raises(ServiceError) as error:
        update_header_field(db.session, header.no, field, value, 1)
    assert message in error.value.message and error.value.field == field
    db.session.rollback()
    h = db.session.get(SegmentHeader, header.no)
    assert (h.version, h.salesperson_code, h.unit_cost) == (1, "MR", Decimal("1.00"))


def test_a_stale_header_version_is_a_conflict(db, make_segment) -> None:
    header = make_segment()
    update_header_field(db.session, header.no, "description", "First", 1)
    with pytest.raises(Conflict):
        update_header_field(db.session, header.no, "description", "Second", 1)


def test_fields_flow_only_to_lines_with_the_headers_template(db, make_segment, make_contact) -> None:
    header = make_segment(interaction_template_code="LETTER", interaction_group_code="LETTER", salesperson_code="MR")
    a, b, c = make_contact("A"), make_contact("B"), make_contact("C")
    for contact in (a, b, c):
        add_line(db.session, header.no, contact.no)
    own = _lines(db, header.no)[2]
    update_line_field(db.session, header.no, own.line_no, "interaction_template_code", "CALL", 1)
    change = update_header_field(db.session, header.no, "salesperson_code", "LB", 1)
    assert (change.ask, change.lines) == ("fields", 2)
    assert apply_header_to_lines(db.session, header.no, "salesperson_code") == 2
    assert [line.salesperson_code for line in _lines(db, header.no)] == ["LB", "LB", "MR"]
    change = update_header_field(db.session, header.no, "unit_cost", "9", 2)
    apply_header_to_lines(db.session, header.no, "unit_cost")
    assert [line.cost for line in _lines(db, header.no)] == [Decimal("9.00"), Decimal("9.00"), Decimal("3.00")]


def test_answering_no_changes_the_header_only(db, make_segment, make_contact) -> None:
    header = make_segment(description="Old")
    add_line(db.session, header.no, make_contact("A").no)
    change = update_header_field(db.session, header.no, "description", "New", 1)
    assert change.ask == "fields"
    assert _lines(db, header.no)[0].description == "Old"


def test_a_field_that_does_not_flow_asks_nothing(db, make_segment, make_contact) -> None:
    header = make_segment()
    add_line(db.session, header.no, make_contact("A").no)
    assert update_header_field(db.session, header.no, "language_code", "ENU", 1).ask == ""


def test_template_change_yes_sets_the_template_and_recomputes_every_line(
    db, make_segment, make_contact, letter_documents
) -> None:
    header = make_segment(language_code="ITA")
    it = make_contact("Italian", language_code="ITA", correspondence_type=CorrespondenceType.EMAIL)
    en = make_contact("English", language_code="ENU", correspondence_type=CorrespondenceType.BLANK)
    de = make_contact("German", language_code="DEU")
    for contact in (it, en, de):
        add_line(db.session, header.no, contact.no)
    update_line_field(db.session, header.no, _lines(db, header.no)[2].line_no, "interaction_template_code", "CALL", 1)
    change = update_header_field(db.session, header.no, "interaction_template_code", "LETTER", 1)
    assert (change.ask, change.lines) == ("template", 3)
    assert apply_header_to_lines(db.session, header.no, "interaction_template_code") == 3
    lines = _lines(db, header.no)
    assert {line.interaction_template_code for line in lines} == {"LETTER"}
    assert {line.interaction_group_code for line in lines} == {"LETTER"}
    assert {line.cost for line in lines} == {Decimal("1.20")}
    assert {line.campaign_no for line in lines} == {"CP1"}
    assert [line.language_code for line in lines] == ["ITA", "ENU", "ITA"]
    assert [line.correspondence_type for line in lines] == [
        CorrespondenceType.EMAIL,
        CorrespondenceType.HARD_COPY,
        CorrespondenceType.HARD_COPY,
    ]
    assert [line.subject for line in lines] == ["", "Our offer", ""]


def test_template_change_no_leaves_the_lines_alone(db, make_segment, make_contact) -> None:
    header = make_segment()
    add_line(db.session, header.no, make_contact("A").no)
    update_header_field(db.session, header.no, "interaction_template_code", "LETTER", 1)
    line = _lines(db, header.no)[0]
    assert (line.interaction_template_code, line.cost) == (None, Decimal("0.00"))


def test_subject_change_updates_lines_of_same_template_and_language_with_the_old_subject(
    db, make_segment, make_contact, letter_documents
) -> None:
    header = make_segment(interaction_template_code="LETTER", language_code="ITA", subject="Old")
    for name, language in (("A", "ITA"), ("B", "ITA"), ("C", "ENU")):
        add_line(db.session, header.no, make_contact(name, language_code=language).no)
    b = _lines(db, header.no)[1]
    update_line_field(db.session, header.no, b.line_no, "subject", "Hand-written", 1)
    change = update_header_field(db.session, header.no, "subject", "New", 1)
    assert (change.ask, change.lines, change.differ, change.old_value) == ("subject", 2, 1, "Old")
    assert change.can_keep_edits
    assert apply_header_to_lines(db.session, header.no, "subject", "Old", only_unchanged=True) == 1
    assert [line.subject for line in _lines(db, header.no)] == ["New", "Hand-written", "Our offer"]
    # "Yes, all" overwrites the hand-written one too, never a line of another language.
    assert apply_header_to_lines(db.session, header.no, "subject", "Old") == 2
    assert [line.subject for line in _lines(db, header.no)] == ["New", "New", "Our offer"]


@pytest.mark.parametrize(
    ("field", "line_field", "start", "typed", "hand", "new", "new_value", "old_text"),
    [
        ("description", "description", "Old", "Hand", "Hand", "New", "New", "Old"),
        ("salesperson_code", "salesperson_code", "MR", "", None, "LB", "LB", "MR"),
        ("unit_cost", "cost", Decimal("2"), "5", Decimal("5.00"), "7", Decimal("7.00"), "2.00"),
        ("unit_duration", "duration", Decimal("3"), "1", Decimal("1.00"), "9", Decimal("9.00"), "3.00"),
        (
            "date",
            "date",
            date(2026, 1, 5),
            "2026-02-01",
            date(2026, 2, 1),
            "2026-03-01",
            date(2026, 3, 1),
            "2026-01-05",
        ),
    ],
)
def test_the_question_counts_hand_edits_and_yes_can_spare_them(
    db, make_segment, make_contact, field, line_field, start, typed, hand, new, new_value, old_text
) -> None:
    header = make_segment(**{field: start})
    for name in ("A", "B", "C"):
        add_line(db.session, header.no, make_contact(name).no)
    edited = _lines(db, header.no)[1]
    update_line_field(db.session, header.no, edited.line_no, line_field, typed, 1)
    change = update_header_field(db.session, header.no, field, new, 1)
    assert (change.ask, change.lines, change.differ, change.can_keep_edits) == ("fields", 3, 1, True)
    from segapp.services.segments.header import old_header_value

    spared = apply_header_to_lines(db.session, header.no, field, old_header_value(field, old_text), True)
    values = [getattr(line, line_field) for line in _lines(db, header.no)]
    assert (spared, values) == (2, [new_value, hand, new_value])


def test_fields_without_the_choice_and_a_template_change_count_the_lines_that_differ(
    db, make_segment, make_contact
) -> None:
    header = make_segment(information_flow=InformationFlow.OUTBOUND)
    for name in ("A", "B"):
        add_line(db.session, header.no, make_contact(name).no)
    change = update_header_field(db.session, header.no, "information_flow", "inbound", 1)
    assert (change.lines, change.differ, change.can_keep_edits) == (2, 0, False)
    with pytest.raises(ServiceError):
        apply_header_to_lines(db.session, header.no, "information_flow", InformationFlow.OUTBOUND, True)
    update_line_field(db.session, header.no, _lines(db, header.no)[0].line_no, "interaction_template_code", "CALL", 1)
    change = update_header_field(db.session, header.no, "interaction_template_code", "LETTER", 2)
    assert (change.ask, change.lines, change.differ, change.can_keep_edits) == ("template", 2, 1, False)


def test_totals_and_delete(db, make_segment, make_contact) -> None:
    header = make_segment(unit_cost=Decimal("2"), unit_duration=Decimal("3"))
    add_line(db.session, header.no, make_contact("A").no)
    add_line(db.session, header.no, make_contact("B").no)
    totals = segment_totals(db.session, header.no)
    assert (totals.lines, totals.cost, totals.duration) == (2, Decimal("4"), Decimal("6"))
    delete_segment(db.session, header.no)
    db.session.commit()
    assert db.session.get(SegmentHeader, header.no) is None
    assert _lines(db, header.no) == []
