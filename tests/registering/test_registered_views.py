"""The registered segments pages through the client: list, search, pages, one with its entries, cancel,
un-cancel, delete after a confirmation, and a follow-up segment from it."""

from collections.abc import Callable
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import func, select

from segapp.models import Evaluation, LoggedSegment, Role, SegmentHeader, SegmentLine
from tests.html import one, parse
from tests.registering.registered_support import entries_of, make_registered, make_segment, reference

__all__ = ["make_registered", "make_segment", "reference"]
HX = {"HX-Request": "true"}


def _texts(html: str, xpath: str) -> list[str]:
    return [element.text_content().strip() for element in parse(html).xpath(xpath)]


def test_the_list_shows_newest_first_and_searches(client: FlaskClient, login: Callable, make_registered: Any) -> None:
    login()
    make_registered("SEG00001", description="Spring letters")
    make_registered("SEG00002", description="Autumn calls", prefix="OT", cancelled=True)
    html = client.get("/registered-segments").get_data(as_text=True)
    assert _texts(html, "//tr[@data-registered]/td[2]") == ["SEG00002", "SEG00001"]
    assert _texts(html, "//tr[@data-registered='SEG00002']/td[7]") == ["Yes"]
    rows = client.get("/registered-segments?q=spring", headers=HX).get_data(as_text=True)
    assert _texts(rows, "//tr[@data-registered]/td[2]") == ["SEG00001"]
    assert "<html" not in rows
    none = client.get("/registered-segments?q=nothing").get_data(as_text=True)
    assert "No registered segment matches nothing." in none


def test_the_list_has_pages(db: Any, client: FlaskClient, login: Callable, make_registered: Any) -> None:
    login()
    for n in range(1, 28):
        make_registered(f"SEG{n:05d}", entries=1)
    first = client.get("/registered-segments").get_data(as_text=True)
    assert len(parse(first).xpath("//tr[@data-registered]")) == 25
    second = client.get("/registered-segments?page=2").get_data(as_text=True)
    assert _texts(second, "//tr[@data-registered]/td[2]") == ["SEG00002", "SEG00001"]


def test_the_navigation_links_both_pages(client: FlaskClient, login: Callable) -> None:
    login()
    html = client.get("/registered-segments").get_data(as_text=True)
    nav = parse(html).xpath("//nav[@class='mainnav']/a")
    current = {a.text_content(): a.get("aria-current") for a in nav}
    assert current["Registered segments"] == "page"
    assert current["Interaction log entries"] is None


def test_one_shows_its_entries_and_campaign_entries(client: FlaskClient, login: Callable, make_registered: Any) -> None:
    login()
    registered = make_registered("SEG00001", entries=3)
    html = client.get(f"/registered-segments/{registered.entry_no}").get_data(as_text=True)
    root = parse(html)
    assert "Registered segment SEG00001" in one(root, "//h1").text_content()
    assert _texts(html, "//tr[@data-entry]/td[4]") == ["RC00003", "RC00002", "RC00001"]
    assert _texts(html, "//tr[@data-campaign-entry]/td[2]") == ["CP1"]
    assert one(root, "//button[@data-action='cancel']") is not None


def test_its_entries_come_a_page_at_a_time(client: FlaskClient, login: Callable, make_registered: Any) -> None:
    login()
    registered = make_registered("SEG00001", entries=30)
    html = client.get(f"/registered-segments/{registered.entry_no}").get_data(as_text=True)
    assert len(parse(html).xpath("//tr[@data-entry]")) == 25
    next_link = one(parse(html), "//a[@rel='next']")
    rest = client.get(next_link.get("hx-get"), headers=HX).get_data(as_text=True)
    assert _texts(rest, "//tr[@data-entry]/td[4]") == [f"RC{n:05d}" for n in range(5, 0, -1)]
    back = one(parse(rest), "//a[@rel='prev']")
    again = client.get(back.get("hx-get"), headers=HX).get_data(as_text=True)
    assert len(parse(again).xpath("//tr[@data-entry]")) == 25
    assert not parse(again).xpath("//a[@rel='prev']")


def test_cancel_then_uncancel_cascade(db: Any, client: FlaskClient, login: Callable, make_registered: Any) -> None:
    login()
    entry_no = make_registered("SEG00001", entries=2).entry_no
    response = client.post(f"/registered-segments/{entry_no}/cancel")
    assert response.status_code == 303
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Registered segment SEG00001 was cancelled with 2 entries." in html
    assert _texts(html, "//tr[@data-entry]/td[@data-field='cancelled']") == ["Yes", "Yes"]
    assert _texts(html, "//tr[@data-campaign-entry]/td[@data-field='cancelled']") == ["Yes"]
    db.session.rollback()
    assert [e.cancelled for e in entries_of(db.session, entry_no)] == [True, True]
    html = client.get(client.post(f"/registered-segments/{entry_no}/uncancel").headers["Location"]).get_data(
        as_text=True
    )
    assert "Registered segment SEG00001 was un-cancelled with 2 entries." in html
    db.session.rollback()
    assert [e.cancelled for e in entries_of(db.session, entry_no)] == [False, False]


