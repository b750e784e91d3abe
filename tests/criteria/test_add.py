"""Add contacts (spec 3.4 "Precisely"): expansion, related companies, exclusion, privacy, existing lines, order."""

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from segapp.models import Contact, CorrespondenceType, CriteriaActionType, SegmentCriteriaAction, SegmentLine
from segapp.services.criteria.matching import ActionOptions, FieldFilter
from segapp.services.criteria.running import add_contacts, reduce_contacts
from segapp.services.segments.lines import add_line
from tests.criteria.conftest import city, where


def add(db: Any, segment_no: str, *filters: FieldFilter, **options: bool) -> SegmentCriteriaAction:
    """Run an add as a user would, in English."""
    action = add_contacts(db.session, segment_no, list(filters), ActionOptions(**options), user_id=None, locale="en")
    db.session.commit()
    return action


def no(contact_no: str) -> FieldFilter:
    """The filter "no. = X"."""
    return where("contact", "no", contact_no)


def test_an_add_puts_the_matches_on_new_lines_company_by_company(
    db: Any, world: Any, make_segment: Any, lines_of: Any
) -> None:
    segment = make_segment()
    action = add(db, segment.no, city("Milano"))
    # Gina has no company (blank company name, first); Acme, then its persons by name; Beta's Dario (Beta itself
    # is excluded); Carla is privacy-blocked.
    assert lines_of(segment.no) == ["P40", "C1", "P11", "P21"]
    assert action.lines_added == 4
    numbers = list(
        db.session.scalars(
            select(SegmentLine.line_no).where(SegmentLine.segment_no == segment.no).order_by(SegmentLine.line_no)
        )
    )
    assert numbers == [10000, 20000, 30000, 40000]


def test_expand_companies_brings_the_company_and_its_persons_and_excluded_matches_still_bring_theirs(
    db: Any, world: Any, make_segment: Any, lines_of: Any
) -> None:
    segment = make_segment()
    # Roma: Bruno (Acme), Beta (excluded) and Elena (excluded, Beta's).
    add(db, segment.no, city("Roma"), expand_companies=True)
    assert lines_of(segment.no) == ["C1", "P11", "P12", "P21"]
    milano = make_segment()
    add(db, milano.no, city("Milano"), expand_companies=True, allow_related_companies=True)
    assert lines_of(milano.no) == ["P40", "C1", "P11", "P12", "P21"]  # Gina has no company to expand


def test_ignore_exclusion_keeps_excluded_contacts_but_never_privacy_blocked_ones(
    db: Any, world: Any, make_segment: Any, lines_of: Any
) -> None:
    segment = make_segment()
    add(db, segment.no, city("Roma"), expand_companies=True, ignore_exclusion=True)
    assert lines_of(segment.no) == ["C1", "P11", "P12", "C2", "P21", "P22"]
    everything = {"expand_companies": True, "allow_related_companies": True, "ignore_exclusion": True}
    action = add(db, segment.no, no("P13"), allow_existing_contacts=True, **everything)
    assert action.lines_added == 3  # Carla brings Acme, Anna and Bruno, but never herself
    assert "P13" not in lines_of(segment.no)


def test_related_companies_brings_the_company_of_a_matched_person_only(
    db: Any, world: Any, make_segment: Any, lines_of: Any
) -> None:
    segment = make_segment()
    add(db, segment.no, no("P11|P31"), allow_related_companies=True)
    assert lines_of(segment.no) == ["C1", "P11", "C3", "P31"]
    other = make_segment()
    add(db, other.no, no("P21"), allow_related_companies=True)  # Beta is excluded
    assert lines_of(other.no) == ["P21"]
    both = make_segment()
    add(db, both.no, city("Torino"), allow_related_companies=True)  # Zeta matches, and through Franco: one line
    assert lines_of(both.no) == ["C3", "P31"]


