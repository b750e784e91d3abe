"""Save criteria, check them against today's fields and codes, reuse them on another segment (spec 3.5)."""

import pytest
from sqlalchemy import delete, func, select

from segapp.models import (
    Contact,
    ContactMailingGroup,
    CriteriaActionType,
    MailingGroup,
    SavedCriteria,
    SavedCriteriaAction,
    SavedCriteriaFilter,
    SegmentCriteriaAction,
    SegmentLine,
)
from segapp.services.criteria.matching import ActionOptions, FieldFilter
from segapp.services.criteria.running import run_action
from segapp.services.criteria.saved import (
    BrokenCriteria,
    check_saved_criteria,
    delete_saved_criteria,
    reuse_criteria,
    save_criteria,
)
from segapp.services.errors import ServiceError
from segapp.services.segments.lines import add_line


def _contacts_on(db, segment_no: str) -> list[str]:
    query = select(SegmentLine.contact_no).where(SegmentLine.segment_no == segment_no).order_by(SegmentLine.line_no)
    return list(db.session.scalars(query))


@pytest.fixture
def news(db, world) -> None:
    """Mailing group NEWS with Anna (P11) and Dario (P21)."""
    db.session.add(MailingGroup(code="NEWS"))
    db.session.flush()
    db.session.add_all([ContactMailingGroup(contact_no=no, mailing_group_code="NEWS") for no in ("P11", "P21")])
    db.session.commit()


def _build(db, segment_no: str) -> None:
    """Milano or Roma with their companies (in Italian, as typed), minus mailing group NEWS, plus Franco by hand."""
    run_action(
        db.session,
        segment_no,
        CriteriaActionType.ADD,
        [FieldFilter(1, "contact", "city", "milano"), FieldFilter(2, "contact", "city", "Roma")],
        ActionOptions(expand_companies=True),
        user_id=None,
        locale="it",
    )
    run_action(
        db.session,
        segment_no,
        CriteriaActionType.REDUCE,
        [FieldFilter(1, "mailing_group", "mailing_group_code", "NEWS")],
        ActionOptions(),
        user_id=None,
        locale="en",
    )
    add_line(db.session, segment_no, "P31")
    db.session.commit()


def test_saved_criteria_replay_on_another_segment_to_the_same_lines(db, make_segment, news) -> None:
    first, second = make_segment(), make_segment()
    _build(db, first.no)
    built = _contacts_on(db, first.no)
    assert "P31" in built and "P11" not in built and "P12" in built

    saved = save_criteria(db.session, first.no, " milano ", "Milano and Roma, no newsletter", user_id=None)
    db.session.commit()
    assert saved.code == "MILANO"
    assert [(a.action_type, a.manual, a.locale) for a in saved.actions] == [
        (CriteriaActionType.ADD, False, "it"),
        (CriteriaActionType.REDUCE, False, "en"),
        (CriteriaActionType.ADD, True, "en"),
    ]
    assert saved.actions[0].expand_companies and len(saved.actions[0].filters) == 2
    assert check_saved_criteria(db.session, "MILANO") == []

    replayed = reuse_criteria(db.session, second.no, "MILANO", user_id=None)
    db.session.commit()

    assert [action.sequence_no for action in replayed] == [1, 2, 3]
    assert [action.locale for action in replayed] == ["it", "en", "en"]
    assert _contacts_on(db, second.no) == built


def test_a_code_in_use_is_refused_with_a_message(db, make_segment, news) -> None:
    header = make_segment()
    _build(db, header.no)
    save_criteria(db.session, header.no, "MILANO", "", user_id=None)
    db.session.commit()
    with pytest.raises(ServiceError, match="MILANO already exist"):
        save_criteria(db.session, header.no, "milano", "again", user_id=None)
    with pytest.raises(ServiceError, match="no criteria actions"):
        save_criteria(db.session, make_segment().no, "EMPTY", "", user_id=None)


def test_a_broken_saved_criterion_is_refused_with_what_is_missing(db, make_segment, news) -> None:
    criteria = SavedCriteria(code="OLD", description="From last year")
    criteria.actions = [
        SavedCriteriaAction(
            sequence_no=1,
            action_type=CriteriaActionType.ADD,
            locale="en",
            filters=[
                SavedCriteriaFilter(group_no=1, table_name="contact", field_name="fax_no", expression="0*"),
                SavedCriteriaFilter(group_no=1, table_name="contact", field_name="city", expression="Milano"),
            ],
        ),
        SavedCriteriaAction(
            sequence_no=2,
            action_type=CriteriaActionType.REDUCE,
            locale="en",
            filters=[
                SavedCriteriaFilter(
                    group_no=1,
                    table_name="mailing_group",
                    field_name="mailing_group_code",
                    expression="news|GONE|'LOST'|OLD*",
                )
            ],
        ),
    ]
    db.session.add(criteria)
    db.session.commit()
    header = make_segment()

    problems = check_saved_criteria(db.session, "OLD")
    assert problems == [
        "Action 1: the field “fax_no” no longer exists in Contact.",
        "Action 2: mailing group GONE, LOST no longer exist.",
    ]
    with pytest.raises(BrokenCriteria) as refused:
        reuse_criteria(db.session, header.no, "OLD", user_id=None)
    assert refused.value.problems == problems
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(SegmentCriteriaAction)) == 0
    assert _contacts_on(db, header.no) == []


def test_codes_and_contacts_deleted_since_saving_are_found(db, make_segment, news) -> None:
    header = make_segment()
    _build(db, header.no)
    save_criteria(db.session, header.no, "MILANO", "", user_id=None)
    db.session.commit()
    db.session.execute(delete(ContactMailingGroup))
    db.session.execute(delete(MailingGroup))
    db.session.execute(delete(SegmentLine))
    db.session.execute(delete(Contact).where(Contact.no == "P31"))
    db.session.commit()
    assert check_saved_criteria(db.session, "MILANO") == [
        "Action 2: mailing group NEWS no longer exists.",
        "Action 3: no. P31 no longer exists.",
    ]


def test_deleting_saved_criteria_deletes_their_actions(db, make_segment, news) -> None:
    header = make_segment()
    _build(db, header.no)
    save_criteria(db.session, header.no, "MILANO", "", user_id=None)
    db.session.commit()
    delete_saved_criteria(db.session, "MILANO")
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(SavedCriteriaAction)) == 0
    assert db.session.scalar(select(func.count()).select_from(SavedCriteriaFilter)) == 0
