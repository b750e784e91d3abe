"""The interaction log entries page through the client: each filter, keyset pages, evaluation / attempt failed /
cancel on the selected entries, the un-cancel rule, the export, and the statements a page and a change run."""

import csv
import io
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import select

from segapp.models import Evaluation, InteractionLogEntry, Role
from tests.html import one, parse
from tests.registering.registered_support import entries_of, make_registered, make_segment, reference
from tests.sqlcount import count_statements

__all__ = ["make_registered", "make_segment", "reference"]
HX = {"HX-Request": "true"}


def _contacts(html: str) -> list[str]:
    return [td.text_content().strip() for td in parse(html).xpath("//tr[@data-entry]/td[4]")]


@pytest.fixture
def log(make_registered: Any) -> dict[str, Any]:
    """SEG00001 (CP1, 2 March 2026): RC00001 negative, RC00002 attempt failed, RC00003 with a delivery error;
    SEG00002 (no campaign, template CALL, 20 April 2026): OT00001, OT00002; SEG00003 cancelled: CX00001."""
    first = make_registered(
        "SEG00001",
        entries=3,
        outcomes=[{"evaluation": Evaluation.NEGATIVE}, {"attempt_failed": True}, {"delivery_status": "error"}],
    )
    second = make_registered(
        "SEG00002", entries=2, prefix="OT", campaign_no=None, on=date(2026, 4, 20), interaction_template_code="CALL"
    )
    third = make_registered("SEG00003", entries=1, prefix="CX", cancelled=True)
    return {"first": first.entry_no, "second": second.entry_no, "third": third.entry_no}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["CX00001", "OT00002", "OT00001", "RC00003", "RC00002", "RC00001"]),
        ("contact=rc00002", ["RC00002"]),
        ("date_from=01/04/2026", ["OT00002", "OT00001"]),
        ("date_to=2026-03-31", ["CX00001", "RC00003", "RC00002", "RC00001"]),
        ("date_from=1.3.2026&date_to=2.3.2026", ["CX00001", "RC00003", "RC00002", "RC00001"]),
        ("template=CALL", ["OT00002", "OT00001"]),
        ("segment=SEG00002", ["OT00002", "OT00001"]),
        ("campaign=CP1", ["CX00001", "RC00003", "RC00002", "RC00001"]),
        ("evaluation=negative", ["RC00001"]),
        ("evaluation=-&segment=SEG00001", ["RC00003", "RC00002"]),
        ("delivery_status=error", ["RC00003"]),
        ("cancelled=yes", ["CX00001"]),
        ("cancelled=no&campaign=CP1", ["RC00003", "RC00002", "RC00001"]),
        ("evaluation=nonsense&cancelled=maybe", ["CX00001", "OT00002", "OT00001", "RC00003", "RC00002", "RC00001"]),
    ],
)
def test_each_filter(
    client: FlaskClient, login: Callable, log: dict[str, Any], query: str, expected: list[str]
) -> None:
    login()
    response = client.get(f"/interaction-log-entries?{query}", headers=HX)
    assert response.status_code == 200
    assert _contacts(response.get_data(as_text=True)) == expected


def test_a_date_that_is_not_one_is_said_and_ignored(client: FlaskClient, login: Callable, log: dict[str, Any]) -> None:
    login()
    response = client.get("/interaction-log-entries?date_from=31/02/2026&segment=SEG00002")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "31/02/2026 is not a date: February 2026 has days 1 to 28." in one(parse(html), "//p[@class='error']").text
    assert one(parse(html), "//input[@id='filter-date_from']").get("value") == "31/02/2026"
    assert _contacts(html) == ["OT00002", "OT00001"]


def test_the_registered_segment_filter_comes_from_its_page(
    client: FlaskClient, login: Callable, log: dict[str, Any]
) -> None:
    login()
    show = client.get(f"/registered-segments/{log['second']}").get_data(as_text=True)
    link = one(parse(show), "//a[text()='Open in the interaction log entries']").get("href")
    assert _contacts(client.get(link).get_data(as_text=True)) == ["OT00002", "OT00001"]


def test_the_contact_card_links_to_its_entries(client: FlaskClient, login: Callable, log: dict[str, Any]) -> None:
    login()
    card = client.get("/contacts/RC00002").get_data(as_text=True)
    link = one(parse(card), "//a[text()='Open them in the interaction log entries page']").get("href")
    assert _contacts(client.get(link).get_data(as_text=True)) == ["RC00002"]


