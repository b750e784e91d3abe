"""Browser fixtures shared by every test area: the app on a real port and Debian's Chromium driven by Playwright.

tests/conftest.py loads this module as a plugin (pytest_plugins), so one Chromium serves the whole test session.
Chromium is never downloaded: a missing /usr/bin/chromium (or Playwright) skips, except in CI where it fails.
"""

import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
VIEWPORT = {"width": 1400, "height": 900}
SCREENSHOT_ENV = "SEGAPP_SCREENSHOT_DIR"


def _in_ci() -> bool:
    return os.environ.get("CI") == "true"


def _sync_api() -> Any:
    """playwright.sync_api, or a skip (a failure in CI) when it is not installed."""
    if _in_ci():
        import playwright.sync_api as sync_api  # in CI a missing package is a failure, not a skip

        return sync_api
    return pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """One headless Chromium for the whole session (the system's, never downloaded)."""
    if not os.path.exists(CHROMIUM):
        if _in_ci():
            pytest.fail(f"{CHROMIUM} is missing in CI")
        pytest.skip(f"{CHROMIUM} is not installed (Debian: apt-get install chromium)")
    playwright = _sync_api().sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()


@pytest.fixture
def new_browser_page(chromium: Any) -> Iterator[Callable[..., Any]]:
    """Open a page in a fresh context (own cookies): ``new_browser_page(locale="it-IT", viewport=...)``; closed after."""
    contexts: list[Any] = []
    # Every browser test also guards the Content-Security-Policy: anything the page does (htmx swaps
    # included) that the policy blocks fails the test, since it would silently not happen for users.
    blocked: list[str] = []

    def _new(locale: str = "en-GB", viewport: dict[str, int] | None = None) -> Any:
        context = chromium.new_context(viewport=viewport or VIEWPORT, locale=locale)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.on("console", lambda message: _note_csp_violation(message.text, page.url, blocked))
        return page

    try:
        yield _new
    finally:
        for context in contexts:
            context.close()
    assert not blocked, f"the Content-Security-Policy blocked: {blocked}"


def _note_csp_violation(text: str, url: str, blocked: list[str]) -> None:
    if "Content Security Policy" in text:
        blocked.append(f"{url}: {text[:160]}")


@pytest.fixture
def browser_page(new_browser_page: Callable[..., Any]) -> Any:
    """A Chromium page with an English locale and a 1400x900 viewport."""
    return new_browser_page()


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """The real app served on a free loopback port in a background thread, on the test's database."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


def save_screenshot(page: Any, name: str) -> Path | None:
    """A full-page PNG in $SEGAPP_SCREENSHOT_DIR (for the README), when it is set."""
    folder = os.environ.get(SCREENSHOT_ENV)
    if not folder:
        return None
    path = Path(folder) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000, f"{name} looks empty"
    return path


def sign_in(page: Any, base_url: str, username: str, password: str) -> None:
    """Sign in through the form, from the keyboard."""
    page.goto(base_url + "/auth/login")
    page.locator("#username").focus()
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type(password)
    page.keyboard.press("Enter")
