"""A segment built by criteria from the keyboard alone: two adds and a refine, the preview counting as one types."""

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import insert, select

from segapp.models import Contact, SegmentCriteriaAction
from tests.browser_support import save_screenshot
from tests.criteria.conftest import company, person
from tests.segments.conftest import make_segment, reference

__all__ = ["make_segment", "reference"]

ACME = company("C1", "Acme", city="Milano")
ZETA = company("C3", "Zeta", city="Torino")
PEOPLE = [
    ACME,
    person("P11", "Anna Verdi", ACME, city="Milano", email="anna@acme.it"),
    person("P12", "Bruno Neri", ACME, city="Roma"),
    ZETA,
    person("P31", "Franco Viola", ZETA, city="Torino"),
    person("P40", "Gina Solo", None, city="Milano"),
    person("P50", "Hugo Blanc", None, city="Lyon", email="hugo@blanc.fr"),
]


@pytest.fixture
def people(db: Any) -> list[dict[str, Any]]:
    """Acme (Milano) with Anna and Bruno, Zeta (Torino) with Franco, Gina (Milano) and Hugo (Lyon, .fr e-mail)."""
    db.session.execute(insert(Contact), PEOPLE)
    db.session.commit()
    return PEOPLE


def _lines(page: Any) -> list[str]:
    return page.locator('#lines-body tr[data-line-no] td[data-field="contact_no"]').all_inner_texts()


def _apply(page: Any, message: str, lines: int) -> None:
    from playwright.sync_api import expect

    page.keyboard.press("Control+Enter")
    expect(page.locator("#criteria-dialog")).not_to_be_visible()
    expect(page.locator("#grid-status")).to_have_text(message)
    expect(page.locator('[data-total="lines"]')).to_have_text(str(lines))
    expect(page.locator("#lines-body tr[data-line-no]")).to_have_count(lines)


