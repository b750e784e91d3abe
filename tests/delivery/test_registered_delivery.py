"""The registered segment's delivery against the SMTP server on loopback, through the test client: the summary,
the send job's progress and each entry's status after a refused recipient; resend sends the e-mails again on new
entries and never touches the old ones; a bounce marked by hand."""

from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from segapp.models import InteractionLogEntry, LoggedSegment, SegmentHeader
from segapp.services.jobs import run_job_now
from tests.delivery.support import register
from tests.html import one, parse
from tests.smtp_server import SmtpServer

REFUSED = (
    "The mail server refused the recipient: 550 5.1.1 <p2@example.com>: Recipient address rejected: no such mailbox"
)


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
    entry_no = db.session.scalar(select(LoggedSegment.entry_no))
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
    entry_no = db.session.scalar(select(LoggedSegment.entry_no))
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
    entry_no = db.session.scalar(select(LoggedSegment.entry_no))
    first = _entries(db)[0].entry_no
    html = client.post(
        f"/registered-segments/{entry_no}/mark-failed",
        data={"entry": str(first), "reason": "Bounce: mailbox full"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert _summary(html) == {"pending": "0", "sending": "0", "sent": "1", "error": "1", "unknown": "0"}
    assert one(parse(html), "//form[@id='retry-form']") is not None
