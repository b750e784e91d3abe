"""Job kinds for the tests, importable by a real consumer process (SEGAPP_JOB_MODULES=tests.jobs.kinds)."""

import os
import time

from sqlalchemy.orm import Session

from segapp.models import BackgroundJob
from segapp.services.jobs import job_cursor, job_kind, job_params, save_job_file, set_job_cursor


@job_kind("test_count")
def count_step(session: Session, job: BackgroundJob) -> bool:
    """One step per unit of ``total``: a part per step, the list of steps done in the cursor; at the end an
    output naming them. Params: ``sleep`` seconds per step, ``fail_at`` a step that raises after writing."""
    params = job_params(job)
    steps = job_cursor(job).get("steps", [])
    if len(steps) == job.total:
        names = ",".join(str(n) for n in steps)
        save_job_file(session, job, "steps.txt", names.encode(), media_type="text/plain")
        return True
    n = len(steps)
    time.sleep(float(params.get("sleep", 0)))
    save_job_file(session, job, f"part-{n:04d}", f"{n} by {os.getpid()}".encode(), media_type="text/plain", kind="part")
    set_job_cursor(job, {"steps": [*steps, n]})
    job.done = n + 1
    if params.get("fail_at") == n:
        raise RuntimeError(f"step {n} broke")
    return False
