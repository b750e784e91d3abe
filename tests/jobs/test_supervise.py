"""``make run``'s supervisor: gunicorn and the jobs consumer under one command, both stopped by one Ctrl+C."""

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from segapp.services.jobs import enqueue, start_job
from tests.jobs.conftest import ROOT


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (ended, not yet reaped by its parent) is not alive.
    status = Path(f"/proc/{pid}/stat")
    return status.exists() and status.read_text().split()[2] != "Z"


def test_one_command_runs_the_server_and_the_consumer_and_ctrl_c_stops_both(
    backend: str,
    database_url: str,
    db: Any,
    queue_file: Path,
    tmp_path: Path,
) -> None:
    if backend != "sqlite":
        pytest.skip("process handling: the same on both databases")
    port = _free_port()
    env = dict(
        os.environ,
        DATABASE_URL=database_url,
        SECRET_KEY="test",
        HUEY_SQLITE_PATH=str(queue_file),
        HUEY_IMMEDIATE="0",
        SEGAPP_JOB_MODULES="tests.jobs.kinds",
        PORT=str(port),
        WEB_CONCURRENCY="1",
        JOBS_WORKERS="1",
    )
    log_path = tmp_path / "supervise.log"
    with open(log_path, "wb") as log:
        supervisor = subprocess.Popen(
            [sys.executable, "-m", "segapp.supervise"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, as a terminal's foreground job
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as response:
                    assert response.status == 200
                    break
            except OSError:
                assert time.monotonic() < deadline, log_path.read_text()
                time.sleep(0.3)
        # The consumer runs too: a job handed to the queue gets done.
        job_id = start_job(db.session, "test_count", params={}, total=2, owner="test").id
        db.session.commit()
        enqueue(job_id)
        deadline = time.monotonic() + 60
        while (
            state := db.session.execute(db.text(f"SELECT state FROM background_job WHERE id = {job_id}")).scalar()
        ) != "done":
            db.session.rollback()
            assert time.monotonic() < deadline, (state, log_path.read_text())
            time.sleep(0.2)
        pids = [int(pid) for pid in re.findall(r"started, pid (\d+)", log_path.read_text())]
        assert len(pids) == 2 and all(_alive(pid) for pid in pids)
        os.killpg(supervisor.pid, signal.SIGINT)  # Ctrl+C
        assert supervisor.wait(timeout=45) == 0, log_path.read_text()
        assert not any(_alive(pid) for pid in pids), log_path.read_text()
        assert "supervise: stopped" in log_path.read_text()
    finally:
        if supervisor.poll() is None:
            os.killpg(supervisor.pid, signal.SIGKILL)
            supervisor.wait()
