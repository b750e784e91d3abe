"""The segments list and the segment page through the client: fragments, 422 and 409 bodies."""

from decimal import Decimal

from sqlalchemy import select

from segapp.models import SegmentCriteriaAction, SegmentHeader, SegmentLine
from segapp.services.segments.lines import add_line

HX = {"HX-Request": "true"}


def _header(db, no: str) -> SegmentHeader:
    db.session.rollback()
    db.session.rollback()
    return db.session.get(SegmentHeader, no)


def test_new_creates_a_segment_and_opens_it(client, login, reference) -> None:
    login("ann", salesperson_code="MR")
    response = client.post("/segments/new")
    assert response.status_code == 303 and response.headers["Location"].endswith("/segments/SEG00001")
    page = client.get("/segments/SEG00001").get_data(as_text=True)
    assert "SEG00001" in page and 'id="h-salesperson_code"' in page and 'value="MR"' in page
    assert "data-keymap=" in page and "Alt+Shift+N" in page
    listing = client.get("/segments/?q=SEG0").get_data(as_text=True)
    assert "/segments/SEG00001" in listing


def test_list_search_answers_a_fragment(client, login, make_segment) -> None:
    login()
    make_segment(description="Christmas cards")
    make_segment(description="Fair invitation")
    fragment = client.get("/segments/?q=christmas", headers=HX).get_data(as_text=True)
    assert "Christmas cards" in fragment and "Fair invitation" not in fragment and "<html" not in fragment


def test_delete_after_confirmation(client, login, make_segment, make_contact, db) -> None:
    login()
    header = make_segment(description="Spring mailing")
    add_line(db.session, header.no, make_contact("A").no)
    db.session.commit()
    confirm = client.get(f"/segments/{header.no}/delete").get_data(as_text=True)
    assert f"The segment {header.no} Spring mailing and its 1 line, criteria and history" in confirm
    assert client.post(f"/segments/{header.no}/delete").status_code == 303
    assert _header(db, header.no) is None
    assert db.session.scalars(select(SegmentCriteriaAction)).all() == []


