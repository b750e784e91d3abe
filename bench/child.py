"""Child process of the harness: runs one side of a scenario and prints its time and peak RSS as JSON.

Spec on stdin: {"task": ..., "url": ..., "n": ..., "seed": ..., ...}. The task times itself, so the
interpreter's start-up and the app factory are not counted; the peak RSS is the whole process's.
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
}


def _task(name: str) -> Callable[[dict[str, Any]], float]:
    module, _, function = TASKS[name].partition(":")
    return getattr(import_module(module), function)


def main() -> int:
    """Run the task of the spec on stdin inside the app context; print {"seconds", "peak_rss_mb"}."""
    from bench.databases import bench_app

    spec = json.load(sys.stdin)
    task = _task(spec["task"])
    app = bench_app(spec["url"])
    with app.app_context():
        seconds = task(spec)
    print(json.dumps({"seconds": seconds, "peak_rss_mb": round(peak_rss_mb(), 1)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
