"""The register dialog of a segment (spec 3.6): GET asks (send documents, create follow-up), POST registers."""

from typing import Any

from flask import abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from segapp.extensions import db
from segapp.htmx import wants_fragment
from segapp.models import SegmentHeader
from segapp.numbers import count_text
from segapp.registering.blueprint import bp
from segapp.services.documents.printable import runs_at_once
from segapp.services.errors import NotFound
from segapp.services.jobs import enqueue, run_job_now
from segapp.services.registering.checks import registered_entry_no, segment_facts
from segapp.services.registering.register import (
    AlreadyRegistered,
    RegisterRefused,
    RegisterResult,
    register_segment,
)
from segapp.services.segments.records import segment_totals


@bp.route("/segments/<segment_no>/register", methods=["GET", "POST"], endpoint="register_segment")
def register_segment_view(segment_no: str) -> Any:
    """Register (Alt+Shift+L): GET the dialog (a page without htmx); POST registers and commits once."""
    header = db.session.get(SegmentHeader, segment_no)
    if header is None:
        entry_no = registered_entry_no(db.session, segment_no)
        if entry_no is None:
            abort(404)
        # A second press, a retried request, another user's Register: the one registered segment, with its link.
        return _already(AlreadyRegistered(segment_no, entry_no))
    if not current_user.can_edit:
        abort(403)
    if request.method == "POST":
        return _register(header)
    facts = segment_facts(db.session, segment_no)
    return _dialog(
        header, send=facts.send_by_default, follow_up=False, lines=facts.lines_with_contact, emails=facts.email
    )


def _dialog(
    header: SegmentHeader,
    *,
    send: bool,
    follow_up: bool,
    lines: int,
    emails: int = 0,
    per_contact: bool = False,
    error: RegisterRefused | None = None,
    status: int = 200,
) -> Any:
    context = {
        "header": header,
        "send": send,
        "follow_up": follow_up,
        "lines": lines,
        "emails": emails,
        "per_contact": per_contact,
        "error": error,
    }
    template = "registering/_register_dialog.html" if wants_fragment() else "registering/register.html"
    return render_template(template, **context), status


def _register(header: SegmentHeader) -> Any:
    segment_no = header.no
    send = request.form.get("send_documents") == "1"
    follow_up = request.form.get("create_follow_up") == "1"
    per_contact = request.form.get("email_per_contact") == "1"
    try:
        result = register_segment(
            db.session,
            segment_no,
            current_user,
            send_documents=send,
            create_follow_up=follow_up,
            email_per_contact=per_contact,
        )
    except AlreadyRegistered as already:
        db.session.rollback()
        return _already(already)
    except RegisterRefused as refused:
        db.session.rollback()
        facts = segment_facts(db.session, segment_no)
        return _dialog(
            header,
            send=send,
            follow_up=follow_up,
            lines=facts.lines_with_contact,
            emails=facts.email,
            per_contact=per_contact,
            error=refused,
            status=422,
        )
    except NotFound:
        db.session.rollback()
        abort(404)
    # Read before the commit: reading a job after it would begin a transaction (on SQLite a write lock, in a POST)
    # that a job run at once by the tests' immediate queue would wait for.
    letters = (result.printable_job.id, runs_at_once(result.printable_job)) if result.printable_job else None
    email_job_id = result.email_job.id if result.email_job is not None else None
    db.session.commit()
    if email_job_id is not None:
        # Always to the workers: an SMTP server may be slow, and the request should not wait for it.
        enqueue(email_job_id)
    if letters is not None:
        start_letters(letters[0], at_once=letters[1])
    return _registered(result, segment_no)


def start_letters(job_id: int, *, at_once: bool) -> None:
    """The committed printable letters job: a few hundred letters are produced in this request, more by the
    workers. A failure here does not undo the registering: the job is left to the workers."""
    if at_once:
        try:
            run_job_now(db.session, job_id)
            return
        except Exception:  # noqa: BLE001 - the segment is registered; the job says what went wrong
            db.session.rollback()
            current_app.logger.exception("printable letters job %s failed in the request", job_id)
    enqueue(job_id)


def _already(already: AlreadyRegistered) -> Any:
    """409: the segment was registered already, with a link to it."""
    url = url_for("registering.show_registered_segment", entry_no=already.logged_segment_entry_no)
    template = "registering/_register_already.html" if wants_fragment() else "registering/register_already.html"
    return render_template(template, message=already.message, url=url, segment_no=already.segment_no), 409


def _registered(result: RegisterResult, segment_no: str) -> Response:
    """To the registered segment with the message (HX-Redirect for htmx, which would otherwise swap the page in)."""
    flash(_("Segment %(no)s has been registered.", no=segment_no), "success")
    if result.follow_up is not None:
        flash(
            count_text(
                "Follow-up segment %(no)s was created with %(num)s line.",
                "Follow-up segment %(no)s was created with %(num)s lines.",
                _follow_up_lines(result),
                no=result.follow_up.no,
            ),
            "success",
        )
    url = url_for("registering.show_registered_segment", entry_no=result.logged_segment.entry_no)
    if wants_fragment():
        response = make_response("", 200)
        response.headers["HX-Redirect"] = url
        return response
    return redirect(url, code=303)


def _follow_up_lines(result: RegisterResult) -> int:
    # Every entry becomes a line of the follow-up, but for privacy-blocked contacts: count what was added.
    return segment_totals(db.session, result.follow_up.no).lines if result.follow_up else 0
