"""The segments list and the segment page through the client: fragments, 422 and 409 bodies."""

from decimal import Decimal

from sqlalchemy import select

from segapp.models import SegmentCriteriaAction, SegmentHeader, SegmentLine
from segapp.services.segments.lines import add_line, update_line_field
from tests.html import one, parse

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
    assert response.status_code == 200
    fragment = parse(response.get_data(as_text=True))
    field = fragment[0]  # the target of the swap comes first; the dependents follow out of band
    assert field.get("id") == "hf-interaction_template_code" and field.get("hx-swap-oob") is None
    unit_cost = one(fragment, '//*[@id="hf-unit_cost"]')
    assert unit_cost.get("hx-swap-oob") == "true" and one(unit_cost, ".//input").get("value") == "1.20"
    version = one(fragment, '//*[@id="header-version"]')
    assert (version.get("name"), version.get("value"), version.get("hx-swap-oob")) == ("version", "2", "true")
    assert fragment.xpath('//*[@id="lines-dialog"]') == []  # no lines, no question
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
    assert '<dialog id="lines-dialog" hx-swap-oob="true" data-open' in body
    assert "Update Salesperson on 1 line?" in body and "All of them still carry the old value." in body
    assert "data-only-unchanged" not in body  # nothing to spare
    refreshed = client.post(f"/segments/{header.no}/header/salesperson_code/lines", headers=HX).get_data(as_text=True)
    assert "1 line updated." in refreshed and 'data-line-no="10000"' in refreshed
    db.session.rollback()
    assert db.session.scalar(select(SegmentLine.salesperson_code)) == "LB"


def test_the_question_names_the_field_and_can_spare_lines_changed_by_hand(
    client, login, make_segment, make_contact, db
) -> None:
    login()
    header = make_segment(description="Old")
    for name in ("A", "B", "C"):
        add_line(db.session, header.no, make_contact(name).no)
    update_line_field(db.session, header.no, 20000, "description", "By hand", 1)
    db.session.commit()
    body = client.put(
        f"/segments/{header.no}/header/description", data={"value": "New", "version": "1"}, headers=HX
    ).get_data(as_text=True)
    assert "Update Description on 3 lines?" in body
    assert "1 of them no longer carries the old value (changed by hand) and will be overwritten." in body
    assert "Only the 2 lines still equal to the old value" in body and "Yes, update all 3 lines" in body
    spared = client.post(
        f"/segments/{header.no}/header/description/lines", data={"old_value": "Old", "only_unchanged": "1"}, headers=HX
    ).get_data(as_text=True)
    assert "2 lines updated" in spared
    db.session.rollback()
    described = db.session.scalars(select(SegmentLine.description).order_by(SegmentLine.line_no)).all()
    assert described == ["New", "By hand", "New"]


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


def test_a_line_delete_without_its_version_is_refused_like_an_edit(
    client, login, make_segment, make_contact, db
) -> None:
    login()
    header = make_segment()
    line = add_line(db.session, header.no, make_contact("A").no).line
    db.session.commit()
    key = (header.no, line.line_no)
    url = f"/segments/{header.no}/lines/{line.line_no}"
    for query in ("", "?version=0", "?version=", "?version=x"):
        response = client.delete(url + query, headers=HX)
        body = response.get_data(as_text=True)
        assert response.status_code == 409, query
        assert "Someone else changed this line" in body and 'data-version="1"' in body
    db.session.rollback()
    assert db.session.get(SegmentLine, key) is not None
    assert client.delete(url, data={"version": "1"}, headers=HX).status_code == 200
    db.session.rollback()
    assert db.session.get(SegmentLine, key) is None


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
    second = bob.put(url, data={"field": "description", "value": "Bob's", "version": "1", "start": ""}, headers=HX)
    body = second.get_data(as_text=True)
    assert second.status_code == 409
    assert "Someone else changed this to “Ann&#39;s”" in body and 'data-value="Ann&#39;s"' in body
    assert 'data-rejected="Bob&#39;s"' in body  # Bob's text comes back to his cell for another try
    # Bob's older copy may still change another field of the line: only the same field conflicts.
    other = bob.put(url, data={"field": "subject", "value": "Bob's", "version": "1", "start": ""}, headers=HX)
    assert other.status_code == 200 and 'data-version="3"' in other.get_data(as_text=True)
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
    assert "data-edit=" not in page and "new-line-template" not in page and "New line</button>" not in page
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
    asked = client.put(f"/segments/{header.no}/header/date", data={"value": "2026-12-01", "version": "1"}, headers=HX)
    body = asked.get_data(as_text=True)
    assert "Aggiornare Data su 1 riga?" in body and "Sì, aggiorna la riga" in body
    again = client.post(f"/segments/{header.no}/lines", data={"contact_no": "A"}, headers=HX).get_data(as_text=True)
    assert "Contatto già presente nel segmento" in again and "è già sulla riga 10000 di questo segmento" in again