def test_related_companies_through_related_tables_and_or_groups(
    db: Any, relations: None, make_segment: Any, lines_of: Any
) -> None:
    segment = make_segment()
    news_or_ceo = [
        where("mailing_group", "mailing_group_code", "NEWS", 1),
        where("job_responsibility", "job_responsibility_code", "CEO", 2),
    ]
    add(db, segment.no, *news_or_ceo, allow_related_companies=True)
    # NEWS: Anna, Dario, Zeta; CEO: Anna, Franco. Acme through Anna, Zeta once, Beta excluded.
    assert lines_of(segment.no) == ["C1", "P11", "P21", "C3", "P31"]
    single = make_segment()
    add(db, single.no, where("mailing_group", "mailing_group_code", "NEWS"), allow_related_companies=True)
    assert lines_of(single.no) == ["C1", "P11", "P21", "C3"]


def test_a_contact_already_on_a_line_gets_none_but_still_brings_its_company(
    db: Any, world: Any, make_segment: Any, lines_of: Any
) -> None:
    segment = make_segment()
    add(db, segment.no, no("P12"))
    action = add(db, segment.no, no("P12"), expand_companies=True)
    assert action.lines_added == 2
    assert lines_of(segment.no) == ["P12", "C1", "P11"]


def test_allow_existing_contacts_gives_one_more_line_per_contact_per_action(
    db: Any, world: Any, make_segment: Any, lines_of: Any
) -> None:
    segment = make_segment()
    add(db, segment.no, city("Torino"))
    add(db, segment.no, city("Torino"))
    assert lines_of(segment.no) == ["C3", "P31"]
    add(db, segment.no, city("Torino"), expand_companies=True, allow_existing_contacts=True)
    assert lines_of(segment.no) == ["C3", "P31", "C3", "P31"]


def test_new_lines_are_numbered_from_the_highest_line_left(db: Any, world: Any, make_segment: Any) -> None:
    segment = make_segment()
    add(db, segment.no, no("P11|P12|P31"))  # 10000 Acme's Anna, 20000 Bruno, 30000 Franco
    reduce_contacts(db.session, segment.no, [no("P31")], ActionOptions(), user_id=None, locale="en")
    add(db, segment.no, no("P40"))
    lines = db.session.execute(
        select(SegmentLine.line_no, SegmentLine.contact_no)
        .where(SegmentLine.segment_no == segment.no)
        .order_by(SegmentLine.line_no)
    ).all()
    assert lines == [(10000, "P11"), (20000, "P12"), (30000, "P40")]


def test_an_add_without_filters_adds_every_contact_that_may_be_added(
    db: Any, world: Any, make_segment: Any, lines_of: Any
) -> None:
    segment = make_segment()
    action = add(db, segment.no)
    assert lines_of(segment.no) == ["P40", "C1", "P11", "P12", "P21", "C3", "P31"]
    assert action.lines_added == 7 and action.filters == []


def test_an_add_that_matches_nothing_is_still_recorded(db: Any, world: Any, make_segment: Any, lines_of: Any) -> None:
    segment = make_segment()
    action = add(db, segment.no, city("Napoli"), city("", 2))
    recorded = db.session.get(SegmentCriteriaAction, action.id)
    assert recorded.lines_added == 0 and recorded.sequence_no == 1
    assert recorded.action_type == CriteriaActionType.ADD
    assert [(f.group_no, f.table_name, f.field_name, f.expression) for f in recorded.filters] == [
        (1, "contact", "city", "Napoli")
    ]
    assert lines_of(segment.no) == []


