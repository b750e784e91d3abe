"""Go back: one step, several, to a chosen step; lines restored exactly; manual edits; codes gone since."""

import threading
from decimal import Decimal

import pytest
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from segapp.models import (
    Contact,
    InteractionTemplate,
    Salesperson,
    SegmentCriteriaAction,
    SegmentCriteriaFilter,
    SegmentLine,
    SegmentLineHistory,
)
from segapp.services.criteria.undo import actions_to_undo, go_back, go_back_effect
from segapp.services.errors import NotFound
from segapp.services.segments.lines import add_line, delete_line, undo_line_delete, update_line_field
from tests.criteria.recipe_support import columns_of, criteria_add, criteria_reduce, segment_lines
from tests.sqlcount import count_statements


def _contacts(make_contact, *names: str) -> list[str]:
    return [make_contact(name).no for name in names]


def _count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_go_back_undoes_the_last_action_only(db, make_segment, make_contact) -> None:
    header = make_segment()
    first = _contacts(make_contact, "Acme", "Bolt")
    second = _contacts(make_contact, "Cora", "Dima", "Eris")
    criteria_add(db.session, header.no, first)
    criteria_add(db.session, header.no, second)
    db.session.commit()

    result = go_back(db.session, header.no)
    db.session.commit()

    assert (result.actions_undone, result.lines_removed, result.lines_restored) == (1, 3, 0)
    assert [line.contact_no for line in segment_lines(db.session, header.no)] == first
    assert db.session.scalar(select(SegmentCriteriaAction.sequence_no)) == 1
    assert _count(db, SegmentCriteriaFilter) == 1
    assert result.descriptions == [f"Add contacts: no. {'|'.join(second)}"]


def test_go_back_restores_removed_lines_exactly_as_they_were(db, make_segment, make_contact) -> None:
    header = make_segment(description="Autumn")
    acme, bolt = _contacts(make_contact, "Acme", "Bolt")
    added = criteria_add(db.session, header.no, [acme, bolt])
    db.session.commit()
    line = segment_lines(db.session, header.no)[1]
    update_line_field(db.session, header.no, line.line_no, "cost", "7,50", 1)
    update_line_field(db.session, header.no, line.line_no, "description", "Call first", 2)
    update_line_field(db.session, header.no, line.line_no, "salesperson_code", "LB", 3)
    db.session.commit()
    before = columns_of(segment_lines(db.session, header.no)[1])
    criteria_reduce(db.session, header.no, [bolt])
    db.session.commit()
    assert len(segment_lines(db.session, header.no)) == 1

    result = go_back(db.session, header.no)
    db.session.commit()

    assert (result.actions_undone, result.lines_removed, result.lines_restored) == (1, 0, 1)
    back = segment_lines(db.session, header.no)[1]
    assert columns_of(back) == before
    assert back.version == 4 and back.cost == Decimal("7.50") and back.criteria_action_id == added.id
    assert _count(db, SegmentLineHistory) == 0
    assert result.notes == []


def test_go_back_several_steps_to_a_chosen_one(db, make_segment, make_contact) -> None:
    header = make_segment()
    acme, bolt, cora, dima = _contacts(make_contact, "Acme", "Bolt", "Cora", "Dima")
    criteria_add(db.session, header.no, [acme, bolt, cora])
    before = [columns_of(line) for line in segment_lines(db.session, header.no)]
    second = criteria_reduce(db.session, header.no, [bolt])
    criteria_add(db.session, header.no, [dima])
    criteria_reduce(db.session, header.no, [acme, dima])
    db.session.commit()
    assert [line.contact_no for line in segment_lines(db.session, header.no)] == [cora]

    effect = go_back_effect(db.session, header.no, actions_to_undo(db.session, header.no, second.sequence_no))
    result = go_back(db.session, header.no, to_sequence_no=second.sequence_no)
    db.session.commit()

    assert (result.actions_undone, result.lines_removed, result.lines_restored) == (3, 0, 2)
    assert effect == (0, 2)
    assert [columns_of(line) for line in segment_lines(db.session, header.no)] == before
    assert db.session.scalars(select(SegmentCriteriaAction.sequence_no)).all() == [1]
    assert _count(db, SegmentLineHistory) == 0
    assert len(result.descriptions) == 3 and result.descriptions[0].startswith("Reduce contacts: no. ")


