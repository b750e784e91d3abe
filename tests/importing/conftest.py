"""Fixtures of the import tests: files written to a temporary folder."""

from collections.abc import Callable
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
