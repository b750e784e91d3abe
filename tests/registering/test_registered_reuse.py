"""Reuse segment from the segment page: pick a registered segment, append its entries' contacts, land back on the
segment with how many lines were added; go back takes them out again."""

from collections.abc import Callable
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select

from segapp.models import CriteriaActionType, Evaluation, SegmentCriteriaAction, SegmentLine
from segapp.services.criteria.undo import go_back
from tests.html import one, parse
from tests.registering.registered_support import make_registered, make_segment, reference

__all__ = ["make_registered", "make_segment", "reference"]
HX = {"HX-Request": "true"}


def _lines(db: Any, segment_no: str) -> list[str]:
    db.session.rollback()
    return list(
        db.session.scalars(
            select(SegmentLine.contact_no).where(SegmentLine.segment_no == segment_no).order_by(SegmentLine.contact_no)
        )
    )


def test_the_segment_page_and_the_criteria_view_offer_it(
    client: FlaskClient, login: Callable, make_segment: Any
) -> None:
    login()
    header = make_segment()
    page = parse(client.get(f"/segments/{header.no}").get_data(as_text=True))
    button = one(page, "//a[@data-shortcut-action='reuse_segment']")
    assert button.get("aria-keyshortcuts") == "Alt+Shift+U"
    assert button.get("href") == f"/segments/{header.no}/reuse-segment"
    criteria = parse(client.get(f"/segments/{header.no}/criteria").get_data(as_text=True))
    assert one(criteria, "//a[text()='Reuse segment']").get("href") == f"/segments/{header.no}/reuse-segment"


def test_pick_search_and_reuse(
    db: Any, client: FlaskClient, login: Callable, make_segment: Any, make_registered: Any
) -> None:
    login()
    header = make_segment(description="Autumn")
    make_registered("SEG00101", entries=3, description="Spring letters")
    make_registered("SEG00102", entries=2, prefix="OT", description="Summer calls")
    picker = client.get(f"/segments/{header.no}/reuse-segment").get_data(as_text=True)
    assert [a.text for a in parse(picker).xpath("//tr[@data-registered]/td[2]/a")] == ["SEG00102", "SEG00101"]
    found = client.get(f"/segments/{header.no}/reuse-segment?q=spring", headers=HX).get_data(as_text=True)
    link = one(parse(found), "//tr[@data-registered]/td[2]/a")
    assert link.text == "SEG00101"
    confirm = client.get(link.get("href")).get_data(as_text=True)
    assert "3 entries of registered segment SEG00101" in confirm
    response = client.post(f"/segments/{header.no}/reuse-segment", data={"registered": link.get("href").split("=")[-1]})
    assert response.headers["Location"].endswith(f"/segments/{header.no}")
    assert "Reused registered segment SEG00101: 3 lines added." in client.get(response.headers["Location"]).get_data(
        as_text=True
    )
    assert _lines(db, header.no) == ["RC00001", "RC00002", "RC00003"]
    action = db.session.scalars(
        select(SegmentCriteriaAction).where(SegmentCriteriaAction.segment_no == header.no)
    ).one()
    assert action.action_type == CriteriaActionType.REUSE_SEGMENT
    go_back(db.session, header.no)
    db.session.commit()
    assert _lines(db, header.no) == []


def test_reuse_only_the_chosen_outcomes_and_skip_contacts_already_there(
    db: Any, client: FlaskClient, login: Callable, make_segment: Any, make_registered: Any
) -> None:
    login()
    header = make_segment()
    outcomes = [{"evaluation": Evaluation.POSITIVE}, {"attempt_failed": True}, {}]
    entry_no = make_registered("SEG00101", entries=3, outcomes=outcomes).entry_no
    response = client.post(
        f"/segments/{header.no}/reuse-segment", data={"registered": entry_no, "evaluation": ["positive"]}
    )
    assert "1 line added." in client.get(response.headers["Location"]).get_data(as_text=True)
    assert _lines(db, header.no) == ["RC00001"]
    client.post(f"/segments/{header.no}/reuse-segment", data={"registered": entry_no})
    assert _lines(db, header.no) == ["RC00001", "RC00002", "RC00003"]


def test_bad_requests_are_answered(client: FlaskClient, login: Callable, make_segment: Any) -> None:
    login()
    header = make_segment()
    assert client.get("/segments/NOPE/reuse-segment").status_code == 404
    assert client.get(f"/segments/{header.no}/reuse-segment?registered=999").status_code == 404
    assert client.post(f"/segments/{header.no}/reuse-segment", data={"registered": "x"}).status_code == 400
    response = client.post(f"/segments/{header.no}/reuse-segment", data={"registered": "999"})
    assert response.status_code == 303
    assert "There is no registered segment 999." in client.get(response.headers["Location"]).get_data(as_text=True)
