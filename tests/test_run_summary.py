"""The lines `make test` ends with: which databases ran, whether the browser tests ran and why not."""

from collections import Counter

import pytest

from tests import run_summary
from tests.run_summary import summary_lines


def test_everything_ran() -> None:
    both = {"sqlite", "postgresql"}
    assert summary_lines(both, both, Counter(passed=14), Counter()) == [
        "Databases: SQLite and PostgreSQL.",
        "Browser tests: 14 passed.",
    ]


def test_a_newcomer_without_postgresql_or_chromium_is_told_what_to_install() -> None:
    reason = "/usr/bin/chromium is not installed (Debian: apt-get install chromium)"
    databases, browser = summary_lines({"sqlite"}, {"sqlite"}, Counter(skipped=7), Counter({reason: 7}))
    assert databases.startswith("Databases: SQLite only;") and "TEST_DATABASE_URL" in databases
    assert browser.startswith("Browser tests: 7 skipped. Skipped because: " + reason)
    assert "README" in browser


def test_a_run_stopped_before_postgresql_says_so() -> None:
    databases, browser = summary_lines({"sqlite", "postgresql"}, {"sqlite"}, Counter(passed=3, failed=1), Counter())
    assert databases == "Databases: SQLite; no test ran on PostgreSQL."
    assert browser == "Browser tests: 3 passed, 1 failed."


def test_nothing_selected_is_said() -> None:
    assert summary_lines({"sqlite"}, set(), Counter(), Counter()) == [
        "Databases: no database test ran.",
        "Browser tests: none selected.",
    ]


def test_tests_with_list_or_dict_parameters_are_counted_by_their_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(run_summary, "_backend_of", {})

    class Item:
        def __init__(self, nodeid: str, params: dict) -> None:
            self.nodeid, self.fixturenames = nodeid, ()
            self.callspec = type("CallSpec", (), {"params": params})()

    run_summary.pytest_collection_modifyitems([Item("t1", {"rows": [1, 2], "database_url": "postgresql"}),
                                               Item("t2", {"options": {"a": 1}})])  # fmt: skip

    assert run_summary._backend_of["t1"] == "postgresql"
    assert "t2" not in run_summary._backend_of
