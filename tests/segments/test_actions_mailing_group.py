"""Apply a mailing group to a segment's line contacts (spec 3.8): the service, the page, its statements."""

from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from segapp.models import ContactMailingGroup, Role
from segapp.services.errors import NotFound
from segapp.services.segments.mailing_groups import apply_mailing_group
from tests.conftest import csrf_token_from
from tests.segments.actions_support import fill_lines
from tests.sqlcount import count_statements


def _members(db: Any, code: str) -> list[str]:
    db.session.rollback()  # a fresh look after the requests
    statement = select(ContactMailingGroup.contact_no).where(ContactMailingGroup.mailing_group_code == code)
    return sorted(db.session.scalars(statement))


def test_line_contacts_join_the_group_and_members_stay(db: Any, mailing_segment: tuple) -> None:
    header, contacts = mailing_segment
    db.session.add_all(
        [
            ContactMailingGroup(contact_no="P100", mailing_group_code="XMAS"),
            ContactMailingGroup(contact_no="C300", mailing_group_code="XMAS"),
            ContactMailingGroup(contact_no="C200", mailing_group_code="FAIR"),
        ]
    )
    db.session.commit()
    added = apply_mailing_group(db.session, header.no, "XMAS")
    db.session.commit()
    assert added == 1  # C200; P100 was already in it, the line without contact adds nothing
    assert _members(db, "XMAS") == ["C200", "C300", "P100"]
    assert _members(db, "FAIR") == ["C200"]  # another group is untouched


def test_emptying_first_leaves_only_the_line_contacts(db: Any, mailing_segment: tuple) -> None:
    header, _ = mailing_segment
    db.session.add_all(
        [
            ContactMailingGroup(contact_no="P100", mailing_group_code="XMAS"),
            ContactMailingGroup(contact_no="C300", mailing_group_code="XMAS"),
            ContactMailingGroup(contact_no="C300", mailing_group_code="FAIR"),
        ]
    )
    db.session.commit()
    added = apply_mailing_group(db.session, header.no, "XMAS", empty_first=True)
    db.session.commit()
    assert added == 2
    assert _members(db, "XMAS") == ["C200", "P100"]
    assert _members(db, "FAIR") == ["C300"]


def test_a_contact_on_two_lines_joins_once(db: Any, mailing_segment: tuple) -> None:
    from segapp.models import SegmentLine

    header, _ = mailing_segment
    db.session.add(SegmentLine(segment_no=header.no, line_no=40000, contact_no="P100", contact_company_no="C100"))
    db.session.commit()
    assert apply_mailing_group(db.session, header.no, "XMAS") == 2
    db.session.commit()
    assert _members(db, "XMAS") == ["C200", "P100"]


def test_an_unknown_group_is_refused_and_nothing_changes(db: Any, mailing_segment: tuple) -> None:
    header, _ = mailing_segment
    db.session.add(ContactMailingGroup(contact_no="C300", mailing_group_code="XMAS"))
    db.session.commit()
    with pytest.raises(NotFound) as refused:
        apply_mailing_group(db.session, header.no, "NOPE", empty_first=True)
    assert "NOPE" in refused.value.message and refused.value.field == "mailing_group_code"
    db.session.rollback()
    assert _members(db, "XMAS") == ["C300"]


def test_the_page_applies_the_group_and_says_how_many_joined(
    client: FlaskClient, login: Callable, db: Any, mailing_segment: tuple
) -> None:
    header, _ = mailing_segment
    login("ann")
    page = client.get(f"/segments/{header.no}/mailing-group")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "XMAS · Christmas card" in html and 'name="empty_first"' in html
    data = {"csrf_token": csrf_token_from(html), "mailing_group_code": "XMAS"}
    response = client.post(f"/segments/{header.no}/mailing-group", data=data)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/segments/{header.no}")
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "2 contacts added to mailing group XMAS." in shown
    assert _members(db, "XMAS") == ["C200", "P100"]


def test_the_page_refuses_no_group_and_a_deleted_group_with_a_message(
    client: FlaskClient, login: Callable, db: Any, mailing_segment: tuple
) -> None:
    header, _ = mailing_segment
    login("ann")
    token = csrf_token_from(client.get(f"/segments/{header.no}/mailing-group").get_data(as_text=True))
    url = f"/segments/{header.no}/mailing-group"
    blank = client.post(url, data={"csrf_token": token, "mailing_group_code": ""})
    assert blank.status_code == 422 and "Choose a mailing group." in blank.get_data(as_text=True)
    gone = client.post(url, data={"csrf_token": token, "mailing_group_code": "GONE"})
    assert gone.status_code == 422 and "There is no mailing group GONE." in gone.get_data(as_text=True)
    assert _members(db, "XMAS") == []


def test_the_message_in_italian(client: FlaskClient, login: Callable, mailing_segment: tuple) -> None:
    header, _ = mailing_segment
    login("ann", language="it")
    html = client.get(f"/segments/{header.no}/mailing-group").get_data(as_text=True)
    assert "Applica gruppo mailing" in html
    response = client.post(
        f"/segments/{header.no}/mailing-group",
        data={"csrf_token": csrf_token_from(html), "mailing_group_code": "XMAS"},
        follow_redirects=True,
    )
    assert "2 contatti aggiunti al gruppo mailing XMAS." in response.get_data(as_text=True)


def test_a_viewer_cannot_apply_a_mailing_group(
    client: FlaskClient, login: Callable, db: Any, mailing_segment: tuple
) -> None:
    header, _ = mailing_segment
    login("vera", role=Role.VIEWER)
    page = client.get(f"/segments/{header.no}")
    html = page.get_data(as_text=True)
    assert "Export contacts to CSV" in html and "Apply mailing group" not in html
    assert client.get(f"/segments/{header.no}/mailing-group").status_code == 403
    response = client.post(
        f"/segments/{header.no}/mailing-group", data={"csrf_token": csrf_token_from(html), "mailing_group_code": "XMAS"}
    )
    assert response.status_code == 403
    assert _members(db, "XMAS") == []


@pytest.mark.parametrize("empty_first", [False, True])
def test_applying_runs_the_same_statements_for_3_and_300_lines(
    db: Any, make_segment: Callable, countries: None, empty_first: bool
) -> None:
    counts = []
    for size, prefix in ((3, "S"), (300, "L")):
        header = make_segment()
        contacts = fill_lines(db, header.no, size, prefix)
        with count_statements(db.engine) as counted:
            added = apply_mailing_group(db.session, header.no, "XMAS", empty_first=empty_first)
            db.session.commit()
        assert added == size
        counts.append(counted.count)
        assert set(contacts) <= set(_members(db, "XMAS"))
    assert counts[0] == counts[1], counts
