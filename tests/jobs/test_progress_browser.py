"""The progress bar in Chromium, in Italian: it follows the job while the page stays open, stops asking once the
job has ended, offers the download from the keyboard, and shows the same after a reload."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

from segapp.models import Role, User
from segapp.services.jobs import run_job_now, start_job
from tests.browser_support import save_screenshot, sign_in
from tests.conftest import PASSWORD


def test_the_progress_bar_ends_with_the_download_without_a_reload(
    live_server: str, new_browser_page: Callable[..., Any], make_user: Callable[..., User], db: Any
) -> None:
    from playwright.sync_api import expect

    make_user("mario", role=Role.USER, language="it")
    job_id = start_job(db.session, "test_count", params={"title": "Lettere di prova"}, total=4, owner="test").id
    db.session.commit()
    page = new_browser_page(locale="it-IT", viewport={"width": 1280, "height": 720})
    sign_in(page, live_server, "mario", PASSWORD)
    page.wait_for_url(live_server + "/")
    page.goto(f"{live_server}/jobs/{job_id}")
    box = page.locator(f"#job-{job_id}")
    expect(box.locator(".job-status")).to_contain_text("In attesa di un esecutore · 0 di 4 fatti")
    expect(box).to_have_attribute("hx-trigger", "every 2s")

    # A worker does the job while the page is open: the page polls and shows the end by itself.
    run_job_now(db.session, job_id)
    expect(box.locator(".job-status")).to_contain_text("Finito · 4 di 4 fatti", timeout=10_000)
    assert box.locator("progress").get_attribute("value") == "4"
    assert box.get_attribute("hx-trigger") is None  # it has stopped asking
    save_screenshot(page, "job-progress.png")

    link = box.locator(".job-downloads a")
    expect(link).to_have_text("Scarica steps.txt")
    for _press in range(40):
        if page.evaluate("() => document.activeElement?.closest('.job-downloads') !== null"):
            break
        page.keyboard.press("Tab")
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    assert Path(download.value.path()).read_text() == "0,1,2,3"

    page.reload()
    expect(page.locator(f"#job-{job_id} .job-status")).to_contain_text("Finito · 4 di 4 fatti")
    expect(page.locator(f"#job-{job_id} .job-downloads a")).to_have_count(1)