def test_keyset_pages_forward_and_back(client: FlaskClient, login: Callable, make_registered: Any) -> None:
    login()
    make_registered("SEG00001", entries=120)
    first = client.get("/interaction-log-entries").get_data(as_text=True)
    assert len(_contacts(first)) == 50 and _contacts(first)[0] == "RC00120"
    assert "120 entries" in first
    second = client.get(one(parse(first), "//a[@rel='next']").get("hx-get"), headers=HX).get_data(as_text=True)
    assert _contacts(second)[0] == "RC00070" and _contacts(second)[-1] == "RC00021"
    third = client.get(one(parse(second), "//a[@rel='next']").get("href")).get_data(as_text=True)
    assert _contacts(third) == [f"RC{n:05d}" for n in range(20, 0, -1)]
    assert not parse(third).xpath("//a[@rel='next']")
    back = client.get(one(parse(third), "//a[@rel='prev']").get("hx-get"), headers=HX).get_data(as_text=True)
    assert _contacts(back) == _contacts(second)
    back = client.get(one(parse(back), "//a[@rel='prev']").get("hx-get"), headers=HX).get_data(as_text=True)
    assert _contacts(back) == _contacts(first)
    assert not parse(back).xpath("//a[@rel='prev']")
    assert _contacts(client.get("/interaction-log-entries?after=1").get_data(as_text=True)) == _contacts(first)


def test_pages_keep_the_filter(client: FlaskClient, login: Callable, make_registered: Any) -> None:
    login()
    make_registered("SEG00001", entries=60)
    make_registered("SEG00002", entries=60, prefix="OT")
    first = client.get("/interaction-log-entries?segment=SEG00001").get_data(as_text=True)
    second = client.get(one(parse(first), "//a[@rel='next']").get("href")).get_data(as_text=True)
    assert _contacts(second) == [f"RC{n:05d}" for n in range(10, 0, -1)]


def _entry_nos(db: Any, registered: int) -> list[int]:
    return [entry.entry_no for entry in entries_of(db.session, registered)]


def test_set_evaluation_and_attempt_failed_on_the_selected(
    db: Any, client: FlaskClient, login: Callable, log: dict[str, Any]
) -> None:
    login()
    nos = _entry_nos(db, log["first"])
    response = client.post(
        "/interaction-log-entries/outcome",
        data={"entry": [nos[1], nos[2]], "set_evaluation": "very_positive", "set_attempt": "no", "segment": "SEG00001"},
    )
    assert response.status_code == 303 and response.headers["Location"].endswith("?segment=SEG00001")
    assert "2 entries updated." in client.get(response.headers["Location"]).get_data(as_text=True)
    db.session.rollback()
    entries = entries_of(db.session, log["first"])
    assert [(e.evaluation, e.attempt_failed) for e in entries] == [
        (Evaluation.NEGATIVE, False),
        (Evaluation.VERY_POSITIVE, False),
        (Evaluation.VERY_POSITIVE, False),
    ]
    client.post("/interaction-log-entries/outcome", data={"entry": [nos[0]], "set_evaluation": "-"})
    db.session.rollback()
    assert entries_of(db.session, log["first"])[0].evaluation == Evaluation.BLANK


def test_nothing_to_set_or_nothing_selected_is_said(
    db: Any, client: FlaskClient, login: Callable, log: dict[str, Any]
) -> None:
    login()
    nos = _entry_nos(db, log["first"])
    response = client.post("/interaction-log-entries/outcome", data={"entry": [nos[0]]})
    assert "Choose an evaluation or attempt failed to set." in client.get(response.headers["Location"]).get_data(
        as_text=True
    )
    response = client.post("/interaction-log-entries/cancel", data={"entry": ["x"]})
    assert "Select at least one entry." in client.get(response.headers["Location"]).get_data(as_text=True)


def test_cancel_and_uncancel_selected_entries(
    db: Any, client: FlaskClient, login: Callable, log: dict[str, Any]
) -> None:
    login()
    nos = _entry_nos(db, log["first"])
    response = client.post("/interaction-log-entries/cancel", data={"entry": nos[:2]})
    assert "2 entries cancelled." in client.get(response.headers["Location"]).get_data(as_text=True)
    db.session.rollback()
    assert [e.cancelled for e in entries_of(db.session, log["first"])] == [True, True, False]
    response = client.post("/interaction-log-entries/uncancel", data={"entry": nos[:1]})
    assert "1 entry un-cancelled." in client.get(response.headers["Location"]).get_data(as_text=True)
    db.session.rollback()
    assert [e.cancelled for e in entries_of(db.session, log["first"])] == [False, True, False]


