"""In Chromium, from the keyboard: register with *send documents*, the printable letters ready on the registered
segment, the combined document and the zip downloaded with Tab and Enter."""

import io
import zipfile
from collections.abc import Callable
from typing import Any

from segapp.models import SegmentHeader
from tests.browser_support import save_screenshot, sign_in
from tests.conftest import PASSWORD
from tests.documents.letters_support import add_template_document, docx_text

__all__ = ["add_template_document"]
VIEWPORT = {"width": 1280, "height": 720}


def _tab_to(page: Any, text: str) -> None:
    """Tab until the focused element is a link whose text ends with ``text``."""
    for _ in range(80):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "document.activeElement && document.activeElement.href ? document.activeElement.textContent : ''"
        )
        if focused.strip().endswith(text):
            return
    raise AssertionError(f"no link *{text} reached with Tab")


def test_register_and_download_the_printable_letters_from_the_keyboard(
    live_server: str,
    new_browser_page: Any,
    make_user: Callable[..., Any],
    make_registrable: Callable[..., SegmentHeader],
    add_template_document: Callable[..., Any],
) -> None:
    from playwright.sync_api import expect

    make_user("ann", full_name="Ann Lee")
    add_template_document("ITA")
    no = make_registrable(3).no
    page = new_browser_page(viewport=VIEWPORT)
    sign_in(page, live_server, "ann", PASSWORD)
    page.wait_for_url(live_server + "/")
    page.goto(f"{live_server}/segments/{no}")
    expect(page.locator("tr[data-line-no] td[data-field]").first).to_be_focused()

    page.keyboard.press("Alt+Shift+L")
    expect(page.locator("#register-send")).to_be_checked()
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server}/registered-segments/*")
    letters = page.locator("#printable-letters")
    expect(letters).to_contain_text("Done: 3 of 3 letters.")
    save_screenshot(page, "documents/printable-letters.png")

    _tab_to(page, "-LETTER-ITA-v1.docx")
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    combined = docx_text(open(download.value.path(), "rb").read())
    assert [combined.count(f"Gentile Person {n:05d}") for n in (1, 2, 3)] == [1, 1, 1]

    _tab_to(page, ".zip")
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    with zipfile.ZipFile(io.BytesIO(open(download.value.path(), "rb").read())) as archive:
        assert len(archive.namelist()) == 3
    # The entries show the delivery status the printing gave them.
    expect(page.locator("#entries td[data-field='delivery_status']").first).to_have_text("Sent")
