"""Scenarios page and load: the segment page over HTTP, served by gunicorn on loopback.

page: GET of a segment with 20 % of N lines vs the same page of a segment with 20 lines.
load: 16 signed-in clients for 30 s (BENCH_LOAD_SECONDS), each editing the lines of its own segment of
20 lines (PUT segments.update_line with the line's version, as the grid does); absolute figures
(requests/s, p50/p95/p99, errors). Without that endpoint each client reloads its segment page.
"""

import os
from contextlib import ExitStack
from typing import Any

from flask import Flask, url_for
from sqlalchemy import delete, insert, select
from sqlalchemy.engine import Connection

from bench.datagen import Sql, insert_select
from bench.http import Client, Response, gunicorn_server, run_load
from bench.measure import Context, NotAvailable, Sample, Scenario
from segapp.extensions import db
from segapp.models import SegmentHeader, SegmentLine, User
from segapp.services.users import create_user

SEGMENT_PAGE = "segments.show_segment"
LINE_EDIT = "segments.update_line"  # PUT field/value/version of one line cell
BENCH_USER = "bench"
BENCH_PASSWORD = "bench-password-1"
SMALL_LINES = 20
LOAD_CLIENTS = 16
WARM_UP = 4


def require_endpoint(app: Flask, endpoint: str) -> None:
    """NotAvailable unless segapp has this endpoint."""
    if endpoint not in app.view_functions:
        raise NotAvailable(endpoint)


def endpoint_url(app: Flask, endpoint: str, value: str) -> str:
    """URL of an endpoint taking one argument (whatever its name), e.g. the segment number."""
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    with app.test_request_context():
        return url_for(endpoint, **{name: value for name in rule.arguments})


def ensure_user(app: Flask) -> None:
    """The signed-in user of the HTTP scenarios."""
    with app.app_context():
        if db.session.scalar(select(User.id).where(User.username == BENCH_USER)) is None:
            create_user(db.session, BENCH_USER, BENCH_PASSWORD)
            db.session.commit()


def create_segment(app: Flask, no: str, where: str) -> None:
    """A segment whose lines are the contacts chosen by ``where`` (over r, the contact's rank by number)."""
    with app.app_context(), db.engine.begin() as connection:
        connection.execute(
            insert(SegmentHeader),
            [
                {
                    "no": no,
                    "description": f"Benchmark {no}",
                    "salesperson_code": "MR",
                    "interaction_template_code": "LETTER",
                    "language_code": "ITA",
                    "subject": "La nostra offerta",
                }
            ],
        )
        add_ranked_lines(connection, no, where)
        # Fresh statistics, as after the data generation: without them PostgreSQL plans the page of a segment it
        # still believes empty (bitmap scan of every line, then sort) until autovacuum analyses it, ~1 min later.
        connection.exec_driver_sql("ANALYZE segment_line")


def add_ranked_lines(connection: Connection, no: str, where: str) -> None:
    """Lines of segment ``no`` for the contacts chosen by ``where`` (over r, the contact's rank by number), line no.
    r x 10000."""
    sql = Sql(connection.dialect.name, 0)
    insert_select(
        connection,
        sql,
        SegmentLine.__table__,
        {
            "segment_no": sql.literal(no),
            "line_no": "(r * 10000)",
            "contact_no": "no",
            "contact_company_no": "company_no",
            "correspondence_type": "correspondence_type",
            "salesperson_code": "'MR'",
            "interaction_template_code": "'LETTER'",
            "language_code": "'ITA'",
            "subject": "'La nostra offerta'",
            "date": sql.day("0"),
        },
        "\nFROM (SELECT no, company_no, correspondence_type, ROW_NUMBER() OVER (ORDER BY no) AS r "
        f"FROM contact) AS ranked WHERE {where}",
    )


def drop_segments(app: Flask, numbers: list[str]) -> None:
    """Remove the benchmark's segments."""
    with app.app_context(), db.engine.begin() as connection:
        connection.execute(delete(SegmentLine).where(SegmentLine.segment_no.in_(numbers)))
        connection.execute(delete(SegmentHeader).where(SegmentHeader.no.in_(numbers)))


def _checked(response: Response, what: str) -> Response:
    if response.status != 200:
        raise RuntimeError(f"{what}: HTTP {response.status}")
    return response


