"""Fixtures of the import tests: files written to a temporary folder."""

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest


@pytest.fixture
def write_file(tmp_path: Path) -> Callable[..., Path]:
    """Write bytes (or text in an encoding) to a file: ``write_file("a.csv", "x;y", "cp1252")``."""

    def _write(name: str, content: str | bytes, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
        return path

    return _write


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``slow`` mark (deselect with ``-m "not slow"``)."""
    config.addinivalue_line("markers", "slow: a volume test that takes a minute or more")


@pytest.fixture(autouse=True)
def import_folder(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Path]:
    """Uploads of the view tests go to a temporary folder instead of the instance folder."""
    if "app" not in request.fixturenames:
        yield tmp_path
        return
    app = request.getfixturevalue("app")
    folder = tmp_path / "imports"
    app.config["IMPORT_FOLDER"] = str(folder)
    try:
        yield folder
    finally:
        app.config.pop("IMPORT_FOLDER", None)


@pytest.fixture
def run_data() -> Callable[..., dict[str, str]]:
    """The mapping form of a page as the browser would send it: every select with its selected option,
    the upload it was made for, skip duplicates, and ``extra``."""

    def _data(html: str, **extra: str) -> dict[str, str]:
        data = {}
        for name, body in re.findall(r'<select[^>]*name="(col_\d+)"[^>]*>(.*?)</select>', html, re.S):
            selected = re.search(r'<option selected value="([^"]*)"|<option value="([^"]*)" selected', body)
            data[name] = next(g for g in selected.groups() if g is not None) if selected else ""
        hidden = re.search(r'<input[^>]*name="upload"[^>]*>', html)
        data["upload"] = re.search(r'value="([^"]*)"', hidden[0])[1] if hidden else ""
        data["duplicates"] = "skip"
        data.update(extra)
        return data

    return _data
