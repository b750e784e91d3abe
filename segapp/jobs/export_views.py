"""Exports that become background jobs above ``EXPORT_JOB_ROWS`` rows: the export's own URL asks first (GET), then
starts the job (POST) and sends the user to its progress page. Used by the segment and interaction log exports."""

from collections.abc import Callable
from typing import Any

from flask import Response, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user

from segapp.extensions import db
from segapp.services.jobs import enqueue_after_commit
from segapp.services.jobs.exports import export_row_count, export_threshold, start_export


def export_or_job(params: dict[str, Any], stream: Callable[[], Response], *, back_url: str, owner: str) -> Any:
    """Stream the export when it is small; else offer (GET) or start (POST) a job that writes it."""
    total = db.session.execute(export_row_count(params)).scalar_one()
    if total <= export_threshold():
        return stream()
    if request.method != "POST":
        return render_template("jobs/export_confirm.html", total=total, params=params, back_url=back_url)
    params = dict(params, locale=str(get_locale() or "en"))
    # The id read before the commit: reading it after would begin a transaction (on SQLite, holding the write
    # lock in a POST) that the job, run at once in immediate mode, would wait for.
    job_id = start_export(db.session, params, total=total, user_id=current_user.id, owner=owner).id
    enqueue_after_commit(db.session, job_id)
    db.session.commit()
    return redirect(url_for("jobs.show_job", job_id=job_id), code=303)
