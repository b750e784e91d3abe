"""The registered segment's delivery against the SMTP server on loopback, through the test client: the summary,
the send job's progress and each entry's status after a refused recipient; retry failed (and unknown, when asked)
on the same entries; resend sends the e-mails again on new entries and never touches the old ones; a bounce marked
by hand."""

from collections.abc import Callable
from typing import Any

from sqlalchemy import select, update

from segapp.models import BackgroundJob, DeliveryStatus, InteractionLogEntry, LoggedSegment, SegmentHeader
from segapp.services.jobs import run_job_now
from tests.delivery.support import register
from tests.html import one, parse
from tests.smtp_server import SmtpServer

REFUSED = (
    "The mail server refused the recipient: 550 5.1.1 <p2@example.com>: Recipient address rejected: no such mailbox"
)


def _registered_entry_no(db: Any) -> int:
    """The registered segment's entry no.; the read's transaction ended, as a request's writes must not wait
    behind it (SQLite)."""
    entry_no = db.session.scalar(select(LoggedSegment.entry_no))
    db.session.rollback()
    return entry_no


def _entries(db: Any) -> list[InteractionLogEntry]:
    db.session.rollback()
    entries = list(db.session.scalars(select(InteractionLogEntry).order_by(InteractionLogEntry.entry_no)))
    db.session.rollback()
    return entries


def _summary(html: str) -> dict[str, str]:
    row = one(parse(html), "//table[contains(@class,'delivery-summary')]//tr[@data-delivery='email']")
    return {cell.get("data-status"): cell.text_content().strip() for cell in row.xpath("td")}


def test_the_page_shows_what_the_send_job_did(
    db: Any,
    client: Any,
    login: Callable[..., Any],
    smtp_server: SmtpServer,
    email_segment: Callable[..., SegmentHeader],
) -> None:
    login()
    smtp_server.refuse("p2@example.com")
    header = email_segment(3)
    job = register(db, header.no)
    entry_no = _registered_entry_no(db)
    page = parse(client.get(f"/registered-segments/{entry_no}").get_data(as_text=True))
    # Before a worker takes it: the progress polls.
    box = one(page, f"//section[@id='delivery']//div[@id='job-{job.id}']")
    assert box.get("data-job-state") == "queued" and box.get("hx-trigger") == "every 2s"
    assert "0 of 3 done" in box.text_content()

    run_job_now(db.session, job.id)

    html = client.get(f"/registered-segments/{entry_no}").get_data(as_text=True)
    assert _summary(html) == {"pending": "0", "sending": "0", "sent": "2", "error": "1", "unknown": "0"}
    box = one(parse(html), f"//div[@id='job-{job.id}']")
    assert box.get("hx-trigger") is None
    assert "Done · 3 of 3 done · 1 error" in " ".join(box.text_content().split())
    refused = one(parse(html), "//tr[@data-entry][td/a='R00002']")
    assert one(refused, ".//*[@data-field='delivery_error']").text_content() == REFUSED
    assert one(parse(html), "//form[@id='retry-form']") is not None


def test_resend_sends_again_on_new_entries(
    db: Any,
    client: Any,
    login: Callable[..., Any],
    smtp_server: SmtpServer,
    email_segment: Callable[..., SegmentHeader],
) -> None:
    login()
    header = email_segment(2)
    run_job_now(db.session, register(db, header.no).id)
    entry_no = _registered_entry_no(db)
    before = [(e.entry_no, e.delivery_status, e.delivery_message_id, e.delivered_at) for e in _entries(db)]
    assert len(smtp_server.messages) == 2

    page = client.get(f"/registered-segments/{entry_no}/resend").get_data(as_text=True)
    assert one(parse(page), "//li[@data-plan='email']").text_content() == "2 e-mails, sent at once"
    response = client.post(f"/registered-segments/{entry_no}/resend", follow_redirects=True)

    html = response.get_data(as_text=True)
    assert "2 entries were written to resend its documents" in html
    # The tests' queue runs the send job at once.
    assert smtp_server.recipients() == ["p1@example.com", "p2@example.com"] * 2
    entries = _entries(db)
    assert [(e.entry_no, e.delivery_status, e.delivery_message_id, e.delivered_at) for e in entries[:2]] == before
    assert [(e.resend_of_entry_no, str(e.delivery_status)) for e in entries[2:]] == [
        (before[0][0], "sent"),
        (before[1][0], "sent"),
    ]
    assert entries[2].delivery_message_id not in (before[0][2], before[1][2])
    assert _summary(html)["sent"] == "4"