def test_a_contact_already_on_the_segment_is_asked_about_at_the_new_line(
    client, login, make_segment, make_contact, db
) -> None:
    login()
    header = make_segment()
    acme = make_contact("Acme")
    add_line(db.session, header.no, acme.no)
    db.session.commit()
    url = f"/segments/{header.no}/lines"
    asked = client.post(url, data={"contact_no": acme.no}, headers=HX)
    body = asked.get_data(as_text=True)
    assert asked.status_code == 409 and f"{acme.no} Acme is already on line 10000" in body
    assert 'id="existing-dialog" hx-swap-oob="true" data-open' in body and f'data-rejected="{acme.no}"' in body
    yes = client.post(url, data={"contact_no": acme.no, "allow_existing": "1"}, headers=HX)
    assert yes.status_code == 200 and 'id="line-20000"' in yes.get_data(as_text=True)


def test_sections_are_remembered_per_user(client, login, make_segment, db) -> None:
    from segapp.models import Role

    header = make_segment()
    login("vic", role=Role.VIEWER)  # a viewer's own layout is theirs to keep
    assert client.put("/segments/sections/interaction", data={"open": ""}, headers=HX).status_code == 204
    assert client.put("/segments/sections/nothing", data={"open": ""}, headers=HX).status_code == 404
    page = client.get(f"/segments/{header.no}").get_data(as_text=True)
    assert 'id="section-general" data-remember-url="/segments/sections/general" data-remembered="open" open>' in page
    assert (
        'id="section-interaction" data-remember-url="/segments/sections/interaction" data-remembered="closed">' in page
    )
    assert client.put("/segments/sections/interaction", data={"open": "1"}, headers=HX).status_code == 204
    page = client.get(f"/segments/{header.no}").get_data(as_text=True)
    assert 'data-remembered="closed"' not in page


def test_a_contact_typed_over_another_lines_contact_is_asked_about_in_the_cell(
    client, login, make_segment, make_contact, db
) -> None:
    login()
    header = make_segment()
    acme, beta = make_contact("Acme"), make_contact("Beta")
    add_line(db.session, header.no, acme.no)
    add_line(db.session, header.no, beta.no)
    db.session.commit()
    url = f"/segments/{header.no}/lines/20000"
    typed = {"field": "contact_no", "value": acme.no, "version": "1", "start": beta.no}
    asked = client.put(url, data=typed, headers=HX)
    body = asked.get_data(as_text=True)
    assert asked.status_code == 409 and f"{acme.no} Acme is already on line 10000" in body
    assert f'data-rejected="{acme.no}"' in body  # the typed number stays in the cell
    assert '<button type="button" data-answer="yes">Yes, add another line</button>' in body  # grid.js sends it again
    yes = client.put(url, data={**typed, "allow_existing": "1"}, headers=HX)
    assert yes.status_code == 200 and f'data-value="{acme.no}"' in yes.get_data(as_text=True)


def test_the_list_pages_keep_the_search(client, login, make_segment) -> None:
    login()
    for n in range(30):
        make_segment(description=f"Fair {n:02d}")
    make_segment(description="Other")
    html = client.get("/segments/?q=fair&page=2", headers={"HX-Request": "true"}).get_data(as_text=True)
    root = parse(html)
    assert len(root.xpath("//tbody/tr")) == 5 and "Page 2 of 2" in root.text_content()
    assert one(root, "//a[@rel='prev']").get("href") == "/segments/?q=fair&page=1"


def test_a_section_folded_while_another_request_folded_one_keeps_both(make_user, db, backend) -> None:
    """Two sections folded at once are two requests: the second adds to what the first wrote."""
    import pytest
    from sqlalchemy import update

    if backend == "sqlite":
        pytest.skip(
            "SQLite: a changing request holds the write lock from its BEGIN IMMEDIATE, so no other writes in between"
        )

    from segapp.models import User
    from segapp.services.users import set_section_open

    user = make_user("fay")
    db.session.commit()
    assert user.closed_sections == ""  # this request's copy, read before the other request wrote
    with db.engine.begin() as other_request:
        other_request.execute(update(User).where(User.id == user.id).values(closed_sections="general"))
    set_section_open(db.session, user, "interaction", False)
    db.session.commit()
    stored = db.session.scalar(select(User.closed_sections).where(User.id == user.id))
    assert stored.split() == ["general", "interaction"]
