"""The add / reduce / refine contacts dialogs through the test client: the dialog, the live preview, apply,
and a tampered form answered with a message (spec 3.4, issue 11 points 2 and 3)."""

import re
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, text

from segapp.criteria import dialog_views
from segapp.database import immediate_transactions
from segapp.models import Role, SegmentCriteriaAction, SegmentLine
from segapp.query_cancel import QueryStopped, claim, current_generation, new_token

HX = {"HX-Request": "true"}


@pytest.fixture
def segment(login: Any, make_segment: Any, world: Any) -> Any:
    """A signed-in user's empty segment, with the contacts of the criteria world."""
    login()
    return make_segment()


def _post(client: Any, url: str, /, **values: str) -> Any:
    return client.post(url, data=values, headers=HX)


def _preview(client: Any, segment_no: str, action: str = "add", /, **values: str) -> Any:
    values.setdefault("token", new_token())
    return _post(client, f"/segments/{segment_no}/criteria/{action}/preview", **values)


def _apply(client: Any, segment_no: str, action: str = "add", /, **values: str) -> Any:
    values.setdefault("token", new_token())
    return _post(client, f"/segments/{segment_no}/criteria/{action}", **values)


def _count(html: str) -> int:
    match = re.search(r'data-preview-count="(\d+)"', html)
    assert match, html
    return int(match.group(1))


def _lines(db: Any, segment_no: str) -> list[str]:
    db.session.rollback()  # read what the requests committed, not the test's older snapshot
    query = select(SegmentLine.contact_no).where(SegmentLine.segment_no == segment_no).order_by(SegmentLine.line_no)
    return list(db.session.scalars(query))


def _actions(db: Any, segment_no: str) -> int:
    db.session.rollback()
    query = (
        select(func.count()).select_from(SegmentCriteriaAction).where(SegmentCriteriaAction.segment_no == segment_no)
    )
    return db.session.scalar(query)


def test_the_dialog_has_a_tab_per_table_the_default_fields_and_the_actions_options(client: Any, segment: Any) -> None:
    html = client.get(f"/segments/{segment.no}/criteria/add", headers=HX).get_data(as_text=True)
    assert html.lstrip().startswith('<dialog id="criteria-dialog"') and "data-open" in html
    tabs = re.findall(r'role="tab" id="tab-1-([a-z_]+)"', html)
    assert tabs == [
        "contact",
        "profile_answer",
        "mailing_group",
        "interaction",
        "job_responsibility",
        "industry_group",
        "business_relation",
    ]
    # The first field has the focus; a default field is enabled, another one waits behind "+ field".
    assert re.search(r'id="f-1-contact-no"[^>]*autofocus', html)
    assert re.search(r'id="f-1-contact-city"[^>]*>', html) and not re.search(
        r'id="f-1-contact-city"[^>]*disabled', html
    )
    assert re.search(r'id="f-1-contact-email"[^>]*disabled', html)
    assert '<option value="f-1-contact-email">E-mail</option>' in html
    for option in ("allow_existing_contacts", "expand_companies", "allow_related_companies", "ignore_exclusion"):
        assert f'name="opt-{option}"' in html
    assert "opt-entire_companies" not in html
    reduce = client.get(f"/segments/{segment.no}/criteria/reduce", headers=HX).get_data(as_text=True)
    assert "Reduce contacts" in reduce and re.findall(r'name="opt-([a-z_]+)"', reduce) == ["entire_companies"]
    # Without htmx the dialog is a page of its own that posts as a plain form.
    page = client.get(f"/segments/{segment.no}/criteria/refine").get_data(as_text=True)
    assert (
        "<!doctype html>" in page
        and "Refine contacts" in page
        and 'hx-post="/segments' not in page.split("criteria-form")[1][:300]
    )


def test_the_segment_page_has_the_three_buttons_and_the_shortcuts_open_them(client: Any, segment: Any) -> None:
    html = client.get(f"/segments/{segment.no}").get_data(as_text=True)
    for action, label in (("add", "Add contacts"), ("reduce", "Reduce contacts"), ("refine", "Refine contacts")):
        assert re.search(rf'hx-get="/segments/{segment.no}/criteria/{action}"[^>]*>{label}</a>', html)
    assert '<dialog id="criteria-dialog"></dialog>' in html
    keymap = re.search(r"data-keymap='([^']*)'", html).group(1)
    assert f"/segments/{segment.no}/criteria/add" in keymap


