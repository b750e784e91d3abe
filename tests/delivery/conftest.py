"""Segments with e-mail lines to send, on both databases: the registering tests' segment and contacts, with the
letter template's Word documents, salesperson MR's address, and the SMTP server on loopback (tests/smtp_server)."""

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import update

from segapp.models import CorrespondenceType, Salesperson, SegmentHeader, SegmentLine
from tests.documents.letters_support import add_template_document
from tests.registering.conftest import make_registrable, make_segment, reference

__all__ = ["add_template_document", "make_registrable", "make_segment", "reference"]

SALESPERSON_EMAIL = "mario.rossi@sales.example"


@pytest.fixture
def email_segment(
    db: Any, make_registrable: Callable[..., SegmentHeader], add_template_document: Callable[..., Any]
) -> Callable[..., SegmentHeader]:
    """``email_segment(lines, attachment=True)``: a registrable segment whose lines are e-mails (contacts
    R00001… at p<n>@example.com, the first one Italian), its template with Word documents in ITA and ENU."""
    documents: list[Any] = []

    def _make(lines: int = 3, *, attachment: bool = True) -> SegmentHeader:
        header = make_registrable(lines)
        if not documents:
            documents.extend([add_template_document("ITA"), add_template_document("ENU")])
            db.session.execute(update(Salesperson).where(Salesperson.code == "MR").values(email=SALESPERSON_EMAIL))
        db.session.execute(
            update(SegmentLine)
            .where(SegmentLine.segment_no == header.no)
            .values(correspondence_type=CorrespondenceType.EMAIL, send_word_doc_as_attachment=attachment)
        )
        db.session.commit()
        return header

    return _make
