"""The register dialog (spec 3.6) through the test client: the dialog, a refusal at its line, success, 409."""

from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select, update

from segapp.models import InteractionLogEntry, LoggedSegment, SegmentHeader, SegmentLine

HX = {"HX-Request": "true"}


def test_the_dialog_asks_with_send_documents_on_when_a_line_has_a_correspondence_type(
    client: Any, login: Callable[..., Any], make_registrable: Callable[..., SegmentHeader]
) -> None:
    login()
    header = make_registrable(3)
    page = client.get(f"/segments/{header.no}/register", headers=HX).get_data(as_text=True)
    assert 'id="criteria-dialog"' in page and "data-open" in page
    assert "3 lines with a contact become interaction log entries" in page
    assert 'name="send_documents" value="1" checked autofocus' in page
    assert 'name="create_follow_up" value="1">' in page


def test_send_documents_is_off_when_no_line_has_a_correspondence_type(
    db: Any, client: Any, login: Callable[..., Any], make_registrable: Callable[..., SegmentHeader]
) -> None:
    login()
    header = make_registrable(2)
    db.session.execute(update(SegmentLine).values(correspondence_type=""))
    db.session.commit()
    page = client.get(f"/segments/{header.no}/register", headers=HX).get_data(as_text=True)
    assert 'name="send_documents" value="1" autofocus' in page


def test_a_refusal_names_the_line_and_field_and_links_to_it(
    db: Any, client: Any, login: Callable[..., Any], make_registrable: Callable[..., SegmentHeader]
) -> None:
    login()
    header = make_registrable(3)
    db.session.execute(update(SegmentLine).where(SegmentLine.line_no == 20000).values(date=None))
    db.session.commit()
    response = client.post(
        f"/segments/{header.no}/register", data={"send_documents": "1", "create_follow_up": "1"}, headers=HX
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Line 20000 (contact R00002) has no date." in page
    assert 'data-go-to-line="20000" data-field="date"' in page
    assert 'data-contact-no="R00002"' in page
    # The options stay as the user chose them.
    assert 'name="create_follow_up" value="1" checked' in page
    assert db.session.scalar(select(func.count()).select_from(LoggedSegment)) == 0


def test_register_lands_on_the_registered_segment_with_the_message(
    db: Any, client: Any, login: Callable[..., Any], make_registrable: Callable[..., SegmentHeader]
) -> None:
    user = login()
    header = make_registrable(3)
    no = header.no
    response = client.post(f"/segments/{no}/register", data={"send_documents": "1"}, headers=HX)
    assert response.status_code == 200
    logged = db.session.scalars(select(LoggedSegment)).one()
    assert response.headers["HX-Redirect"] == f"/registered-segments/{logged.entry_no}"
    assert logged.user_id == user.id
    page = client.get(response.headers["HX-Redirect"]).get_data(as_text=True)
    assert f"Segment {no} has been registered." in page
    assert db.session.scalar(select(func.count()).select_from(InteractionLogEntry)) == 3


def test_register_without_htmx_redirects_and_a_follow_up_is_announced(
    db: Any, client: Any, login: Callable[..., Any], make_registrable: Callable[..., SegmentHeader]
) -> None:
    login()
    no = make_registrable(2).no
    response = client.post(f"/segments/{no}/register", data={"create_follow_up": "1"})
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    follow_up = db.session.scalars(select(SegmentHeader)).one()
    assert f"Follow-up segment {follow_up.no} was created with 2 lines." in page


def test_a_second_register_answers_409_with_a_link_to_the_registered_segment(
    db: Any, client: Any, login: Callable[..., Any], make_registrable: Callable[..., SegmentHeader]
) -> None:
    login()
    no = make_registrable(2).no
    client.post(f"/segments/{no}/register", data={"send_documents": "1"}, headers=HX)
    entry_no = db.session.scalar(select(LoggedSegment.entry_no))
    again = client.post(f"/segments/{no}/register", data={"send_documents": "1"}, headers=HX)
    page = again.get_data(as_text=True)
    assert again.status_code == 409
    assert f"Segment {no} was already registered." in page
    assert f'href="/registered-segments/{entry_no}"' in page
    assert db.session.scalar(select(func.count()).select_from(InteractionLogEntry)) == 2


def test_editing_a_segment_registered_meanwhile_says_so(
    db: Any, client: Any, login: Callable[..., Any], make_registrable: Callable[..., SegmentHeader]
) -> None:
    login("ann", full_name="Ann Lee")
    no = make_registrable(2).no
    client.post(f"/segments/{no}/register", data={"send_documents": "1"}, headers=HX)
    entry_no = db.session.scalar(select(LoggedSegment.entry_no))
    edit = client.put(f"/segments/{no}/lines/10000", data={"field": "description", "value": "x"}, headers=HX)
    assert edit.status_code == 410
    assert f"Segment {no} was registered by Ann Lee on" in edit.get_data(as_text=True)
    header_edit = client.put(f"/segments/{no}/header/description", data={"value": "x"}, headers=HX)
    assert header_edit.status_code == 410
    page = client.get(f"/segments/{no}")
    assert page.status_code == 303 and page.headers["Location"] == f"/registered-segments/{entry_no}"


def test_a_viewer_cannot_register(
    db: Any, client: Any, login: Callable[..., Any], make_registrable: Callable[..., SegmentHeader]
) -> None:
    from segapp.models import Role

    login("vic", role=Role.VIEWER)
    no = make_registrable(2).no
    assert client.post(f"/segments/{no}/register", data={"send_documents": "1"}).status_code == 403
    assert db.session.scalar(select(func.count()).select_from(LoggedSegment)) == 0
