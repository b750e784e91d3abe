"""The criteria view, go back, save / reuse criteria and the saved criteria list through the client."""

from sqlalchemy import delete, func, select, update

from segapp.models import (
    Contact,
    CriteriaActionType,
    Role,
    Salesperson,
    SavedCriteria,
    SavedCriteriaAction,
    SavedCriteriaFilter,
    SegmentCriteriaAction,
    SegmentLine,
)
from segapp.services.criteria.matching import ActionOptions, FieldFilter
from segapp.services.criteria.running import run_action
from segapp.services.segments.lines import add_line
from tests.html import parse

HX = {"HX-Request": "true"}


def _text(element) -> str:
    return " ".join(element.text_content().split())


def _add_milano(db, segment_no: str, user_id: int | None = None) -> None:
    run_action(
        db.session,
        segment_no,
        CriteriaActionType.ADD,
        [FieldFilter(1, "contact", "city", "Milano")],
        ActionOptions(expand_companies=True),
        user_id=user_id,
        locale="en",
    )
    db.session.commit()


def _count(db, model) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model))


def _lines(db, segment_no: str) -> list[str]:
    db.session.rollback()
    query = select(SegmentLine.contact_no).where(SegmentLine.segment_no == segment_no).order_by(SegmentLine.line_no)
    return list(db.session.scalars(query))


def test_the_criteria_view_lists_the_actions_in_plain_words(client, login, db, make_segment, world) -> None:
    user = login(full_name="Ann Lee")
    header = make_segment()
    _add_milano(db, header.no, user.id)
    add_line(db.session, header.no, "P31", user.id)
    db.session.commit()

    page = parse(client.get(f"/segments/{header.no}/criteria").get_data(as_text=True))

    rows = page.xpath("//table[contains(@class, 'criteria-actions')]/tbody/tr")
    assert [_text(row.xpath("td")[1]) for row in rows] == [
        "Add contacts: city Milano — expand companies",
        "By hand Typed contact no. P31 on a line",
    ]
    assert [_text(row.xpath("td")[4]) for row in rows] == ["Ann Lee", "Ann Lee"]
    assert _text(rows[0].xpath("td")[2]) == "5"
    links = [row.xpath(".//a")[0].get("href") for row in rows]
    assert links == [
        f"/segments/{header.no}/criteria/go-back?to_sequence_no=1",
        f"/segments/{header.no}/criteria/go-back?to_sequence_no=2",
    ]
    counts = page.xpath("//p[contains(@class, 'criteria-counts')]")[0]
    assert (counts.get("data-runs"), counts.get("data-manual")) == ("1", "1")
    assert "1 criteria run · 1 edit by hand" in _text(counts)


def test_the_totals_count_manual_edits_apart(client, login, db, make_segment, world) -> None:
    login()
    header = make_segment()
    _add_milano(db, header.no)
    add_line(db.session, header.no, "P31")
    add_line(db.session, header.no, "P40", allow_existing=True)
    db.session.commit()
    totals = parse(client.get(f"/segments/{header.no}/totals").get_data(as_text=True))
    actions = totals.xpath("//dd[@data-total='actions']")[0]
    assert _text(actions) == "3 (1 criteria run, 2 edits by hand)"
    assert actions.xpath(".//a")[0].get("href") == f"/segments/{header.no}/criteria"


