"""The letters of registered segments (spec 5): the printable letters' progress and downloads on the registered
segment, and an entry's letter produced again."""

from typing import Any

from flask import Response, abort, flash, make_response, redirect, render_template, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response as BaseResponse

from segapp.exporting import DOCX_TYPE
from segapp.extensions import db
from segapp.jobs.files import send_job_output
from segapp.models import BackgroundJob, JobFile, LoggedSegment
from segapp.registering.blueprint import bp
from segapp.services.documents.entry_letter import entry_letter
from segapp.services.documents.printable import printable_job
from segapp.services.documents.printable_files import ZIP_KIND, ZIP_PREFIX, stream_zip
from segapp.services.errors import NotFound, ServiceError
from segapp.services.jobs import job_file_ids


def printable_context(entry_no: int) -> dict[str, Any]:
    """The registered segment's printable letters job, its downloads once done, and whether to poll."""
    job = printable_job(db.session, entry_no)
    files = job_file_ids(db.session, job) if job is not None and job.state == "done" else []
    has_zip = job is not None and job.state == "done" and job.done > job.errors
    running = job is not None and job.state in ("queued", "running")
    return {"job": job, "files": files, "has_zip": has_zip, "polling": running, "logged_entry_no": entry_no}


@bp.get("/registered-segments/<int:entry_no>/letters")
def printable_letters(entry_no: int) -> Any:
    """The printable letters' progress and downloads (the fragment the registered segment page polls)."""
    db.get_or_404(LoggedSegment, entry_no)
    context = printable_context(entry_no)
    response = make_response(render_template("registering/_printable.html", **context))
    if not context["polling"]:
        # The entries' delivery statuses changed: the registered segment page reloads its entries.
        response.headers["HX-Trigger"] = "printable-letters-finished"
    return response


def _job_of(entry_no: int) -> BackgroundJob:
    job = printable_job(db.session, entry_no)
    if job is None or job.state != "done":
        abort(404)
    return job


@bp.get("/registered-segments/<int:entry_no>/letters/<int:file_id>")
def download_printable_file(entry_no: int, file_id: int) -> Response:
    """One output of the printable letters (.docx per template version, PDF)."""
    return send_job_output(_job_of(entry_no), file_id)


@bp.get("/registered-segments/<int:entry_no>/letters.zip")
def download_printable_zip(entry_no: int) -> Response:
    """The .zip of one letter per contact, streamed from the job's parts on a connection of its own."""
    job = _job_of(entry_no)
    parts = [file_id for file_id, name in job_file_ids(db.session, job, ZIP_KIND) if name.startswith(ZIP_PREFIX)]
    if not parts:
        abort(404)
    engine = db.engine

    def read(file_id: int) -> bytes:
        with engine.connect() as connection:
            return connection.scalar(select(JobFile.content).where(JobFile.id == file_id)) or b""

    response = Response(stream_zip(read, parts), mimetype="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="letters-{entry_no}.zip"'
    return response


@bp.get("/interaction-log-entries/<int:entry_no>/letter")
def download_entry_letter(entry_no: int) -> BaseResponse:
    """An entry's letter produced again: its own file if personalised, else its template version and values."""
    try:
        letter = entry_letter(db.session, entry_no)
    except NotFound:
        abort(404)
    except ServiceError as error:
        flash(error.message, "error")
        return redirect(url_for("registering.list_entries"), code=303)
    response = Response(letter.content, mimetype=DOCX_TYPE)
    response.headers["Content-Disposition"] = f'attachment; filename="{letter.file_name}"'
    return response
