"""Go back, the criteria view, why is this contact here and save criteria, from the keyboard in Chromium."""

from pathlib import Path
from typing import Any

from segapp.models import CriteriaActionType
from segapp.services.criteria.matching import ActionOptions, FieldFilter
from segapp.services.criteria.running import run_action
from segapp.services.segments.lines import add_line
from tests.browser_support import save_screenshot, sign_in
from tests.conftest import PASSWORD

VIEWPORT = {"width": 1280, "height": 720}


def _build(db: Any, segment_no: str, user_id: int) -> None:
    run_action(
        db.session,
        segment_no,
        CriteriaActionType.ADD,
        [FieldFilter(1, "contact", "city", "Milano"), FieldFilter(2, "contact", "city", "Torino")],
        ActionOptions(expand_companies=True),
        user_id=user_id,
        locale="en",
    )
    add_line(db.session, segment_no, "P31", user_id, allow_existing=True)
    db.session.commit()


def _shot(page: Any, tmp_path: Path, name: str) -> None:
    page.screenshot(path=str(tmp_path / name))
    save_screenshot(page, f"recipe/{name}")


def test_go_back_from_the_keyboard_and_the_criteria_view(
    live_server: str, new_browser_page: Any, db: Any, make_user: Any, make_segment: Any, world: Any, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    user = make_user("ann", full_name="Ann Lee")
    header = make_segment(description="Milano and Torino")
    _build(db, header.no, user.id)
    page = new_browser_page(viewport=VIEWPORT)
    sign_in(page, live_server, "ann", PASSWORD)
    page.wait_for_url(live_server + "/")

    page.goto(f"{live_server}/segments/{header.no}")
    expect(page.locator('[data-total="lines"]')).to_have_text("8")
    expect(page.locator('[data-total="actions"]')).to_contain_text("2 (1 criteria run, 1 edit by hand)")
    first = page.locator("tr[data-line-no] td[data-field]").first
    expect(first).to_be_focused()

    # Why is this contact here: said in the grid's status line, the focus stays in the grid.
    page.keyboard.press("Alt+Shift+W")
    expect(page.locator("#grid-status")).to_contain_text(
        "brought in by Add contacts: city Milano or city Torino — expand companies (action 1, Ann Lee"
    )
    expect(first).to_be_focused()
    page.keyboard.press("Control+End")
    page.keyboard.press("Alt+Shift+W")
    expect(page.locator("#grid-status")).to_contain_text("P31: typed by hand (action 2, Ann Lee")
    _shot(page, tmp_path, "why-here.png")

    # Alt+Shift+B: what will be undone, the focus on Go back; Enter does it.
    page.keyboard.press("Alt+Shift+B")
    page.wait_for_url("**/criteria/go-back")
    expect(page.locator(".go-back-list li")).to_have_text(["Typed contact no. P31 on a line (1 line added, 0 removed)"])
    expect(page.get_by_role("button", name="Go back")).to_be_focused()
    _shot(page, tmp_path, "go-back.png")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/segments/{header.no}")
    expect(page.locator("#flash")).to_contain_text(
        "Went back: Typed contact no. P31 on a line; 1 line removed, 0 restored."
    )
    expect(page.locator('[data-total="lines"]')).to_have_text("7")
    _shot(page, tmp_path, "went-back.png")

    # The criteria view: go back to the first action, Esc first (nothing happens), then Enter.
    page.goto(f"{live_server}/segments/{header.no}/criteria")
    rows = page.locator("table.criteria-actions tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Add contacts: city Milano or city Torino — expand companies")
    _shot(page, tmp_path, "criteria-view.png")
    page.get_by_role("link", name="Go back (action 1)").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/criteria/go-back?to_sequence_no=1")
    page.keyboard.press("Escape")
    page.wait_for_url(f"**/segments/{header.no}/criteria")
    expect(rows).to_have_count(1)
    page.get_by_role("link", name="Go back (action 1)").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/criteria/go-back?to_sequence_no=1")
    expect(page.get_by_role("button", name="Go back")).to_be_focused()  # autofocus lands after the load event
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/segments/{header.no}/criteria")
    expect(page.locator("#flash")).to_contain_text("7 lines removed, 0 restored")
    expect(page.locator(".criteria-counts")).to_contain_text("0 lines")
    _shot(page, tmp_path, "criteria-view-empty.png")


def test_save_criteria_in_a_dialog_and_the_pages_in_italian(
    live_server: str, new_browser_page: Any, db: Any, make_user: Any, make_segment: Any, world: Any, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    user = make_user("ugo", full_name="Ugo Bassi", language="it")
    header = make_segment(description="Milano e Torino")
    _build(db, header.no, user.id)
    other = make_segment(description="Riuso").no
    page = new_browser_page(locale="it-IT", viewport=VIEWPORT)
    sign_in(page, live_server, "ugo", PASSWORD)
    page.wait_for_url(live_server + "/")

    page.goto(f"{live_server}/segments/{header.no}")
    # Save criteria is in the Actions menu: its button, Enter, the arrows to the item, Enter.
    actions = page.locator("#segment-actions summary")
    actions.focus()
    page.keyboard.press("Enter")
    page.keyboard.press("ArrowDown")
    expect(page.get_by_role("link", name="Criteri", exact=True)).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(page.get_by_role("link", name="Salva criteri")).to_be_focused()
    page.keyboard.press("Enter")
    dialog = page.locator("dialog#recipe-dialog[open]")
    expect(dialog.locator("#saved-code")).to_be_focused()
    page.keyboard.type("nord")
    page.keyboard.press("Tab")
    page.keyboard.type("Milano e Torino")
    _shot(page, tmp_path, "save-criteria-it.png")
    page.keyboard.press("Enter")
    expect(dialog).to_contain_text("Criteri salvati come NORD (2 azioni).")
    expect(dialog.get_by_role("button", name="Chiudi")).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.locator("dialog#recipe-dialog[open]")).to_have_count(0)
    expect(actions).to_be_focused()  # back where the user chose Save criteria

    page.goto(f"{live_server}/segments/{header.no}/criteria")
    expect(page.locator("table.criteria-actions tbody tr").nth(0)).to_contain_text(
        "Aggiungi contatti: città Milano o città Torino — espandi società"
    )
    expect(page.locator("table.criteria-actions tbody tr").nth(1)).to_contain_text("Digitato il contatto n. P31")
    _shot(page, tmp_path, "criteria-view-it.png")
    page.get_by_role("link", name="Torna indietro (azione 2)").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Torna indietro")).to_be_focused()
    _shot(page, tmp_path, "go-back-it.png")

    page.goto(f"{live_server}/segments/{other}/criteria/reuse")
    expect(page.locator("#saved-search")).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="NORD")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Riutilizza criteri")).to_be_focused()
    _shot(page, tmp_path, "reuse-it.png")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/segments/{other}")
    expect(page.locator("#flash")).to_contain_text("Riutilizzati NORD: 2 azioni eseguite; 8 righe aggiunte, 0 rimosse.")
    expect(page.locator('[data-total="lines"]')).to_have_text("8")