def test_the_action_records_its_filters_options_and_locale_and_its_lines_name_it(
    db: Any, world: Any, make_segment: Any
) -> None:
    segment = make_segment()
    filters = [city("Milano"), where("contact", "type", "Persona"), city("Torino", 2)]
    action = add_contacts(
        db.session,
        segment.no,
        filters,
        ActionOptions(expand_companies=True, ignore_exclusion=True, entire_companies=True),
        user_id=None,
        locale="it",
    )
    db.session.commit()
    recorded = db.session.get(SegmentCriteriaAction, action.id)
    assert [(f.group_no, f.field_name, f.expression) for f in recorded.filters] == [
        (1, "city", "Milano"),
        (1, "type", "Persona"),
        (2, "city", "Torino"),
    ]
    assert (recorded.locale, recorded.expand_companies, recorded.ignore_exclusion) == ("it", True, True)
    assert not recorded.allow_existing_contacts and not recorded.allow_related_companies
    assert not recorded.entire_companies  # an option of reduce and refine, not of add
    brought = db.session.scalars(select(SegmentLine.criteria_action_id).where(SegmentLine.segment_no == segment.no))
    assert set(brought) == {action.id}


HEADERS = {
    "letter-in-english": {
        "interaction_template_code": "LETTER",
        "interaction_group_code": "LETTER",
        "language_code": "ENU",
    },
    "letter-in-italian": {"interaction_template_code": "LETTER", "language_code": "ITA", "salesperson_code": "LB"},
    "call-ignoring-the-contacts-type": {"interaction_template_code": "CALL", "language_code": "ENU"},
    "header-type-by-default": {"ignore_contact_corr_type": True, "correspondence_type": CorrespondenceType.EMAIL},
    "no-template": {"language_code": "DEU"},
}


@pytest.mark.parametrize("header", list(HEADERS.values()), ids=list(HEADERS))
def test_new_lines_take_the_header_defaults_exactly_as_a_line_added_by_hand(
    db: Any, world: Any, make_segment: Any, letter_documents: None, header: dict[str, Any]
) -> None:
    fields = {
        "description": "Spring letters",
        "subject": "Hello",
        "unit_cost": Decimal("1.20"),
        "unit_duration": Decimal("5"),
        "campaign_no": "CP1",
        "campaign_target": True,
        "date": date(2026, 4, 1),
        "salesperson_code": None,
        **header,
    }
    by_hand, by_criteria = make_segment(**fields), make_segment(**fields)
    variants = [  # language, correspondence type, salesperson (OLD is blocked)
        ("P11", "ITA", CorrespondenceType.EMAIL, "MR"),
        ("P12", "DEU", CorrespondenceType.BLANK, "OLD"),
        ("P21", None, CorrespondenceType.HARD_COPY, None),
        ("P31", "ENU", CorrespondenceType.BLANK, "LB"),
    ]
    for contact_no, language, correspondence, salesperson in variants:
        contact = db.session.get(Contact, contact_no)
        contact.language_code, contact.correspondence_type, contact.salesperson_code = (
            language,
            correspondence,
            salesperson,
        )
    db.session.commit()
    for contact_no, *_ in variants:
        add_line(db.session, by_hand.no, contact_no)
    add(db, by_criteria.no, no("|".join(contact_no for contact_no, *_ in variants)))

    def lines(segment_no: str) -> dict[str, dict[str, Any]]:
        rows = db.session.scalars(select(SegmentLine).where(SegmentLine.segment_no == segment_no))
        skip = {"segment_no", "line_no", "criteria_action_id"}
        return {
            row.contact_no: {c.key: getattr(row, c.key) for c in SegmentLine.__table__.columns if c.key not in skip}
            for row in rows
        }

    expected = lines(by_hand.no)
    assert lines(by_criteria.no) == expected
    assert {line["description"] for line in expected.values()} == {"Spring letters"}
    if header.get("interaction_template_code") == "LETTER" and header["language_code"] == "ENU":
        # The template has Italian and English documents: Anna writes Italian, Bruno (German) the header's English.
        assert (expected["P11"]["language_code"], expected["P11"]["subject"]) == ("ITA", "La nostra offerta")
        assert (expected["P12"]["language_code"], expected["P12"]["subject"]) == ("ENU", "Hello")
        assert expected["P11"]["salesperson_code"] == "MR" and expected["P12"]["salesperson_code"] is None