def test_a_viewer_sees_no_button_and_cannot_open_or_apply(client: Any, login: Any, make_segment: Any) -> None:
    login("vera", role=Role.VIEWER)
    header = make_segment()
    assert (
        "criteria/add"
        not in client.get(f"/segments/{header.no}").get_data(as_text=True).split("<main")[1].split("data-keymap")[0]
    )
    assert client.get(f"/segments/{header.no}/criteria/add", headers=HX).status_code == 403
    assert _apply(client, header.no, **{"f-1-contact-city": "Milano"}).status_code == 403


def test_the_preview_counts_what_the_action_would_do_and_names_a_few(client: Any, db: Any, segment: Any) -> None:
    response = _preview(client, segment.no, **{"f-1-contact-city": "Milano"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert _count(html) == 4 and "4 contacts will be added" in html and "4 lines after" in html
    assert 'data-sample="P11">Anna Verdi (P11)' in html
    # Another group ORed: Torino too.
    html = _preview(client, segment.no, **{"f-1-contact-city": "Milano", "f-2-contact-city": "Torino"}).get_data(
        as_text=True
    )
    assert _count(html) == 6
    # An option changes the count: expand companies brings Acme's Bruno (and Zeta's company already matched).
    html = _preview(client, segment.no, **{"f-1-contact-city": "Milano", "opt-expand_companies": "1"}).get_data(
        as_text=True
    )
    assert _count(html) == 5
    assert _lines(db, segment.no) == [] and _actions(db, segment.no) == 0  # a preview changes nothing


def test_the_preview_of_a_reduce_counts_the_lines_removed_and_the_total_left(
    client: Any, db: Any, segment: Any
) -> None:
    assert _apply(client, segment.no, **{"f-1-contact-city": "Milano|Torino"}).status_code == 200
    html = _preview(client, segment.no, "reduce", **{"f-1-contact-city": "Torino"}).get_data(as_text=True)
    assert _count(html) == 2 and "2 lines will be removed" in html and "4 lines after" in html
    html = _preview(client, segment.no, "refine", **{"f-1-contact-city": "Torino"}).get_data(as_text=True)
    assert _count(html) == 4 and "2 lines after" in html


def test_a_bad_expression_is_shown_at_its_field_with_its_position(client: Any, segment: Any) -> None:
    response = _preview(client, segment.no, **{"f-1-contact-city": "Milano", "f-2-contact-no": "A..B..C"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    match = re.search(r'data-error-field="f-2-contact-no" data-error-position="(\d+)"', html)
    assert match, html
    position = int(match.group(1))
    assert 0 < position < len("A..B..C")
    assert "<mark>" in html
    response = _apply(client, segment.no, **{"f-1-interaction-date": "31/02/2026"})
    assert response.status_code == 422 and response.headers["HX-Retarget"] == "#criteria-preview"
    assert 'data-error-field="f-1-interaction-date"' in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"f-1-nowhere-city": "x"}, "Unknown table"),
        ({"f-1-contact-password": "x"}, "has no field"),
        ({"f-1-contact-city-x-y": "x"}, "Unknown field"),
        ({"f-0-contact-city": "x"}, "at most 10 filter groups"),
        ({"f-11-contact-city": "x"}, "at most 10 filter groups"),
        ({"f-999-contact-city": "x"}, "at most 10 filter groups"),
        ({"f-1-contact-city": "x" * 5000}, "too long"),
        ({"opt-drop_table": "1"}, "Unknown option"),
        ({"opt-entire_companies": "1"}, "Unknown option"),
        ({f"f-1-contact-{i}": "x" for i in range(500)}, "too many values"),
    ],
)
def test_a_tampered_form_gets_a_message_and_nothing_is_applied(
    client: Any, db: Any, segment: Any, values: dict[str, str], message: str
) -> None:
    preview = _preview(client, segment.no, **values)
    assert preview.status_code == 422 and message in preview.get_data(as_text=True)
    applied = _apply(client, segment.no, **values)
    assert applied.status_code == 422 and message in applied.get_data(as_text=True)
    assert _lines(db, segment.no) == [] and _actions(db, segment.no) == 0


