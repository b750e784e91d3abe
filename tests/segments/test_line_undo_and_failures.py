"""Undo of a deleted line, a name matching several contacts, and what the line endpoints say when a save fails."""

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from segapp.models import SegmentCriteriaAction, SegmentLine, SegmentLineHistory
from segapp.services.errors import Ambiguous, NotFound, ServiceError
from segapp.services.segments.lines import add_line, delete_line, undo_line_delete, update_line_field

HX = {"HX-Request": "true"}


def _columns(line: SegmentLine) -> dict:
    return {column.key: getattr(line, column.key) for column in SegmentLine.__table__.columns}


def test_undo_puts_a_deleted_line_back_exactly_and_forgets_the_delete(db, make_segment, make_contact) -> None:
    header = make_segment(description="Autumn")
    first = add_line(db.session, header.no, make_contact("Acme").no).line
    second = add_line(db.session, header.no, make_contact("Bolt").no).line
    update_line_field(db.session, header.no, second.line_no, "cost", "7,50", 1)
    update_line_field(db.session, header.no, second.line_no, "description", "Call first", 2)
    db.session.commit()
    before = _columns(db.session.get(SegmentLine, (header.no, second.line_no)))
    action = delete_line(db.session, header.no, second.line_no, 3)
    db.session.commit()
    assert db.session.get(SegmentLine, (header.no, second.line_no)) is None

    assert undo_line_delete(db.session, header.no, action.id) == second.line_no
    db.session.commit()
    db.session.expire_all()
    back = db.session.get(SegmentLine, (header.no, second.line_no))
    assert _columns(back) == before and back.cost == Decimal("7.50") and back.version == 3
    assert db.session.get(SegmentCriteriaAction, action.id) is None
    assert db.session.scalar(select(func.count()).select_from(SegmentLineHistory)) == 0
    assert db.session.get(SegmentLine, (header.no, first.line_no)) is not None
    with pytest.raises(NotFound):
        undo_line_delete(db.session, header.no, action.id)  # once only


def test_a_new_line_never_takes_the_number_of_a_line_that_can_still_be_put_back(db, make_segment, make_contact) -> None:
    header = make_segment()
    add_line(db.session, header.no, make_contact("Acme").no)
    last = add_line(db.session, header.no, make_contact("Bolt").no).line
    action = delete_line(db.session, header.no, last.line_no, 1)
    newer = add_line(db.session, header.no, make_contact("Cora").no).line
    assert newer.line_no == last.line_no + 10000
    assert undo_line_delete(db.session, header.no, action.id) == last.line_no


def test_undo_is_refused_for_another_segment_or_an_add(db, make_segment, make_contact) -> None:
    header, other = make_segment(), make_segment()
    line = add_line(db.session, header.no, make_contact("Acme").no).line
    action = delete_line(db.session, header.no, line.line_no, 1)
    with pytest.raises(NotFound):
        undo_line_delete(db.session, other.no, action.id)
    added = add_line(db.session, header.no, make_contact("Bolt").no).line
    with pytest.raises(NotFound):
        undo_line_delete(db.session, header.no, added.criteria_action_id)


def test_undo_is_refused_when_the_line_number_is_in_use_again(db, make_segment, make_contact) -> None:
    header = make_segment()
    line = add_line(db.session, header.no, make_contact("Acme").no).line
    action = delete_line(db.session, header.no, line.line_no, 1)
    db.session.add(SegmentLine(segment_no=header.no, line_no=line.line_no, version=1))
    db.session.flush()
    with pytest.raises(ServiceError, match="is in use again"):
        undo_line_delete(db.session, header.no, action.id)