class PageScenario(Scenario):
    """page: the segment page with 20 % of N lines vs with 20 lines."""

    name = "page"
    numbers = ["BENCH-BIG", "BENCH-SMALL"]

    def check(self, ctx: Context) -> None:
        """The segment page must exist."""
        require_endpoint(ctx.app, SEGMENT_PAGE)

    def prepare(self, ctx: Context) -> None:
        """Two segments, a server and a signed-in client; one warm-up request each."""
        ensure_user(ctx.app)
        create_segment(ctx.app, "BENCH-BIG", "r % 5 = 0")
        create_segment(ctx.app, "BENCH-SMALL", f"r <= {SMALL_LINES}")
        stack = ExitStack()
        ctx.state["stack"] = stack
        client = Client(stack.enter_context(gunicorn_server(ctx.url)))
        client.sign_in(BENCH_USER, BENCH_PASSWORD)
        ctx.state["client"] = client
        ctx.state["big"] = endpoint_url(ctx.app, SEGMENT_PAGE, "BENCH-BIG")
        ctx.state["small"] = endpoint_url(ctx.app, SEGMENT_PAGE, "BENCH-SMALL")
        for _ in range(WARM_UP):  # every gunicorn worker has served both pages before timing starts
            _checked(client.get(ctx.state["big"]), "segment page")
            _checked(client.get(ctx.state["small"]), "segment page")

    def run_segapp(self, ctx: Context) -> Sample:
        """GET the big segment."""
        return Sample(_checked(ctx.state["client"].get(ctx.state["big"]), "segment page").seconds)

    def run_baseline(self, ctx: Context) -> Sample:
        """GET the small segment."""
        return Sample(_checked(ctx.state["client"].get(ctx.state["small"]), "segment page").seconds)

    def finish(self, ctx: Context) -> None:
        """Stop the server and remove the segments."""
        if "stack" in ctx.state:
            ctx.state.pop("stack").close()
        drop_segments(ctx.app, self.numbers)


class LoadScenario(Scenario):
    """load: 16 clients on their own segments for 30 s; absolute figures, no baseline."""

    name = "load"
    absolute = True

    def check(self, ctx: Context) -> None:
        """The segment page must exist."""
        require_endpoint(ctx.app, SEGMENT_PAGE)

    def numbers(self) -> list[str]:
        """One segment per client."""
        return [f"BENCH-L{k:02d}" for k in range(LOAD_CLIENTS)]

    def action(self, client: Client, index: int, iteration: int) -> Response:
        """What one client does once: edit the description of its next line, or reload its page."""
        if not self._edit_urls:
            return client.get(self._urls[index])
        line = iteration % SMALL_LINES
        response = client.request(
            "PUT",
            self._edit_urls[index][line],
            {"field": "description", "value": f"Load {index}.{iteration}", "version": str(self._versions[index][line])},
            headers={"HX-Request": "true"},
        )
        if response.status == 200:
            self._versions[index][line] += 1
        return response

    def _line_edit_urls(self, app: Flask, k: int, no: str) -> list[str]:
        """URLs of the 20 lines of client k's segment (line no. = contact rank x 10000, see create_segment)."""
        with app.test_request_context():
            return [
                url_for(LINE_EDIT, segment_no=no, line_no=r * 10000)
                for r in range(k * SMALL_LINES + 1, (k + 1) * SMALL_LINES + 1)
            ]

    def run_absolute(self, ctx: Context) -> dict[str, Any]:
        """Serve, sign the clients in, and load the server for the given time."""
        ensure_user(ctx.app)
        seconds = float(os.environ.get("BENCH_LOAD_SECONDS", "30"))
        for k, no in enumerate(self.numbers()):
            create_segment(ctx.app, no, f"r > {k * SMALL_LINES} AND r <= {(k + 1) * SMALL_LINES}")
        try:
            self._urls = [endpoint_url(ctx.app, SEGMENT_PAGE, no) for no in self.numbers()]
            self._edit_urls = (
                [self._line_edit_urls(ctx.app, k, no) for k, no in enumerate(self.numbers())]
                if LINE_EDIT in ctx.app.view_functions
                else []
            )
            self._versions = [[1] * SMALL_LINES for _ in self.numbers()]
            with gunicorn_server(ctx.url) as base:
                clients = [Client(base) for _ in self._urls]
                for client in clients:
                    client.sign_in(BENCH_USER, BENCH_PASSWORD)
                result = run_load(clients, self.action, seconds)
        finally:
            drop_segments(ctx.app, self.numbers())
        figures = result.figures()
        return {
            "segapp_s": round(figures["p50_ms"] / 1000, 4),
            "baseline_s": None,
            "ratio": None,
            "peak_rss_mb": None,
            "clients": LOAD_CLIENTS,
            "seconds": round(result.seconds, 1),
            "action": "edit line" if self._edit_urls else "reload page",
            **figures,
        }