def test_a_bounce_marked_by_hand_is_offered_for_retry(
    db: Any,
    client: Any,
    login: Callable[..., Any],
    smtp_server: SmtpServer,
    email_segment: Callable[..., SegmentHeader],
) -> None:
    login()
    header = email_segment(2)
    run_job_now(db.session, register(db, header.no).id)
    entry_no = _registered_entry_no(db)
    first = _entries(db)[0].entry_no
    html = client.post(
        f"/registered-segments/{entry_no}/mark-failed",
        data={"entry": str(first), "reason": "Bounce: mailbox full"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert _summary(html) == {"pending": "0", "sending": "0", "sent": "1", "error": "1", "unknown": "0"}
    assert one(parse(html), "//form[@id='retry-form']") is not None


def test_retry_failed_sends_the_refused_one_again_on_the_same_entry(
    db: Any,
    client: Any,
    login: Callable[..., Any],
    smtp_server: SmtpServer,
    email_segment: Callable[..., SegmentHeader],
) -> None:
    login()
    smtp_server.refuse("p2@example.com")
    header = email_segment(3)
    run_job_now(db.session, register(db, header.no).id)
    entry_no = _registered_entry_no(db)
    smtp_server.refused.clear()

    html = client.post(f"/registered-segments/{entry_no}/retry", follow_redirects=True).get_data(as_text=True)

    assert "1 e-mail is being sent again." in html
    assert smtp_server.recipients() == ["p1@example.com", "p3@example.com", "p2@example.com"]
    assert [(e.contact_no, str(e.delivery_status), e.delivery_error) for e in _entries(db)] == [
        ("R00001", "sent", ""),
        ("R00002", "sent", ""),
        ("R00003", "sent", ""),
    ]
    assert _summary(html)["sent"] == "3"
    assert not parse(html).xpath("//form[@id='retry-form']")


def test_unknown_entries_are_retried_only_when_asked(
    db: Any,
    client: Any,
    login: Callable[..., Any],
    smtp_server: SmtpServer,
    email_segment: Callable[..., SegmentHeader],
) -> None:
    login()
    header = email_segment(2)
    run_job_now(db.session, register(db, header.no).id)
    entry_no = _registered_entry_no(db)
    first = _entries(db)[0].entry_no
    db.session.execute(
        update(InteractionLogEntry)
        .where(InteractionLogEntry.entry_no == first)
        .values(delivery_status=DeliveryStatus.UNKNOWN)
    )
    db.session.commit()
    url = f"/registered-segments/{entry_no}/retry"

    html = client.post(url, follow_redirects=True).get_data(as_text=True)
    assert "has no failed e-mail to retry" in html
    assert len(smtp_server.messages) == 2

    html = client.post(url, data={"include_unknown": "1"}, follow_redirects=True).get_data(as_text=True)
    assert "1 e-mail is being sent again." in html
    assert smtp_server.recipients() == ["p1@example.com", "p2@example.com", "p1@example.com"]
    assert str(_entries(db)[0].delivery_status) == "sent"


def test_retry_on_a_cancelled_registered_segment_says_why_not(
    db: Any,
    client: Any,
    login: Callable[..., Any],
    smtp_server: SmtpServer,
    email_segment: Callable[..., SegmentHeader],
) -> None:
    login()
    smtp_server.refuse("p1@example.com")
    header = email_segment(1)
    run_job_now(db.session, register(db, header.no).id)
    entry_no = _registered_entry_no(db)
    client.post(f"/registered-segments/{entry_no}/cancel")
    smtp_server.refused.clear()
    html = client.post(f"/registered-segments/{entry_no}/retry", follow_redirects=True).get_data(as_text=True)
    assert "is cancelled: un-cancel it to send its e-mails" in html
    assert smtp_server.messages == []
    assert client.post("/registered-segments/999/retry").status_code == 404


def test_retry_waits_for_the_send_job_to_end(
    db: Any,
    client: Any,
    login: Callable[..., Any],
    smtp_server: SmtpServer,
    email_segment: Callable[..., SegmentHeader],
) -> None:
    login()
    smtp_server.refuse("p1@example.com")
    header = email_segment(3)
    job = register(db, header.no)
    # The first message failed, the others are still to send.
    run_job_now(db.session, job.id)
    db.session.execute(
        update(InteractionLogEntry)
        .where(InteractionLogEntry.contact_no != "R00001")
        .values(delivery_status=DeliveryStatus.PENDING)
    )
    db.session.execute(update(BackgroundJob).where(BackgroundJob.id == job.id).values(state="running"))
    db.session.commit()
    entry_no = _registered_entry_no(db)
    html = client.get(f"/registered-segments/{entry_no}").get_data(as_text=True)
    assert _summary(html)["error"] == "1"
    assert not parse(html).xpath("//form[@id='retry-form']")

    db.session.execute(update(BackgroundJob).where(BackgroundJob.id == job.id).values(state="done"))
    db.session.commit()
    html = client.get(f"/registered-segments/{entry_no}/delivery", headers={"HX-Request": "true"}).get_data(
        as_text=True
    )
    assert one(parse(html), "//form[@id='retry-form']") is not None
