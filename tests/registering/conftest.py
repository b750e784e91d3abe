"""A segment with lines to register, on both databases: reference data from the segment tests, a few contacts."""

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import insert

from segapp.models import (
    Contact,
    ContactType,
    CorrespondenceType,
    Evaluation,
    InformationFlow,
    InitiatedBy,
    SegmentHeader,
    SegmentLine,
)
from tests.segments.conftest import make_segment, reference

__all__ = ["make_segment", "reference"]

DAY = date(2026, 3, 2)


def contact_rows(count: int) -> list[dict[str, Any]]:
    """``count`` persons R00001… with e-mail addresses, the first one Italian."""
    return [
        {
            "no": f"R{n:05d}",
            "type": ContactType.PERSON,
            "name": f"Person {n:05d}",
            "company_name": "",
            "email": f"p{n}@example.com",
            "language_code": "ITA" if n == 1 else None,
        }
        for n in range(1, count + 1)
    ]


def line_row(segment_no: str, n: int, contact_no: str | None, **fields: Any) -> dict[str, Any]:
    """A complete line: date, salesperson MR, template LETTER, campaign CP1 and every interaction field set."""
    row: dict[str, Any] = {
        "segment_no": segment_no,
        "line_no": n * 10000,
        "contact_no": contact_no,
        "contact_company_no": None,
        "correspondence_type": CorrespondenceType.HARD_COPY,
        "description": "Spring letter",
        "salesperson_code": "MR",
        "interaction_template_code": "LETTER",
        "interaction_group_code": "LETTER",
        "language_code": "ITA",
        "subject": "La nostra offerta",
        "evaluation": Evaluation.POSITIVE,
        "cost": Decimal("1.20"),
        "duration": Decimal("5.00"),
        "date": DAY,
        "attempt_failed": False,
        "information_flow": InformationFlow.OUTBOUND,
        "initiated_by": InitiatedBy.US,
        "campaign_no": "CP1",
        "campaign_target": True,
        "campaign_response": False,
        "send_word_doc_as_attachment": True,
        "version": 1,
    }
    row.update(fields)
    return row


@pytest.fixture
def make_registrable(db: Any, make_segment: Callable[..., SegmentHeader]) -> Callable[..., SegmentHeader]:
    """A segment "Spring letter" (template LETTER, campaign CP1) with ``lines`` complete lines of contacts
    R00001…, set-based so that 300 lines cost what 3 do."""
    made: set[int] = set()

    def _make(lines: int = 3, **header_fields: Any) -> SegmentHeader:
        if lines > len(made):
            rows = [row for row in contact_rows(lines) if int(row["no"][1:]) not in made]
            db.session.execute(insert(Contact), rows)
            made.update(int(row["no"][1:]) for row in rows)
        fields = {
            "description": "Spring letter",
            "salesperson_code": "MR",
            "interaction_template_code": "LETTER",
            "campaign_no": "CP1",
            **header_fields,
        }
        header = make_segment(**fields)
        rows = [line_row(header.no, n, f"R{n:05d}") for n in range(1, lines + 1)]
        if rows:
            db.session.execute(insert(SegmentLine), rows)
        db.session.commit()
        # Loaded, then let go: reading it later begins no transaction, whose snapshot (SQLite) would hide what a
        # request or another thread then writes.
        db.session.refresh(header)
        db.session.expunge(header)
        db.session.rollback()
        return header

    return _make
