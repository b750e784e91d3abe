"""Send test e-mail (spec 5), the segment page's dialog through the test client: its defaults and its checks.
The sending itself: tests/segments/test_test_email_sending.py (against the test SMTP server)."""

from collections.abc import Callable
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import update

from segapp.models import CorrespondenceType, Role, SegmentHeader, SegmentLine, User
from tests.registering.conftest import make_registrable

__all__ = ["make_registrable"]

HX = {"HX-Request": "true"}


def _email_lines(db: Any, *line_nos: int) -> None:
    db.session.execute(
        update(SegmentLine)
        .where(SegmentLine.line_no.in_(line_nos))
        .values(correspondence_type=CorrespondenceType.EMAIL)
    )
    db.session.commit()


def test_the_actions_menu_opens_the_dialog_in_place(
    client: FlaskClient, login: Callable[..., Any], make_registrable: Callable[..., SegmentHeader]
) -> None:
    login()
    header = make_registrable(2)
    page = client.get(f"/segments/{header.no}").get_data(as_text=True)
    assert f'hx-get="/segments/{header.no}/test-email" hx-target="#test-email-dialog"' in page
    assert '<dialog id="test-email-dialog"></dialog>' in page


def test_the_dialog_defaults_to_the_first_email_line_and_the_users_address(
    db: Any, client: FlaskClient, login: Callable[..., Any], make_registrable: Callable[..., SegmentHeader]
) -> None:
    user = login()
    db.session.execute(update(User).where(User.id == user.id).values(email="ann@example.com"))
    header = make_registrable(3)
    _email_lines(db, 20000, 30000)
    response = client.get(f"/segments/{header.no}/test-email", headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<dialog id="test-email-dialog"' in html and "data-open" in html
    assert 'name="line_no" type="number" value="20000"' in html
    assert 'name="to_address" required type="text" value="ann@example.com"' in html
    assert f'hx-post="/segments/{header.no}/test-email"' in html


def test_without_htmx_it_is_a_page_with_a_way_back(
    client: FlaskClient, login: Callable[..., Any], make_registrable: Callable[..., SegmentHeader]
) -> None:
    login()
    header = make_registrable(1)
    html = client.get(f"/segments/{header.no}/test-email").get_data(as_text=True)
    assert "<dialog" not in html and "Send test e-mail · Segment" in html
    assert f'href="/segments/{header.no}" data-escape-target' in html
    # No e-mail line: the line no. is left blank (the service then says there is none).
    assert 'name="line_no" type="number" value=""' in html


def test_a_bad_address_or_line_no_is_refused_at_its_field(
    client: FlaskClient, login: Callable[..., Any], make_registrable: Callable[..., SegmentHeader]
) -> None:
    login()
    header = make_registrable(1)
    url = f"/segments/{header.no}/test-email"
    for data, message in (
        ({"line_no": "10000", "to_address": ""}, "Enter the address to send the test to."),
        ({"line_no": "10000", "to_address": "not an address"}, "This is not a valid e-mail address."),
        ({"line_no": "ten", "to_address": "ann@example.com"}, "Not a valid integer value."),
        ({"line_no": "0", "to_address": "ann@example.com"}, "Enter a line no. of this segment."),
        ({"line_no": "99999999999", "to_address": "ann@example.com"}, "Enter a line no. of this segment."),
    ):
        response = client.post(url, data=data, headers=HX)
        html = response.get_data(as_text=True)
        assert response.status_code == 422, data
        assert message in html, data
        assert '<dialog id="test-email-dialog"' in html


def test_a_viewer_has_no_menu_item_and_cannot_send(
    client: FlaskClient, login: Callable[..., Any], make_registrable: Callable[..., SegmentHeader]
) -> None:
    login("vera", role=Role.VIEWER)
    header = make_registrable(1)
    assert "data-test-email" not in client.get(f"/segments/{header.no}").get_data(as_text=True)
    response = client.post(f"/segments/{header.no}/test-email", data={"to_address": "v@example.com"})
    assert response.status_code == 403


def test_a_missing_segment_is_a_404(client: FlaskClient, login: Callable[..., Any]) -> None:
    login()
    assert client.get("/segments/NOPE/test-email", headers=HX).status_code == 404
