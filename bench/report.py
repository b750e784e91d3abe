"""Results: bench/results.json (merged by name, db and n) and the table in docs/benchmarks.md."""

import json
import os
import platform
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.measure import SCENARIO_NAMES

START = "<!-- bench:results:start -->"
END = "<!-- bench:results:end -->"
TARGETS = {
    "import": 2.0,
    "page": 2.0,
    "merge": 2.0,
    "preview": 1.5,
    "add": 1.5,
    "reduce": 1.5,
    "refine": 1.5,
    "go_back": 1.5,
    "log": 1.5,
    "delivery": 1.5,
}


def machine() -> dict[str, Any]:
    """CPU model, cores and RAM of this machine."""
    cpu = platform.processor() or platform.machine()
    ram_gb = 0.0
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram_gb = int(line.split()[1]) / 1024 / 1024
                break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count() or 0,
        "ram_gb": round(ram_gb, 1),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
    }


def _merge(path: Path, new: list[dict[str, Any]], keys: tuple[str, ...]) -> list[dict[str, Any]]:
    old = json.loads(path.read_text()) if path.exists() else []
    fresh = {tuple(e[k] for k in keys) for e in new}
    return [e for e in old if tuple(e.get(k) for k in keys) not in fresh] + new


def load_generation(out_dir: Path) -> list[dict[str, Any]]:
    """Every generation figure recorded in ``out_dir``."""
    path = out_dir / "generation.json"
    return json.loads(path.read_text()) if path.exists() else []


def write_results(
    out_dir: Path, results: list[dict[str, Any]], generation: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Merge this run into results.json and generation.json of ``out_dir``; returns all results."""
    out_dir.mkdir(parents=True, exist_ok=True)
    merged = _merge(out_dir / "results.json", results, ("name", "db", "n"))
    (out_dir / "results.json").write_text(json.dumps(merged, indent=2) + "\n")
    gen = _merge(out_dir / "generation.json", generation, ("db", "n"))
    (out_dir / "generation.json").write_text(json.dumps(gen, indent=2) + "\n")
    return merged


def render(
    results: list[dict[str, Any]],
    generation: list[dict[str, Any]],
    missing: dict[str, str],
    info: dict[str, Any],
    when: datetime | None = None,
) -> str:
    """The Markdown of the results section."""
    when = when or datetime.now(UTC)
    lines = [
        START,
        "",
        f"Last run: {when:%Y-%m-%d %H:%M} UTC on {info['cpu']}, {info['cores']} cores, "
        f"{info['ram_gb']} GB RAM (Python {info['python']}, SQLite {info['sqlite']}"
        + (f", PostgreSQL {info['postgresql']}" if info.get("postgresql") else "")
        + ").",
        "",
    ]
    lines += [
        "| scenario | db | N | segapp s | baseline s | ratio | target | peak RSS MB |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    order = {name: k for k, name in enumerate(SCENARIO_NAMES)}
    for e in sorted(results, key=lambda e: (order.get(e["name"], 99), e["db"], e["n"])):
        target = TARGETS.get(e["name"])
        ratio = "" if e.get("ratio") is None else f"{e['ratio']:.2f}"
        verdict = "" if target is None or e.get("ratio") is None else (" ✓" if e["ratio"] <= target else " ✗")
        lines.append(
            f"| {e['name']} | {e['db']} | {e['n']:,} | {_num(e.get('segapp_s'))} | {_num(e.get('baseline_s'))} "
            f"| {ratio}{verdict} | {'' if target is None else f'≤ {target}'} | {_num(e.get('peak_rss_mb'), 0)} |"
        )
    loads = [e for e in results if e["name"] == "load"]
    if loads:
        lines += [
            "",
            "Load (absolute figures, not ratios):",
            "",
            "| db | N | clients | requests/s | p50 ms | p95 ms | p99 ms | errors |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        lines += [
            f"| {e['db']} | {e['n']:,} | {e.get('clients')} | {e.get('requests_per_s')} | {e.get('p50_ms')} "
            f"| {e.get('p95_ms')} | {e.get('p99_ms')} | {e.get('errors')} |"
            for e in loads
        ]
    if missing:
        lines += ["", "Not available yet in the last run: " + ", ".join(f"{k} ({v})" for k, v in missing.items()) + "."]
    if generation:
        lines += [
            "",
            "Data generation (set-based, seconds):",
            "",
            "| db | N | contacts | all tables | total rows |",
            "|---|---:|---:|---:|---:|",
        ]
        for g in sorted(generation, key=lambda g: (g["db"], g["n"])):
            lines.append(
                f"| {g['db']} | {g['n']:,} | {g['seconds'].get('contact', 0):.1f} | {g['total_s']:.1f} "
                f"| {sum(g['rows'].values()):,} |"
            )
    lines += ["", END]
    return "\n".join(lines)


def _num(value: float | None, digits: int = 3) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def write_docs(path: Path, section: str) -> None:
    """Replace the results section of docs/benchmarks.md (or append it), keeping the prose around it."""
    text = path.read_text() if path.exists() else "# Benchmarks\n\n"
    if START in text and END in text:
        before, rest = text.split(START, 1)
        after = rest.split(END, 1)[1]
        text = before + section + after
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
