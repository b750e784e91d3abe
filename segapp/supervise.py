"""``make run``: gunicorn and the jobs consumer under one command; Ctrl+C (or SIGTERM) stops both, and either one
ending stops the other.

Each child runs in its own session, so the terminal's Ctrl+C reaches this process only, and each child gets one
stop signal it handles gracefully: SIGTERM for gunicorn (finishes its requests), SIGINT for the Huey consumer
(finishes each job's current step and gives the job back). A second Ctrl+C, or STOP_SECONDS without an end,
kills them. In production run the two as services of their own (README, "Background jobs").
"""

import os
import shlex
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

STOP_SECONDS = 30


@dataclass
class Child:
    """A process to run, the signal that stops it gracefully, and the running process."""

    name: str
    command: list[str]
    stop_signal: signal.Signals
    process: subprocess.Popen | None = None


def default_children(environ: dict[str, str]) -> list[Child]:
    """gunicorn on HOST:PORT with WEB_CONCURRENCY workers, and ``flask jobs worker`` with JOBS_WORKERS threads,
    both from the virtualenv this Python runs in."""
    bin_dir = Path(sys.executable).parent
    bind = f"{environ.get('HOST', '127.0.0.1')}:{environ.get('PORT', '8000')}"
    web = [str(bin_dir / "gunicorn"), "--config", "gunicorn.conf.py", "--bind", bind]
    web += ["--workers", environ.get("WEB_CONCURRENCY", "2"), "--access-logfile", "-", "wsgi:app"]
    jobs = [str(bin_dir / "flask"), "--app", "wsgi.py", "jobs", "worker", "-w", environ.get("JOBS_WORKERS", "2")]
    return [Child("web", web, signal.SIGTERM), Child("jobs", jobs, signal.SIGINT)]


class Supervisor:
    """Starts the children, waits until one ends or a stop signal comes, then stops them all."""

    def __init__(self, children: list[Child]) -> None:
        self.children = children
        self.stopping = False
        self.killing = False

    def _signalled(self, signum: int, _frame: FrameType | None) -> None:
        if self.stopping:
            self.killing = True  # a second Ctrl+C: no more waiting
        self.stopping = True

    def run(self) -> int:
        """Run until stopped; the exit status is the first child's to end on its own, else 0."""
        signal.signal(signal.SIGINT, self._signalled)
        signal.signal(signal.SIGTERM, self._signalled)
        for child in self.children:
            child.process = subprocess.Popen(child.command, start_new_session=True)
            print(f"supervise: {child.name} started, pid {child.process.pid}: {shlex.join(child.command)}", flush=True)
        status = 0
        while not self.stopping:
            ended = [child for child in self.children if child.process and child.process.poll() is not None]
            if ended:
                status = ended[0].process.returncode or 1  # type: ignore[union-attr]
                print(f"supervise: {ended[0].name} ended ({ended[0].process.returncode}); stopping", flush=True)  # type: ignore[union-attr]
                break
            time.sleep(0.2)
        self.stop()
        return status

    def stop(self) -> None:
        """Send each live child its stop signal, wait up to STOP_SECONDS, then kill what is left."""
        for child in self.children:
            if child.process and child.process.poll() is None:
                os.killpg(child.process.pid, child.stop_signal)
        deadline = time.monotonic() + STOP_SECONDS
        while time.monotonic() < deadline and not self.killing:
            if all(child.process is None or child.process.poll() is not None for child in self.children):
                break
            time.sleep(0.1)
        for child in self.children:
            if child.process and child.process.poll() is None:
                os.killpg(child.process.pid, signal.SIGKILL)
                child.process.wait()
        print("supervise: stopped", flush=True)


def main() -> int:
    """Run gunicorn and the consumer until Ctrl+C."""
    return Supervisor(default_children(dict(os.environ))).run()


if __name__ == "__main__":
    sys.exit(main())
