"""Which contacts filters match (spec 3.4): ORed groups, one row per related table, the company's groups."""

from typing import Any

import pytest
from sqlalchemy import select

from segapp.models import Contact
from segapp.services.criteria.matching import CriteriaError, FieldFilter, match_condition
from tests.criteria.conftest import city, where


@pytest.fixture
def matching(db: Any, relations: None) -> Any:
    """The contact nos. the filters match, sorted."""

    def _matching(*filters: FieldFilter, locale: str = "en") -> list[str]:
        condition = match_condition(list(filters), locale=locale)
        return sorted(db.session.scalars(select(Contact.no).where(condition)))

    return _matching


def test_contact_fields_are_anded_inside_a_group(matching: Any) -> None:
    assert matching(city("Milano")) == ["C1", "P11", "P13", "P21", "P40"]
    assert matching(city("Milano"), where("contact", "type", "Person")) == ["P11", "P13", "P21", "P40"]


def test_groups_are_ored(matching: Any) -> None:
    torino_or_news = [city("Torino", 1), where("mailing_group", "mailing_group_code", "EVENTS", 2)]
    assert matching(*torino_or_news) == ["C3", "P31", "P40"]


def test_no_filter_and_blank_fields_match_every_contact(matching: Any) -> None:
    everyone = ["C1", "C2", "C3", "P11", "P12", "P13", "P21", "P22", "P31", "P40"]
    assert matching() == everyone
    assert matching(city("  ")) == everyone
    assert matching(city("", 1), city("Torino", 2)) == ["C3", "P31"]


def test_mailing_groups_job_responsibilities_and_profile_answers_are_the_contacts_own(matching: Any) -> None:
    assert matching(where("mailing_group", "mailing_group_code", "news")) == ["C3", "P11", "P21"]
    assert matching(where("job_responsibility", "job_responsibility_code", "CEO")) == ["P11", "P31"]
    assert matching(where("profile_answer", "answer", "11-50")) == ["C1"]
    assert matching(where("profile_answer", "questionnaire_code", "SIZE")) == ["C1", "C3"]
    assert matching(where("profile_answer", "question", "employ*"), where("profile_answer", "answer", "1-10")) == ["C3"]


def test_industry_groups_and_business_relations_are_the_companys(matching: Any) -> None:
    assert matching(where("industry_group", "industry_group_code", "RETAIL")) == ["C1", "P11", "P12", "P13"]
    assert matching(where("business_relation", "business_relation_code", "PROS")) == ["C3", "P31"]
    # Gina has no company, so no company's groups.
    assert matching(where("industry_group", "industry_group_code", "<>''")) == [
        "C1",
        "C2",
        "P11",
        "P12",
        "P13",
        "P21",
        "P22",
    ]


def test_every_table_with_filters_needs_a_matching_row(matching: Any) -> None:
    ceo_in_retail = [
        where("job_responsibility", "job_responsibility_code", "CEO"),
        where("industry_group", "industry_group_code", "RETAIL"),
    ]
    assert matching(*ceo_in_retail) == ["P11"]
    assert matching(*ceo_in_retail, city("Roma")) == []


def test_one_interaction_log_entry_must_satisfy_every_field_of_its_tab(matching: Any) -> None:
    # Anna has a CP1 entry (positive) and a negative entry (CP2): no single entry is both.
    assert matching(where("interaction", "campaign_no", "CP1"), where("interaction", "evaluation", "Negative")) == []
    assert matching(where("interaction", "campaign_no", "CP1"), where("interaction", "evaluation", "Positive")) == [
        "P11"
    ]
    assert matching(where("interaction", "segment_no", "SEG1")) == ["P11", "P12"]
    assert matching(where("interaction", "date", "2026-02-01..")) == ["P11", "P12"]
    assert matching(
        where("interaction", "interaction_template_code", "CALL"), where("interaction", "salesperson_code", "MR")
    ) == ["P12"]


def test_italian_words_are_read_in_italian(matching: Any) -> None:
    assert matching(where("interaction", "date", "01/03/2026"), locale="it") == ["P11"]
    assert matching(where("contact", "type", "Società"), city("Milano"), locale="it") == ["C1"]


@pytest.mark.parametrize(
    ("item", "position"),
    [
        (FieldFilter(1, "contact", "city", "Milano|"), 7),
        (FieldFilter(2, "interaction", "date", "31/02/2026"), 0),
        (FieldFilter(1, "contact", "exclude_from_segment", "maybe"), 0),
    ],
)
def test_a_wrong_expression_is_a_criteria_error_at_its_position(app: Any, item: FieldFilter, position: int) -> None:
    with pytest.raises(CriteriaError) as raised:
        match_condition([city("Roma"), item], locale="en")
    error = raised.value
    assert (error.group_no, error.table, error.field, error.position) == (
        item.group_no,
        item.table,
        item.field,
        position,
    )
    assert error.message.startswith(("Contact, ", "Interaction log entries, Date: "))


def test_an_unknown_table_or_field_is_a_criteria_error_naming_it(app: Any) -> None:
    with pytest.raises(CriteriaError) as raised:
        match_condition([FieldFilter(1, "contact", "search_text", "x")], locale="en")
    assert (raised.value.table, raised.value.field, raised.value.position) == ("contact", "search_text", None)
    assert "search_text" in raised.value.message
    with pytest.raises(CriteriaError) as raised:
        match_condition([FieldFilter(1, "salary", "amount", "1")], locale="en")
    assert raised.value.table == "salary" and "salary" in raised.value.message
    # Even when its expression is blank: a tampered form is refused, not ignored.
    with pytest.raises(CriteriaError):
        match_condition([FieldFilter(1, "contact", "password", "")], locale="en")
    with pytest.raises(CriteriaError):
        match_condition([FieldFilter(0, "contact", "city", "Roma")], locale="en")
