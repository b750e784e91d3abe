"""In Chromium: register a segment with e-mail lines from the keyboard, watch the send job's progress bar reach
the end on the registered segment page (the SMTP server on loopback refuses one recipient), see the summary and
the entries' statuses follow by themselves; then Retry failed sends the refused one on the same entry."""

from collections.abc import Callable
from typing import Any

import pytest

from segapp.models import SegmentHeader
from segapp.services.jobs import kinds, run_job_now
from tests.browser_support import save_screenshot, sign_in
from tests.conftest import PASSWORD
from tests.smtp_server import SmtpServer

VIEWPORT = {"width": 1280, "height": 720}


def test_the_progress_bar_finishes_and_the_statuses_follow(
    live_server: str,
    new_browser_page: Callable[..., Any],
    make_user: Callable[..., Any],
    db: Any,
    smtp_server: SmtpServer,
    email_segment: Callable[..., SegmentHeader],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from playwright.sync_api import expect

    # The jobs wait for a worker (this test) instead of running in the request, so the page shows them queued.
    queued: list[int] = []
    monkeypatch.setattr(kinds, "_enqueuer", [queued.append])
    make_user("ann")
    smtp_server.refuse("p2@example.com")
    header = email_segment(3)
    page = new_browser_page(viewport=VIEWPORT)
    sign_in(page, live_server, "ann", PASSWORD)
    page.wait_for_url(live_server + "/")
    page.goto(f"{live_server}/segments/{header.no}")
    expect(page.locator("tr[data-line-no] td[data-field]").first).to_be_focused()
    page.keyboard.press("Alt+Shift+L")
    expect(page.locator("#register-send")).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server}/registered-segments/*")

    delivery = page.locator("#delivery")
    progress = delivery.locator(".job-progress")
    expect(progress).to_have_attribute("data-job-state", "queued")
    expect(progress.locator(".job-status")).to_contain_text("0 of 3 done")
    summary = delivery.locator("tr[data-delivery=email]")
    expect(summary.locator("td[data-status=pending]")).to_have_text("3")
    rows = page.locator("tr[data-entry] td[data-field=delivery_status]")
    expect(rows).to_have_text(["Pending"] * 3)
    assert len(queued) == 1

    # A worker sends while the page stays open: the bar reaches the end, then the summary and entries follow.
    run_job_now(db.session, queued[0])
    expect(progress.locator(".job-status")).to_contain_text("Done · 3 of 3 done · 1 error", timeout=10_000)
    expect(progress.locator("progress")).to_have_attribute("value", "3")
    expect(summary.locator("td[data-status=sent]")).to_have_text("2")
    expect(summary.locator("td[data-status=error]")).to_have_text("1")
    expect(rows).to_have_text(["Sent", "Error" + _reason("p2@example.com"), "Sent"])
    assert smtp_server.recipients() == ["p1@example.com", "p3@example.com"]
    save_screenshot(page, "delivery/registered-segment-sent.png")

    # The server accepts the address again: Retry failed, from the keyboard, sends it on the same entry.
    smtp_server.refused.clear()
    retry = page.get_by_role("button", name="Retry failed")
    _tab_to(page, retry)
    page.keyboard.press("Enter")
    expect(page.locator("#flash")).to_contain_text("1 e-mail is being sent again.")
    expect(progress.locator(".job-status")).to_contain_text("0 of 1 done")
    expect(rows).to_have_text(["Sent", "Pending", "Sent"])
    assert len(queued) == 2
    db.session.rollback()  # the test's last read ended: its snapshot predates the retry's commit (SQLite)
    run_job_now(db.session, queued[1])
    expect(progress.locator(".job-status")).to_contain_text("Done · 1 of 1 done", timeout=10_000)
    expect(summary.locator("td[data-status=sent]")).to_have_text("3")
    expect(rows).to_have_text(["Sent"] * 3)
    expect(page.get_by_role("button", name="Retry failed")).to_have_count(0)
    assert smtp_server.recipients() == ["p1@example.com", "p3@example.com", "p2@example.com"]


def _tab_to(page: Any, locator: Any, limit: int = 60) -> None:
    """Press Tab until ``locator`` has the focus (as a keyboard user would)."""
    for _ in range(limit):
        if locator.evaluate("element => element === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError("never reached by Tab")


def _reason(address: str) -> str:
    return f"The mail server refused the recipient: 550 5.1.1 <{address}>: Recipient address rejected: no such mailbox"