def test_go_back_asks_then_undoes_and_says_what_it_did(client, login, db, make_segment, world) -> None:
    login()
    header = make_segment()
    _add_milano(db, header.no)
    add_line(db.session, header.no, "P31")
    db.session.commit()

    ask = parse(client.get(f"/segments/{header.no}/criteria/go-back").get_data(as_text=True))
    assert [_text(li) for li in ask.xpath("//ol[contains(@class, 'go-back-list')]/li")] == [
        "Typed contact no. P31 on a line (1 line added, 0 removed)"
    ]
    assert ask.xpath("//form//button[@autofocus]")[0].text == "Go back"
    effect = ask.xpath("//p[@id='go-back-effect']")[0]
    assert _text(effect) == "1 line disappears. Edits made since on them are lost."
    dialog = parse(client.get(f"/segments/{header.no}/criteria/go-back", headers=HX).get_data(as_text=True))
    assert dialog.xpath("//dialog[@id='recipe-dialog'][@data-open]")

    done = client.post(f"/segments/{header.no}/criteria/go-back", data={}, follow_redirects=True)
    page = done.get_data(as_text=True)
    assert "Went back: Typed contact no. P31 on a line; 1 line removed, 0 restored." in page
    assert "P31" not in _lines(db, header.no)

    back = client.post(f"/segments/{header.no}/criteria/go-back", data={"to_sequence_no": "1", "next": "criteria"})
    assert back.status_code == 303 and back.headers["Location"].endswith(f"/segments/{header.no}/criteria")
    assert _lines(db, header.no) == []
    nothing = client.post(f"/segments/{header.no}/criteria/go-back", follow_redirects=True).get_data(as_text=True)
    assert "There is nothing to go back from: the segment has no criteria actions." in nothing
    stale = client.post(
        f"/segments/{header.no}/criteria/go-back", data={"to_sequence_no": "1"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "That criteria action is no longer there" in stale


def test_a_viewer_sees_the_criteria_but_cannot_go_back(client, login, db, make_segment, world) -> None:
    header = make_segment()
    _add_milano(db, header.no)
    login("val", role=Role.VIEWER)
    page = client.get(f"/segments/{header.no}/criteria").get_data(as_text=True)
    assert "Add contacts: city Milano" in page and "go-back" not in page
    assert client.post(f"/segments/{header.no}/criteria/go-back").status_code == 403
    assert len(_lines(db, header.no)) == 5


def test_why_is_this_contact_here(client, login, db, make_segment, world) -> None:
    user = login(full_name="Ann Lee")
    header = make_segment()
    _add_milano(db, header.no)
    typed = add_line(db.session, header.no, "P31", user.id).line.line_no
    db.session.commit()
    first = db.session.execute(
        select(SegmentLine.line_no, SegmentLine.contact_no).where(SegmentLine.segment_no == header.no).limit(1)
    ).one()
    brought = client.get(f"/segments/{header.no}/criteria/why?line={first[0]}", headers=HX).get_data(as_text=True)
    assert (
        f"Line {first[0]}, {first[1]}: brought in by Add contacts: city Milano — expand companies (action 1, "
        in brought
    )
    by_hand = client.get(f"/segments/{header.no}/criteria/why?line={typed}", headers=HX).get_data(as_text=True)
    assert f"Line {typed}, P31: typed by hand (action 2, Ann Lee, " in by_hand


def test_save_dialog_saves_and_refuses_a_code_in_use(client, login, db, make_segment, world) -> None:
    login()
    header = make_segment()
    _add_milano(db, header.no)
    dialog = parse(client.get(f"/segments/{header.no}/criteria/save", headers=HX).get_data(as_text=True))
    assert dialog.xpath("//dialog[@data-open]//input[@name='code'][@autofocus]")

    saved = client.post(
        f"/segments/{header.no}/criteria/save", data={"code": "milano", "description": "Milano"}, headers=HX
    )
    assert saved.status_code == 200 and "Criteria saved as MILANO (1 action)." in saved.get_data(as_text=True)
    again = client.post(f"/segments/{header.no}/criteria/save", data={"code": "MILANO"}, headers=HX)
    assert again.status_code == 422
    error = parse(again.get_data(as_text=True)).xpath("//p[@id='saved-code-error']")[0]
    assert "MILANO already exist" in _text(error)
    assert _count(db, SavedCriteria) == 1


def test_reuse_replays_saved_criteria_and_confirms_on_a_segment_with_actions(
    client, login, db, make_segment, world
) -> None:
    login()
    source, target = make_segment(), make_segment()
    _add_milano(db, source.no)
    client.post(f"/segments/{source.no}/criteria/save", data={"code": "MILANO", "description": "Milano firms"})

    listing = client.get(f"/segments/{target.no}/criteria/reuse").get_data(as_text=True)
    assert f"/segments/{target.no}/criteria/reuse?code=MILANO" in listing and "Milano firms" in listing
    shown = parse(client.get(f"/segments/{target.no}/criteria/reuse?code=MILANO").get_data(as_text=True))
    assert [_text(li) for li in shown.xpath("//ol/li")] == ["Add contacts: city Milano — expand companies"]
    assert not shown.xpath("//*[@id='reuse-problems']") and not shown.xpath("//*[@id='reuse-confirm']")

    done = client.post(f"/segments/{target.no}/criteria/reuse", data={"code": "MILANO"}, follow_redirects=True)
    assert "Reused MILANO: 1 action run; 5 lines added, 0 removed." in done.get_data(as_text=True)
    assert _lines(db, target.no) == _lines(db, source.no)

    again = parse(client.get(f"/segments/{target.no}/criteria/reuse?code=MILANO").get_data(as_text=True))
    assert again.xpath("//*[@id='reuse-confirm']")
    unconfirmed = client.post(f"/segments/{target.no}/criteria/reuse", data={"code": "MILANO"})
    assert unconfirmed.status_code == 303
    assert _count(db, SegmentCriteriaAction) == 2


def test_a_broken_saved_criterion_is_shown_with_what_is_missing_and_not_run(
    client, login, db, make_segment, world
) -> None:
    login()
    header = make_segment()
    criteria = SavedCriteria(code="OLD", description="Last year")
    criteria.actions = [
        SavedCriteriaAction(
            sequence_no=1,
            action_type=CriteriaActionType.ADD,
            locale="en",
            filters=[
                SavedCriteriaFilter(group_no=1, table_name="contact", field_name="fax_no", expression="0*"),
                SavedCriteriaFilter(
                    group_no=1, table_name="mailing_group", field_name="mailing_group_code", expression="GONE"
                ),
            ],
        )
    ]
    db.session.add(criteria)
    db.session.commit()

    page = parse(client.get(f"/segments/{header.no}/criteria/reuse?code=OLD").get_data(as_text=True))
    problems = [_text(li) for li in page.xpath("//*[@id='reuse-problems']//li")]
    assert problems == [
        "Action 1: the field “fax_no” no longer exists in Contact.",
        "Action 1: mailing group GONE no longer exists.",
    ]
    assert not page.xpath("//form[@method='post']//button[@type='submit'][contains(@class, 'primary')]")
    refused = client.post(f"/segments/{header.no}/criteria/reuse", data={"code": "OLD"}, follow_redirects=True)
    assert "These criteria cannot be reused" in refused.get_data(as_text=True)
    assert _lines(db, header.no) == []
    assert _count(db, SegmentCriteriaAction) == 0


def test_the_saved_criteria_list_searches_and_deletes_after_confirmation(
    client, login, db, make_segment, world
) -> None:
    login()
    header = make_segment()
    _add_milano(db, header.no)
    for code in ("MILANO", "NORTH"):
        client.post(f"/segments/{header.no}/criteria/save", data={"code": code, "description": f"{code} firms"})
    listing = client.get("/segments/saved-criteria?q=nor", headers=HX).get_data(as_text=True)
    assert "NORTH firms" in listing and "MILANO firms" not in listing and "<html" not in listing
    confirm = client.get("/segments/saved-criteria/NORTH/delete").get_data(as_text=True)
    assert "Delete saved criteria NORTH?" in confirm and "Add contacts: city Milano" in confirm
    assert client.post("/segments/saved-criteria/NORTH/delete").status_code == 303
    db.session.rollback()
    assert db.session.scalars(select(SavedCriteria.code)).all() == ["MILANO"]


def test_go_back_shows_what_could_not_be_restored_as_it_was(client, login, db, make_segment, world) -> None:
    login()
    header = make_segment()
    _add_milano(db, header.no)
    db.session.execute(update(SegmentLine).where(SegmentLine.contact_no == "P11").values(salesperson_code="LB"))
    run_action(
        db.session,
        header.no,
        CriteriaActionType.REDUCE,
        [FieldFilter(1, "contact", "no", "P11|P40")],
        ActionOptions(),
        user_id=None,
        locale="en",
    )
    db.session.commit()
    db.session.execute(delete(Salesperson).where(Salesperson.code == "LB"))
    db.session.execute(delete(Contact).where(Contact.no == "P40"))
    db.session.commit()

    page = client.post(f"/segments/{header.no}/criteria/go-back", follow_redirects=True).get_data(as_text=True)

    assert "Went back: Reduce contacts: no. P11|P40; 0 lines removed, 1 restored." in page
    assert "Contact P40 no longer exists: its line was left out." in page
    assert "Salesperson LB no longer exists: lines were restored without it." in page
    assert _lines(db, header.no).count("P11") == 1 and "P40" not in _lines(db, header.no)
