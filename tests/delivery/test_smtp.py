"""The connection to a real SMTP server on loopback, and the message: sender, Reply-To, subject, the letter
attached or as the HTML body, the unsubscribe headers; each failure classified."""

import io
from dataclasses import replace
from typing import Any

import pytest
from docx import Document

from segapp import merge
from segapp.services.delivery.letters import compile_letter
from segapp.services.delivery.messages import attachment_name, build_email, one_line, valid_address
from segapp.services.delivery.settings import mail_settings
from segapp.services.delivery.smtp import MailConnection, SmtpFailure
from segapp.services.documents.preview import docx_html
from segapp.services.documents.printable import entry_values
from segapp.services.documents.starter import starter_document
from tests.documents.letters_support import docx_text, letter_template
from tests.smtp_server import SENDER_EMAIL, SENDER_NAME, SmtpServer

URL = "https://segapp.example/unsubscribe/token-1"


def _message(db: Any, to: str = "ann@example.com", **fields: Any) -> Any:
    settings = mail_settings(db.session)
    values = {
        "to_address": to,
        "to_name": "Ann Lee",
        "subject": "Our offer",
        "salesperson_name": "Mario Rossi",
        "salesperson_email": "mario@sales.example",
        "unsubscribe_url": URL,
        "attachment": letter_template(),
        **fields,
    }
    return build_email(settings, **values)


def test_the_message_comes_from_the_company_with_reply_to_the_salesperson_and_the_letter_attached(
    db: Any, smtp_server: SmtpServer
) -> None:
    letter = merge.merge_document(letter_template(), {"ContactName": "Ann Lee"})
    with MailConnection(mail_settings(db.session)) as connection:
        connection.send(_message(db, attachment=letter))
    [received] = smtp_server.messages
    message = received.message
    assert received.sender == SENDER_EMAIL and received.to == "ann@example.com"
    assert message["From"] == f"{SENDER_NAME} <{SENDER_EMAIL}>"
    assert message["Reply-To"] == "Mario Rossi <mario@sales.example>"
    assert message["To"] == "Ann Lee <ann@example.com>"
    assert message["Subject"] == "Our offer"
    assert message["Message-ID"].endswith("@segapp.example>")
    assert message["List-Unsubscribe"] == f"<{URL}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "Our offer.docx"
    assert "Dear Ann Lee" in docx_text(attachment.get_content())
    assert URL in message.get_body(("plain",)).get_content()


def test_the_letter_as_html_body_with_a_plain_text_alternative_and_the_unsubscribe_link(
    db: Any, smtp_server: SmtpServer
) -> None:
    with MailConnection(mail_settings(db.session)) as connection:
        connection.send(
            _message(db, attachment=None, html="<p>Dear Ann &amp; Co</p>", text="Dear Ann & Co\n", locale="it")
        )
    message = smtp_server.messages[0].message
    assert list(message.iter_attachments()) == []
    html = message.get_body(("html",)).get_content()
    plain = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert "<p>Dear Ann &amp; Co</p>" in html and f'href="{URL}"' in html
    assert plain.startswith("Dear Ann & Co\n") and URL in plain


def test_from_the_salesperson_only_where_the_server_may_send_for_that_domain(
    db: Any, app: Any, smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "SMTP_SENDER_DOMAINS", "sales.example, other.example")
    message = _message(db)
    assert message["From"] == "Mario Rossi <mario@sales.example>"
    assert message["Reply-To"] == "Mario Rossi <mario@sales.example>"
    assert _message(db, salesperson_email="mario@elsewhere.example")["From"] == f"{SENDER_NAME} <{SENDER_EMAIL}>"


def test_a_subject_with_a_line_break_stays_one_header() -> None:
    assert attachment_name("Offer\r\nBcc: x@y.z") == "Offer Bcc x@y.z.docx"
    assert one_line("Offer\r\nBcc: x@y.z") == "Offer Bcc: x@y.z"
    assert attachment_name("") == "letter.docx"


@pytest.mark.parametrize(
    ("address", "valid"),
    [
        ("ann@example.com", True),
        ("ann.lee+news@mail.example.it", True),
        ("ann", False),
        ("ann@example", False),
        ("ann@@example.com", False),
        ("ann lee@example.com", False),
        ("ann@example.com\nBcc: x@y.z", False),
        ("annè@example.com", False),
        ("", False),
    ],
)
def test_valid_addresses(address: str, valid: bool) -> None:
    assert valid_address(address) is valid


def test_a_refused_recipient_is_that_messages_error_and_the_connection_goes_on(
    db: Any, smtp_server: SmtpServer
) -> None:
    smtp_server.refuse("bad@example.com")
    with MailConnection(mail_settings(db.session)) as connection:
        with pytest.raises(SmtpFailure) as refused:
            connection.send(_message(db, to="bad@example.com"))
        socket_before = connection.smtp
        connection.send(_message(db, to="good@example.com"))
        assert connection.smtp is socket_before is not None
    assert not refused.value.connection_lost
    assert "refused the recipient" in refused.value.reason and "550" in refused.value.reason
    assert smtp_server.recipients() == ["good@example.com"]


