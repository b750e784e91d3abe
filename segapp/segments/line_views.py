"""Views of the lines grid: pages of lines, add, edit a cell, delete and undo it, contact completion."""

from flask import abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from segapp.errors import render_error
from segapp.extensions import db
from segapp.request_values import form_int, int_arg
from segapp.segments.blueprint import bp
from segapp.segments.columns import grid_context
from segapp.segments.context import load_segment, totals_context
from segapp.services.errors import Ambiguous, Conflict, NotFound, ServiceError
from segapp.services.segments.field_values import contact_search
from segapp.services.segments.grid import SORTS, grid_page, grid_row
from segapp.services.segments.lines import (
    LINE_FIELDS,
    AlreadyOnSegment,
    add_line,
    delete_line,
    undo_line_delete,
    update_line_field,
)


@bp.get("/<segment_no>/lines")
def list_lines(segment_no: str) -> str:
    """One page of lines (rows only): sorted, filtered, from an offset; ends with a "load more" row."""
    load_segment(segment_no)
    sort = request.args.get("sort", "line")
    page = grid_page(
        db.session,
        segment_no,
        offset=int_arg("offset", 0),
        sort=sort if sort in SORTS else "line",
        descending=request.args.get("dir") == "desc",
        search=request.args.get("q", "")[:100],
    )
    return render_template("segments/_line_rows.html", grid=page, **grid_context(segment_no))


@bp.post("/<segment_no>/lines")
def create_line(segment_no: str) -> tuple[str, int]:
    """Add a line for the typed contact; answer the line (refused: the new line with the message, or the matches)."""
    load_segment(segment_no)
    typed = request.form.get("contact_no", "")
    allow_existing = request.form.get("allow_existing") == "1"
    try:
        result = add_line(db.session, segment_no, typed, current_user.id, allow_existing)
    except AlreadyOnSegment as existing:
        db.session.rollback()
        return render_template(
            "segments/_new_line_existing.html",
            typed=typed,
            error=existing.message,
            existing=existing,
            **grid_context(segment_no),
        ), 409
    except ServiceError as error:
        db.session.rollback()
        return render_template(
            "segments/_new_line.html",
            typed=typed,
            error=error.message,
            choices=error.choices if isinstance(error, Ambiguous) else None,
            **grid_context(segment_no),
        ), 422
    db.session.commit()
    row = grid_row(db.session, segment_no, result.line.line_no)
    return render_template(
        "segments/_line_created.html",
        row=row,
        notice=result.notice,
        **totals_context(segment_no),
        **grid_context(segment_no),
    ), 200


@bp.put("/<segment_no>/lines/<bigint:line_no>")
def update_line(segment_no: str, line_no: int) -> tuple[str, int]:
    """Save one cell; answer the line (422 with the message at the cell, 409 with the current value), keeping the text."""
    load_segment(segment_no)
    field = request.form.get("field", "")
    if field not in LINE_FIELDS:
        abort(404)
    value = request.form.get("value", "")
    version = form_int("version") or 0
    start = request.form.get("start")  # the value the edit started from: a compare-and-set on this field
    allow_existing = request.form.get("allow_existing") == "1"
    status, error, notice, existing, choices = 200, "", "", None, None
    try:
        result = update_line_field(
            db.session, segment_no, line_no, field, value, version, current_user.id, start, allow_existing
        )
        notice = result.notice
    except NotFound:
        db.session.rollback()
        return render_error(404, _("This line was deleted by someone else."))
    except AlreadyOnSegment as already:
        db.session.rollback()
        status, error, existing = 409, already.message, already
    except Conflict as conflict:
        db.session.rollback()
        status, error = 409, conflict.message
    except Ambiguous as ambiguous:
        db.session.rollback()
        status, error, choices = 422, ambiguous.message, ambiguous.choices
    except ServiceError as refused:
        db.session.rollback()
        status, error = 422, refused.message
    else:
        db.session.commit()
    row = grid_row(db.session, segment_no, line_no)
    if row is None:
        return render_error(404, _("This line was deleted by someone else."))
    return render_template(
        "segments/_line_updated.html",
        row=row,
        error_field=field if error else "",
        error=error,
        rejected=value if error else None,  # refused or overtaken: the user's text stays for another try
        choices=choices,
        notice=notice,
        existing=existing,
        **totals_context(segment_no),
        **grid_context(segment_no),
    ), status


@bp.delete("/<segment_no>/lines/<bigint:line_no>")
def remove_line(segment_no: str, line_no: int) -> tuple[str, int]:
    """Delete a line (recorded as a reduce action); answer the totals and a notice offering to undo it."""
    load_segment(segment_no)
    # Required as for an edit: without the version the line seen is unknown, so it is a conflict (0 never matches).
    version = int_arg("version", 0) or form_int("version") or 0
    try:
        action = delete_line(db.session, segment_no, line_no, version, current_user.id)
    except NotFound:
        db.session.rollback()
        notice = _("This line had already been deleted by someone else.")
        return render_template("segments/_line_deleted.html", notice=notice, **totals_context(segment_no)), 200
    except Conflict as conflict:
        db.session.rollback()
        row = grid_row(db.session, segment_no, line_no)
        return render_template(
            "segments/_line_updated.html",
            row=row,
            error_field="contact_no",
            error=conflict.message,
            rejected=None,
            notice="",
            **totals_context(segment_no),
            **grid_context(segment_no),
        ), 409
    db.session.commit()
    undo_url = url_for("segments.undo_delete", segment_no=segment_no, action_id=action.id) if action else ""
    return render_template(
        "segments/_line_deleted.html",
        notice=_("Line deleted — Ctrl+Z to undo") if action else _("Line deleted."),
        undo_url=undo_url,
        action_id=action.id if action else None,
        **totals_context(segment_no),
    ), 200


@bp.post("/<segment_no>/lines/deleted/<int:action_id>")
def undo_delete(segment_no: str, action_id: int) -> tuple[str, int]:
    """Put a line just deleted back exactly as it was; answer the line."""
    load_segment(segment_no)
    try:
        line_no = undo_line_delete(db.session, segment_no, action_id)
    except ServiceError as error:
        db.session.rollback()
        return render_template("segments/_grid_status.html", notice=error.message), 422
    db.session.commit()
    return render_template(
        "segments/_line_updated.html",
        row=grid_row(db.session, segment_no, line_no),
        notice=_("Line %(no)d put back.", no=line_no),
        **totals_context(segment_no),
        **grid_context(segment_no),
    ), 200


@bp.get("/contact-options")
def contact_options() -> str:
    """Completion of a contact no. by no. or name: datalist options."""
    text = request.args.get("q") or request.args.get("contact_no") or request.args.get("value") or ""
    return render_template("segments/_contact_options.html", contacts=contact_search(db.session, text[:100]))
