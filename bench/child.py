"""Child process of the harness: runs one side of a scenario and prints its time and peak RSS as JSON.

Spec on stdin: {"task": ..., "url": ..., "n": ..., "seed": ..., ...}. The task times itself, so the
interpreter's start-up and the app factory are not counted; the peak RSS is the whole process's. A task
returns its seconds, or a dict with "seconds" and optionally "rows" (what it did) and "detail" (more times).
"""

import json
import sys
from collections.abc import Callable
from importlib import import_module
from typing import Any

from bench.measure import peak_rss_mb

TASKS = {
    "import_segapp": "bench.scenarios.importing:segapp_task",
    "import_baseline": "bench.scenarios.importing:baseline_task",
    "criteria_segapp": "bench.scenarios.criteria:segapp_task",
    "criteria_baseline": "bench.scenarios.criteria:baseline_task",
    "log_segapp": "bench.scenarios.registering:segapp_task",
    "log_baseline": "bench.scenarios.registering:baseline_task",
    "merge_segapp": "bench.scenarios.merging:segapp_task",
    "merge_baseline": "bench.scenarios.merging:baseline_task",
    "delivery_segapp": "bench.scenarios.delivery:segapp_task",
    "delivery_baseline": "bench.scenarios.delivery:baseline_task",
}


def _task(name: str) -> Callable[[dict[str, Any]], float | dict[str, Any]]:
    module, _, function = TASKS[name].partition(":")
    return getattr(import_module(module), function)


def main() -> int:
    """Run the task of the spec on stdin inside the app context; print {"seconds", "peak_rss_mb"}."""
    from bench.databases import bench_app

    spec = json.load(sys.stdin)
    task = _task(spec["task"])
    app = bench_app(spec["url"])
    with app.app_context():
        outcome = task(spec)
    answer = dict(outcome) if isinstance(outcome, dict) else {"seconds": outcome}
    print(json.dumps({**answer, "peak_rss_mb": round(peak_rss_mb(), 1)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
