"""Reuse segment (spec 3.5), from the segment page (Alt+Shift+U): pick a registered segment and append one line per
contact of its entries, recorded as a criteria action that go back undoes."""

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from segapp.extensions import db
from segapp.htmx import wants_fragment
from segapp.models import LoggedSegment, SegmentHeader
from segapp.numbers import count_text
from segapp.paging import paginate_rows
from segapp.registering.blueprint import bp
from segapp.registering.outcomes import evaluation_choices, outcome_from_form
from segapp.request_values import form_int, int_arg, page_arg
from segapp.segments.context import load_segment
from segapp.services.criteria.running import refresh_line_statistics
from segapp.services.errors import ServiceError
from segapp.services.registering.follow_up import reuse_segment
from segapp.services.registering.registered import registered_query

PER_PAGE = 25


@bp.route("/segments/<segment_no>/reuse-segment", methods=["GET", "POST"])
def reuse_segment_view(segment_no: str) -> Any:
    """GET: the registered segments to pick from (search, pages), or with ``registered`` the one picked and
    which of its entries to take. POST: append the lines and go back to the segment with how many were added."""
    header = load_segment(segment_no)
    if request.method == "POST":
        return _reuse(header)
    entry_no = int_arg("registered", 0, 1)
    if entry_no:
        registered = db.get_or_404(LoggedSegment, entry_no)
        return render_template(
            "registering/reuse_confirm.html", header=header, registered=registered, evaluations=evaluation_choices()
        )
    search = request.args.get("q", "")[:100]
    page = paginate_rows(db.session, registered_query(search), page_arg(), PER_PAGE)
    template = "registering/_registered_rows.html" if wants_fragment() else "registering/reuse_pick.html"
    return render_template(
        template,
        header=header,
        page=page,
        rows=page.items,
        search=search,
        pick_url=lambda registered: url_for(
            "registering.reuse_segment_view", segment_no=segment_no, registered=registered.entry_no
        ),
    )


def _reuse(header: SegmentHeader) -> Response:
    entry_no = form_int("registered", 1)
    if entry_no is None:
        abort(400)
    outcome = outcome_from_form()
    try:
        added = reuse_segment(db.session, header.no, entry_no, current_user, outcome)
    except ServiceError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("registering.reuse_segment_view", segment_no=header.no), code=303)
    registered_no = db.session.get(LoggedSegment, entry_no).segment_no
    db.session.commit()
    refresh_line_statistics(db.session, added)
    message = count_text(
        "Reused registered segment %(segment)s: %(num)s line added.",
        "Reused registered segment %(segment)s: %(num)s lines added.",
        added,
        segment=registered_no,
    )
    flash(message, "success" if added else "warning")
    return redirect(url_for("segments.show_segment", segment_no=header.no), code=303)