def test_header_field_saves_and_answers_its_fragment_with_dependents(client, login, make_segment, db) -> None:
    login()
    header = make_segment()
    response = client.put(
        f"/segments/{header.no}/header/interaction_template_code", data={"value": "LETTER", "version": "1"}, headers=HX
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert (
        body.startswith('<div class="field hfield" id="hf-interaction_template_code"')
        or 'id="hf-interaction_template_code"' in body.split("hx-swap-oob")[0]
    )
    assert 'id="hf-unit_cost" hx-swap-oob="true"' in body and 'value="1.20"' in body
    assert 'id="header-version" name="version" value="2" hx-swap-oob="true"' in body
    assert "lines-dialog" not in body  # no lines, no question
    assert _header(db, header.no).interaction_template_code == "LETTER"


def test_a_refused_header_value_is_a_422_with_the_message_at_the_field(client, login, make_segment, db) -> None:
    login()
    header = make_segment(unit_cost=Decimal("1"))
    response = client.put(f"/segments/{header.no}/header/unit_cost", data={"value": "-5", "version": "1"}, headers=HX)
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="hf-unit_cost"' in body and "cannot be negative" in body and 'value="-5"' in body
    assert _header(db, header.no).unit_cost == Decimal("1.00")


def test_a_stale_header_edit_is_a_409_with_the_current_value(client, login, make_segment, db) -> None:
    login()
    header = make_segment()
    client.put(f"/segments/{header.no}/header/description", data={"value": "Mine", "version": "1"}, headers=HX)
    response = client.put(
        f"/segments/{header.no}/header/description", data={"value": "Theirs", "version": "1"}, headers=HX
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Someone else changed" in body and 'value="Mine"' in body
    assert _header(db, header.no).description == "Mine"


def test_header_change_with_lines_asks_and_yes_updates_them(client, login, make_segment, make_contact, db) -> None:
    login()
    header = make_segment(salesperson_code="MR")
    add_line(db.session, header.no, make_contact("A").no)
    db.session.commit()
    body = client.put(
        f"/segments/{header.no}/header/salesperson_code", data={"value": "LB", "version": "1"}, headers=HX
    ).get_data(as_text=True)
    assert '<dialog id="lines-dialog" hx-swap-oob="true" data-open' in body and "1 lines" in body
    refreshed = client.post(f"/segments/{header.no}/header/salesperson_code/lines", headers=HX).get_data(as_text=True)
    assert "1 lines updated" in refreshed and 'data-line-no="10000"' in refreshed
    db.session.rollback()
    assert db.session.scalar(select(SegmentLine.salesperson_code)) == "LB"


def test_add_a_line_by_contact_no(client, login, make_segment, make_contact, db) -> None:
    login()
    header = make_segment(unit_cost=Decimal("2"))
    contact = make_contact("Acme", city="Milano")
    response = client.post(f"/segments/{header.no}/lines", data={"contact_no": contact.no.lower()}, headers=HX)
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="line-10000"' in body and "Acme" in body and "data-new-line" not in body
    assert 'data-total="lines">1<' in body and 'data-total="cost">2.00<' in body


def test_an_unknown_contact_is_refused_at_the_new_line(client, login, make_segment, db) -> None:
    login()
    header = make_segment()
    response = client.post(f"/segments/{header.no}/lines", data={"contact_no": "NOPE"}, headers=HX)
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and "There is no contact NOPE" in body and 'data-rejected="NOPE"' in body
    db.session.rollback()
    assert db.session.scalars(select(SegmentLine)).all() == []


def test_edit_a_cell_and_refusals(client, login, make_segment, make_contact, db) -> None:
    login()
    header = make_segment()
    line = add_line(db.session, header.no, make_contact("A").no).line
    db.session.commit()
    url = f"/segments/{header.no}/lines/{line.line_no}"
    ok = client.put(url, data={"field": "cost", "value": "4,5", "version": "1"}, headers=HX)
    assert (
        ok.status_code == 200
        and 'data-version="2"' in ok.get_data(as_text=True)
        and "4.50" in ok.get_data(as_text=True)
    )
    bad = client.put(url, data={"field": "date", "value": "31/02/2026", "version": "2"}, headers=HX)
    body = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "is not a date" in body and 'data-rejected="31/02/2026"' in body
    stale = client.put(url, data={"field": "cost", "value": "9", "version": "1"}, headers=HX)
    body = stale.get_data(as_text=True)
    assert stale.status_code == 409 and "Someone else changed this line" in body and 'data-value="4.50"' in body


def test_delete_a_line_answers_the_totals(client, login, make_segment, make_contact, db) -> None:
    login()
    header = make_segment()
    line = add_line(db.session, header.no, make_contact("A").no).line
    db.session.commit()
    response = client.delete(f"/segments/{header.no}/lines/{line.line_no}?version=1", headers=HX)
    assert response.status_code == 200 and 'data-total="lines">0<' in response.get_data(as_text=True)


def test_lines_page_by_page_sorted_and_filtered(client, login, make_segment, make_contact, db) -> None:
    login()
    header = make_segment()
    for i, city in enumerate(["Roma", "Milano", "Torino"]):
        add_line(db.session, header.no, make_contact(f"Company {i}", city=city).no)
    db.session.commit()
    base = f"/segments/{header.no}/lines"
    sorted_body = client.get(base + "?sort=city", headers=HX).get_data(as_text=True)
    assert sorted_body.index("Company 1") < sorted_body.index("Company 0") < sorted_body.index("Company 2")
    filtered = client.get(base + "?q=tori", headers=HX).get_data(as_text=True)
    assert "Company 2" in filtered and "Company 0" not in filtered


def test_contact_completion_by_no_or_name(client, login, make_contact) -> None:
    login()
    make_contact("Officine Rossi", city="Milano")
    make_contact("Hidden", privacy_blocked=True)
    body = client.get("/segments/contact-options?q=rossi", headers=HX).get_data(as_text=True)
    assert "Officine Rossi" in body and "<option" in body
    assert "Hidden" not in client.get("/segments/contact-options?q=hid", headers=HX).get_data(as_text=True)


def test_two_users_editing_the_same_line_never_overwrite_each_other(
    app, login, make_user, make_segment, make_contact, db
) -> None:
    from tests.conftest import PASSWORD, IsolatedClient

    header = make_segment()
    line = add_line(db.session, header.no, make_contact("A").no).line
    db.session.commit()
    login("ann")
    make_user("bob")
    app.test_client_class = IsolatedClient
    bob = app.test_client()
    bob.post("/auth/login", data={"username": "bob", "password": PASSWORD})
    url = f"/segments/{header.no}/lines/{line.line_no}"
    first = app.test_client()
    first.post("/auth/login", data={"username": "ann", "password": PASSWORD})
    assert (
        first.put(url, data={"field": "description", "value": "Ann's", "version": "1"}, headers=HX).status_code == 200
    )
    second = bob.put(url, data={"field": "description", "value": "Bob's", "version": "1"}, headers=HX)
    body = second.get_data(as_text=True)
    assert second.status_code == 409
    assert "Someone else changed this line" in body and 'data-value="Ann&#39;s"' in body
    stale_delete = bob.delete(url + "?version=1", headers=HX)
    assert stale_delete.status_code == 409 and 'id="line-10000"' in stale_delete.get_data(as_text=True)
    db.session.rollback()
    assert db.session.get(SegmentLine, (header.no, line.line_no)).description == "Ann's"


def test_a_viewer_sees_the_segment_read_only(client, login, make_segment, make_contact, db) -> None:
    from segapp.models import Role

    header = make_segment(campaign_no="CP1")
    add_line(db.session, header.no, make_contact("A").no)
    db.session.commit()
    login("vera", role=Role.VIEWER)
    page = client.get(f"/segments/{header.no}").get_data(as_text=True)
    assert 'id="line-10000"' in page and "Fair" in page
    assert "data-edit=" not in page and "data-new-line-url" not in page and "New line</button>" not in page
    assert 'id="h-description" name="value" value="" readonly' in page


def test_a_contact_can_be_typed_by_a_unique_name(client, login, make_segment, make_contact, db) -> None:
    login()
    header = make_segment()
    make_contact("Officine Rossi")
    make_contact("Officine Bianchi")
    unique = client.post(f"/segments/{header.no}/lines", data={"contact_no": "officine r"}, headers=HX)
    assert unique.status_code == 200 and "Officine Rossi" in unique.get_data(as_text=True)
    ambiguous = client.post(f"/segments/{header.no}/lines", data={"contact_no": "officine"}, headers=HX)
    assert ambiguous.status_code == 422


def test_the_page_speaks_italian(client, login, make_segment, make_contact, db) -> None:
    header = make_segment()
    add_line(db.session, header.no, make_contact("A").no)
    db.session.commit()
    login("ugo", language="it")
    page = client.get(f"/segments/{header.no}").get_data(as_text=True)
    assert "Righe" in page and "Scorciatoie da tastiera" in page and "Modello interazione" in page
    refused = client.put(f"/segments/{header.no}/header/unit_cost", data={"value": "-1", "version": "1"}, headers=HX)
    assert "Il valore non può essere negativo." in refused.get_data(as_text=True)
