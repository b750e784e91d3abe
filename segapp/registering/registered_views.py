"""Registered segments (spec 3.7): the list, one registered segment with its entries and campaign entries,
cancel / un-cancel, delete the cancelled ones, and a follow-up segment from one at any time."""

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from segapp.extensions import db
from segapp.htmx import wants_fragment
from segapp.models import LoggedSegment
from segapp.numbers import count_text
from segapp.paging import paginate_rows
from segapp.registering.blueprint import bp
from segapp.registering.delivery_views import delivery_context
from segapp.registering.keyset import keyset_args
from segapp.registering.letter_views import printable_context
from segapp.registering.outcomes import evaluation_choices, outcome_from_form
from segapp.request_values import page_arg
from segapp.services.delivery.manual import MAX_REASON
from segapp.services.errors import NotFound, ServiceError
from segapp.services.registering.entries import EntryFilter, fetch_entries
from segapp.services.registering.follow_up import create_follow_up_segment
from segapp.services.registering.registered import (
    campaign_entries,
    delete_registered_segment,
    registered_query,
    set_registered_cancelled,
)
from segapp.services.segments.records import segment_totals

PER_PAGE = 25
ENTRIES_PER_PAGE = 25


@bp.get("/registered-segments")
def list_registered_segments() -> str:
    """The registered segments, newest first: search (no., description) and pages."""
    search = request.args.get("q", "")[:100]
    page = paginate_rows(db.session, registered_query(search), page_arg(), PER_PAGE)
    template = "registering/_registered_rows.html" if wants_fragment() else "registering/list.html"
    return render_template(template, page=page, rows=page.items, search=search)


def _registered(entry_no: int) -> LoggedSegment:
    return db.get_or_404(LoggedSegment, entry_no)


def _entries_context(registered: LoggedSegment) -> dict[str, Any]:
    flt = EntryFilter(registered=registered.entry_no)
    after, before = keyset_args()
    return {
        "entries": fetch_entries(db.session, flt, ENTRIES_PER_PAGE, after, before),
        "registered": registered,
        "max_reason": MAX_REASON,
    }


@bp.get("/registered-segments/<int:entry_no>")
def show_registered_segment(entry_no: int) -> str:
    """One registered segment: its fields, its campaign entries and its entries page by page."""
    registered = _registered(entry_no)
    return render_template(
        "registering/show.html",
        campaign_entries=campaign_entries(db.session, entry_no),
        **_entries_context(registered),
        **printable_context(entry_no),
        **delivery_context(registered),
    )


@bp.get("/registered-segments/<int:entry_no>/entries")
def registered_entries(entry_no: int) -> Any:
    """A page of the registered segment's entries (a fragment for htmx, else the page at that point)."""
    registered = _registered(entry_no)
    if not wants_fragment():
        after, before = keyset_args()
        return redirect(url_for("registering.show_registered_segment", entry_no=entry_no, after=after, before=before))
    return render_template("registering/_registered_entries.html", **_entries_context(registered))


def _set_cancelled(entry_no: int, cancelled: bool) -> Response:
    _registered(entry_no)
    result = set_registered_cancelled(db.session, entry_no, cancelled)
    db.session.commit()
    entries = count_text("%(num)s entry", "%(num)s entries", result.entries)
    if cancelled:
        message = _("Registered segment %(no)s was cancelled with %(entries)s.", no=result.segment_no, entries=entries)
    else:
        message = _(
            "Registered segment %(no)s was un-cancelled with %(entries)s.", no=result.segment_no, entries=entries
        )
    flash(message, "success")
    return redirect(url_for("registering.show_registered_segment", entry_no=entry_no), code=303)


@bp.post("/registered-segments/<int:entry_no>/cancel")
def cancel_registered_segment(entry_no: int) -> Response:
    """Cancel the registered segment with its entries and campaign entries."""
    return _set_cancelled(entry_no, True)


@bp.post("/registered-segments/<int:entry_no>/uncancel")
def uncancel_registered_segment(entry_no: int) -> Response:
    """Un-cancel the registered segment with its entries and campaign entries."""
    return _set_cancelled(entry_no, False)


@bp.route("/registered-segments/<int:entry_no>/delete", methods=["GET", "POST"])
def delete_registered(entry_no: int) -> Any:
    """Delete a cancelled registered segment after a confirmation; its entries stay in the log."""
    registered = _registered(entry_no)
    if request.method == "GET":
        if not registered.cancelled:
            flash(_("Registered segment %(no)s is not cancelled: cancel it first.", no=registered.segment_no), "error")
            return redirect(url_for("registering.show_registered_segment", entry_no=entry_no), code=303)
        return render_template("registering/confirm_delete.html", registered=registered)
    try:
        segment_no = delete_registered_segment(db.session, entry_no)
    except ServiceError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("registering.show_registered_segment", entry_no=entry_no), code=303)
    db.session.commit()
    flash(
        _("Registered segment %(no)s was deleted; its entries stay in the interaction log.", no=segment_no), "success"
    )
    return redirect(url_for("registering.list_registered_segments"), code=303)


@bp.route("/registered-segments/<int:entry_no>/follow-up", methods=["GET", "POST"])
def follow_up_segment(entry_no: int) -> Any:
    """Create a follow-up segment from the registered segment: every contact, or only those whose entry has one
    of the chosen evaluations, attempt failed or a delivery error; lands on the new segment."""
    registered = _registered(entry_no)
    if request.method == "GET":
        return render_template(
            "registering/follow_up.html",
            registered=registered,
            evaluations=evaluation_choices(),
        )
    outcome = outcome_from_form()
    try:
        header = create_follow_up_segment(db.session, entry_no, current_user, outcome)
    except NotFound as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("registering.list_registered_segments"), code=303)
    lines = segment_totals(db.session, header.no).lines
    db.session.commit()
    flash(
        count_text(
            "Follow-up segment %(no)s was created with %(num)s line.",
            "Follow-up segment %(no)s was created with %(num)s lines.",
            lines,
            no=header.no,
        ),
        "success" if lines else "warning",
    )
    return redirect(url_for("segments.show_segment", segment_no=header.no), code=303)
