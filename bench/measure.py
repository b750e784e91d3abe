"""Running a scenario: segapp and its baseline alternately, the median ratio, peak RSS of a child process."""

import json
import os
import statistics
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent
SCENARIO_NAMES = ("import", "preview", "add", "reduce", "refine", "go_back", "log", "page", "merge", "delivery", "load")


class NotAvailable(Exception):
    """The feature a scenario measures does not exist yet."""


@dataclass
class Sample:
    """One timed run: seconds, and the peak resident memory of the process that ran it when known."""

    seconds: float
    peak_rss_mb: float | None = None
    # What the run did (rows counted, inserted or deleted), so a scenario can check both sides did the same work.
    rows: Any = None
    detail: dict[str, float] = field(default_factory=dict)


@dataclass
class Context:
    """What a scenario needs: the database, its app and the size of the run."""

    db: str
    url: str
    n: int
    seed: int
    app: Flask
    repeats: int = 5
    state: dict[str, Any] = field(default_factory=dict)


class Scenario:
    """A scenario: override ``check`` (raise NotAvailable), ``prepare``, the two sides and ``reset``."""

    name = ""
    absolute = False  # True: one run of absolute figures (``run_absolute``), no baseline and no ratio

    def check(self, ctx: Context) -> None:
        """Raise NotAvailable when segapp lacks the feature."""

    def prepare(self, ctx: Context) -> None:
        """Set up what both sides need (once)."""

    def run_segapp(self, ctx: Context) -> Sample:
        """Do it through segapp."""
        raise NotImplementedError

    def run_baseline(self, ctx: Context) -> Sample:
        """Do the same with the least raw work."""
        raise NotImplementedError

    def reset(self, ctx: Context) -> None:
        """Put the database back as ``prepare`` left it, after each side's run."""

    def finish(self, ctx: Context) -> None:
        """Clean up after the last run."""

    def extra(self, ctx: Context) -> dict[str, Any]:
        """Further figures for results.json."""
        return {}

    def run_absolute(self, ctx: Context) -> dict[str, Any]:
        """For absolute scenarios: the figures of one run, including segapp_s ... peak_rss_mb."""
        raise NotImplementedError


def compare(scenario: Scenario, ctx: Context, say: Callable[[str], None]) -> dict[str, Any]:
    """Run segapp and baseline alternately ``ctx.repeats`` times; medians and the median of the ratios."""
    if scenario.absolute:
        return {"name": scenario.name, "db": ctx.db, "n": ctx.n, **scenario.run_absolute(ctx)}
    scenario.prepare(ctx)
    segapp: list[Sample] = []
    baseline: list[Sample] = []
    try:
        for round_no in range(ctx.repeats):
            segapp.append(scenario.run_segapp(ctx))
            scenario.reset(ctx)
            baseline.append(scenario.run_baseline(ctx))
            scenario.reset(ctx)
            say(
                f"  {scenario.name} #{round_no + 1}: segapp {segapp[-1].seconds:.3f} s, "
                f"baseline {baseline[-1].seconds:.3f} s"
            )
        extra = scenario.extra(ctx)
    finally:
        scenario.finish(ctx)
    ratios = [s.seconds / b.seconds for s, b in zip(segapp, baseline, strict=True) if b.seconds > 0]
    peaks = [s.peak_rss_mb for s in segapp if s.peak_rss_mb is not None]
    return {
        "name": scenario.name,
        "db": ctx.db,
        "n": ctx.n,
        "segapp_s": round(statistics.median(s.seconds for s in segapp), 4),
        "baseline_s": round(statistics.median(b.seconds for b in baseline), 4),
        "ratio": round(statistics.median(ratios), 3) if ratios else None,
        "peak_rss_mb": round(max(peaks), 1) if peaks else None,
        **extra,
    }


def run_child(task: str, ctx: Context, **params: Any) -> Sample:
    """Run ``task`` (see bench.child) in a fresh Python process; its own time and peak RSS."""
    spec = {"task": task, "url": ctx.url, "n": ctx.n, "seed": ctx.seed, **params}
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    done = subprocess.run(
        [sys.executable, "-m", "bench.child"],
        input=json.dumps(spec),
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        check=False,
    )
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"bench child {task} failed ({done.returncode}): {done.stderr.strip()[-2000:]}")
    answer = json.loads(lines[-1])
    return Sample(
        seconds=answer["seconds"],
        peak_rss_mb=answer["peak_rss_mb"],
        rows=answer.get("rows"),
        detail=answer.get("detail") or {},
    )


def peak_rss_mb() -> float:
    """Peak resident memory of this process (VmHWM), in MiB."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
