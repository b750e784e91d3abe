"""Registered segments written directly (as the register service writes them), for the pages' tests.

The fixtures are imported by the test modules (not a conftest, which reg-core owns): make_registered writes a
registered segment with its interaction log entries and campaign entry, its contacts created set-based.
"""

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import insert, select

from segapp.models import (
    CampaignEntry,
    Contact,
    ContactType,
    DeliveryStatus,
    Evaluation,
    InteractionLogEntry,
    LoggedSegment,
)
from tests.segments.conftest import make_segment, reference

__all__ = ["make_registered", "make_segment", "reference", "entries_of", "contact_nos"]


def contact_nos(count: int, prefix: str = "RC") -> list[str]:
    """The nos. of the contacts make_registered creates: RC00001, RC00002, ..."""
    return [f"{prefix}{n:05d}" for n in range(1, count + 1)]


def entries_of(session: Any, entry_no: int) -> list[InteractionLogEntry]:
    """The registered segment's entries in entry no. order, read afresh."""
    session.expire_all()
    return list(
        session.scalars(
            select(InteractionLogEntry)
            .where(InteractionLogEntry.logged_segment_entry_no == entry_no)
            .order_by(InteractionLogEntry.entry_no)
        )
    )


@pytest.fixture
def make_registered(db: Any, reference: dict[str, Any]) -> Callable[..., LoggedSegment]:
    """``make_registered("SEG00001", entries=3)``: a registered segment with ``entries`` entries (template LETTER,
    campaign CP1, one campaign entry), on contacts RC00001... (created when missing). ``outcomes`` gives
    per-entry fields (a list of dicts, applied in order)."""
    counter = {"n": 0}

    def _make(
        segment_no: str | None = None,
        entries: int = 3,
        description: str = "Spring letters",
        cancelled: bool = False,
        campaign_no: str | None = "CP1",
        on: date = date(2026, 3, 2),
        outcomes: list[dict[str, Any]] | None = None,
        prefix: str = "RC",
        **fields: Any,
    ) -> LoggedSegment:
        s = db.session
        counter["n"] += 1
        nos = contact_nos(entries, prefix)
        existing = set(s.scalars(select(Contact.no).where(Contact.no.in_(nos))))
        new = [no for no in nos if no not in existing]
        if new:
            s.execute(
                insert(Contact),
                [
                    {
                        "no": no,
                        "type": ContactType.COMPANY,
                        "name": f"Company {no}",
                        "company_no": no,
                        "company_name": f"Company {no}",
                    }
                    for no in new
                ],
            )
        registered = LoggedSegment(
            segment_no=segment_no or f"SEGR{counter['n']:04d}",
            description=description,
            creation_date=on,
            no_of_interactions=entries,
            cancelled=cancelled,
        )
        s.add(registered)
        s.flush()
        rows = []
        for index, no in enumerate(nos):
            row = {
                "contact_no": no,
                "contact_company_no": no,
                "date": on,
                "description": description,
                "interaction_template_code": "LETTER",
                "interaction_group_code": "LETTER",
                "salesperson_code": "MR",
                "campaign_no": campaign_no,
                "segment_no": registered.segment_no,
                "segment_line_no": (index + 1) * 10000,
                "logged_segment_entry_no": registered.entry_no,
                "cost": Decimal("1.20"),
                "duration": Decimal("5"),
                "cancelled": cancelled,
                "evaluation": Evaluation.BLANK,
                "delivery_status": DeliveryStatus.NONE,
                **fields,
            }
            if outcomes and index < len(outcomes):
                row.update(outcomes[index])
            rows.append(row)
        if rows:
            s.execute(insert(InteractionLogEntry), rows)
        if campaign_no:
            s.add(
                CampaignEntry(
                    campaign_no=campaign_no,
                    description=description,
                    date=on,
                    segment_no=registered.segment_no,
                    logged_segment_entry_no=registered.entry_no,
                    salesperson_code="MR",
                    no_of_interactions=entries,
                    cost=Decimal("1.20") * entries,
                    duration=Decimal("5") * entries,
                    cancelled=cancelled,
                )
            )
        s.commit()
        return registered

    return _make
