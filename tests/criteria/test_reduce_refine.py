"""Reduce and refine contacts (spec 3.4): lines of matched or unmatched contacts, entire companies, history."""

from typing import Any

from sqlalchemy import func, insert, select

from segapp.models import CriteriaActionType, SegmentCriteriaAction, SegmentLine, SegmentLineHistory
from segapp.services.criteria.matching import ActionOptions, FieldFilter
from segapp.services.criteria.running import add_contacts, reduce_contacts, refine_contacts, run_action
from segapp.services.segments.lines import LINE_NO_STEP, add_line
from tests.criteria.conftest import city, where

EVERYONE_ALLOWED = ["P40", "C1", "P11", "P12", "C2", "P21", "P22", "C3", "P31"]  # all but the privacy-blocked Carla


def filled_segment(db: Any, make_segment: Any) -> str:
    """A segment with a line for every contact that may be on one (exclusion ignored)."""
    segment = make_segment()
    add_contacts(db.session, segment.no, [], ActionOptions(ignore_exclusion=True), user_id=None, locale="en")
    db.session.commit()
    return segment.no


def run(db: Any, segment_no: str, action_type: CriteriaActionType, *filters: FieldFilter, **options: bool) -> Any:
    """Run a reduce or refine as the dialog does, in English."""
    action = run_action(
        db.session, segment_no, action_type, list(filters), ActionOptions(**options), user_id=None, locale="en"
    )
    db.session.commit()
    return action


def test_reduce_removes_the_lines_of_matching_contacts_and_keeps_them_in_the_history(
    db: Any, world: Any, make_segment: Any, lines_of: Any
) -> None:
    segment_no = filled_segment(db, make_segment)
    assert lines_of(segment_no) == EVERYONE_ALLOWED
    before = {
        row.contact_no: row
        for row in db.session.execute(select(SegmentLine.__table__).where(SegmentLine.segment_no == segment_no))
    }
    action = run(db, segment_no, CriteriaActionType.REDUCE, city("Milano"))
    assert lines_of(segment_no) == ["P12", "C2", "P22", "C3", "P31"]
    assert action.lines_removed == 4 and action.lines_added == 0
    kept = db.session.execute(
        select(SegmentLineHistory.__table__).where(SegmentLineHistory.action_id == action.id)
    ).all()
    assert sorted(row.contact_no for row in kept) == ["C1", "P11", "P21", "P40"]
    for row in kept:  # exactly as they were, so that go back can put them back
        assert {key: getattr(row, key) for key in before[row.contact_no]._fields} == dict(
            before[row.contact_no]._mapping
        )


def test_reduce_entire_companies_removes_every_contact_of_a_matching_contacts_company(
    db: Any, world: Any, make_segment: Any, lines_of: Any
) -> None:
    segment_no = filled_segment(db, make_segment)
    # Roma: Bruno (Acme), Beta, Elena (Beta): Acme and Beta go entirely; Gina has no company.
    action = run(db, segment_no, CriteriaActionType.REDUCE, city("Roma"), entire_companies=True)
    assert lines_of(segment_no) == ["P40", "C3", "P31"]
    assert action.lines_removed == 6 and action.entire_companies
    # Milano matches Gina, who has no company: she goes herself.
    run(db, segment_no, CriteriaActionType.REDUCE, city("Milano"), entire_companies=True)
    assert lines_of(segment_no) == ["C3", "P31"]


def test_entire_companies_is_evaluated_over_all_contacts_not_only_those_on_the_segment(
    db: Any, world: Any, make_segment: Any, lines_of: Any
) -> None:
    segment = make_segment()
    add_contacts(
        db.session, segment.no, [where("contact", "no", "P11|P31")], ActionOptions(), user_id=None, locale="en"
    )
    run(db, segment.no, CriteriaActionType.REDUCE, where("contact", "no", "P12"), entire_companies=True)
    assert lines_of(segment.no) == ["P31"]  # Bruno is not on the segment, but his company's Anna goes


def test_refine_keeps_only_the_lines_of_matching_contacts(
    db: Any, world: Any, make_segment: Any, lines_of: Any
) -> None:
    segment_no = filled_segment(db, make_segment)
    action = run(db, segment_no, CriteriaActionType.REFINE, city("Milano"))
    assert lines_of(segment_no) == ["P40", "C1", "P11", "P21"]
    assert action.lines_removed == 5
    history = db.session.scalar(
        select(func.count()).select_from(SegmentLineHistory).where(SegmentLineHistory.action_id == action.id)
    )
    assert history == 5


