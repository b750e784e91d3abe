"""Sending a job's output file: the one answer for every page that offers a job's downloads."""

from flask import Response, abort

from segapp.extensions import db
from segapp.models import BackgroundJob
from segapp.services.jobs import job_file_content, job_output_file


def send_job_output(job: BackgroundJob, file_id: int) -> Response:
    """One output file of a finished job as an attachment; 404 for anything else."""
    row = job_output_file(db.session, job, file_id)
    if row is None:
        abort(404)
    response = Response(job_file_content(db.session, file_id), mimetype=row.media_type)
    response.headers.set("Content-Disposition", "attachment", filename=row.name)
    return response