def test_going_back_to_a_step_already_undone_is_refused(db, make_segment, make_contact) -> None:
    header = make_segment()
    criteria_add(db.session, header.no, _contacts(make_contact, "Acme"))
    db.session.commit()
    with pytest.raises(NotFound):
        go_back(db.session, header.no, to_sequence_no=2)


def test_nothing_to_go_back_to(db, make_segment) -> None:
    header = make_segment()
    result = go_back(db.session, header.no)
    assert (result.actions_undone, result.lines_removed, result.lines_restored, result.notes) == (0, 0, 0, [])


def test_a_typed_contact_and_a_deleted_line_are_undone_like_actions(db, make_segment, make_contact) -> None:
    header = make_segment()
    acme, bolt = _contacts(make_contact, "Acme", "Bolt")
    add_line(db.session, header.no, acme)
    db.session.commit()
    first = columns_of(segment_lines(db.session, header.no)[0])
    typed = add_line(db.session, header.no, bolt).line.line_no
    db.session.commit()
    delete_line(db.session, header.no, first["line_no"], 1)  # Ctrl+Delete
    db.session.commit()
    assert [line.line_no for line in segment_lines(db.session, header.no)] == [typed]

    assert go_back(db.session, header.no).lines_restored == 1
    db.session.commit()
    assert [columns_of(line) for line in segment_lines(db.session, header.no)][0] == first
    assert go_back(db.session, header.no).lines_removed == 1
    db.session.commit()
    assert [line.contact_no for line in segment_lines(db.session, header.no)] == [acme]


def test_a_contact_typed_over_comes_back_with_its_line_as_it_was(db, make_segment, make_contact) -> None:
    header = make_segment()
    acme, bolt, cora = _contacts(make_contact, "Acme", "Bolt", "Cora")
    line_no = add_line(db.session, header.no, acme).line.line_no
    update_line_field(db.session, header.no, line_no, "description", "Ask for Anna", 1)
    db.session.commit()
    before = columns_of(segment_lines(db.session, header.no)[0])
    update_line_field(db.session, header.no, line_no, "contact_no", bolt, 2)
    db.session.commit()
    update_line_field(db.session, header.no, line_no, "contact_no", cora, 3)
    update_line_field(db.session, header.no, line_no, "contact_no", "", 4)  # cleared
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(SegmentCriteriaAction)) == 6

    go_back(db.session, header.no)  # the clearing
    db.session.commit()
    assert [line.contact_no for line in segment_lines(db.session, header.no)] == [cora]
    effect = go_back_effect(db.session, header.no, actions_to_undo(db.session, header.no, 2))
    result = go_back(db.session, header.no, to_sequence_no=2)  # back to before the first retyping
    assert effect == (result.lines_removed, result.lines_restored) == (1, 1)
    db.session.commit()

    assert [columns_of(line) for line in segment_lines(db.session, header.no)] == [before]
    assert result.actions_undone == 4


def test_codes_gone_since_are_named_and_left_out(db, make_segment, make_contact, make_reference) -> None:
    header = make_segment()
    make_reference(InteractionTemplate, code="VISIT", description="Visit", interaction_group_code="LETTER")
    names = ["Acme", "Bolt", "Cora", "Dima", "Eris", "Fido", "Gaia", "Hugo"]
    contacts = _contacts(make_contact, *names)
    criteria_add(db.session, header.no, contacts)
    db.session.execute(
        update(SegmentLine)
        .where(SegmentLine.segment_no == header.no)
        .values(salesperson_code="LB", interaction_template_code="VISIT", campaign_no="CP2")
    )
    criteria_reduce(db.session, header.no, contacts)
    db.session.commit()
    gone = contacts[1:8]
    db.session.execute(delete(Contact).where(Contact.no.in_(gone)))
    db.session.execute(delete(Salesperson).where(Salesperson.code == "LB"))
    db.session.execute(delete(InteractionTemplate).where(InteractionTemplate.code == "VISIT"))
    db.session.commit()

    result = go_back(db.session, header.no)
    db.session.commit()

    lines = segment_lines(db.session, header.no)
    assert [line.contact_no for line in lines] == [contacts[0]]
    assert (lines[0].salesperson_code, lines[0].interaction_template_code, lines[0].campaign_no) == (None, None, "CP2")
    assert result.lines_restored == 1
    assert result.notes == [
        f"Contacts {', '.join(gone[:5])} and 2 more no longer exist: their lines were left out.",
        "Salesperson LB no longer exists: lines were restored without it.",
        "Interaction template VISIT no longer exists: lines were restored without it.",
    ]


