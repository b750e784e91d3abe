"""A line's letter (spec 5), in a dialog on the segment page (Alt+Shift+D) or a page of its own without script:
personal text, download, the edited letter uploaded back as personalised, removing that, and a preview."""

from io import BytesIO
from typing import Any

from flask import flash, redirect, render_template, request, send_file, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from segapp.errors import render_error
from segapp.exporting import DOCX_TYPE
from segapp.extensions import db
from segapp.htmx import wants_fragment
from segapp.models import User
from segapp.numbers import BIGINT_MAX
from segapp.request_values import int_arg
from segapp.segments.blueprint import bp
from segapp.segments.columns import grid_context
from segapp.segments.context import load_segment
from segapp.services.documents.line_letters import (
    LetterState,
    NoLetter,
    letter_file,
    letter_state,
    personalise_line,
    remove_personalisation,
    save_personal_text,
)
from segapp.services.documents.preview import letter_preview
from segapp.services.documents.templates import max_document_bytes
from segapp.services.errors import Conflict, NotFound, ServiceError
from segapp.services.segments.grid import grid_row


def _uploaded_by(state: LetterState) -> str:
    document = state.document
    if document is None or document.personalised_at is None:
        return ""
    user = db.session.get(User, document.user_id) if document.user_id else None
    when = format_datetime(document.personalised_at, "short")
    name = (user.full_name or user.username) if user is not None else ""
    return _("uploaded %(when)s by %(name)s", when=when, name=name) if name else _("uploaded %(when)s", when=when)


def _render(
    segment_no: str,
    line_no: int,
    *,
    status: int = 200,
    message: str = "",
    error: str = "",
    error_field: str = "",
    typed: str | None = None,
) -> Any:
    """The letter dialog's body (htmx: with the grid's row, out of band) or the letter page."""
    try:
        state = letter_state(db.session, segment_no, line_no)
    except NotFound:
        return render_error(404, _("This line no longer exists."))
    context = {
        "state": state,
        "segment_no": segment_no,
        "line_no": line_no,
        "uploaded_by": _uploaded_by(state),
        "message": message,
        "error": error,
        "error_field": error_field,
        "typed": typed,
        "max_mb": f"{max_document_bytes() / (1024 * 1024):g}",
    }
    if not wants_fragment():
        preview, problem = _page_preview(segment_no, line_no)
        return render_template(
            "segments/letter.html", in_dialog=False, preview=preview, problem=problem, **context
        ), status
    template = "segments/_letter_dialog.html" if request.method == "GET" else "segments/_letter_body.html"
    row = grid_row(db.session, segment_no, line_no)
    context.update(grid_context(segment_no), in_dialog=True, row=row, oob=True)
    return render_template(template, **context), status


def _page_preview(segment_no: str, line_no: int) -> tuple[Any, str]:
    try:
        return letter_preview(db.session, segment_no, line_no), ""
    except ServiceError as error:
        return None, error.message


def _done(segment_no: str, line_no: int, message: str) -> Any:
    """After a change: the dialog's body again with the message; without script, back to the page (303)."""
    if wants_fragment():
        return _render(segment_no, line_no, message=message)
    flash(message, "success")
    return redirect(url_for("segments.line_letter", segment_no=segment_no, line=line_no), code=303)


def _refused(segment_no: str, line_no: int, error: ServiceError, typed: str | None = None) -> Any:
    db.session.rollback()
    if isinstance(error, NotFound):
        return render_error(404, error.message)
    status = 409 if isinstance(error, Conflict) else 422
    return _render(segment_no, line_no, status=status, error=error.message, error_field=error.field or "", typed=typed)


@bp.get("/<segment_no>/letter")
def line_letter(segment_no: str) -> Any:
    """The letter of line ``?line=`` (Alt+Shift+D on the line): the dialog, or a page without script."""
    load_segment(segment_no)
    return _render(segment_no, int_arg("line", 0, high=BIGINT_MAX))


@bp.route("/<segment_no>/lines/<bigint:line_no>/letter/text", methods=["PUT", "POST"])
def save_letter_text(segment_no: str, line_no: int) -> Any:
    """Save the line's personal text (merged at PersonalText); a concurrent change is a 409 keeping the text."""
    load_segment(segment_no)
    text = request.form.get("personal_text", "")
    try:
        save_personal_text(
            db.session, segment_no, line_no, text, start=request.form.get("start", ""), user_id=current_user.id
        )
    except ServiceError as error:
        return _refused(segment_no, line_no, error, typed=text)
    db.session.commit()
    return _done(segment_no, line_no, _("Personal text saved."))


@bp.post("/<segment_no>/lines/<bigint:line_no>/letter/personalised")
def upload_letter(segment_no: str, line_no: int) -> Any:
    """Store the letter edited in Word as the line's personalised letter; a bad file is refused with the reason."""
    load_segment(segment_no)
    upload = request.files.get("file")
    cap = max_document_bytes()
    # Read one byte past the cap at most: a larger file is refused without holding all of it.
    data = upload.stream.read(cap + 1) if upload is not None else b""
    try:
        personalise_line(
            db.session,
            segment_no,
            line_no,
            (upload.filename or "") if upload is not None else "",
            data,
            expected=request.form.get("token", ""),
            max_bytes=cap,
            user_id=current_user.id,
        )
    except ServiceError as error:
        return _refused(segment_no, line_no, error)
    db.session.commit()
    return _done(segment_no, line_no, _("The line is personalised: this letter is used as it is."))


@bp.delete("/<segment_no>/lines/<bigint:line_no>/letter/personalised")
def remove_letter(segment_no: str, line_no: int) -> Any:
    """Drop the personalised letter: the line's letter is merged from its template again."""
    return _remove_letter(segment_no, line_no)


@bp.post("/<segment_no>/lines/<bigint:line_no>/letter/personalised/remove")
def remove_letter_form(segment_no: str, line_no: int) -> Any:
    """Drop the personalised letter from the letter's page (a form cannot send DELETE)."""
    return _remove_letter(segment_no, line_no)


def _remove_letter(segment_no: str, line_no: int) -> Any:
    load_segment(segment_no)
    token = request.form.get("token") or request.args.get("token", "")
    try:
        remove_personalisation(db.session, segment_no, line_no, expected=token)
    except ServiceError as error:
        return _refused(segment_no, line_no, error)
    db.session.commit()
    return _done(segment_no, line_no, _("Personalisation removed: the letter is merged from the template again."))


@bp.get("/<segment_no>/lines/<bigint:line_no>/letter.docx")
def download_letter(segment_no: str, line_no: int) -> Any:
    """The line's letter as a .docx: the personalised file as it is, else merged from the template."""
    load_segment(segment_no)
    try:
        letter = letter_file(db.session, segment_no, line_no)
    except NotFound as error:
        return render_error(404, error.message)
    except NoLetter as error:
        return render_error(422, error.message)
    return _attachment(letter.content, letter.name)


def _attachment(content: bytes, name: str) -> Response:
    return send_file(BytesIO(content), mimetype=DOCX_TYPE, as_attachment=True, download_name=name)


@bp.get("/<segment_no>/lines/<bigint:line_no>/letter/preview")
def preview_letter(segment_no: str, line_no: int) -> Any:
    """The line's letter as the contact gets it, in the page (sanitised HTML), or why it has none."""
    load_segment(segment_no)
    try:
        preview = letter_preview(db.session, segment_no, line_no)
    except NotFound as error:
        return render_error(404, error.message)
    except NoLetter as error:
        return render_template("segments/_letter_preview.html", preview=None, problem=error.message), 200
    return render_template("segments/_letter_preview.html", preview=preview, problem="")
