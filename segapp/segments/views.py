"""Views of the segments list and the segment page with its header."""

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from segapp.extensions import db
from segapp.htmx import wants_fragment
from segapp.keymap import KEYMAP, action_url, available, keymap_for_js
from segapp.models import Campaign, InteractionTemplate, Language, SegmentHeader
from segapp.numbers import count_text
from segapp.paging import paginate_rows
from segapp.request_values import form_int, page_arg
from segapp.segments.blueprint import bp
from segapp.segments.columns import HEADER_COLUMNS, SECTION_KEYS, grid_context
from segapp.segments.context import load_segment, page_context, totals_context
from segapp.services.errors import Conflict, ServiceError
from segapp.services.segments.grid import grid_page
from segapp.services.segments.header import apply_header_to_lines, old_header_value, update_header_field
from segapp.services.segments.records import (
    create_segment,
    delete_segment,
    segments_query,
)
from segapp.services.setup.salespeople import choosable_salespeople
from segapp.services.users import set_section_open

PER_PAGE = 25


@bp.get("/")
def list_segments() -> str:
    """The segments: search and pages."""
    search = request.args.get("q", "")
    page = paginate_rows(db.session, segments_query(search), page_arg(), PER_PAGE)
    template = "segments/_list_rows.html" if wants_fragment() else "segments/list.html"
    return render_template(template, page=page, search=search, rows=page.items)


@bp.post("/new")
def new_segment() -> Response:
    """Create a segment and open it."""
    header = create_segment(db.session, current_user)
    db.session.commit()
    return redirect(url_for("segments.show_segment", segment_no=header.no), code=303)


@bp.get("/<segment_no>/delete")
def confirm_delete(segment_no: str) -> str:
    """Ask before deleting a segment."""
    header = load_segment(segment_no)
    return render_template("segments/confirm_delete.html", header=header, **totals_context(segment_no))


@bp.post("/<segment_no>/delete")
def delete_segment_view(segment_no: str) -> Response:
    """Delete an unlogged segment with its lines, criteria and history."""
    load_segment(segment_no)
    delete_segment(db.session, segment_no)
    db.session.commit()
    flash(_("Segment %(no)s was deleted.", no=segment_no), "success")
    return redirect(url_for("segments.list_segments"), code=303)


@bp.get("/<segment_no>/totals")
def show_totals(segment_no: str) -> str:
    """The totals, loaded just after the page so that a large segment opens at once."""
    load_segment(segment_no)
    return render_template("segments/_totals.html", oob=False, **totals_context(segment_no))


@bp.get("/<segment_no>")
def show_segment(segment_no: str) -> str:
    """The segment document: header sections, totals and the first page of lines."""
    header = load_segment(segment_no)
    actions = [(s, action_url(s, segment_no)) for s in KEYMAP if s.scope == "page" and s.endpoint]
    return render_template(
        "segments/show.html",
        **page_context(header),
        grid=grid_page(db.session, segment_no),
        keymap=KEYMAP,
        keymap_js=keymap_for_js(segment_no),
        page_actions=actions,
        shortcut_available=available,
        lists=_datalists(),
        **grid_context(segment_no),
    )


def _datalists() -> dict[str, list[tuple[str, str]]]:
    session = db.session
    return {
        "salesperson-options": choosable_salespeople(session),
        "template-options": session.execute(
            select(InteractionTemplate.code, InteractionTemplate.description).order_by(InteractionTemplate.code)
        ).all(),
        "language-options": session.execute(select(Language.code, Language.name).order_by(Language.code)).all(),
        "campaign-options": session.execute(select(Campaign.no, Campaign.description).order_by(Campaign.no)).all(),
    }


@bp.put("/<segment_no>/header/<field>")
def update_header(segment_no: str, field: str) -> tuple[str, int]:
    """Save one header field; answer its fragment, the dependent fields and, if lines follow, the question."""
    load_segment(segment_no)
    if field not in HEADER_COLUMNS or HEADER_COLUMNS[field].kind == "readonly":
        abort(404)
    value = request.form.get("value", "")
    version = form_int("version")
    try:
        change = update_header_field(db.session, segment_no, field, value, -1 if version is None else version)
    except Conflict as error:
        db.session.rollback()
        header = load_segment(segment_no)
        others = [name for name in HEADER_COLUMNS if name != field]
        return _header_response(header, field, others, error=error.message), 409
    except ServiceError as error:
        db.session.rollback()
        header = load_segment(segment_no)
        return _header_response(header, field, [], error=error.message, typed=value), 422
    db.session.commit()
    header = load_segment(segment_no)
    dependent = [name for name in change.dependent if name in HEADER_COLUMNS]
    return _header_response(header, field, dependent, change=change), 200


def _header_response(
    header: SegmentHeader, field: str, others: list[str], error: str = "", typed: str | None = None, change: Any = None
) -> str:
    return render_template(
        "segments/_header_update.html",
        **page_context(header),
        **totals_context(header.no),
        field=field,
        others=others,
        error=error,
        typed=typed,
        change=change,
    )


@bp.put("/sections/<section>")
def remember_section(section: str) -> tuple[str, int]:
    """Remember that the user opened or closed a section of the segment page (viewers too: it is theirs)."""
    if section not in SECTION_KEYS:
        abort(404)
    set_section_open(db.session, current_user, section, request.form.get("open") == "1")
    db.session.commit()
    return "", 204


@bp.post("/<segment_no>/header/<field>/lines")
def apply_to_lines(segment_no: str, field: str) -> str:
    """The user's yes: carry the header change to the lines in one statement, then refresh the grid."""
    load_segment(segment_no)
    try:
        old_value = old_header_value(field, request.form.get("old_value", ""))
        only_unchanged = request.form.get("only_unchanged") == "1"
        count = apply_header_to_lines(db.session, segment_no, field, old_value, only_unchanged)
    except ServiceError:
        db.session.rollback()
        abort(404)
    db.session.commit()
    header = load_segment(segment_no)
    return render_template(
        "segments/_lines_refreshed.html",
        **page_context(header),
        **totals_context(segment_no),
        grid=grid_page(db.session, segment_no),
        message=count_text("%(num)s line updated.", "%(num)s lines updated.", count),
        **grid_context(segment_no),
    )
