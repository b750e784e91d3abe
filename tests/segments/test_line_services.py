"""Manual line edits: validation, optimistic concurrency and the criteria actions they record."""

from decimal import Decimal

import pytest
from sqlalchemy import select

from segapp.models import CriteriaActionType, SegmentCriteriaAction, SegmentLine, SegmentLineHistory
from segapp.services.errors import Conflict, ServiceError
from segapp.services.segments.lines import AlreadyOnSegment, add_line, delete_line, update_line_field


def _actions(db, segment_no: str) -> list[SegmentCriteriaAction]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(SegmentCriteriaAction)
            .where(SegmentCriteriaAction.segment_no == segment_no)
            .order_by(SegmentCriteriaAction.sequence_no)
        )
    )


def test_typing_a_contact_records_a_replayable_add_action(db, make_segment, make_contact, make_user) -> None:
    user = make_user("ann")
    header = make_segment()
    contact = make_contact("Acme")
    line = add_line(db.session, header.no, contact.no, user.id).line
    [action] = _actions(db, header.no)
    assert (action.action_type, action.manual, action.allow_existing_contacts, action.sequence_no) == (
        CriteriaActionType.ADD,
        True,
        False,  # BC's default: a replay skips a contact that is already on the segment
        1,
    )
    assert (action.lines_added, action.user_id) == (1, user.id)
    assert [(f.table_name, f.field_name, f.expression) for f in action.filters] == [("contact", "no", contact.no)]
    assert db.session.get(SegmentLine, (header.no, line.line_no)).criteria_action_id == action.id


def test_deleting_a_line_records_a_reduce_with_the_line_as_it_was(db, make_segment, make_contact) -> None:
    header = make_segment(salesperson_code="MR")
    contact = make_contact("Acme")
    line = add_line(db.session, header.no, contact.no).line
    update_line_field(db.session, header.no, line.line_no, "cost", "7,5", 1)
    update_line_field(db.session, header.no, line.line_no, "evaluation", "positive", 2)
    delete_line(db.session, header.no, line.line_no, 3)
    db.session.commit()
    add, reduce = _actions(db, header.no)
    assert (reduce.action_type, reduce.lines_removed, reduce.sequence_no) == (CriteriaActionType.REDUCE, 1, 2)
    assert [(f.field_name, f.expression) for f in reduce.filters] == [("no", contact.no)]
    [saved] = db.session.scalars(select(SegmentLineHistory).where(SegmentLineHistory.action_id == reduce.id))
    assert (saved.line_no, saved.contact_no, saved.cost, saved.evaluation, saved.salesperson_code) == (
        line.line_no,
        contact.no,
        Decimal("7.50"),
        "positive",
        "MR",
    )
    assert (saved.version, saved.criteria_action_id) == (3, add.id)
    assert db.session.get(SegmentLine, (header.no, line.line_no)) is None


def test_clearing_and_retyping_the_contact_records_reduce_then_add(db, make_segment, make_contact) -> None:
    header = make_segment()
    a, b = make_contact("A"), make_contact("B")
    line = add_line(db.session, header.no, a.no).line
    update_line_field(db.session, header.no, line.line_no, "contact_no", "", 1)
    cleared = db.session.get(SegmentLine, (header.no, line.line_no))
    assert (cleared.contact_no, cleared.contact_company_no) == (None, None)
    update_line_field(db.session, header.no, line.line_no, "contact_no", b.no, 2)
    assert [a.action_type for a in _actions(db, header.no)] == [
        CriteriaActionType.ADD,
        CriteriaActionType.REDUCE,
        CriteriaActionType.ADD,
    ]
    assert db.session.get(SegmentLine, (header.no, line.line_no)).contact_no == b.no


def test_a_quoted_expression_for_contact_numbers_with_special_characters(db, make_segment, make_contact) -> None:
    header = make_segment()
    contact = make_contact("Odd", no="K-1|2")
    add_line(db.session, header.no, contact.no)
    assert _actions(db, header.no)[0].filters[0].expression == "'K-1|2'"


def test_unknown_and_privacy_blocked_contacts_are_refused(db, make_segment, make_contact) -> None:
    header = make_segment()
    blocked = make_contact("Hidden", privacy_blocked=True)
    with pytest.raises(ServiceError, match="no contact"):
        add_line(db.session, header.no, "NOPE")
    with pytest.raises(ServiceError, match="privacy blocked"):
        add_line(db.session, header.no, blocked.no)
    db.session.rollback()
    assert _actions(db, header.no) == []


def test_an_excluded_contact_is_allowed_by_hand_with_a_notice(db, make_segment, make_contact) -> None:
    header = make_segment()
    contact = make_contact("Quiet", exclude_from_segment=True)
    result = add_line(db.session, header.no, contact.no)
    assert result.line.contact_no == contact.no
    assert "exclude from segment" in result.notice


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("cost", "-3", "cannot be negative"),
        ("duration", "-0.5", "cannot be negative"),
        ("interaction_template_code", "NOPE", "no interaction template"),
        ("salesperson_code", "OLD", "blocked"),
        ("salesperson_code", "ZZ", "no salesperson"),
        ("date", "yesterday", "not a date"),
        ("evaluation", "great", "not one of the choices"),
        ("contact_company_no", "X", "cannot be changed"),
    ],
)
def test_bad_cell_values_are_refused_and_nothing_changes(db, make_segment, make_contact, field, value, message) -> None:
    header = make_segment(salesperson_code="MR", unit_cost=Decimal("1"))
    line = add_line(db.session, header.no, make_contact("A").no).line
    db.session.commit()
    with pytest.raises(ServiceError) as error:
        update_line_field(db.session, header.no, line.line_no, field, value, 1)
    assert message in error.value.message and error.value.field == field
    db.session.rollback()
    again = db.session.get(SegmentLine, (header.no, line.line_no))
    assert (again.version, again.cost, again.salesperson_code) == (1, Decimal("1.00"), "MR")


