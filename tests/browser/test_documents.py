"""An administrator uploads a template's Word document from the keyboard, sees its fields and a refused file's
reason at the file field, and downloads the starter document, in Italian."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

from segapp.merge import template_fields
from segapp.models import Role
from segapp.services.documents.catalogue import FIELD_NAMES
from tests.browser_support import save_screenshot
from tests.documents.docx_files import docx_with_fields, macro_enabled_docx


def test_an_admin_uploads_a_letter_sees_its_fields_and_gets_the_starter(
    signed_in: Callable[..., Any], live_server: str, db: Any, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    from segapp.services.demo import load_demo_data

    load_demo_data(db.session, companies=2)  # template LETTER, its documents in ITA and ENU
    db.session.commit()
    letter, macros = tmp_path / "lettera.docx", tmp_path / "macro.docx"
    letter.write_bytes(docx_with_fields("ContactName", "FormalSalutation", "Nickname"))
    macros.write_bytes(macro_enabled_docx())
    page = signed_in("boss", role=Role.ADMIN, language="it")
    page.goto(live_server + "/setup/interaction-templates/LETTER/edit")

    italian = page.locator("#document-ITA")
    expect(italian).to_contain_text("versione 1, lettera.docx")
    file_input = italian.locator("input[type=file]")
    file_input.focus()
    file_input.set_input_files(str(letter))
    page.keyboard.press("Tab")
    expect(italian.get_by_role("button", name="Carica")).to_be_focused()
    with page.expect_navigation():
        page.keyboard.press("Enter")

    expect(page.locator("#flash")).to_contain_text("La versione 2 del documento in ITA è caricata.")
    italian = page.locator("#document-ITA")
    expect(italian.locator(".merge-fields li")).to_have_count(3)
    expect(italian.locator(".merge-fields li.unknown")).to_have_text("Nickname campo sconosciuto")
    expect(italian.locator(".document-warnings")).to_contain_text("Nickname non è un campo che segapp conosce")
    expect(page.locator("#languages")).to_contain_text("Versione 2 · 1 avviso")
    save_screenshot(page, "template-documents.png")

    english = page.locator("#document-ENU")
    english.locator("input[type=file]").set_input_files(str(macros))
    english.locator("input[type=file]").focus()
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    file_field = page.locator("#document-file-ENU")
    expect(file_field).to_be_focused()
    expect(file_field).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#document-file-ENU-error")).to_contain_text("contiene macro (.docm)")

    starter = page.locator("#document-ITA").get_by_role("link", name="Scarica il documento di partenza")
    starter.focus()
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    assert download.value.suggested_filename == "segapp-starter-ITA.docx"
    saved = tmp_path / "starter.docx"
    download.value.save_as(saved)
    assert template_fields(saved.read_bytes()) == set(FIELD_NAMES)
