"""A small world of companies and persons to run criteria actions on, on both databases."""

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from sqlalchemy import insert, select

from segapp.models import (
    BusinessRelation,
    Contact,
    ContactBusinessRelation,
    ContactIndustryGroup,
    ContactJobResponsibility,
    ContactMailingGroup,
    ContactProfileAnswer,
    ContactType,
    Evaluation,
    IndustryGroup,
    InteractionLogEntry,
    JobResponsibility,
    MailingGroup,
    ProfileAnswer,
    ProfileQuestion,
    ProfileQuestionnaire,
    SegmentLine,
)
from segapp.services.criteria.matching import FieldFilter
from tests.segments.conftest import letter_documents, make_segment, reference

__all__ = ["letter_documents", "make_segment", "reference"]


def company(no: str, name: str, **fields: Any) -> dict[str, Any]:
    """A company row: its company no. is its own no."""
    return {"no": no, "type": ContactType.COMPANY, "name": name, "company_no": no, "company_name": name, **fields}


def person(no: str, name: str, of: dict[str, Any] | None = None, **fields: Any) -> dict[str, Any]:
    """A person row, of a company or of none."""
    return {
        "no": no,
        "type": ContactType.PERSON,
        "name": name,
        "company_no": of["no"] if of else None,
        "company_name": of["name"] if of else "",
        **fields,
    }


ACME = company("C1", "Acme", city="Milano")
BETA = company("C2", "Beta", city="Roma", exclude_from_segment=True)
ZETA = company("C3", "Zeta", city="Torino")
WORLD = [
    ACME,
    person("P11", "Anna Verdi", ACME, city="Milano"),
    person("P12", "Bruno Neri", ACME, city="Roma"),
    person("P13", "Carla Blu", ACME, city="Milano", privacy_blocked=True),
    BETA,
    person("P21", "Dario Gialli", BETA, city="Milano"),
    person("P22", "Elena Rosa", BETA, city="Roma", exclude_from_segment=True),
    ZETA,
    person("P31", "Franco Viola", ZETA, city="Torino"),
    person("P40", "Gina Solo", None, city="Milano"),
]


@pytest.fixture
def world(db: Any) -> list[dict[str, Any]]:
    """Acme (Milano) with Anna, Bruno and the privacy-blocked Carla; Beta (Roma, excluded) with Dario and the
    excluded Elena; Zeta (Torino) with Franco; Gina without a company."""
    db.session.execute(insert(Contact), WORLD)
    db.session.commit()
    return WORLD


@pytest.fixture
def relations(db: Any, world: list[dict[str, Any]], reference: dict[str, Any]) -> None:
    """Mailing groups NEWS (Anna, Dario, Zeta) and EVENTS (Gina); industry groups RETAIL (Acme) and FOOD (Beta);
    business relations CUST (Acme) and PROS (Zeta); job responsibilities CEO (Anna, Franco) and SALES (Bruno);
    questionnaire SIZE "Employees": Acme 11-50, Zeta 1-10; interaction log entries of Anna and Bruno."""
    s = db.session
    s.add_all(
        [MailingGroup(code=code) for code in ("NEWS", "EVENTS")]
        + [IndustryGroup(code=code) for code in ("RETAIL", "FOOD")]
        + [BusinessRelation(code=code) for code in ("CUST", "PROS")]
        + [JobResponsibility(code=code) for code in ("CEO", "SALES")]
        + [ProfileQuestionnaire(code="SIZE", description="Company size")]
    )
    s.flush()
    s.add(ProfileQuestion(id=1, questionnaire_code="SIZE", line_no=1, description="Employees"))
    s.flush()
    s.add_all(
        [
            ProfileAnswer(id=1, question_id=1, line_no=1, description="1-10"),
            ProfileAnswer(id=2, question_id=1, line_no=2, description="11-50"),
        ]
    )
    s.flush()
    s.execute(
        insert(ContactMailingGroup),
        [
            {"contact_no": no, "mailing_group_code": group}
            for no, group in (("P11", "NEWS"), ("P21", "NEWS"), ("C3", "NEWS"), ("P40", "EVENTS"))
        ],
    )
    s.execute(
        insert(ContactIndustryGroup),
        [{"contact_no": "C1", "industry_group_code": "RETAIL"}, {"contact_no": "C2", "industry_group_code": "FOOD"}],
    )
    s.execute(
        insert(ContactBusinessRelation),
        [
            {"contact_no": "C1", "business_relation_code": "CUST"},
            {"contact_no": "C3", "business_relation_code": "PROS"},
        ],
    )
    s.execute(
        insert(ContactJobResponsibility),
        [
            {"contact_no": no, "job_responsibility_code": code}
            for no, code in (("P11", "CEO"), ("P31", "CEO"), ("P12", "SALES"))
        ],
    )
    s.execute(
        insert(ContactProfileAnswer), [{"contact_no": "C1", "answer_id": 2}, {"contact_no": "C3", "answer_id": 1}]
    )
    entry = {"segment_no": "", "campaign_no": None, "interaction_template_code": None, "salesperson_code": None}
    s.execute(
        insert(InteractionLogEntry),
        [
            dict(
                entry,
                contact_no="P11",
                date=date(2026, 1, 10),
                segment_no="SEG1",
                campaign_no="CP1",
                evaluation=Evaluation.POSITIVE,
                interaction_template_code="LETTER",
                salesperson_code="MR",
            ),
            dict(
                entry,
                contact_no="P11",
                date=date(2026, 3, 1),
                segment_no="SEG2",
                campaign_no="CP2",
                evaluation=Evaluation.NEGATIVE,
                interaction_template_code="CALL",
                salesperson_code="LB",
            ),
            dict(
                entry,
                contact_no="P12",
                date=date(2026, 2, 1),
                segment_no="SEG1",
                campaign_no="CP2",
                evaluation=Evaluation.POSITIVE,
                interaction_template_code="CALL",
                salesperson_code="MR",
            ),
        ],
    )
    s.commit()


def where(table: str, field: str, expression: str, group_no: int = 1) -> FieldFilter:
    """One filter."""
    return FieldFilter(group_no, table, field, expression)


def city(expression: str, group_no: int = 1) -> FieldFilter:
    """A filter on the contact's city."""
    return FieldFilter(group_no, "contact", "city", expression)


@pytest.fixture
def lines_of(db: Any) -> Callable[[str], list[str]]:
    """The contact nos. on a segment's lines, in line order."""

    def _lines(segment_no: str) -> list[str]:
        query = select(SegmentLine.contact_no).where(SegmentLine.segment_no == segment_no).order_by(SegmentLine.line_no)
        return list(db.session.scalars(query))

    return _lines
