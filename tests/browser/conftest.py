"""Fixtures of the browser flows (on every configured database), demo data for the pictures."""

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from segapp.models import Role, User
from tests.browser_support import sign_in
from tests.conftest import PASSWORD


@pytest.fixture
def import_folder(app: Flask, tmp_path: Path) -> Iterator[Path]:
    """Uploads go to a temporary folder instead of the instance folder."""
    folder = tmp_path / "imports"
    app.config["IMPORT_FOLDER"] = str(folder)
    try:
        yield folder
    finally:
        app.config.pop("IMPORT_FOLDER", None)


@pytest.fixture
def signed_in(live_server: str, browser_page: Any, make_user: Callable[..., User]) -> Callable[..., Any]:
    """Create a user and sign them in in the browser; returns the page on the home page."""
    from playwright.sync_api import expect

    def _sign_in(username: str = "ann", role: Role = Role.USER, **fields: Any) -> Any:
        make_user(username, role=role, **fields)
        sign_in(browser_page, live_server, username, PASSWORD)
        browser_page.wait_for_url(live_server + "/")
        expect(browser_page.get_by_role("heading", name="Home")).to_be_visible()
        return browser_page

    return _sign_in