def test_ctrl_z_of_a_deleted_line_goes_back_through_the_same_path(db, make_segment, make_contact) -> None:
    header = make_segment()
    acme = make_contact("Acme")
    line_no = add_line(db.session, header.no, acme.no).line.line_no
    update_line_field(db.session, header.no, line_no, "salesperson_code", "LB", 1)
    db.session.commit()
    action = delete_line(db.session, header.no, line_no, 2)
    db.session.commit()
    db.session.execute(delete(Salesperson).where(Salesperson.code == "LB"))
    db.session.commit()

    assert undo_line_delete(db.session, header.no, action.id) == line_no
    db.session.commit()
    assert segment_lines(db.session, header.no)[0].salesperson_code is None


def test_two_users_going_back_at_once_undo_one_action_each(app, db, make_segment, make_contact) -> None:
    from segapp.database import immediate_transactions

    segment_no = make_segment().no
    for name in ("Acme", "Bolt", "Cora"):
        criteria_add(db.session, segment_no, [make_contact(name).no])
    db.session.commit()
    barrier = threading.Barrier(2)
    undone: list[list[str]] = []
    errors: list[BaseException] = []

    def user() -> None:
        try:
            with app.app_context(), immediate_transactions(), Session(db.engine) as session:
                barrier.wait()
                undone.append(go_back(session, segment_no).descriptions)
                session.commit()
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=user) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(len(descriptions) for descriptions in undone) == [1, 1]
    assert undone[0] != undone[1]
    assert db.session.scalars(select(SegmentCriteriaAction.sequence_no)).all() == [1]
    assert len(segment_lines(db.session, segment_no)) == 1


def _go_back_statements(db, make_segment, contacts: list[str]) -> tuple[list[str], list[str]]:
    """The statements of going back one step (an add) and two steps (the add and a reduce) on a new segment."""
    segment_no = make_segment().no
    everyone = [(1, "contact", "name", "Contact*")]
    criteria_add(db.session, segment_no, contacts, everyone)
    db.session.execute(
        update(SegmentLine)
        .where(SegmentLine.segment_no == segment_no)
        .values(salesperson_code="MR", interaction_template_code="LETTER", language_code="ITA")
    )
    criteria_reduce(db.session, segment_no, contacts)
    criteria_add(db.session, segment_no, contacts, everyone)
    db.session.commit()
    with count_statements(db.engine) as one_step:
        assert go_back(db.session, segment_no).lines_removed == len(contacts)
    db.session.rollback()
    with count_statements(db.engine) as two_steps:
        assert go_back(db.session, segment_no, to_sequence_no=2).lines_restored == len(contacts)
    db.session.commit()
    return one_step.statements, two_steps.statements


def test_go_back_runs_the_same_statements_whatever_its_size(db, make_segment, make_contact) -> None:
    contacts = [make_contact(f"Contact {n:04}").no for n in range(300)]
    small = _go_back_statements(db, make_segment, contacts[:1])
    large = _go_back_statements(db, make_segment, contacts)
    assert [len(s) for s in small] == [len(s) for s in large], large
    # The lines' documents follow them in two statements (services/documents/carrying.py).
    assert len(large[0]) <= 12 and len(large[1]) <= 12, large
