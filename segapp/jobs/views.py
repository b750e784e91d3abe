"""A job's page, its progress fragment (polled by htmx until the job ends), its downloads, cancel, and the list of
the user's jobs. Any signed-in user may see any job and download its files, as with segments: the team shares
its segments and registered segments, and a job's files are made from them."""

from typing import Any

from flask import Response, abort, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from segapp.extensions import db
from segapp.htmx import wants_fragment
from segapp.jobs.blueprint import bp
from segapp.jobs.files import send_job_output
from segapp.models import BackgroundJob
from segapp.request_values import page_arg
from segapp.services.jobs import FINISHED_STATES, cancel_job, job_file_ids, job_params

PER_PAGE = 50
# What a job of each kind is called on its page; a job may also carry its own "title" in its params.
KIND_TITLES: dict[str, Any] = {
    "export": _l("Export"),
    "printable_letters": _l("Printable letters"),
    "send_email": _l("Sending e-mails"),
}
STATE_CAPTIONS: dict[str, Any] = {
    "queued": _l("Waiting for a worker"),
    "running": _l("Running"),
    "done": _l("Done"),
    "failed": _l("Failed"),
    "cancelled": _l("Cancelled"),
}


@bp.app_template_global()
def job_title(job: BackgroundJob) -> str:
    """What the job is, for people: its own title, else its kind's."""
    title = job_params(job).get("title")
    return str(title or KIND_TITLES.get(job.kind, job.kind))


@bp.app_template_global()
def job_state_caption(job: BackgroundJob) -> str:
    """The job's state in the user's language."""
    return str(STATE_CAPTIONS.get(job.state, job.state))


@bp.app_template_global()
def job_outputs(job: BackgroundJob) -> list[tuple[int, str]]:
    """(id, name) of a finished job's files to download."""
    if job.state != "done":
        return []
    return job_file_ids(db.session, job)


@bp.app_template_global()
def job_finished(job: BackgroundJob) -> bool:
    """True once the job will change no more (done, failed or cancelled)."""
    return job.state in FINISHED_STATES


def _job(job_id: int) -> BackgroundJob:
    job = db.session.get(BackgroundJob, job_id)
    if job is None:
        abort(404)
    return job


@bp.get("/")
def list_jobs() -> str:
    """The signed-in user's jobs, newest first."""
    query = select(BackgroundJob).where(BackgroundJob.user_id == current_user.id).order_by(BackgroundJob.id.desc())
    page = db.paginate(query, page=page_arg(), per_page=PER_PAGE)
    return render_template("jobs/list.html", page=page)


@bp.get("/<int:job_id>")
def show_job(job_id: int) -> str:
    """A job's page: what it is, its progress bar (which survives a reload: it is read from the database)."""
    return render_template("jobs/job.html", job=_job(job_id))


@bp.get("/<int:job_id>/progress")
def progress(job_id: int) -> Response:
    """The progress fragment; it asks again every two seconds until the job ends, then shows the downloads.
    The answer that shows the end triggers "job-finished", so that the page around it can refresh what the job
    changed (a registered segment's delivery statuses)."""
    job = _job(job_id)
    response = make_response(render_template("jobs/_progress.html", job=job))
    if job_finished(job):
        response.headers["HX-Trigger"] = "job-finished"
    return response


@bp.get("/<int:job_id>/files/<int:file_id>")
def download(job_id: int, file_id: int) -> Response:
    """One of a finished job's output files."""
    return send_job_output(_job(job_id), file_id)


@bp.post("/<int:job_id>/cancel")
def cancel(job_id: int) -> Any:
    """Stop a job that has not ended; its worker stops at its next step and writes nothing more."""
    job = _job(job_id)
    cancelled = cancel_job(db.session, job.id)
    db.session.commit()
    db.session.expire_all()
    if wants_fragment():
        return render_template("jobs/_progress.html", job=_job(job_id))
    if cancelled:
        flash(_("The job was cancelled."), "success")
    else:
        flash(_("The job had already ended."), "info")
    return redirect(url_for("jobs.show_job", job_id=job_id), code=303)
