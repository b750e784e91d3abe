"""The send job of a registered segment against a real SMTP server on loopback: the messages received, one per
shared address (or per contact when asked), contacts who opted out meanwhile skipped, invalid addresses,
the letter as HTML body, throttling, and no mail server."""

import time
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select, update

from segapp.models import BackgroundJob, Contact, InteractionLogEntry, LoggedSegment, SegmentHeader
from segapp.services.delivery import sending
from segapp.services.delivery.sending import sending_job, start_sending
from segapp.services.jobs import run_job_now
from tests.delivery.conftest import SALESPERSON_EMAIL
from tests.delivery.support import deliveries, errors, register
from tests.documents.letters_support import docx_text
from tests.smtp_server import SENDER_EMAIL, SENDER_NAME, SmtpServer


def test_every_email_entry_is_sent_with_its_letter_and_marked_sent(
    db: Any, smtp_server: SmtpServer, email_segment: Callable[..., SegmentHeader]
) -> None:
    header = email_segment(3)
    job = register(db, header.no)
    assert (job.kind, job.total) == ("send_email", 3)

    job = run_job_now(db.session, job.id)

    assert (job.state, job.done, job.errors) == ("done", 3, 0)
    assert smtp_server.recipients() == ["p1@example.com", "p2@example.com", "p3@example.com"]
    first = smtp_server.messages[0].message
    assert first["From"] == f"{SENDER_NAME} <{SENDER_EMAIL}>"
    assert first["Reply-To"] == f"Mario Rossi <{SALESPERSON_EMAIL}>"
    assert first["To"] == "Person 00001 <p1@example.com>"
    assert first["Subject"] == "La nostra offerta"
    assert first["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/unsubscribe/" in first["List-Unsubscribe"]
    [attachment] = list(first.iter_attachments())
    assert "Gentile Person 00001" in docx_text(attachment.get_content())
    # The Italian contact's message speaks Italian.
    assert "In allegato la nostra lettera." in first.get_body(("plain",)).get_content()
    assert deliveries(db) == [("R00001", "sent"), ("R00002", "sent"), ("R00003", "sent")]
    entries = db.session.scalars(select(InteractionLogEntry).order_by(InteractionLogEntry.entry_no)).all()
    ids = [received.message["Message-ID"] for received in smtp_server.messages]
    assert [entry.delivery_message_id for entry in entries] == ids
    assert all(entry.delivered_at is not None and entry.delivery_attempts == 1 for entry in entries)
    assert all(entry.delivery_worker == "" and entry.delivery_lease_until is None for entry in entries)
    assert sending_job(db.session, entries[0].logged_segment_entry_no).id == job.id


def test_the_letter_as_html_body(db: Any, smtp_server: SmtpServer, email_segment: Callable[..., SegmentHeader]) -> None:
    header = email_segment(2, attachment=False)
    run_job_now(db.session, register(db, header.no).id)
    message = smtp_server.messages[1].message
    assert list(message.iter_attachments()) == []
    assert "Gentile Person 00002" in message.get_body(("html",)).get_content()
    assert "Gentile Person 00002" in message.get_body(("plain",)).get_content()


def _share_address(db: Any, *contact_nos: str) -> None:
    db.session.execute(update(Contact).where(Contact.no.in_(contact_nos)).values(email="Family@Example.com"))
    db.session.commit()


def test_contacts_sharing_an_address_get_one_message(
    db: Any, smtp_server: SmtpServer, email_segment: Callable[..., SegmentHeader]
) -> None:
    header = email_segment(4)
    _share_address(db, "R00002", "R00004")
    job = run_job_now(db.session, register(db, header.no).id)
    assert (job.done, job.errors) == (4, 0)
    assert sorted(smtp_server.recipients()) == ["Family@Example.com", "p1@example.com", "p3@example.com"]
    assert deliveries(db) == [(f"R0000{n}", "sent") for n in range(1, 5)]
    ids = {
        row.contact_no: row.delivery_message_id
        for row in db.session.execute(select(InteractionLogEntry.contact_no, InteractionLogEntry.delivery_message_id))
    }
    assert ids["R00002"] == ids["R00004"] != ids["R00003"]
    shared = next(r.message for r in smtp_server.messages if r.to == "Family@Example.com")
    assert shared["To"] == "Family@Example.com"  # no one contact's name on a shared address
    assert "Person 00002" in docx_text(next(shared.iter_attachments()).get_content())


def test_one_message_per_contact_when_the_user_asks(
    db: Any, smtp_server: SmtpServer, email_segment: Callable[..., SegmentHeader]
) -> None:
    header = email_segment(3)
    _share_address(db, "R00002", "R00003")
    job = run_job_now(db.session, register(db, header.no, per_contact=True).id)
    assert db.session.scalar(select(LoggedSegment.email_per_contact)) is True
    assert (job.done, job.errors) == (3, 0)
    assert smtp_server.recipients() == ["p1@example.com", "Family@Example.com", "Family@Example.com"]


def test_a_shared_address_split_by_the_step_size_still_gets_one_message(
    db: Any, smtp_server: SmtpServer, email_segment: Callable[..., SegmentHeader], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sending, "STEP_MESSAGES", 2)
    header = email_segment(5)
    _share_address(db, "R00001", "R00003", "R00005")
    job = run_job_now(db.session, register(db, header.no).id)
    assert (job.done, job.errors) == (5, 0)
    assert sorted(smtp_server.recipients()) == ["Family@Example.com", "p2@example.com", "p4@example.com"]


def test_a_contact_who_opted_out_meanwhile_is_skipped_and_an_invalid_address_is_that_entrys_error(
    db: Any, smtp_server: SmtpServer, email_segment: Callable[..., SegmentHeader]
) -> None:
    header = email_segment(4)
    job = register(db, header.no)
    db.session.execute(update(Contact).where(Contact.no == "R00002").values(email_opt_out=True))
    db.session.execute(update(Contact).where(Contact.no == "R00003").values(email="p3 at example.com"))
    db.session.commit()
    job = run_job_now(db.session, job.id)
    assert (job.done, job.errors) == (4, 2)
    assert smtp_server.recipients() == ["p1@example.com", "p4@example.com"]
    assert deliveries(db) == [("R00001", "sent"), ("R00002", "error"), ("R00003", "error"), ("R00004", "sent")]
    assert errors(db) == {
        "R00002": "The contact opted out of e-mail.",
        "R00003": "Contact R00003's e-mail address p3 at example.com is not valid.",
    }


def test_sending_is_throttled_to_the_configured_rate_in_steps_bounded_in_time(
    db: Any,
    app: Any,
    smtp_server: SmtpServer,
    email_segment: Callable[..., SegmentHeader],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(app.config, "SMTP_EMAILS_PER_MINUTE", "600")  # one every 0.1 s
    monkeypatch.setattr(sending, "STEP_SECONDS", 0.25)
    header = email_segment(5)
    job = register(db, header.no)
    steps: list[int] = []
    real_step = sending.send_email_step

    def counted(session: Any, job: BackgroundJob) -> bool:
        steps.append(1)
        return real_step(session, job)

    monkeypatch.setattr("segapp.services.jobs.kinds._KINDS", {"send_email": counted})
    started = time.monotonic()
    job = run_job_now(db.session, job.id)
    assert time.monotonic() - started >= 0.35
    assert (job.state, job.done, job.errors) == ("done", 5, 0)
    assert len(smtp_server.messages) == 5 and len(steps) >= 2


def test_without_a_mail_server_the_entries_are_in_error_and_the_job_ends(
    db: Any, app: Any, email_segment: Callable[..., SegmentHeader], monkeypatch: pytest.MonkeyPatch
) -> None:
    header = email_segment(2)
    monkeypatch.setitem(app.config, "SMTP_HOST", "")
    job = run_job_now(db.session, register(db, header.no).id)
    assert (job.state, job.done, job.errors) == ("done", 2, 2)
    assert deliveries(db) == [("R00001", "error"), ("R00002", "error")]
    assert "No mail server" in errors(db)["R00001"]


def test_no_job_without_pending_email_entries(db: Any, make_registrable: Callable[..., SegmentHeader]) -> None:
    from segapp.services.registering.register import register_segment

    header = make_registrable(2)  # hard-copy lines
    result = register_segment(db.session, header.no, None, send_documents=True, create_follow_up=False)
    assert result.email_job is None
    assert start_sending(db.session, result.logged_segment.entry_no, user_id=None) is None
