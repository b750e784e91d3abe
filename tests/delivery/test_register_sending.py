"""Registering with e-mail lines through the test client: the dialog's "one e-mail per contact" option, and the
send job handed to the workers after the commit (the tests' queue runs it at once)."""

from collections.abc import Callable
from typing import Any

from sqlalchemy import select, update

from segapp.models import BackgroundJob, Contact, LoggedSegment, SegmentHeader
from tests.delivery.support import deliveries
from tests.smtp_server import SmtpServer

HX = {"HX-Request": "true"}


def test_the_dialog_asks_about_shared_addresses_only_when_a_line_is_an_email(
    client: Any,
    login: Callable[..., Any],
    make_registrable: Callable[..., SegmentHeader],
    email_segment: Callable[..., SegmentHeader],
) -> None:
    login()
    letters = make_registrable(2)
    page = client.get(f"/segments/{letters.no}/register", headers=HX).get_data(as_text=True)
    assert "email_per_contact" not in page
    emails = email_segment(2)
    page = client.get(f"/segments/{emails.no}/register", headers=HX).get_data(as_text=True)
    assert 'name="email_per_contact" value="1">' in page
    assert "One e-mail per contact, even when contacts share an address" in page


def test_register_sends_the_emails_through_the_workers_after_the_commit(
    db: Any,
    client: Any,
    login: Callable[..., Any],
    smtp_server: SmtpServer,
    email_segment: Callable[..., SegmentHeader],
) -> None:
    login()
    header = email_segment(3)
    db.session.execute(update(Contact).where(Contact.no.in_(["R00002", "R00003"])).values(email="home@example.com"))
    db.session.commit()
    response = client.post(
        f"/segments/{header.no}/register",
        data={"send_documents": "1", "email_per_contact": "1"},
        headers=HX,
    )
    assert response.status_code == 200 and response.headers["HX-Redirect"].startswith("/registered-segments/")
    assert db.session.scalar(select(LoggedSegment.email_per_contact)) is True
    job = db.session.scalars(select(BackgroundJob).where(BackgroundJob.kind == "send_email")).one()
    assert (job.state, job.message, job.done, job.errors) == ("done", "", 3, 0)
    assert smtp_server.recipients() == ["p1@example.com", "home@example.com", "home@example.com"]
    assert deliveries(db) == [("R00001", "sent"), ("R00002", "sent"), ("R00003", "sent")]


def test_a_refusal_keeps_the_option_as_chosen(
    db: Any, client: Any, login: Callable[..., Any], email_segment: Callable[..., SegmentHeader]
) -> None:
    login()
    header = email_segment(2)
    db.session.execute(update(Contact).where(Contact.no == "R00002").values(email=""))
    db.session.commit()
    response = client.post(
        f"/segments/{header.no}/register", data={"send_documents": "1", "email_per_contact": "1"}, headers=HX
    )
    assert response.status_code == 422
    assert 'name="email_per_contact" value="1" checked' in response.get_data(as_text=True)