def test_an_unknown_action_or_a_stale_token_is_refused_quietly(client: Any, segment: Any) -> None:
    assert _preview(client, segment.no, "delete_all", **{"f-1-contact-city": "x"}).status_code == 404
    response = _preview(client, segment.no, token="../../etc/passwd", **{"f-1-contact-city": "Milano"})
    assert response.status_code == 422 and "open it again" in response.get_data(as_text=True)
    assert client.get(f"/segments/{segment.no}/criteria/add/group?group=11", headers=HX).status_code == 422
    group = client.get(f"/segments/{segment.no}/criteria/add/group?group=2", headers=HX).get_data(as_text=True)
    assert 'id="group-2"' in group and 'name="f-2-contact-city"' in group and "autofocus" not in group


def test_apply_adds_the_lines_and_answers_the_totals_and_the_message(client: Any, db: Any, segment: Any) -> None:
    response = _apply(client, segment.no, **{"f-1-contact-city": "Milano", "f-1-contact-name": "*i*"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["HX-Trigger"] == "criteriaApplied"
    assert "3 contacts added." in html  # Anna Verdi, Dario Gialli, Gina Solo
    assert re.search(r'data-total="lines">3<', html) and 'data-total="actions" data-runs="1" data-manual="0"' in html
    assert sorted(_lines(db, segment.no)) == ["P11", "P21", "P40"]
    # The page's grid, reloaded, shows them.
    rows = client.get(f"/segments/{segment.no}/lines", headers=HX).get_data(as_text=True)
    assert all(name in rows for name in ("Anna Verdi", "Dario Gialli", "Gina Solo"))


def test_an_add_that_matches_nothing_is_recorded_and_says_so(client: Any, db: Any, segment: Any) -> None:
    html = _apply(client, segment.no, **{"f-1-contact-city": "Atlantis"}).get_data(as_text=True)
    assert "0 contacts added." in html and _actions(db, segment.no) == 1


def test_an_add_without_any_filter_asks_first_with_the_number(client: Any, db: Any, segment: Any) -> None:
    response = _apply(client, segment.no, **{"f-1-contact-city": "  "})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["HX-Retarget"] == "#criteria-preview"
    assert "No filter: add all 7 contacts?" in html and 'name="confirm_all" value="1"' in html
    assert _lines(db, segment.no) == [] and _actions(db, segment.no) == 0
    html = _apply(client, segment.no, confirm_all="1").get_data(as_text=True)
    assert "7 contacts added." in html and len(_lines(db, segment.no)) == 7


def test_reduce_and_refine_say_how_many_lines_went(client: Any, db: Any, segment: Any) -> None:
    _apply(client, segment.no, confirm_all="1")
    html = _apply(client, segment.no, "reduce", **{"f-1-contact-city": "Roma"}).get_data(as_text=True)
    assert "1 line removed." in html  # Bruno (Beta and Elena are excluded: never added)
    html = _apply(client, segment.no, "refine", **{"f-1-contact-city": "Milano", "opt-entire_companies": "1"}).get_data(
        as_text=True
    )
    assert "2 lines removed." in html  # Zeta and Franco; Acme's and Beta's contacts stay with their companies
    assert sorted(_lines(db, segment.no)) == ["C1", "P11", "P21", "P40"]
    html = _apply(client, segment.no, "reduce", **{"f-1-contact-city": "Atlantis"}).get_data(as_text=True)
    assert "0 lines removed." in html and _actions(db, segment.no) == 4


def test_without_htmx_apply_goes_back_to_the_segment_with_the_message(client: Any, db: Any, segment: Any) -> None:
    response = client.post(
        f"/segments/{segment.no}/criteria/add", data={"token": new_token(), "f-1-contact-city": "Torino"}
    )
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/segments/{segment.no}")
    page = client.get(f"/segments/{segment.no}").get_data(as_text=True)
    assert "2 contacts added." in page and "Franco Viola" in page
    refused = client.post(f"/segments/{segment.no}/criteria/add", data={"f-1-contact-no": "A..B..C"})
    assert refused.status_code == 422 and "<!doctype html>" in refused.get_data(as_text=True)
    assert 'value="A..B..C"' in refused.get_data(as_text=True)


def test_a_preview_stopped_by_a_newer_one_answers_nothing_and_a_slow_one_says_so(
    client: Any, segment: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def superseded(*args: Any, **kwargs: Any) -> Any:
        raise QueryStopped(superseded=True)

    monkeypatch.setattr(dialog_views, "preview_action", superseded)
    response = _preview(client, segment.no, **{"f-1-contact-city": "Milano"})
    assert response.status_code == 204 and response.get_data() == b""

    def too_slow(*args: Any, **kwargs: Any) -> Any:
        raise QueryStopped(superseded=False)

    monkeypatch.setattr(dialog_views, "preview_action", too_slow)
    response = _preview(client, segment.no, **{"f-1-contact-city": "Milano"})
    assert response.status_code == 200 and "Apply works all the same" in response.get_data(as_text=True)


def test_closing_the_dialog_stops_its_preview(client: Any, segment: Any, app: Any) -> None:
    token = new_token()
    folder = Path(app.instance_path) / "query-tokens"
    running = claim(folder, token)  # a preview of this dialog is counting
    response = _post(client, f"/segments/{segment.no}/criteria/add/preview/stop", token=token)
    assert response.status_code == 204
    assert current_generation(folder, token) != running  # so its progress check stops it
    assert _post(client, f"/segments/{segment.no}/criteria/add/preview/stop", token="../x").status_code == 204


def test_a_preview_does_not_wait_for_a_writer_on_sqlite(client: Any, db: Any, segment: Any, backend: str) -> None:
    """A preview is a POST that only reads: on SQLite it must not queue for the write lock behind an action."""
    if backend != "sqlite":
        pytest.skip("SQLite's write lock")
    with db.engine.connect() as writer:
        with immediate_transactions():
            writer.begin()  # takes the write lock, as an action being applied holds it
        writer.execute(text("UPDATE marketing_setup SET id = id"))
        started = time.monotonic()
        response = _preview(client, segment.no, **{"f-1-contact-city": "Milano"})
        waited = time.monotonic() - started
        writer.rollback()
    assert response.status_code == 200 and _count(response.get_data(as_text=True)) == 4
    assert waited < 3


def test_the_dialog_speaks_italian(client: Any, login: Any, make_segment: Any, world: Any) -> None:
    login("ugo", language="it")
    header = make_segment()
    html = client.get(f"/segments/{header.no}/criteria/add", headers=HX).get_data(as_text=True)
    assert "Aggiungi contatti" in html and "Città" in html and "Applica" in html
    html = _preview(client, header.no, **{"f-1-contact-city": "Milano"}).get_data(as_text=True)
    assert "4 contatti verranno aggiunti" in html


_KEYS = st.one_of(
    st.builds(
        lambda g, t, f: f"f-{g}-{t}-{f}",
        st.integers(-2, 14),
        st.sampled_from(["contact", "interaction", "mailing_group", "industry_group", "nowhere", "Contact", ""]),
        st.sampled_from(["no", "city", "date", "cost", "type", "mailing_group_code", "password", "x-y", ""]),
    ),
    st.builds(lambda o: f"opt-{o}", st.sampled_from(["expand_companies", "entire_companies", "drop", ""])),
    st.sampled_from(["token", "confirm_all", "f-", "opt-", "f-1-contact-city-extra"]),
    st.text(max_size=20),
)
_VALUES = st.one_of(
    st.sampled_from(["", "Milano", "A..B..C", "31/02/2026", "<>''", "1", "Company|Person", "*\\%_?", "(", "'"]),
    st.text(max_size=30),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(form=st.dictionaries(_KEYS, _VALUES, max_size=8), action=st.sampled_from(["add", "reduce", "refine"]))
def test_whatever_is_posted_the_dialog_answers_without_a_server_error(
    client: Any, db: Any, segment: Any, form: dict[str, str], action: str
) -> None:
    """A hand-made form (any keys, any values) is answered with the preview, a message (400 for a NUL character,
    refused app-wide) or an apply, never a 500;
    and a refused apply changes nothing."""
    if not form.get("token"):
        form["token"] = new_token()
    before = _actions(db, segment.no)
    preview = _preview(client, segment.no, action, **form)
    assert preview.status_code in (200, 400, 422), preview.get_data(as_text=True)[:300]
    applied = _apply(client, segment.no, action, **form)
    assert applied.status_code in (200, 400, 422), applied.get_data(as_text=True)[:300]
    if applied.headers.get("HX-Trigger") != "criteriaApplied":
        assert _actions(db, segment.no) == before
