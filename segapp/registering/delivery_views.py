"""A registered segment's delivery (spec 3.7, 5): the summary of its entries' delivery statuses with the send
job's progress, retry the failed e-mails, resend its documents after a confirmation, and mark entries' delivery
as failed by hand (a bounce read by a person)."""

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from segapp.extensions import db
from segapp.models import LoggedSegment
from segapp.numbers import count_text
from segapp.registering.blueprint import bp
from segapp.registering.register_views import start_letters
from segapp.services.delivery.manual import mark_delivery_failed
from segapp.services.delivery.resend import check_resendable, resend_plan, resend_registered_segment
from segapp.services.delivery.retry import retry_entries
from segapp.services.delivery.sending import sending_job
from segapp.services.delivery.summary import SUMMARY_STATUSES, delivery_summary
from segapp.services.documents.printable import runs_at_once
from segapp.services.errors import NotFound, ServiceError
from segapp.services.jobs import FINISHED_STATES, enqueue
from segapp.services.registering.entries import entry_numbers


def delivery_context(registered: LoggedSegment) -> dict[str, Any]:
    """What the registered segment's delivery section shows: the summary, the send job, what may be done."""
    summary = delivery_summary(db.session, registered.entry_no)
    editable = current_user.can_edit and not registered.cancelled
    send_job = sending_job(db.session, registered.entry_no)
    # While the send job runs, its errors are not final: Retry failed is offered once it has ended.
    sending = send_job is not None and send_job.state not in FINISHED_STATES
    return {
        "summary": summary,
        "summary_statuses": SUMMARY_STATUSES,
        "send_job": send_job,
        "can_retry": editable and not sending and bool(summary.email.failed or summary.email.unknown),
        "can_resend": editable,
    }


def _registered(entry_no: int) -> LoggedSegment:
    return db.get_or_404(LoggedSegment, entry_no)


def _to_page(entry_no: int, anchor: str | None = None) -> Response:
    return redirect(url_for("registering.show_registered_segment", entry_no=entry_no, _anchor=anchor), code=303)


@bp.get("/registered-segments/<int:entry_no>/delivery")
def registered_delivery(entry_no: int) -> str:
    """The delivery section (reloaded by the page when a job of it ends)."""
    registered = _registered(entry_no)
    return render_template("registering/_delivery.html", registered=registered, **delivery_context(registered))


@bp.post("/registered-segments/<int:entry_no>/retry")
def retry_failed(entry_no: int) -> Response:
    """Send the failed e-mails again on the same entries (and, when asked, those whose delivery is unknown)."""
    registered = _registered(entry_no)
    include_unknown = request.form.get("include_unknown") == "1"
    try:
        job = retry_entries(db.session, entry_no, include_unknown=include_unknown, user_id=current_user.id)
    except ServiceError as error:
        db.session.rollback()
        flash(error.message, "error")
        return _to_page(entry_no, "delivery")
    if job is None:
        db.session.rollback()
        flash(_("Registered segment %(no)s has no failed e-mail to retry.", no=registered.segment_no), "info")
        return _to_page(entry_no, "delivery")
    # Read before the commit: a read after it would begin a transaction (on SQLite, in a POST, a write lock)
    # that a job run at once (the tests' immediate queue) would wait for.
    job_id, total = job.id, job.total
    db.session.commit()
    enqueue(job_id)
    flash(count_text("%(num)s e-mail is being sent again.", "%(num)s e-mails are being sent again.", total), "success")
    return _to_page(entry_no, "delivery")


@bp.route("/registered-segments/<int:entry_no>/resend", methods=["GET", "POST"])
def resend(entry_no: int) -> Any:
    """Resend the registered segment's documents as new entries: GET asks, POST does it."""
    registered = _registered(entry_no)
    if request.method == "GET":
        try:
            check_resendable(db.session, entry_no)
        except ServiceError as error:
            db.session.rollback()
            flash(error.message, "error")
            return _to_page(entry_no)
        plan = resend_plan(db.session, entry_no)
        db.session.rollback()
        return render_template("registering/resend_confirm.html", registered=registered, plan=plan)
    segment_no = registered.segment_no
    try:
        result = resend_registered_segment(db.session, entry_no, current_user)
    except NotFound:
        db.session.rollback()
        return _to_page(entry_no)
    except ServiceError as error:
        db.session.rollback()
        flash(error.message, "error")
        return _to_page(entry_no)
    printable_job = result.printable_job.id if result.printable_job is not None else None
    at_once = result.printable_job is not None and runs_at_once(result.printable_job)
    email_job = result.email_job.id if result.email_job is not None else None
    db.session.commit()
    if email_job is not None:
        enqueue(email_job)
    if printable_job is not None:
        start_letters(printable_job, at_once=at_once)
    flash(
        count_text(
            "Registered segment %(no)s: %(num)s entry was written to resend its document.",
            "Registered segment %(no)s: %(num)s entries were written to resend its documents.",
            result.entries,
            no=segment_no,
        ),
        "success",
    )
    return _to_page(entry_no, "delivery")


def mark_failed(entry_nos_values: list[str], reason: str | None) -> tuple[bool, str]:
    """Mark the posted entries' delivery failed with the reason; whether it worked, and the message to show.
    The caller's session is committed on success, rolled back otherwise."""
    try:
        entry_nos = entry_numbers(entry_nos_values)
        marked = mark_delivery_failed(db.session, entry_nos, reason or "")
    except ServiceError as error:
        db.session.rollback()
        return False, error.message
    db.session.commit()
    message = count_text(
        "%(num)s entry marked as failed delivery.", "%(num)s entries marked as failed delivery.", marked
    )
    skipped = len(entry_nos) - marked
    if skipped:
        message += " " + count_text(
            "%(num)s was left as it is: it had no document to deliver, or it is still being sent.",
            "%(num)s were left as they are: they had no document to deliver, or they are still being sent.",
            skipped,
        )
    return True, message


@bp.post("/registered-segments/<int:entry_no>/mark-failed")
def mark_registered_failed(entry_no: int) -> Response:
    """Mark the selected entries of the registered segment as failed delivery, with the reason."""
    _registered(entry_no)
    ok, message = mark_failed(request.form.getlist("entry"), request.form.get("reason"))
    flash(message, "success" if ok else "error")
    return _to_page(entry_no, "entries")
