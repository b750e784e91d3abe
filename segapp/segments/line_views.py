"""Views of the lines grid: pages of lines, add, edit a cell, delete, contact completion."""

from flask import abort, render_template, request, url_for
from flask_login import current_user

from segapp.extensions import db
from segapp.request_values import form_int, int_arg
from segapp.segments.blueprint import bp
from segapp.segments.columns import grid_context
from segapp.segments.context import load_segment, totals_context
from segapp.services.errors import Conflict, NotFound, ServiceError
from segapp.services.segments.field_values import contact_search
from segapp.services.segments.grid import SORTS, grid_page, grid_row
from segapp.services.segments.lines import LINE_FIELDS, AlreadyOnSegment, add_line, delete_line, update_line_field


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


@bp.get("/<segment_no>/lines/new")
def new_line(segment_no: str) -> str:
    """An empty new line with its contact no. to type."""
    load_segment(segment_no)
    return render_template("segments/_new_line.html", **grid_context(segment_no))


@bp.post("/<segment_no>/lines")
def create_line(segment_no: str) -> tuple[str, int]:
    """Add a line for the typed contact; answer the line and a fresh new line below it."""
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
            answer_url=url_for("segments.create_line", segment_no=segment_no),
            answer_method="POST",
            answer_target="[data-new-line]",
            answer_values={"contact_no": typed},
            **grid_context(segment_no),
        ), 409
    except ServiceError as error:
        db.session.rollback()
        return render_template(
            "segments/_new_line.html", typed=typed, error=error.message, **grid_context(segment_no)
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
    status, error, notice, existing = 200, "", "", None
    try:
        result = update_line_field(
            db.session, segment_no, line_no, field, value, version, current_user.id, start, allow_existing
        )
        notice = result.notice
    except NotFound:
        db.session.rollback()
        abort(404)
    except AlreadyOnSegment as already:
        db.session.rollback()
        status, error, existing = 409, already.message, already
    except Conflict as conflict:
        db.session.rollback()
        status, error = 409, conflict.message
    except ServiceError as refused:
        db.session.rollback()
        status, error = 422, refused.message
    else:
        db.session.commit()
    row = grid_row(db.session, segment_no, line_no)
    if row is None:
        abort(404)
    return render_template(
        "segments/_line_updated.html",
        row=row,
        error_field=field if error else "",
        error=error,
        rejected=value if error else None,  # refused or overtaken: the user's text stays for another try
        notice=notice,
        existing=existing,
        answer_url=url_for("segments.update_line", segment_no=segment_no, line_no=line_no),
        answer_method="PUT",
        answer_target=f"#line-{line_no}",
        answer_values={"field": field, "value": value, "version": version, "start": start or ""},
        **totals_context(segment_no),
        **grid_context(segment_no),
    ), status


@bp.delete("/<segment_no>/lines/<bigint:line_no>")
def remove_line(segment_no: str, line_no: int) -> tuple[str, int]:
    """Delete a line (recorded as a reduce action); answer the new totals."""
    load_segment(segment_no)
    # Required as for an edit: without the version the line seen is unknown, so it is a conflict (0 never matches).
    version = int_arg("version", 0) or form_int("version") or 0
    try:
        delete_line(db.session, segment_no, line_no, version, current_user.id)
    except NotFound:
        db.session.rollback()
        abort(404)
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
    return render_template("segments/_totals.html", oob=True, **totals_context(segment_no)), 200


@bp.get("/contact-options")
def contact_options() -> str:
    """Completion of a contact no. by no. or name: datalist options."""
    text = request.args.get("q") or request.args.get("contact_no") or request.args.get("value") or ""
    return render_template("segments/_contact_options.html", contacts=contact_search(db.session, text[:100]))
