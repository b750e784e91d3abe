"""The last lines of a test run: which databases the database tests ran on, and whether the browser
tests ran (a newcomer without Chromium or PostgreSQL should not have to guess from "7 skipped").

Loaded by tests/conftest.py as a plugin. A test runs on a database when one of its parameters is the
backend name (``database_url`` and the fixtures built like it); a browser test is one that uses the
``chromium`` fixture.
"""

from collections import Counter

import pytest

BACKEND_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
BROWSER_FIXTURE = "chromium"
CHROMIUM_HINT = "The README says how to install Chromium."
POSTGRESQL_HINT = "set TEST_DATABASE_URL to a PostgreSQL server to run them there too (see the README)"

_backend_of: dict[str, str] = {}
_browser_tests: set[str] = set()
_ran_on: set[str] = set()
_browser_outcomes: Counter[str] = Counter()
_browser_skip_reasons: Counter[str] = Counter()


def _is_backend(value: object) -> bool:
    # Other parameters may be lists or dicts, which cannot be looked up in a dict.
    return isinstance(value, str) and value in BACKEND_NAMES


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Note each test's backend and whether it drives the browser."""
    for item in items:
        callspec = getattr(item, "callspec", None)
        backend = next((v for v in callspec.params.values() if _is_backend(v)), None) if callspec else None
        if backend:
            _backend_of[item.nodeid] = backend
        if BROWSER_FIXTURE in getattr(item, "fixturenames", ()):
            _browser_tests.add(item.nodeid)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Count what ran: a test ran when its call phase did; a skip or error in setup means it did not."""
    if report.when == "call" and report.nodeid in _backend_of:
        _ran_on.add(_backend_of[report.nodeid])
    if report.nodeid not in _browser_tests:
        return
    if report.skipped and report.when in ("setup", "call"):
        _browser_outcomes["skipped"] += 1
        _browser_skip_reasons[_skip_reason(report)] += 1
    elif report.failed:
        _browser_outcomes["failed" if report.when == "call" else "error"] += 1
    elif report.when == "call":
        _browser_outcomes["passed"] += 1


def _skip_reason(report: pytest.TestReport) -> str:
    longrepr = report.longrepr
    reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
    return reason.removeprefix("Skipped: ")


def summary_lines(
    configured: set[str], ran_on: set[str], browser_outcomes: Counter[str], skip_reasons: Counter[str]
) -> list[str]:
    """The summary as text lines."""
    names = [BACKEND_NAMES[b] for b in BACKEND_NAMES if b in ran_on]
    missed = [BACKEND_NAMES[b] for b in BACKEND_NAMES if b in configured - ran_on]
    if not names:
        databases = "Databases: no database test ran."
    elif "postgresql" not in configured:
        databases = f"Databases: {' and '.join(names)} only; {POSTGRESQL_HINT}."
    elif missed:
        databases = f"Databases: {' and '.join(names)}; no test ran on {' and '.join(missed)}."
    else:
        databases = f"Databases: {' and '.join(names)}."
    if not sum(browser_outcomes.values()):
        return [databases, "Browser tests: none selected."]
    counts = ", ".join(
        f"{browser_outcomes[k]} {k}" for k in ("passed", "failed", "error", "skipped") if browser_outcomes[k]
    )
    browser = f"Browser tests: {counts}."
    if browser_outcomes["skipped"]:
        reasons = "; ".join(reason for reason, _count in skip_reasons.most_common())
        browser += f" Skipped because: {reasons}."
        if not browser_outcomes["passed"]:
            browser += f" {CHROMIUM_HINT}"
    return [databases, browser]


def pytest_unconfigure(config: pytest.Config) -> None:
    """Print the summary at the very end of the run, after pytest's own counts."""
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is None or config.option.collectonly:
        return
    reporter.write_sep("-", "segapp")
    from tests.conftest import postgresql_configured

    configured = {"sqlite", "postgresql"} if postgresql_configured() else {"sqlite"}
    for line in summary_lines(configured, _ran_on, _browser_outcomes, _browser_skip_reasons):
        reporter.write_line(line)
