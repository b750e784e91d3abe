"""A small world of companies and persons to run criteria actions on, on both databases."""

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import insert, select

from segapp.models import Contact, ContactType, SegmentLine
from segapp.services.criteria.matching import FieldFilter
from tests.segments.conftest import make_segment, reference

__all__ = ["make_segment", "reference"]


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
