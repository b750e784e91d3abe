"""The live preview (spec 3.4 Beyond): the exact lines an action will add or remove, the total after, a few names."""

from typing import Any

import pytest
from sqlalchemy import func, select

from segapp.models import CriteriaActionType, SegmentCriteriaAction, SegmentLine
from segapp.services.criteria.matching import ActionOptions, CriteriaError, FieldFilter
from segapp.services.criteria.running import ActionPreview, add_contacts, preview_action, run_action
from tests.criteria.conftest import city, where

CASES = [
    (CriteriaActionType.ADD, [city("Milano")], ActionOptions()),
    (CriteriaActionType.ADD, [city("Roma")], ActionOptions(expand_companies=True, allow_related_companies=True)),
    (CriteriaActionType.ADD, [city("Torino")], ActionOptions(allow_existing_contacts=True)),
    (CriteriaActionType.ADD, [], ActionOptions(ignore_exclusion=True)),
    (CriteriaActionType.REDUCE, [city("Roma")], ActionOptions(entire_companies=True)),
    (CriteriaActionType.REDUCE, [city("Napoli")], ActionOptions()),
    (
        CriteriaActionType.REFINE,
        [city("Milano"), where("mailing_group", "mailing_group_code", "NEWS", 2)],
        ActionOptions(),
    ),
    (CriteriaActionType.REFINE, [where("contact", "type", "Person")], ActionOptions(entire_companies=True)),
]


def lines(db: Any, segment_no: str) -> list[tuple[str, str]]:
    return list(
        db.session.execute(
            select(SegmentLine.contact_no, SegmentLine.line_no).where(SegmentLine.segment_no == segment_no)
        )
    )


@pytest.mark.parametrize(("action_type", "filters", "options"), CASES)
def test_the_preview_says_exactly_what_the_action_then_does(
    db: Any, relations: None, make_segment: Any, action_type: CriteriaActionType, filters: list, options: ActionOptions
) -> None:
    segment = make_segment()
    add_contacts(db.session, segment.no, [city("Torino|Roma")], ActionOptions(), user_id=None, locale="en")
    db.session.commit()
    before = lines(db, segment.no)
    preview = preview_action(db.session, segment.no, action_type, filters, options, locale="en")
    assert lines(db, segment.no) == before  # counted, not run
    action = run_action(db.session, segment.no, action_type, filters, options, user_id=None, locale="en")
    changed = action.lines_added if action_type == CriteriaActionType.ADD else action.lines_removed
    total = db.session.scalar(select(func.count()).select_from(SegmentLine).where(SegmentLine.segment_no == segment.no))
    assert (preview.changed, preview.total_after) == (changed, total)
    assert len(preview.sample) == min(5, changed)


def test_the_sample_is_the_first_contacts_in_the_order_they_will_get_lines(
    db: Any, world: Any, make_segment: Any
) -> None:
    segment = make_segment()
    preview = preview_action(db.session, segment.no, CriteriaActionType.ADD, [], ActionOptions(), locale="en")
    assert preview == ActionPreview(
        7,
        7,
        [("P40", "Gina Solo"), ("C1", "Acme"), ("P11", "Anna Verdi"), ("P12", "Bruno Neri"), ("P21", "Dario Gialli")],
    )
    add_contacts(db.session, segment.no, [], ActionOptions(), user_id=None, locale="en")
    removal = preview_action(
        db.session, segment.no, CriteriaActionType.REFINE, [city("Milano")], ActionOptions(), locale="en"
    )
    assert removal == ActionPreview(3, 4, [("P12", "Bruno Neri"), ("C3", "Zeta"), ("P31", "Franco Viola")])


def test_a_wrong_filter_is_refused_by_the_preview_and_the_action_without_recording_anything(
    db: Any, world: Any, make_segment: Any
) -> None:
    segment = make_segment()
    bad = [city("Milano"), FieldFilter(2, "interaction", "date", "2026-13-01")]
    with pytest.raises(CriteriaError) as raised:
        preview_action(db.session, segment.no, CriteriaActionType.ADD, bad, ActionOptions(), locale="en")
    assert (raised.value.group_no, raised.value.field, raised.value.position) == (2, "date", 0)
    for action_type in (CriteriaActionType.ADD, CriteriaActionType.REDUCE, CriteriaActionType.REFINE):
        with pytest.raises(CriteriaError):
            run_action(db.session, segment.no, action_type, bad, ActionOptions(), user_id=None, locale="en")
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(SegmentCriteriaAction)) == 0
