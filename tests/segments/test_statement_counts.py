"""The segment page and its lines endpoint run the same statements whatever the segment's size (no N+1)."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import insert

from segapp.models import Contact, ContactType, CorrespondenceType, Evaluation, SegmentLine
from segapp.services.segments.grid import PAGE_SIZE
from tests.sqlcount import count_statements

HX = {"HX-Request": "true"}
SMALL, LARGE = 3, 60  # LARGE is more than two pages of the grid


def _fill(db, segment_no: str, count: int, prefix: str) -> None:
    """Lines of persons of distinct companies, with every kind of cell filled and a template with documents."""
    companies = [
        {
            "no": f"{prefix}C{i:04d}",
            "type": ContactType.COMPANY,
            "name": f"Company {i}",
            "company_no": f"{prefix}C{i:04d}",
            "company_name": f"Company {i}",
            "city": "Milano",
        }
        for i in range(count)
    ]
    persons = [
        {
            "no": f"{prefix}P{i:04d}",
            "type": ContactType.PERSON,
            "name": f"Person {i}",
            "company_no": f"{prefix}C{i:04d}",
            "company_name": f"Company {i}",
            "city": "Roma",
            "phone": f"+39 {i}",
            "email": f"p{i}@example.com",
        }
        for i in range(count)
    ]
    db.session.execute(insert(Contact), companies + persons)
    db.session.execute(
        insert(SegmentLine),
        [
            {
                "segment_no": segment_no,
                "line_no": (i + 1) * 10000,
                "contact_no": f"{prefix}P{i:04d}",
                "contact_company_no": f"{prefix}C{i:04d}",
                "correspondence_type": CorrespondenceType.EMAIL,
                "salesperson_code": "MR" if i % 2 else "LB",
                "interaction_template_code": "LETTER" if i % 3 else "CALL",
                "language_code": "ITA" if i % 2 else "DEU",
                "subject": f"Subject {i}",
                "evaluation": Evaluation.POSITIVE,
                "cost": Decimal(i),
                "duration": Decimal("1.5"),
                "date": date(2026, 1, 1 + i % 28),
                "attempt_failed": bool(i % 2),
            }
            for i in range(count)
        ],
    )
    db.session.commit()


@pytest.fixture
def segments(db, make_segment) -> tuple[str, str]:
    """A segment of 3 lines and one of 60."""
    small, large = make_segment(), make_segment()
    _fill(db, small.no, SMALL, "S")
    _fill(db, large.no, LARGE, "L")
    return small.no, large.no


def _statements(db, client, url: str, rows: int) -> list[str]:
    with count_statements(db.engine) as counted:
        response = client.get(url, headers=HX if "/lines" in url or "/totals" in url else {})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and body.count('<tr id="line-') == rows
    return counted.statements


def test_the_segment_page_runs_as_many_statements_for_60_lines_as_for_3(client, login, db, segments) -> None:
    login()
    small, large = segments
    small_statements = _statements(db, client, f"/segments/{small}", SMALL)
    large_statements = _statements(db, client, f"/segments/{large}", PAGE_SIZE)
    assert len(large_statements) == len(small_statements) <= 8, (
        large_statements
    )  # user, header, campaign, lines, 4 lists


@pytest.mark.parametrize("query", ["offset=0", f"offset={PAGE_SIZE}", "sort=name&dir=desc", "sort=city&q=roma"])
def test_the_lines_endpoint_runs_as_many_statements_for_60_lines_as_for_3(client, login, db, segments, query) -> None:
    login()
    small, large = segments
    offset = PAGE_SIZE if f"offset={PAGE_SIZE}" in query else 0
    small_statements = _statements(db, client, f"/segments/{small}/lines?{query}", max(SMALL - offset, 0))
    large_statements = _statements(db, client, f"/segments/{large}/lines?{query}", min(LARGE - offset, PAGE_SIZE))
    assert len(large_statements) == len(small_statements) <= 3, large_statements  # user, header, one page of lines


def test_the_totals_are_one_statement_whatever_the_size(client, login, db, segments) -> None:
    login()
    small, large = segments
    small_statements = _statements(db, client, f"/segments/{small}/totals", 0)
    large_statements = _statements(db, client, f"/segments/{large}/totals", 0)
    assert len(large_statements) == len(small_statements) <= 4, large_statements
    assert sum("sum(" in s.lower() for s in large_statements) == 1


def test_the_segment_list_runs_its_query_once_and_one_count(client, login, db, make_segment) -> None:
    login()
    for _ in range(3):
        make_segment()
    with count_statements(db.engine) as counted:
        response = client.get("/segments/", headers=HX)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and body.count('href="/segments/SEG') >= 3
    listing = [s for s in counted.statements if "segment_header" in s.lower() and "users" not in s.lower()]
    assert len(listing) == 2, listing  # the page of rows and the count, nothing twice
