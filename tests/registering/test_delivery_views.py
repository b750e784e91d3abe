"""The registered segment's delivery through the client: the summary and each entry's status with its reason,
resend after a confirmation, mark delivery failed by hand on both pages, and what a viewer is offered."""

from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select, update

from segapp.models import (
    BackgroundJob,
    CorrespondenceType,
    DeliveryStatus,
    InteractionLogEntry,
    LoggedSegment,
    Role,
)
from segapp.services.delivery import resend
from segapp.services.jobs import start_job
from tests.html import one, parse
from tests.registering.registered_support import entries_of, make_registered, make_segment, reference
from tests.sqlcount import count_statements

__all__ = ["make_registered", "make_segment", "reference"]
HX = {"HX-Request": "true"}
HARD, EMAIL = CorrespondenceType.HARD_COPY, CorrespondenceType.EMAIL
S = DeliveryStatus


def _registered(make_registered: Any, rows: list[tuple[CorrespondenceType, DeliveryStatus, str]], **kw: Any) -> Any:
    outcomes = [{"correspondence_type": k, "delivery_status": s, "delivery_error": e} for k, s, e in rows]
    return make_registered("SEG00001", entries=len(rows), outcomes=outcomes, **kw)


def _entries(db: Any, entry_no: int) -> list[InteractionLogEntry]:
    """The entries as they are now: a read ends its transaction, whose snapshot (SQLite) would hide a request's
    writes."""
    db.session.rollback()
    entries = entries_of(db.session, entry_no)
    db.session.rollback()
    return entries


def _cells(html: str, status: str) -> dict[str, str]:
    root = parse(html)
    return {
        row.get("data-delivery"): one(row, f"td[@data-status='{status}']").text_content().strip()
        for row in root.xpath("//table[contains(@class,'delivery-summary')]//tr[@data-delivery]")
    }


def test_the_page_shows_the_summary_and_each_entrys_status_and_reason(
    client: FlaskClient, login: Callable, make_registered: Any
) -> None:
    login()
    registered = _registered(
        make_registered,
        [(EMAIL, S.SENT, ""), (EMAIL, S.ERROR, "550 5.1.1 no such user"), (EMAIL, S.UNKNOWN, ""), (HARD, S.SENT, "")],
    )
    html = client.get(f"/registered-segments/{registered.entry_no}").get_data(as_text=True)
    assert _cells(html, "sent") == {"email": "1", "hard_copy": "1"}
    assert _cells(html, "error") == {"email": "1", "hard_copy": "0"}
    assert _cells(html, "unknown") == {"email": "1", "hard_copy": "0"}
    root = parse(html)
    failed = one(root, "//tr[@data-entry][td/a='RC00002']")
    assert one(failed, "td[@data-field='delivery_status']").text_content().startswith("Error")
    assert one(failed, ".//*[@data-field='delivery_error']").text_content() == "550 5.1.1 no such user"
    # Retry failed: the unknown ones only when asked.
    form = one(root, "//form[@id='retry-form']")
    assert form.get("action") == f"/registered-segments/{registered.entry_no}/retry"
    assert one(form, ".//input[@name='include_unknown']").get("checked") is None
    assert one(root, "//a[@data-action='resend']").get("href") == f"/registered-segments/{registered.entry_no}/resend"


def test_only_unknown_entries_offer_retry_with_the_unknown_ticked(
    client: FlaskClient, login: Callable, make_registered: Any
) -> None:
    login()
    registered = _registered(make_registered, [(EMAIL, S.UNKNOWN, "")])
    root = parse(client.get(f"/registered-segments/{registered.entry_no}").get_data(as_text=True))
    assert one(root, "//form[@id='retry-form']//input[@name='include_unknown']").get("checked") is not None


def test_nothing_to_retry_and_no_document_say_so(client: FlaskClient, login: Callable, make_registered: Any) -> None:
    login()
    registered = make_registered("SEG00001", entries=2)
    root = parse(client.get(f"/registered-segments/{registered.entry_no}").get_data(as_text=True))
    assert not root.xpath("//form[@id='retry-form']")
    assert "No document to deliver" in one(root, "//*[@id='delivery-none']").text_content()


def test_a_viewer_sees_the_delivery_but_cannot_change_it(
    client: FlaskClient, login: Callable, make_registered: Any
) -> None:
    login("vic", role=Role.VIEWER)
    registered = _registered(make_registered, [(EMAIL, S.ERROR, "refused"), (EMAIL, S.SENT, "")])
    root = parse(client.get(f"/registered-segments/{registered.entry_no}").get_data(as_text=True))
    assert one(root, "//table[contains(@class,'delivery-summary')]") is not None
    assert not root.xpath("//form[@id='retry-form'] | //a[@data-action='resend'] | //form[@id='bulk-form']")
    assert not root.xpath("//input[@name='entry']")
    assert client.post(f"/registered-segments/{registered.entry_no}/retry").status_code == 403
    assert client.post(f"/registered-segments/{registered.entry_no}/resend").status_code == 403