def test_refine_entire_companies_keeps_every_contact_of_a_matching_contacts_company(
    db: Any, world: Any, make_segment: Any, lines_of: Any
) -> None:
    segment_no = filled_segment(db, make_segment)
    run(
        db,
        segment_no,
        CriteriaActionType.REFINE,
        city("Torino|Roma"),
        where("contact", "type", "Person"),
        entire_companies=True,
    )
    # Persons in Torino or Roma: Bruno (Acme), Elena (Beta), Franco (Zeta): their companies stay entirely.
    assert lines_of(segment_no) == ["C1", "P11", "P12", "C2", "P21", "P22", "C3", "P31"]


def test_reduce_removes_every_line_of_a_matching_contact(db: Any, world: Any, make_segment: Any, lines_of: Any) -> None:
    segment = make_segment()
    for _ in range(2):
        add_contacts(
            db.session,
            segment.no,
            [city("Torino")],
            ActionOptions(allow_existing_contacts=True),
            user_id=None,
            locale="en",
        )
    assert lines_of(segment.no) == ["C3", "P31", "C3", "P31"]
    action = run(db, segment.no, CriteriaActionType.REDUCE, where("contact", "no", "P31"))
    assert action.lines_removed == 2 and lines_of(segment.no) == ["C3", "C3"]


def test_or_groups_reduce_the_union_of_their_matches(
    db: Any, relations: None, make_segment: Any, lines_of: Any
) -> None:
    segment_no = filled_segment(db, make_segment)
    run(
        db,
        segment_no,
        CriteriaActionType.REDUCE,
        where("industry_group", "industry_group_code", "FOOD", 1),
        where("job_responsibility", "job_responsibility_code", "CEO", 2),
    )
    assert lines_of(segment_no) == ["P40", "C1", "P12", "C3"]


def test_a_line_without_a_contact_is_left_alone(db: Any, world: Any, make_segment: Any, lines_of: Any) -> None:
    segment_no = filled_segment(db, make_segment)
    db.session.execute(insert(SegmentLine).values(segment_no=segment_no, line_no=5, contact_no=None, version=1))
    db.session.commit()
    run(db, segment_no, CriteriaActionType.REFINE, city("Torino"))
    run(db, segment_no, CriteriaActionType.REDUCE, city("Torino"))
    assert lines_of(segment_no) == [None]


def test_an_action_that_removes_nothing_is_still_recorded(
    db: Any, world: Any, make_segment: Any, lines_of: Any
) -> None:
    segment_no = filled_segment(db, make_segment)
    reduce = reduce_contacts(db.session, segment_no, [city("Napoli")], ActionOptions(), user_id=None, locale="it")
    refine = refine_contacts(db.session, segment_no, [], ActionOptions(), user_id=None, locale="it")
    db.session.commit()
    recorded = db.session.scalars(
        select(SegmentCriteriaAction)
        .where(SegmentCriteriaAction.segment_no == segment_no)
        .order_by(SegmentCriteriaAction.sequence_no)
    ).all()
    assert [(a.action_type, a.lines_removed, a.locale) for a in recorded[1:]] == [
        (CriteriaActionType.REDUCE, 0, "it"),
        (CriteriaActionType.REFINE, 0, "it"),
    ]
    assert [a.id for a in recorded[1:]] == [reduce.id, refine.id]
    assert lines_of(segment_no) == EVERYONE_ALLOWED


def test_a_line_added_after_a_reduce_takes_a_number_past_the_removed_lines(
    db: Any, world: Any, make_segment: Any, lines_of: Any
) -> None:
    segment_no = filled_segment(db, make_segment)
    numbers = dict(
        db.session.execute(
            select(SegmentLine.contact_no, SegmentLine.line_no).where(SegmentLine.segment_no == segment_no)
        ).all()
    )
    # Refine to the first company's people: the lines after them, the segment's highest numbers, go to the history.
    action = run(db, segment_no, CriteriaActionType.REFINE, where("contact", "no", "C1|P11|P12"))
    assert lines_of(segment_no) == ["C1", "P11", "P12"]
    assert action.highest_saved_line_no == max(numbers.values())

    new = add_line(db.session, segment_no, "P40", allow_existing=True).line
    db.session.commit()
    assert new.line_no == max(numbers.values()) + LINE_NO_STEP  # not a removed line's number: go back needs it
