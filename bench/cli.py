"""Command line: ``python -m bench --n N [--db sqlite|postgresql|all] [--scenarios import,page,...]``."""

import argparse
import os
import sys
import time
import traceback
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from sqlalchemy import text

from bench import report
from bench.databases import BENCH_DIR, bench_app, build_schema, postgresql_database, sqlite_database
from bench.datagen import SEED, generate
from bench.measure import SCENARIO_NAMES, Context, NotAvailable, compare
from bench.scenarios import SCENARIOS
from segapp.extensions import db

ROOT = BENCH_DIR.parent


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The options of the harness."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--n", type=int, default=100_000, help="number of contacts (default 100000)")
    parser.add_argument(
        "--db",
        choices=("sqlite", "postgresql", "all"),
        default="all",
        help="all = SQLite, plus PostgreSQL when BENCH_DATABASE_URL is set",
    )
    parser.add_argument("--scenarios", default=",".join(SCENARIO_NAMES), help="comma-separated scenario names")
    parser.add_argument("--repeats", type=int, default=5, help="runs of each side (default 5)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--out", type=Path, default=BENCH_DIR, help="directory of results.json")
    parser.add_argument("--docs", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument("--data-dir", type=Path, default=BENCH_DIR / "data", help="where the SQLite file goes")
    parser.add_argument("--keep-sqlite", action="store_true", help="keep the SQLite file after the run")
    parser.add_argument(
        "--sqlite-series",
        choices=("cte", "executemany"),
        default="cte",
        help="row source of the SQLite generation: recursive CTE or executemany into a temp table",
    )
    args = parser.parse_args(argv)
    args.scenario_list = [s.strip() for s in args.scenarios.split(",") if s.strip()]
    unknown = [s for s in args.scenario_list if s not in SCENARIO_NAMES]
    if unknown:
        parser.error(f"unknown scenarios: {', '.join(unknown)} (known: {', '.join(SCENARIO_NAMES)})")
    return args


def databases(choice: str) -> list[str]:
    """The backends to run on."""
    server = os.environ.get("BENCH_DATABASE_URL", "")
    if choice == "postgresql" and not server:
        raise SystemExit("--db postgresql needs BENCH_DATABASE_URL (a PostgreSQL server URL)")
    if choice == "all":
        return ["sqlite"] + (["postgresql"] if server else [])
    return [choice]


def say(message: str) -> None:
    """Progress on stderr, so stdout stays clean."""
    print(message, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    """Generate the data on each backend, run the scenarios, write results.json and docs/benchmarks.md."""
    args = parse_args(argv)
    results: list[dict[str, Any]] = []
    generation: list[dict[str, Any]] = []
    missing: dict[str, str] = {}
    failed: list[str] = []
    info = report.machine()
    for backend in databases(args.db):
        with _database(backend, args) as url:
            say(f"== {backend}: N = {args.n:,}")
            app = bench_app(url)
            build_schema(app)
            with app.app_context():
                if backend == "postgresql":
                    info["postgresql"] = db.session.scalar(text("SHOW server_version"))
                    db.session.remove()
                started = time.perf_counter()
                gen = generate(db.engine, args.n, args.seed, sqlite_series=args.sqlite_series, progress=say)
                say(f"  generated in {time.perf_counter() - started:.1f} s")
            generation.append(
                {
                    "db": backend,
                    "n": args.n,
                    "seconds": {k: round(v, 2) for k, v in gen.seconds.items()},
                    "total_s": round(gen.total_seconds, 1),
                    "rows": gen.rows,
                    "sqlite_series": args.sqlite_series if backend == "sqlite" else None,
                }
            )
            ctx = Context(db=backend, url=url, n=args.n, seed=args.seed, app=app, repeats=args.repeats)
            for name in args.scenario_list:
                outcome = _run(name, ctx, missing)
                if outcome is None:
                    continue
                if isinstance(outcome, str):
                    failed.append(f"{name} on {backend}: {outcome}")
                else:
                    results.append(outcome)
            with app.app_context():
                db.engine.dispose()
    merged = report.write_results(args.out, results, generation)
    report.write_docs(args.docs, report.render(merged, report.load_generation(args.out), missing, info))
    say(f"results: {args.out / 'results.json'}, table: {args.docs}")
    for failure in failed:
        say(f"FAILED {failure}")
    return 1 if failed else 0


def _run(name: str, ctx: Context, missing: dict[str, str]) -> dict[str, Any] | str | None:
    """One scenario: its entry, an error message, or None when the feature is not available yet."""
    scenario_cls = SCENARIOS.get(name)
    try:
        if scenario_cls is None:
            raise NotAvailable("no scenario yet")
        scenario = scenario_cls()
        scenario.check(ctx)
    except NotAvailable as reason:
        missing[name] = str(reason)
        say(f"  {name}: not available yet ({reason})")
        return None
    try:
        entry = compare(scenario, ctx, say)
    except Exception as error:  # noqa: BLE001 - report and go on with the other scenarios
        traceback.print_exc()
        return f"{type(error).__name__}: {error}"
    say(f"  {name}: segapp {entry['segapp_s']} s, baseline {entry['baseline_s']} s, ratio {entry['ratio']}")
    return entry


def _database(backend: str, args: argparse.Namespace) -> AbstractContextManager[str]:
    if backend == "sqlite":
        return sqlite_database(f"bench-{args.n}", args.data_dir, keep=args.keep_sqlite)
    return postgresql_database(os.environ["BENCH_DATABASE_URL"])
