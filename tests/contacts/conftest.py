"""Fixtures of the contacts tests: reference data and a segment line."""

from collections.abc import Callable
from typing import Any

import pytest

from segapp.models import (
    BusinessRelation,
    Contact,
    IndustryGroup,
    InteractionLogEntry,
    JobResponsibility,
    MailingGroup,
    Salesperson,
    SegmentHeader,
    SegmentLine,
)


@pytest.fixture
def references(make_reference: Callable[..., Any]) -> None:
    """Two salespeople, mailing groups, industry groups, business relations, job responsibilities."""
    make_reference(Salesperson, code="MR", name="Mario Rossi")
    make_reference(Salesperson, code="LB", name="Laura Bianchi")
    make_reference(MailingGroup, code="NEWS", description="Newsletter")
    make_reference(MailingGroup, code="XMAS", description="Christmas card")
    make_reference(IndustryGroup, code="RETAIL", description="Retail")
    make_reference(BusinessRelation, code="CUST", description="Customer")
    make_reference(JobResponsibility, code="CEO", description="Chief executive")


@pytest.fixture
def put_on_segment(db: Any) -> Callable[[Contact], SegmentLine]:
    """Put a contact on a line of a new unlogged segment."""

    def _put(contact: Contact, segment_no: str = "SEG00001") -> SegmentLine:
        if db.session.get(SegmentHeader, segment_no) is None:
            db.session.add(SegmentHeader(no=segment_no, description="Spring mailing"))
            db.session.flush()
        line = SegmentLine(
            segment_no=segment_no, line_no=10000, contact_no=contact.no, contact_company_no=contact.company_no
        )
        db.session.add(line)
        db.session.commit()
        return line

    return _put


@pytest.fixture
def log_entry(db: Any) -> Callable[..., InteractionLogEntry]:
    """Record an interaction log entry for a contact."""

    def _log(contact: Contact, description: str = "Letter") -> InteractionLogEntry:
        entry = InteractionLogEntry(
            contact_no=contact.no, contact_company_no=contact.company_no, description=description
        )
        db.session.add(entry)
        db.session.commit()
        return entry

    return _log