def test_a_segment_is_built_by_criteria_from_the_keyboard(
    signed_in: Callable[..., Any], live_server: str, make_segment: Callable[..., Any], people: Any, db: Any
) -> None:
    from playwright.sync_api import expect

    page = signed_in("ann")
    page.set_viewport_size({"width": 1280, "height": 720})
    segment = make_segment(description="Autumn fair")
    page.goto(f"{live_server}/segments/{segment.no}")
    count = page.locator("#criteria-preview [data-preview-count]")

    # First add: Milano, typed at once after the shortcut, before the dialog has arrived: the keys wait for it
    # and land in its fields, never in the page's. The preview counts as one types ("Mil" matches nobody).
    page.keyboard.press("Alt+Shift+A")
    for _ in range(6):  # no., type, name, company no., company name, post code → city
        page.keyboard.press("Tab")
    page.keyboard.type("Mil")
    dialog = page.locator("#criteria-dialog")
    expect(dialog).to_be_visible()
    expect(page.locator("#f-1-contact-city")).to_be_focused()
    expect(page.locator("#f-1-contact-city")).to_have_value("Mil")
    expect(count).to_have_attribute("data-preview-count", "0")
    page.keyboard.type("ano")
    expect(count).to_have_attribute("data-preview-count", "3")
    expect(page.locator("#f-1-contact-city")).to_have_value("Milano")  # no key lost to the refreshes
    expect(page.locator("#criteria-preview")).to_contain_text("3 contacts will be added")
    expect(page.locator("#criteria-preview")).to_contain_text("Anna Verdi (P11)")
    assert page.locator("#h-salesperson_code").input_value() == ""  # nothing typed into the page
    save_screenshot(page, "criteria/add-dialog.png")
    _apply(page, "3 contacts added.", 3)
    assert sorted(_lines(page)) == ["C1", "P11", "P40"]
    save_screenshot(page, "criteria/after-add.png")

    # Second add: Torino, or (another group) anyone with a .fr e-mail — a field added with "+ field".
    # Without a filter the preview counts every contact not on a line yet.
    page.keyboard.press("Alt+Shift+A")
    expect(page.locator("#f-1-contact-no")).to_be_focused()
    expect(count).to_have_attribute("data-preview-count", "4")
    for _ in range(6):
        page.keyboard.press("Tab")
    page.keyboard.type("Torino")
    expect(count).to_have_attribute("data-preview-count", "2")
    page.keyboard.press("Alt+Shift+O")
    expect(page.locator("#f-2-contact-no")).to_be_focused()
    page.keyboard.press("Alt+Shift+E")
    expect(page.locator("#add-2-contact")).to_be_focused()
    page.keyboard.type("E-mail")
    page.keyboard.press("Enter")
    expect(page.locator("#f-2-contact-email")).to_be_focused()
    page.keyboard.type("*.fr")
    expect(count).to_have_attribute("data-preview-count", "3")
    save_screenshot(page, "criteria/add-or-group.png")
    _apply(page, "3 contacts added.", 6)
    assert sorted(_lines(page)) == ["C1", "C3", "P11", "P31", "P40", "P50"]

    # Refine: keep the names with an "i". Shift+Tab reaches the tabs (the selected one, also when the key is
    # pressed before the dialog has arrived and is held for it), the arrows move between them.
    page.keyboard.press("Alt+Shift+F")
    page.keyboard.press("Shift+Tab")
    expect(page.locator("#tab-1-contact")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator("#f-1-contact-no")).to_be_focused()
    page.keyboard.press("Shift+Tab")
    expect(page.locator("#tab-1-contact")).to_be_focused()
    page.keyboard.press("ArrowRight")
    expect(page.locator("#tab-1-profile_answer")).to_be_focused()
    expect(page.locator("#panel-1-profile_answer")).to_be_visible()
    expect(page.locator("#panel-1-contact")).to_be_hidden()
    page.keyboard.press("ArrowLeft")
    expect(page.locator("#tab-1-contact")).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Tab")
    expect(page.locator("#f-1-contact-no")).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(page.locator("#f-1-contact-name")).to_be_focused()
    page.keyboard.type("*i*")
    expect(count).to_have_attribute("data-preview-count", "3")
    expect(page.locator("#criteria-preview")).to_contain_text("3 lines after")
    save_screenshot(page, "criteria/refine-dialog.png")
    # A bad expression is shown at its field, without losing what was typed.
    page.keyboard.type("..")
    expect(page.locator("#f-1-contact-name")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#f-1-contact-name-error")).not_to_be_empty()
    page.keyboard.press("Backspace")
    page.keyboard.press("Backspace")
    expect(count).to_have_attribute("data-preview-count", "3")
    expect(page.locator("#f-1-contact-name")).not_to_have_attribute("aria-invalid", "true")
    page.keyboard.press("Control+Enter")  # pressed twice: the action runs once
    _apply(page, "3 lines removed.", 3)
    assert sorted(_lines(page)) == ["P11", "P31", "P40"]
    expect(page.locator('[data-total="actions"]')).to_have_text("3")

    # Esc closes a dialog and the focus goes back to the grid cell it came from.
    cell = page.locator('#lines-body tr[data-line-no] td[data-field="contact_no"]').nth(1)
    cell.focus()
    page.keyboard.press("ArrowRight")
    expect(page.locator('#lines-body tr[data-line-no] td[data-field="company_name"]').nth(1)).to_be_focused()
    page.keyboard.press("Alt+Shift+R")
    expect(page.locator("#f-1-contact-no")).to_be_focused()
    page.keyboard.press("Escape")
    expect(dialog).not_to_be_visible()
    expect(page.locator('#lines-body tr[data-line-no] td[data-field="company_name"]').nth(1)).to_be_focused()
    assert len(_lines(page)) == 3
    page.wait_for_load_state("networkidle")
    db.session.rollback()
    recorded = db.session.scalars(
        select(SegmentCriteriaAction.action_type).where(SegmentCriteriaAction.segment_no == segment.no)
    ).all()
    assert [action.value for action in recorded] == ["add", "add", "refine"]  # Ctrl+Enter twice ran once


def test_the_dialog_in_italian_asks_before_adding_everyone_and_shows_an_error_at_its_field(
    signed_in: Callable[..., Any], live_server: str, make_segment: Callable[..., Any], people: Any
) -> None:
    from playwright.sync_api import expect

    page = signed_in("ugo", language="it")
    page.set_viewport_size({"width": 1280, "height": 720})
    segment = make_segment(description="Fiera d'autunno")
    page.goto(f"{live_server}/segments/{segment.no}")
    page.keyboard.press("Alt+Shift+A")
    expect(page.locator("#criteria-title")).to_contain_text("Aggiungi contatti")
    expect(page.locator("#f-1-contact-no")).to_be_focused()
    preview = page.locator("#criteria-preview")
    expect(preview).to_contain_text("7 contatti verranno aggiunti")
    # A date that does not exist, on the interaction log entries' tab: its position is shown at the field.
    page.keyboard.press("Shift+Tab")
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    expect(page.locator("#tab-1-interaction")).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Tab")
    expect(page.locator("#f-1-interaction-date")).to_be_focused()
    page.keyboard.type("31/02/2026")
    expect(page.locator("#f-1-interaction-date")).to_have_attribute("aria-invalid", "true")
    expect(preview.locator("mark")).to_be_visible()
    save_screenshot(page, "criteria/add-dialog-error-it.png")
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    expect(preview).to_contain_text("7 contatti verranno aggiunti")
    # No filter at all: apply asks first, naming the number; the answer is given from the keyboard.
    page.keyboard.press("Control+Enter")
    expect(preview).to_contain_text("Nessun filtro: aggiungere tutti i 7 contatti?")
    expect(page.get_by_role("button", name="Sì, aggiungili tutti")).to_be_focused()
    save_screenshot(page, "criteria/add-all-it.png")
    page.keyboard.press("Enter")
    expect(page.locator("#criteria-dialog")).not_to_be_visible()
    expect(page.locator("#grid-status")).to_have_text("7 contatti aggiunti.")
    expect(page.locator("#lines-body tr[data-line-no]")).to_have_count(7)
