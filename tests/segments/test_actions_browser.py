"""The segment page's Actions menu in Chromium at 1280x720, from the keyboard: the toolbar stays one line, the
menu opens, moves and closes with keys, and its CSV export downloads (spec 3.8)."""

import csv
import io
from collections.abc import Callable
from typing import Any

from segapp.models import SegmentHeader
from tests.browser_support import sign_in
from tests.conftest import PASSWORD

# The toolbar on one line: one horizontal line crosses all its items (the lowest top is above the highest
# bottom; the spacer has no height), and nothing is wider than the toolbar.
TOOLBAR = """() => {
  const bar = document.querySelector('.segment-page > .toolbar');
  const boxes = [...bar.children].map((el) => el.getBoundingClientRect()).filter((b) => b.height > 0);
  const oneLine = Math.max(...boxes.map((b) => b.top)) < Math.min(...boxes.map((b) => b.bottom));
  return { oneLine: oneLine, overflow: bar.scrollWidth - bar.clientWidth };
}"""


def test_actions_menu_from_the_keyboard_downloads_the_csv(
    live_server: str,
    new_browser_page: Callable[..., Any],
    db: Any,
    make_user: Callable[..., Any],
    mailing_segment: tuple[SegmentHeader, dict],
    tmp_path: Any,
) -> None:
    from playwright.sync_api import expect

    header, _ = mailing_segment
    make_user("ann")
    db.session.rollback()
    page = new_browser_page(viewport={"width": 1280, "height": 720})
    sign_in(page, live_server, "ann", PASSWORD)
    page.wait_for_url(live_server + "/")
    page.goto(f"{live_server}/segments/{header.no}")
    page.wait_for_selector("[data-total='lines']")
    assert page.evaluate(TOOLBAR) == {"oneLine": True, "overflow": 0}

    menu = page.locator("#segment-actions")
    summary = menu.locator("summary")
    csv_link = menu.get_by_role("link", name="Export contacts to CSV")
    expect(csv_link).to_be_hidden()
    # The button before the menu, then Tab: the menu's button has the focus; Enter opens it.
    page.locator(".segment-page > .toolbar > :is(a, button)").last.focus()
    while not page.evaluate("() => document.activeElement.matches('#segment-actions summary')"):
        page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("open", "")
    # The arrows move through its items (the criteria view and Save criteria come first); Esc closes it and gives
    # the focus back to its button; Space opens it again.
    page.keyboard.press("ArrowDown")
    expect(menu.get_by_role("link", name="Criteria", exact=True)).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(menu.get_by_role("link", name="Save criteria")).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(csv_link).to_be_focused()
    page.keyboard.press("Escape")
    expect(menu).not_to_have_attribute("open", "")
    expect(summary).to_be_focused()
    page.keyboard.press("Space")
    expect(csv_link).to_be_visible()
    assert page.evaluate(TOOLBAR) == {
        "oneLine": True,
        "overflow": 0,
    }  # the open menu floats over the page, the toolbar keeps its line
    page.keyboard.press("End")
    expect(menu.locator("a[href$='/delete']")).to_be_focused()  # Delete segment…, the last item
    for _ in range(5):  # mailing group, send test e-mail, labels, Excel, CSV
        page.keyboard.press("ArrowUp")
    expect(csv_link).to_be_focused()
    with page.expect_download() as download_info:
        page.keyboard.press("Enter")
    download = download_info.value
    assert download.suggested_filename == f"segment-{header.no}-contacts.csv"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert [row["No."] for row in rows] == ["P100", "C200"]
    # Having chosen, the menu closes and the focus is back on its button.
    expect(menu).not_to_have_attribute("open", "")
    expect(summary).to_be_focused()
