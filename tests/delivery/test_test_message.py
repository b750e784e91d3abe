"""A test of a segment's e-mail, sent to the user before registering: the line's message as its contact would get
it, to the given address; nothing written; a message for each reason it cannot be sent."""

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select, update

from segapp.models import InteractionLogEntry, SegmentHeader, SegmentLine, TemplateDocument
from segapp.services.delivery.test_message import send_test_message
from segapp.services.errors import ServiceError
from tests.delivery.conftest import SALESPERSON_EMAIL
from tests.documents.letters_support import docx_text
from tests.smtp_server import SmtpServer


def test_the_first_email_lines_message_goes_to_the_given_address_and_nothing_is_written(
    db: Any, smtp_server: SmtpServer, email_segment: Callable[..., SegmentHeader]
) -> None:
    header = email_segment(2)
    sent = send_test_message(db.session, header.no, None, " me@example.com ")
    assert (sent.line_no, sent.contact_no, sent.to_address, sent.subject) == (
        10000,
        "R00001",
        "me@example.com",
        "La nostra offerta",
    )
    [received] = smtp_server.messages
    assert received.to == "me@example.com"
    assert received.message["Reply-To"] == f"Mario Rossi <{SALESPERSON_EMAIL}>"
    [attachment] = list(received.message.iter_attachments())
    assert "Gentile Person 00001" in docx_text(attachment.get_content())
    assert db.session.scalar(select(func.count()).select_from(InteractionLogEntry)) == 0


def test_a_chosen_line_as_html_body(
    db: Any, smtp_server: SmtpServer, email_segment: Callable[..., SegmentHeader]
) -> None:
    header = email_segment(2, attachment=False)
    send_test_message(db.session, header.no, 20000, "me@example.com")
    body = smtp_server.messages[0].message.get_body(("html",)).get_content()
    assert "Person 00002" in body and "/unsubscribe/" in body


def test_the_reasons_it_is_not_sent(
    db: Any, app: Any, smtp_server: SmtpServer, email_segment: Callable[..., SegmentHeader], monkeypatch: Any
) -> None:
    header = email_segment(2)
    with pytest.raises(ServiceError, match="e-mail address to send the test to"):
        send_test_message(db.session, header.no, None, "not an address")
    smtp_server.refuse("me@example.com")
    with pytest.raises(ServiceError, match="not sent: The mail server refused the recipient: 550"):
        send_test_message(db.session, header.no, None, "me@example.com")
    db.session.execute(update(SegmentLine).where(SegmentLine.line_no == 20000).values(language_code="DEU"))
    db.session.commit()
    with pytest.raises(ServiceError, match="no Word document in language DEU"):
        send_test_message(db.session, header.no, 20000, "you@example.com")
    db.session.execute(update(SegmentLine).values(correspondence_type="hard_copy"))
    db.session.commit()
    with pytest.raises(ServiceError, match="has no e-mail line"):
        send_test_message(db.session, header.no, None, "you@example.com")
    monkeypatch.setitem(app.config, "SMTP_HOST", "")
    with pytest.raises(ServiceError, match="No mail server is set"):
        send_test_message(db.session, header.no, None, "you@example.com")
    assert smtp_server.messages == []
    assert db.session.scalar(select(func.count()).select_from(TemplateDocument)) == 2