def test_a_stale_line_version_is_a_conflict_and_keeps_the_first_edit(db, make_segment, make_contact) -> None:
    header = make_segment()
    line = add_line(db.session, header.no, make_contact("A").no).line
    update_line_field(db.session, header.no, line.line_no, "description", "First", 1)
    with pytest.raises(Conflict):
        update_line_field(db.session, header.no, line.line_no, "description", "Second", 1)
    db.session.expire_all()
    assert db.session.get(SegmentLine, (header.no, line.line_no)).description == "First"


def test_two_users_editing_different_fields_of_one_line_both_keep_their_edit(db, make_segment, make_contact) -> None:
    header = make_segment()
    line = add_line(db.session, header.no, make_contact("A").no).line
    update_line_field(db.session, header.no, line.line_no, "description", "Ann's", 1, start="")
    # Bob's copy is older (version 1) but the subject he started from is still there.
    update_line_field(db.session, header.no, line.line_no, "subject", "Bob's", 1, start="")
    db.session.commit()
    db.session.expire_all()
    saved = db.session.get(SegmentLine, (header.no, line.line_no))
    assert (saved.description, saved.subject, saved.version) == ("Ann's", "Bob's", 3)


def test_the_same_field_changed_meanwhile_is_a_conflict_naming_the_current_value(
    db, make_segment, make_contact
) -> None:
    header = make_segment(unit_cost=Decimal("1.20"))
    line = add_line(db.session, header.no, make_contact("A").no).line
    update_line_field(db.session, header.no, line.line_no, "cost", "2", 1, start="1.20")
    with pytest.raises(Conflict) as refused:
        update_line_field(db.session, header.no, line.line_no, "cost", "3", 2, start="1.20")
    assert "“2.00”" in refused.value.message and refused.value.field == "cost"
    db.session.expire_all()
    assert db.session.get(SegmentLine, (header.no, line.line_no)).cost == Decimal("2.00")


@pytest.mark.parametrize(("field", "value"), [("contact_no", ""), ("interaction_template_code", "CALL")])
def test_edits_that_rewrite_several_fields_still_need_the_row_version(
    db, make_segment, make_contact, field, value
) -> None:
    header = make_segment()
    line = add_line(db.session, header.no, make_contact("A").no).line
    update_line_field(db.session, header.no, line.line_no, "description", "Ann's", 1, start="")
    start = line.contact_no if field == "contact_no" else ""
    with pytest.raises(Conflict):
        update_line_field(db.session, header.no, line.line_no, field, value, 1, start=start)
    db.session.expire_all()
    saved = db.session.get(SegmentLine, (header.no, line.line_no))
    assert (saved.contact_no, saved.interaction_template_code, saved.version) == (line.contact_no, None, 2)


def test_a_contact_already_on_the_segment_needs_a_yes_which_the_action_records(db, make_segment, make_contact) -> None:
    header = make_segment()
    acme, beta = make_contact("Acme"), make_contact("Beta")
    add_line(db.session, header.no, acme.no)
    db.session.commit()
    with pytest.raises(AlreadyOnSegment) as asked:
        add_line(db.session, header.no, acme.no.lower())
    assert asked.value.line_no == 10000 and f"{acme.no} Acme is already on line 10000" in asked.value.message
    db.session.rollback()
    assert len(_actions(db, header.no)) == 1  # the question wrote nothing
    again = add_line(db.session, header.no, acme.no, allow_existing=True).line
    first, second = _actions(db, header.no)
    assert (first.allow_existing_contacts, second.allow_existing_contacts) == (False, True)
    assert again.line_no == 20000 and again.criteria_action_id == second.id
    # Typing it over another line's contact asks too; the line's own contact does not count.
    other = add_line(db.session, header.no, beta.no).line
    db.session.commit()
    with pytest.raises(AlreadyOnSegment):
        update_line_field(db.session, header.no, other.line_no, "contact_no", acme.no, 1)
    db.session.rollback()
    update_line_field(db.session, header.no, other.line_no, "contact_no", acme.no, 1, allow_existing=True)
    assert _actions(db, header.no)[-1].allow_existing_contacts is True


def test_searches_take_percent_and_underscore_literally(db, make_segment, make_contact) -> None:
    from segapp.services.segments.field_values import contact_search
    from segapp.services.segments.grid import grid_page
    from segapp.services.segments.records import segments_query

    literal, other = make_contact("A_B 100%"), make_contact("AXB 1000")
    header = make_segment(description="Sale 50% off")
    make_segment(description="Sale 500 off")
    for contact in (literal, other):
        add_line(db.session, header.no, contact.no)
    assert [c.no for c in contact_search(db.session, "A_B")] == [literal.no]
    assert [c.no for c in contact_search(db.session, "100%")] == [literal.no]
    assert [row.line.contact_no for row in grid_page(db.session, header.no, search="_B").rows] == [literal.no]
    assert [row.no for row, *_ in db.session.execute(segments_query("50%"))] == [header.no]


@pytest.mark.parametrize(
    ("typed", "expected"), [("sì", True), ("Vero", True), ("x", True), ("", False), ("falso", False), ("OFF", False)]
)
def test_a_yes_no_cell_reads_the_same_words_as_the_import(typed: str, expected: bool) -> None:
    from segapp.services.segments.field_values import parse_bool

    assert parse_bool(typed, "attempt_failed") is expected