def test_an_entry_of_a_cancelled_registered_segment_stays_cancelled(
    db: Any, client: FlaskClient, login: Callable, log: dict[str, Any]
) -> None:
    login()
    nos = _entry_nos(db, log["third"]) + _entry_nos(db, log["first"])[:1]
    response = client.post("/interaction-log-entries/uncancel", data={"entry": nos})
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "cannot be un-cancelled alone: un-cancel registered segment SEG00003 instead." in html
    db.session.rollback()
    assert [e.cancelled for e in entries_of(db.session, log["third"])] == [True]


def test_a_viewer_cannot_change_entries(db: Any, client: FlaskClient, login: Callable, log: dict[str, Any]) -> None:
    login("vera", role=Role.VIEWER)
    html = client.get("/interaction-log-entries").get_data(as_text=True)
    assert not parse(html).xpath("//form[@id='bulk-form']") and not parse(html).xpath("//input[@name='entry']")
    nos = _entry_nos(db, log["first"])
    assert client.post("/interaction-log-entries/cancel", data={"entry": nos}).status_code == 403


def test_csv_export_of_the_filtered_entries(client: FlaskClient, login: Callable, log: dict[str, Any]) -> None:
    login()
    response = client.get("/interaction-log-entries/export.csv?campaign=CP1&cancelled=no")
    assert f"interaction-log-entries-{date.today().isoformat()}.csv" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert [(r["Contact no."], r["Evaluation"], r["Attempt failed"], r["Delivery status"]) for r in rows] == [
        ("RC00003", "", "0", "Error"),
        ("RC00002", "", "1", ""),
        ("RC00001", "Negative", "0", ""),
    ]
    assert rows[0]["Contact name"] == "Company RC00003" and rows[0]["Segment no."] == "SEG00001"


def test_excel_export_in_italian(client: FlaskClient, login: Callable, log: dict[str, Any]) -> None:
    login(language="it")
    response = client.get("/interaction-log-entries/export.xlsx?evaluation=negative")
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("N. movimento", "Data", "N. contatto", "Nome contatto")
    assert [(row[2], row[11]) for row in rows[1:]] == [("RC00001", "Negativa")]


def _statements(db: Any, call: Callable[[], Any]) -> list[str]:
    with count_statements(db.engine) as counted:
        response = call()
    assert response.status_code in (200, 303), response.get_data(as_text=True)
    return counted.statements


@pytest.mark.parametrize("query", ["", "?campaign=CP1&evaluation=-", "?after=999999"])
def test_a_page_runs_as_many_statements_for_300_entries_as_for_3(
    db: Any, client: FlaskClient, login: Callable, make_registered: Any, query: str
) -> None:
    login()
    make_registered("SEG00001", entries=3)
    small = _statements(db, lambda: client.get(f"/interaction-log-entries{query}"))
    make_registered("SEG00002", entries=300, prefix="OT")
    large = _statements(db, lambda: client.get(f"/interaction-log-entries{query}"))
    assert len(large) == len(small), (small, large)


@pytest.mark.parametrize("action", ["outcome", "cancel", "uncancel"])
def test_a_change_runs_as_many_statements_for_300_entries_as_for_3(
    db: Any, client: FlaskClient, login: Callable, make_registered: Any, action: str
) -> None:
    login()
    counts = []
    for size, prefix in ((3, "RC"), (300, "OT")):
        nos = _entry_nos(db, make_registered(entries=size, prefix=prefix).entry_no)
        db.session.rollback()
        data = {"entry": nos, "set_evaluation": "positive"}
        counts.append(
            len(_statements(db, lambda data=data: client.post(f"/interaction-log-entries/{action}", data=data)))
        )
        db.session.rollback()
        if action == "cancel":
            assert (
                db.session.scalars(
                    select(InteractionLogEntry.cancelled).where(InteractionLogEntry.entry_no.in_(nos))
                ).all()
                == [True] * size
            )
    assert counts[0] == counts[1]
