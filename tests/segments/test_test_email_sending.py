"""Send test e-mail (spec 5) through the segment page's dialog, against the SMTP server on loopback
(tests/smtp_server.py): the message arrives at the address typed, nothing is written, refusals show in the dialog."""

from collections.abc import Callable
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, update

from segapp.models import InteractionLogEntry, LoggedSegment, SegmentHeader, SegmentLine
from tests.delivery.conftest import add_template_document, email_segment, make_registrable, make_segment, reference
from tests.smtp_server import SmtpServer

__all__ = ["add_template_document", "email_segment", "make_registrable", "make_segment", "reference"]

HX = {"HX-Request": "true"}


def _post(client: FlaskClient, segment_no: str, **data: str) -> tuple[int, str]:
    response = client.post(f"/segments/{segment_no}/test-email", data=data, headers=HX)
    return response.status_code, response.get_data(as_text=True)


def _written(db: Any) -> list[int]:
    db.session.rollback()
    return [
        db.session.scalar(select(func.count()).select_from(model)) for model in (LoggedSegment, InteractionLogEntry)
    ]


def test_the_test_arrives_at_the_address_typed_and_writes_nothing(
    db: Any,
    client: FlaskClient,
    login: Callable[..., Any],
    email_segment: Callable[..., SegmentHeader],
    smtp_server: SmtpServer,
) -> None:
    login()
    header = email_segment(3)
    status, html = _post(client, header.no, line_no="20000", to_address="me@example.com")
    assert status == 200, html
    assert "Test e-mail of line 20000 (contact R00002) sent to me@example.com: La nostra offerta" in html
    assert '<dialog id="test-email-dialog"' in html  # the dialog stays, to send again or close
    (received,) = smtp_server.wait_for(1)
    assert received.to == "me@example.com"
    assert received.message["Subject"] == "La nostra offerta"
    assert received.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert _written(db) == [0, 0]
    # The segment is still there to register.
    assert db.session.get(SegmentHeader, header.no) is not None


def test_a_blank_line_no_sends_the_first_email_line(
    db: Any,
    client: FlaskClient,
    login: Callable[..., Any],
    email_segment: Callable[..., SegmentHeader],
    smtp_server: SmtpServer,
) -> None:
    login()
    header = email_segment(2)
    status, html = _post(client, header.no, line_no="", to_address="me@example.com")
    assert status == 200, html
    assert "Test e-mail of line 10000 (contact R00001)" in html
    assert smtp_server.wait_for(1)[0].to == "me@example.com"


def test_without_a_mail_server_the_dialog_says_so(
    app: Flask, client: FlaskClient, login: Callable[..., Any], email_segment: Callable[..., SegmentHeader]
) -> None:
    login()
    header = email_segment(1)
    status, html = _post(client, header.no, line_no="10000", to_address="me@example.com")
    assert status == 422
    assert "No mail server is set: an administrator sets it in Marketing setup." in html
    assert "data-test-email-error" in html  # above the fields: it is no field's fault


def test_without_htmx_the_page_says_what_was_sent(
    client: FlaskClient, login: Callable[..., Any], email_segment: Callable[..., SegmentHeader], smtp_server: SmtpServer
) -> None:
    login()
    header = email_segment(1)
    response = client.post(
        f"/segments/{header.no}/test-email", data={"line_no": "10000", "to_address": "me@example.com"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<dialog" not in html and "Test e-mail of line 10000 (contact R00001) sent to me@example.com" in html
    assert smtp_server.wait_for(1)[0].to == "me@example.com"


def test_a_line_that_is_not_there_is_refused_at_the_line_no(
    client: FlaskClient, login: Callable[..., Any], email_segment: Callable[..., SegmentHeader], smtp_server: SmtpServer
) -> None:
    login()
    header = email_segment(1)
    status, html = _post(client, header.no, line_no="70000", to_address="me@example.com")
    assert status == 422
    assert f'<p class="error" id="line_no-error">Segment {header.no} has no line 70000.</p>' in html
    assert smtp_server.messages == []


def test_a_segment_without_email_lines_is_refused(
    db: Any,
    client: FlaskClient,
    login: Callable[..., Any],
    email_segment: Callable[..., SegmentHeader],
    smtp_server: SmtpServer,
) -> None:
    login()
    header = email_segment(1)
    db.session.execute(update(SegmentLine).values(correspondence_type=""))
    db.session.commit()
    status, html = _post(client, header.no, to_address="me@example.com")
    assert status == 422
    assert f"Segment {header.no} has no e-mail line with a contact." in html
    assert smtp_server.messages == []


def test_the_servers_refusal_shows_in_the_dialog(
    client: FlaskClient, login: Callable[..., Any], email_segment: Callable[..., SegmentHeader], smtp_server: SmtpServer
) -> None:
    login()
    header = email_segment(1)
    smtp_server.refuse("me@example.com")
    status, html = _post(client, header.no, line_no="10000", to_address="me@example.com")
    assert status == 422
    assert "The test e-mail was not sent:" in html and "no such mailbox" in html
    assert "data-test-email-error" in html


def test_the_unsubscribe_header_of_the_message_unsubscribes_its_contact_in_one_click(
    app: Flask,
    db: Any,
    client: FlaskClient,
    login: Callable[..., Any],
    email_segment: Callable[..., SegmentHeader],
    smtp_server: SmtpServer,
) -> None:
    """The whole round: the message's List-Unsubscribe link, POSTed as a mail client does (RFC 8058: no cookie,
    no CSRF token), opts the line's contact out; the next register refuses its e-mail line."""
    from urllib.parse import urlsplit

    from segapp.models import Contact
    from segapp.services.registering.register import RegisterRefused, register_segment

    login()
    header = email_segment(2)
    assert _post(client, header.no, line_no="20000", to_address="me@example.com")[0] == 200
    (received,) = smtp_server.wait_for(1)
    link = str(received.message["List-Unsubscribe"]).strip().strip("<>")
    path = urlsplit(link).path
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        mail_client = app.test_client(use_cookies=False)
        answer = mail_client.post(path, data={"List-Unsubscribe": "One-Click"})
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert answer.status_code == 200, (link, answer.headers.get("Location"))
    db.session.rollback()
    assert db.session.get(Contact, "R00002").email_opt_out is True
    assert db.session.get(Contact, "R00001").email_opt_out is False
    try:
        register_segment(db.session, header.no, None, send_documents=True, create_follow_up=False)
    except RegisterRefused as refused:
        assert (refused.line_no, refused.contact_no) == (20000, "R00002")
    else:
        raise AssertionError("the opted-out contact's e-mail line was registered for sending")
    finally:
        db.session.rollback()