def test_a_cancelled_registered_segment_offers_no_retry_or_resend(
    client: FlaskClient, login: Callable, make_registered: Any
) -> None:
    login()
    registered = _registered(make_registered, [(EMAIL, S.ERROR, "refused")], cancelled=True)
    root = parse(client.get(f"/registered-segments/{registered.entry_no}").get_data(as_text=True))
    assert not root.xpath("//form[@id='retry-form'] | //a[@data-action='resend']")
    response = client.get(f"/registered-segments/{registered.entry_no}/resend", follow_redirects=True)
    assert "is cancelled: un-cancel it to resend" in response.get_data(as_text=True)


def test_resend_asks_first_then_writes_the_new_entries(
    db: Any, client: FlaskClient, login: Callable, make_registered: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[int] = []

    def fake_sending(session: Any, logged_entry_no: int, user_id: int | None) -> Any:
        started.append(logged_entry_no)
        return None

    monkeypatch.setattr(resend, "_start_sending", fake_sending)
    login()
    registered = _registered(make_registered, [(EMAIL, S.SENT, ""), (EMAIL, S.ERROR, "x"), (HARD, S.SENT, "")])
    url = f"/registered-segments/{registered.entry_no}/resend"
    page = parse(client.get(url).get_data(as_text=True))
    assert one(page, "//li[@data-plan='email']").text_content() == "2 e-mails, sent at once"
    assert one(page, "//li[@data-plan='hard_copy']").text_content() == "1 letter to print, in new printable letters"
    assert len(_entries(db, registered.entry_no)) == 3  # asking wrote nothing

    response = client.post(url, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Registered segment SEG00001: 3 entries were written to resend its documents." in html
    entries = _entries(db, registered.entry_no)
    assert [e.description for e in entries[3:]] == ["Resend: Spring letters"] * 3
    assert started == [registered.entry_no]
    # The printable letters job of the resend's letter (one letter: run in the request; no template here).
    job = db.session.scalars(select(BackgroundJob)).one()
    assert (job.total, job.state) == (1, "done")
    assert db.session.get(LoggedSegment, registered.entry_no).no_of_interactions == 6


def test_resend_while_sending_is_refused_with_a_message(
    db: Any, client: FlaskClient, login: Callable, make_registered: Any
) -> None:
    login()
    registered = _registered(make_registered, [(EMAIL, S.PENDING, ""), (EMAIL, S.SENT, "")])
    html = client.post(f"/registered-segments/{registered.entry_no}/resend", follow_redirects=True).get_data(
        as_text=True
    )
    assert "are still being sent: resend once that has finished" in html
    assert len(_entries(db, registered.entry_no)) == 2


def test_resend_of_a_missing_registered_segment_is_404(client: FlaskClient, login: Callable) -> None:
    login()
    assert client.get("/registered-segments/999/resend").status_code == 404
    assert client.post("/registered-segments/999/resend").status_code == 404


def test_mark_failed_on_the_registered_segment(
    db: Any, client: FlaskClient, login: Callable, make_registered: Any
) -> None:
    login()
    registered = _registered(make_registered, [(EMAIL, S.SENT, ""), (EMAIL, S.SENT, ""), (EMAIL, S.PENDING, "")])
    entries = _entries(db, registered.entry_no)
    page = parse(client.get(f"/registered-segments/{registered.entry_no}").get_data(as_text=True))
    form = one(page, "//form[@id='bulk-form']")
    assert one(form, ".//input[@name='reason']").get("maxlength") == "500"
    assert len(page.xpath("//input[@name='entry'][@form='bulk-form']")) == 3

    response = client.post(
        form.get("action"),
        data={"entry": [str(entries[0].entry_no), str(entries[2].entry_no)], "reason": "Bounce: mailbox full"},
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)
    assert "1 entry marked as failed delivery. 1 was left as it is" in html
    statuses = [(e.delivery_status, e.delivery_error) for e in _entries(db, registered.entry_no)]
    assert statuses == [(S.ERROR, "Bounce: mailbox full"), (S.SENT, ""), (S.PENDING, "")]
    assert _cells(html, "error") == {"email": "1"}


def test_mark_failed_without_a_reason_or_entry_says_so(
    db: Any, client: FlaskClient, login: Callable, make_registered: Any
) -> None:
    login()
    registered = _registered(make_registered, [(EMAIL, S.SENT, "")])
    entry_no = _entries(db, registered.entry_no)[0].entry_no
    url = f"/registered-segments/{registered.entry_no}/mark-failed"
    html = client.post(url, data={"entry": str(entry_no), "reason": " "}, follow_redirects=True).get_data(as_text=True)
    assert "Say why the delivery failed" in html
    html = client.post(url, data={"reason": "bounce"}, follow_redirects=True).get_data(as_text=True)
    assert "Select at least one entry." in html
    assert _entries(db, registered.entry_no)[0].delivery_status == S.SENT


def test_mark_failed_on_the_entries_page_keeps_its_filter(
    db: Any, client: FlaskClient, login: Callable, make_registered: Any
) -> None:
    login()
    registered = _registered(make_registered, [(EMAIL, S.SENT, ""), (HARD, S.SENT, "")])
    page = parse(client.get("/interaction-log-entries?delivery_status=sent").get_data(as_text=True))
    button = one(page, "//form[@id='bulk-form']//button[@id='mark-failed-button']")
    assert button.get("formaction") == "/interaction-log-entries/mark-failed"
    assert one(page, "//input[@id='delivery-reason']").get("data-enter-clicks") == "mark-failed-button"
    hard = _entries(db, registered.entry_no)[1].entry_no
    response = client.post(
        "/interaction-log-entries/mark-failed",
        data={"entry": str(hard), "reason": "Letter returned: moved away", "delivery_status": "sent"},
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/interaction-log-entries?delivery_status=sent")
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "1 entry marked as failed delivery." in html
    entry = next(e for e in _entries(db, registered.entry_no) if e.entry_no == hard)
    assert (entry.delivery_status, entry.delivery_error) == (S.ERROR, "Letter returned: moved away")


def test_the_delivery_fragment_and_the_progress_end_event(
    db: Any, client: FlaskClient, login: Callable, make_registered: Any
) -> None:
    login()
    registered = _registered(make_registered, [(EMAIL, S.SENT, "")])
    fragment = client.get(f"/registered-segments/{registered.entry_no}/delivery", headers=HX)
    assert "<html" not in fragment.get_data(as_text=True)
    assert _cells(fragment.get_data(as_text=True), "sent") == {"email": "1"}
    page = parse(client.get(f"/registered-segments/{registered.entry_no}").get_data(as_text=True))
    assert "job-finished from:body" in one(page, "//section[@id='delivery']").get("hx-trigger")
    assert "job-finished from:body" in one(page, "//section[@id='entries']").get("hx-trigger")
    # A job's progress tells the page when it has ended, once.
    job = start_job(db.session, "printable_letters", params={"logged_segment": registered.entry_no}, total=1)
    db.session.commit()
    running = client.get(f"/jobs/{job.id}/progress", headers=HX)
    assert "HX-Trigger" not in running.headers
    db.session.execute(update(BackgroundJob).where(BackgroundJob.id == job.id).values(state="done"))
    db.session.commit()
    ended = client.get(f"/jobs/{job.id}/progress", headers=HX)
    assert ended.headers["HX-Trigger"] == "job-finished"


def test_the_contact_card_shows_its_entries_delivery_and_reason(
    client: FlaskClient, login: Callable, make_registered: Any
) -> None:
    login()
    _registered(make_registered, [(EMAIL, S.ERROR, "550 no such user")])
    root = parse(client.get("/contacts/RC00001").get_data(as_text=True))
    cell = one(root, "//tr[@data-entry]/td[@data-field='delivery_status']")
    assert cell.text_content().startswith("Error")
    assert one(cell, ".//*[@data-field='delivery_error']").text_content() == "550 no such user"


def test_the_page_reads_the_same_statements_for_3_and_60_entries(
    db: Any, client: FlaskClient, login: Callable, make_registered: Any
) -> None:
    login()
    rows = [(EMAIL, S.SENT, ""), (EMAIL, S.ERROR, "refused"), (HARD, S.SENT, "")]
    small = _registered(make_registered, rows).entry_no
    large = make_registered(
        "SEG00002",
        entries=60,
        prefix="LG",
        outcomes=[{"correspondence_type": k, "delivery_status": s, "delivery_error": e} for k, s, e in rows * 20],
    ).entry_no
    counts = []
    for entry_no in (small, large):
        with count_statements(db.engine) as counted:
            assert client.get(f"/registered-segments/{entry_no}").status_code == 200
        counts.append(counted.count)
    assert counts[0] == counts[1], counts
