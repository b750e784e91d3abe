"""Response headers: security headers everywhere, no caching of personal data, a CSP the pages keep."""

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from segapp.models import Role, User

ROOT = Path(__file__).resolve().parents[1]
EXPECTED = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


def _assert_security_headers(headers: object, url: str) -> None:
    for name, value in EXPECTED.items():
        assert headers.get(name) == value, (url, name)
    policy = [part.strip() for part in headers.get("Content-Security-Policy", "").split(";")]
    assert "default-src 'self'" in policy, url
    assert "frame-ancestors 'none'" in policy, url
    assert not any("unsafe" in part for part in policy), url


def test_pages_fragments_and_downloads_carry_the_headers_and_are_not_stored(
    client: FlaskClient, login: Callable[..., User], make_contact: Callable
) -> None:
    response = client.get("/auth/login")
    _assert_security_headers(response.headers, "/auth/login")
    login("ann", role=Role.ADMIN)
    make_contact("Acme S.r.l.")
    for url, headers in (
        ("/contacts/", {}),
        ("/contacts/?q=Acme", {"HX-Request": "true"}),
        ("/contacts/export.csv", {}),
        ("/setup/marketing", {}),
        ("/nowhere", {}),
    ):
        response = client.get(url, headers=headers)
        _assert_security_headers(response.headers, url)
        assert response.headers.get("Cache-Control") == "no-store", url
    static = client.get("/static/css/app.css")
    _assert_security_headers(static.headers, "static")
    assert "no-store" not in static.headers.get("Cache-Control", "")
    static.close()


def test_htmx_runs_without_eval(client: FlaskClient, login: Callable[..., User]) -> None:
    login("ann")
    page = client.get("/").get_data(as_text=True)
    config = json.loads(re.search(r"<meta name=\"htmx-config\" content='([^']+)'>", page).group(1))
    assert config["allowEval"] is False
    assert config["allowScriptTags"] is False
    assert config["includeIndicatorStyles"] is False  # htmx would add an inline <style>


# Markup the CSP forbids, or that needs eval with allowEval off.
FORBIDDEN_MARKUP = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "inline script"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"<style", re.I), "style element"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "event handler attribute"),
    (re.compile(r"\shx-on", re.I), "hx-on"),
    (re.compile(r"javascript:|[\"']js:", re.I), "script URL or js: value"),
    (re.compile(r"hx-trigger=\"[^\"]*\[", re.I), "hx-trigger filter (evaluated as script)"),
]


def test_no_template_or_script_has_markup_the_policy_blocks() -> None:
    sources = [*ROOT.glob("templates/**/*.html"), *ROOT.glob("segapp/**/*.py"), *ROOT.glob("static/js/*.js")]
    found = []
    for path in sources:
        text = path.read_text(encoding="utf-8")
        for pattern, what in FORBIDDEN_MARKUP:
            if path.suffix != ".html" and what in ("event handler attribute", "style attribute"):
                continue  # in code these words are property names, not markup
            for match in pattern.finditer(text):
                found.append(f"{path.relative_to(ROOT)}: {what}: {match.group(0)!r}")
    assert found == []


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_gunicorn_sends_no_server_banner(database_url: str) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("one backend is enough for the server's headers")
    port = _free_port()
    env = dict(os.environ, DATABASE_URL=database_url, SECRET_KEY="test-secret-key", TRUSTED_PROXIES="0")
    command = [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}"]
    server = subprocess.Popen(
        [*command, "--workers", "1", "wsgi:app"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=10) as response:
                    headers = response.headers
                    break
            except OSError:
                assert server.poll() is None, server.stderr.read().decode() if server.stderr else ""
                assert time.monotonic() < deadline, "gunicorn did not answer"
                time.sleep(0.2)
    finally:
        server.terminate()
        server.wait(timeout=30)
        if server.stderr:
            server.stderr.close()
    assert "Server" not in headers
    _assert_security_headers(headers, "/health")