def test_delete_asks_first_and_only_for_a_cancelled_one(
    db: Any, client: FlaskClient, login: Callable, make_registered: Any
) -> None:
    login()
    active = make_registered("SEG00001").entry_no
    refused = client.get(f"/registered-segments/{active}/delete")
    assert refused.status_code == 303
    assert "not cancelled: cancel it first" in client.get(refused.headers["Location"]).get_data(as_text=True)
    assert client.post(f"/registered-segments/{active}/delete").status_code == 303
    db.session.rollback()
    assert db.session.get(LoggedSegment, active) is not None

    cancelled = make_registered("SEG00002", prefix="OT", cancelled=True, entries=2).entry_no
    page = client.get(f"/registered-segments/{cancelled}/delete").get_data(as_text=True)
    assert "Delete registered segment SEG00002?" in page and "2 interaction log entries" in page
    response = client.post(f"/registered-segments/{cancelled}/delete")
    assert response.headers["Location"].endswith("/registered-segments")
    assert "its entries stay" in client.get("/registered-segments").get_data(as_text=True)
    db.session.rollback()
    assert db.session.get(LoggedSegment, cancelled) is None
    entries = client.get("/interaction-log-entries?segment=SEG00002").get_data(as_text=True)
    assert len(parse(entries).xpath("//tr[@data-entry]")) == 2


def test_missing_registered_segment_is_404(client: FlaskClient, login: Callable) -> None:
    login()
    assert client.get("/registered-segments/999").status_code == 404
    assert client.post("/registered-segments/999/cancel").status_code == 404
    assert client.post("/registered-segments/999/follow-up").status_code == 404


def test_a_viewer_sees_no_change_buttons(client: FlaskClient, login: Callable, make_registered: Any) -> None:
    login("vera", role=Role.VIEWER)
    entry_no = make_registered().entry_no
    html = client.get(f"/registered-segments/{entry_no}").get_data(as_text=True)
    assert not parse(html).xpath("//button[@data-action]")
    assert client.post(f"/registered-segments/{entry_no}/cancel").status_code == 403


def _lines(db: Any, segment_no: str) -> list[str]:
    db.session.rollback()
    return list(
        db.session.scalars(
            select(SegmentLine.contact_no).where(SegmentLine.segment_no == segment_no).order_by(SegmentLine.contact_no)
        )
    )


def test_follow_up_of_every_contact_lands_on_the_new_segment(
    db: Any, client: FlaskClient, login: Callable, make_registered: Any
) -> None:
    login()
    entry_no = make_registered("SEG00001", entries=3).entry_no
    form = client.get(f"/registered-segments/{entry_no}/follow-up").get_data(as_text=True)
    assert "Follow-up on segment SEG00001" in form
    response = client.post(f"/registered-segments/{entry_no}/follow-up")
    assert response.status_code == 303
    new_no = response.headers["Location"].rsplit("/", 1)[1]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Follow-up segment {new_no} was created with 3 lines." in page
    assert _lines(db, new_no) == ["RC00001", "RC00002", "RC00003"]
    header = db.session.get(SegmentHeader, new_no)
    assert (header.description, header.campaign_no) == ("Follow-up on segment SEG00001", "CP1")


def test_follow_up_of_the_chosen_outcomes_only(
    db: Any, client: FlaskClient, login: Callable, make_registered: Any
) -> None:
    login()
    outcomes = [
        {"evaluation": Evaluation.NEGATIVE},
        {"attempt_failed": True},
        {"evaluation": Evaluation.POSITIVE},
        {"delivery_status": "error"},
    ]
    entry_no = make_registered("SEG00001", entries=4, outcomes=outcomes).entry_no
    response = client.post(
        f"/registered-segments/{entry_no}/follow-up", data={"evaluation": ["negative"], "attempt_failed": "1"}
    )
    assert _lines(db, response.headers["Location"].rsplit("/", 1)[1]) == ["RC00001", "RC00002"]
    response = client.post(f"/registered-segments/{entry_no}/follow-up", data={"delivery_error": "1"})
    assert _lines(db, response.headers["Location"].rsplit("/", 1)[1]) == ["RC00004"]
    assert client.post(f"/registered-segments/{entry_no}/follow-up", data={"evaluation": "bogus"}).status_code == 400
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(SegmentHeader)) == 2
