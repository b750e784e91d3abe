"""HTTP side of the harness: gunicorn on loopback, signed-in clients, latency percentiles and load."""

import html
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.cookiejar import CookieJar
from pathlib import Path

from bench.databases import BENCH_SECRET_KEY

ROOT = Path(__file__).resolve().parent.parent
CSRF_PATTERN = re.compile(r'name="csrf-token" content="([^"]+)"')


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn_server(database_url: str, workers: int | None = None, timeout: float = 60.0) -> Iterator[str]:
    """Serve segapp with gunicorn on a free loopback port; yields the base URL, stops the server after."""
    port = free_port()
    workers = workers or int(os.environ.get("WEB_CONCURRENCY", "2"))
    env = dict(os.environ, DATABASE_URL=database_url, SECRET_KEY=BENCH_SECRET_KEY)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, process, timeout)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_up(base: str, process: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited: {process.stderr.read() if process.stderr else ''}")
        try:
            with urllib.request.urlopen(base + "/health", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer on {base} within {timeout} s")


@dataclass
class Response:
    """Status, body and how long the request took."""

    status: int
    body: str
    seconds: float


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


class Client:
    """A browser-like client with its own cookies; ``sign_in`` goes through the real form."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.cookies = CookieJar()
        self.csrf_token = ""
        self._opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect)

    def request(
        self, method: str, path: str, data: dict[str, str] | None = None, headers: dict[str, str] | None = None
    ) -> Response:
        """Send one request; redirects are not followed, HTTP errors are returned, not raised."""
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        all_headers = {"X-CSRFToken": self.csrf_token} if self.csrf_token and method != "GET" else {}
        all_headers.update(headers or {})
        request = urllib.request.Request(self.base + path, data=body, method=method, headers=all_headers)
        started = time.perf_counter()
        try:
            with self._opener.open(request, timeout=120) as answer:
                status, text = answer.status, answer.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read().decode("utf-8", "replace")
        return Response(status, text, time.perf_counter() - started)

    def get(self, path: str, headers: dict[str, str] | None = None) -> Response:
        """GET a path."""
        return self.request("GET", path, headers=headers)

    def sign_in(self, username: str, password: str) -> None:
        """Sign in through the sign-in form, keeping the session cookie and the CSRF token."""
        page = self.get("/auth/login")
        token = _csrf_token(page.body)
        answer = self.request("POST", "/auth/login", {"username": username, "password": password, "csrf_token": token})
        if answer.status != 302:
            raise RuntimeError(f"sign-in as {username} failed: HTTP {answer.status}")
        self.csrf_token = _csrf_token(self.get("/").body)


def _csrf_token(page: str) -> str:
    match = CSRF_PATTERN.search(page)
    if not match:
        raise RuntimeError("no CSRF token on the page")
    return html.unescape(match.group(1))


def percentile(values: list[float], fraction: float) -> float:
    """The ``fraction`` percentile (nearest rank) of ``values``."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    rank = max(0, min(len(ordered) - 1, int(round(fraction * len(ordered) + 0.5)) - 1))
    return ordered[rank]


@dataclass
class LoadResult:
    """Absolute figures of a load run."""

    requests: int
    errors: int
    seconds: float
    latencies: list[float]

    def figures(self) -> dict[str, float | int]:
        """requests/s, p50/p95/p99 in milliseconds and the error count."""
        return {
            "requests_per_s": round(self.requests / self.seconds, 1) if self.seconds else 0.0,
            "p50_ms": round(percentile(self.latencies, 0.50) * 1000, 1),
            "p95_ms": round(percentile(self.latencies, 0.95) * 1000, 1),
            "p99_ms": round(percentile(self.latencies, 0.99) * 1000, 1),
            "errors": self.errors,
            "requests": self.requests,
        }


def run_load(clients: list[Client], action: Callable[[Client, int, int], Response], seconds: float) -> LoadResult:
    """Each client in its own thread calls ``action(client, client_index, iteration)`` until time is up.

    A response with status >= 400 (or an exception) counts as an error.
    """
    latencies: list[list[float]] = [[] for _ in clients]
    errors = [0] * len(clients)
    attempts = [0] * len(clients)
    stop_at = time.monotonic() + seconds

    def work(index: int) -> None:
        iteration = 0
        while time.monotonic() < stop_at:
            try:
                response = action(clients[index], index, iteration)
                latencies[index].append(response.seconds)
                if response.status >= 400:
                    errors[index] += 1
            except Exception:  # noqa: BLE001 - every failure is an error of the run
                errors[index] += 1
            iteration += 1
            attempts[index] = iteration

    started = time.monotonic()
    threads = [threading.Thread(target=work, args=(i,), daemon=True) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    flat = [value for per_client in latencies for value in per_client]
    return LoadResult(requests=sum(attempts), errors=sum(errors), seconds=elapsed, latencies=flat)
