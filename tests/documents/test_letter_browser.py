"""A line's letter from the keyboard, in Chromium at 1280x720: Alt+Shift+D on a line, the personal text saved and
seen in the preview, the edited letter uploaded back (the line shows "personalised"), the download, Esc back to
the same cell."""

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from segapp.models import SegmentHeader
from tests.browser_support import save_screenshot, sign_in
from tests.conftest import PASSWORD
from tests.documents.letter_support import docx_text, letter_with_picture, store_template

SMALL = {"width": 1280, "height": 720}


def _open(live_server: str, new_browser_page: Any, make_user: Any, segment_no: str, language: str) -> Any:
    from playwright.sync_api import expect

    make_user("ann", salesperson_code="MR", language=language)
    page = new_browser_page(locale="it-IT" if language == "it" else "en-GB", viewport=SMALL)
    sign_in(page, live_server, "ann", PASSWORD)
    page.wait_for_url(live_server + "/")
    page.goto(f"{live_server}/segments/{segment_no}")
    expect(page.locator("[data-grid]")).to_be_visible()
    return page


def test_a_lines_letter_is_personalised_and_previewed_from_the_keyboard(
    live_server: str,
    new_browser_page: Callable[..., Any],
    make_user: Any,
    db: Any,
    make_registrable: Callable[..., SegmentHeader],
    tmp_path: Path,
) -> None:
    from playwright.sync_api import expect

    header = make_registrable(lines=2)
    store_template(db)
    db.session.rollback()
    page = _open(live_server, new_browser_page, make_user, header.no, "en")
    cell = page.locator('#line-20000 td[data-field="contact_name"]')
    cell.focus()
    page.keyboard.press("Alt+Shift+D")

    dialog = page.locator("#letter-dialog[open]")
    expect(dialog).to_be_visible()
    expect(page.locator("#letter-title")).to_have_text("Letter of line 20000 · R00002 Person 00002")
    expect(page.locator("#letter-personal-text")).to_be_focused()
    expect(page.locator(".letter-preview")).to_contain_text("Gentile Person 00002,")
    expect(page.locator("#letter-preview-note")).to_have_text("Empty in this letter: City, PersonalText.")

    page.keyboard.type("Grazie della visita al nostro stand.")
    page.keyboard.press("Tab")
    expect(page.locator("#letter-save-text")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#letter-message")).to_have_text("Personal text saved.")
    expect(page.locator(".letter-preview")).to_contain_text("Grazie della visita al nostro stand.")
    expect(page.locator('#line-20000 td[data-field="document"]')).to_have_text("Personal text")
    expect(dialog.locator(":focus")).to_have_count(1)  # the focus stayed in the dialog

    with page.expect_download() as download:
        page.locator("#letter-download").focus()
        page.keyboard.press("Enter")
    merged = Path(download.value.path()).read_bytes()
    assert "Grazie della visita al nostro stand." in docx_text(merged)

    edited = tmp_path / "edited.docx"
    edited.write_bytes(letter_with_picture("Caro Person 00002, come promesso al telefono…"))
    page.set_input_files("#letter-file", str(edited))
    page.locator("#letter-upload").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#letter-state")).to_have_attribute("data-letter-state", "personalised")
    expect(page.locator(".letter-preview")).to_contain_text("come promesso al telefono")
    # The picture embedded in the letter shows (a data: URI the page's policy allows; nothing fetched elsewhere).
    picture = page.locator(".letter-preview img")
    expect(picture).to_have_attribute("src", re.compile(r"^data:image/png;base64,"))
    page.wait_for_function("() => document.querySelector('.letter-preview img').naturalWidth === 2")
    expect(page.locator('#line-20000 td[data-field="document"]')).to_have_text("Personalised")
    save_screenshot(page, "letter-dialog.png")

    # A file that is no .docx: refused with the reason, the focus on the file field, the letter unchanged.
    bad = tmp_path / "offerta.docx"
    bad.write_bytes(b"%PDF-1.7 not a Word document")
    page.set_input_files("#letter-file", str(bad))
    page.locator("#letter-upload").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#letter-file-error")).to_contain_text("This file is not a Word document (.docx).")
    expect(page.locator("#letter-file")).to_be_focused()
    expect(page.locator("#letter-state")).to_have_attribute("data-letter-state", "personalised")

    page.keyboard.press("Escape")
    expect(page.locator("#letter-dialog[open]")).to_have_count(0)
    expect(cell).to_be_focused()


def test_a_line_without_a_template_document_says_so_in_italian(
    live_server: str,
    new_browser_page: Callable[..., Any],
    make_user: Any,
    db: Any,
    make_registrable: Callable[..., SegmentHeader],
) -> None:
    from playwright.sync_api import expect

    header = make_registrable(lines=1)
    db.session.rollback()
    page = _open(live_server, new_browser_page, make_user, header.no, "it")
    page.locator('#line-10000 td[data-field="contact_no"]').focus()
    page.keyboard.press("Alt+Shift+D")
    expect(page.locator("#letter-state")).to_have_text(
        "Il modello di interazione LETTER non ha ancora un documento Word: caricane uno in lingua ITA nella "
        "scheda del modello."
    )
    expect(page.locator("#letter-download")).to_have_count(0)
    page.keyboard.press("Escape")
    expect(page.locator('#line-10000 td[data-field="contact_no"]')).to_be_focused()