def test_a_name_several_contacts_start_with_offers_them(db, make_segment, make_contact) -> None:
    header = make_segment()
    srl = make_contact("Baldacci S.r.l.")
    mario = make_contact("Baldacci Mario")
    make_contact("Baldacci Blocked", privacy_blocked=True)
    with pytest.raises(Ambiguous) as raised:
        add_line(db.session, header.no, "baldacci")
    assert raised.value.message == "2 contacts match baldacci."
    assert [c.no for c in raised.value.choices] == [mario.no, srl.no]  # by name
    for i in range(11):
        make_contact(f"Rossi {i:02d}")
    with pytest.raises(Ambiguous) as many:
        add_line(db.session, header.no, "Rossi")
    assert many.value.message.startswith("More than 10 contacts match Rossi") and len(many.value.choices) == 10


def test_the_new_line_answers_the_matches_of_an_ambiguous_name(client, login, make_segment, make_contact, db) -> None:
    login()
    header = make_segment()
    make_contact("Baldacci Mario", city="Pisa")
    make_contact("Baldacci S.r.l.")
    response = client.post(f"/segments/{header.no}/lines", data={"contact_no": "Baldacci"}, headers=HX)
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert '<span class="cell-error" role="alert" id="new-contact-error">2 contacts match Baldacci.</span>' in body
    assert body.count('role="option"') == 2 and "Baldacci Mario · Pisa" in body


def test_a_cell_edit_on_a_line_deleted_by_someone_else_says_so(client, login, make_segment, make_contact, db) -> None:
    login()
    header = make_segment()
    line = add_line(db.session, header.no, make_contact("A").no).line
    delete_line(db.session, header.no, line.line_no, 1)
    db.session.commit()
    response = client.put(
        f"/segments/{header.no}/lines/{line.line_no}", data={"field": "description", "value": "x", "version": "1"}
    )
    assert response.status_code == 404
    assert "This line was deleted by someone else." in response.get_data(as_text=True)
    gone = client.delete(f"/segments/{header.no}/lines/{line.line_no}?version=1", headers=HX)
    assert gone.status_code == 200 and "already been deleted by someone else" in gone.get_data(as_text=True)


def test_delete_offers_undo_and_undo_answers_the_line(client, login, make_segment, make_contact, db) -> None:
    login()
    header = make_segment()
    line = add_line(db.session, header.no, make_contact("Acme").no).line
    db.session.commit()
    deleted = client.delete(f"/segments/{header.no}/lines/{line.line_no}?version=1", headers=HX).get_data(as_text=True)
    db.session.rollback()
    action_id = db.session.scalar(select(func.max(SegmentCriteriaAction.id)))
    url = f"/segments/{header.no}/lines/deleted/{action_id}"
    assert "Line deleted — Ctrl+Z to undo" in deleted and f'data-url="{url}"' in deleted
    assert f'<tr class="deleted-line" id="deleted-{action_id}" hidden></tr>' in deleted
    restored = client.post(url, headers=HX)
    body = restored.get_data(as_text=True)
    assert restored.status_code == 200 and 'id="line-10000"' in body and "Line 10000 put back." in body
    assert 'data-total="lines">1<' in body
    again = client.post(url, headers=HX)
    assert again.status_code == 422 and "already put back" in again.get_data(as_text=True)


def test_a_save_after_signing_out_is_a_401_not_an_expired_form(client, app, login, make_segment, monkeypatch) -> None:
    header = make_segment()
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    response = client.put(f"/segments/{header.no}/lines/10000", data={"field": "description"}, headers=HX)
    assert response.status_code == 401 and response.headers["HX-Redirect"] == "/auth/login"
    app.config["WTF_CSRF_ENABLED"] = False
    login()  # the fixture's form carries no token
    app.config["WTF_CSRF_ENABLED"] = True
    stale = client.put(
        f"/segments/{header.no}/lines/10000", data={"field": "description"}, headers={**HX, "X-CSRFToken": "old"}
    )
    assert stale.status_code == 400 and "The form has expired" in stale.get_data(as_text=True)
    fresh = stale.headers["X-CSRF-Token"]
    retried = client.put(
        f"/segments/{header.no}/lines/10000", data={"field": "description"}, headers={**HX, "X-CSRFToken": fresh}
    )
    assert retried.status_code == 404  # past the token check: the line does not exist