def test_a_server_that_is_down_fails_the_message_and_the_next_one_connects_again(
    db: Any, smtp_server: SmtpServer
) -> None:
    smtp_server.stop()
    with MailConnection(mail_settings(db.session)) as connection:
        with pytest.raises(SmtpFailure) as down:
            connection.send(_message(db))
        assert down.value.connection_lost and "cannot be reached" in down.value.reason
        smtp_server.start()
        connection.send(_message(db, to="later@example.com"))
    assert smtp_server.recipients() == ["later@example.com"]


def test_a_connection_dropped_mid_batch_fails_that_message_and_the_next_reconnects(
    db: Any, smtp_server: SmtpServer
) -> None:
    smtp_server.drop_after(2)
    sent, failed = [], []
    with MailConnection(mail_settings(db.session)) as connection:
        for n in range(5):
            try:
                connection.send(_message(db, to=f"p{n}@example.com"))
                sent.append(n)
            except SmtpFailure as failure:
                assert failure.connection_lost
                failed.append(n)
    assert (sent, failed) == ([0, 1, 3, 4], [2])
    assert smtp_server.recipients() == ["p0@example.com", "p1@example.com", "p3@example.com", "p4@example.com"]


def test_a_connection_gone_stale_between_two_messages_is_opened_again_without_an_error(
    db: Any, smtp_server: SmtpServer
) -> None:
    with MailConnection(mail_settings(db.session)) as connection:
        connection.send(_message(db, to="first@example.com"))
        smtp_server.stop()
        smtp_server.start()
        connection.send(_message(db, to="second@example.com"))
    assert smtp_server.recipients() == ["first@example.com", "second@example.com"]


def test_a_wrong_port_is_a_message_naming_the_server(db: Any, smtp_server: SmtpServer) -> None:
    settings = replace(mail_settings(db.session), port=smtp_server.port + 1 if smtp_server.port < 65535 else 1)
    smtp_server.stop()
    with pytest.raises(SmtpFailure, match="127.0.0.1"):
        MailConnection(settings).open()


@pytest.mark.parametrize("locale", ["it", "en"])
def test_a_compiled_letter_is_the_letter_merge_gives(app: Any, locale: str) -> None:
    template = starter_document(locale)
    values = entry_values(
        '{"ContactName": "Ann <Lee> & Co", "PersonalText": "line one\\n  line two  ", "DocumentDate": "2026-03-02",'
        ' "CompanyName": "ACME"}'
    )
    compiled = compile_letter(template)
    assert compiled is not None
    row = compiled.values(values, locale)
    slow = merge.merge_document(template, values, locale=locale)
    fast = compiled.docx(row)
    assert docx_text(fast) == docx_text(slow)
    assert Document(io.BytesIO(fast)).paragraphs  # Word's library reads it
    assert compiled.html_body(row) == str(docx_html(slow))
    assert "Ann <Lee> & Co" in compiled.text_body(row)


def test_names_subjects_and_file_names_beyond_ascii_arrive_as_written(db: Any, smtp_server: SmtpServer) -> None:
    subject = "Offerta più ricca: «Primavera» per Zoë, with a subject long enough to be folded over two lines"
    message = _message(db, subject=subject, to_name="Zoë d'Amico, Jr.", salesperson_name="Mário Rossi")
    with MailConnection(mail_settings(db.session)) as connection:
        connection.send(message)
    received = smtp_server.messages[0].message
    assert received["Subject"] == subject
    assert received["To"].addresses[0].display_name == "Zoë d'Amico, Jr."
    assert received["Reply-To"].addresses[0].display_name == "Mário Rossi"
    [attachment] = list(received.iter_attachments())
    assert attachment.get_filename() == attachment_name(subject) and "più" in attachment.get_filename()
    assert received["List-Unsubscribe"] == f"<{URL}>"


def test_a_message_the_wire_cannot_carry_is_that_messages_error(db: Any, smtp_server: SmtpServer) -> None:
    message = _message(db)

    def unwritable(**_options: Any) -> bytes:
        raise UnicodeEncodeError("ascii", "è", 0, 1, "a header the policy cannot encode")

    message.as_bytes = unwritable  # type: ignore[method-assign]
    with MailConnection(mail_settings(db.session)) as connection:
        with pytest.raises(SmtpFailure, match="could not be written") as failure:
            connection.send(message)
        connection.send(_message(db, to="next@example.com"))
    assert not failure.value.connection_lost
    assert smtp_server.recipients() == ["next@example.com"]
