"""A segment that was registered while someone had it open: every later request on it says so, never a 404 or 500."""

from typing import NoReturn

from flask import abort, flash, make_response, redirect, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import select

from segapp.errors import render_error
from segapp.extensions import db
from segapp.htmx import wants_fragment
from segapp.models import LoggedSegment, User

# 410 Gone: the segment is no more, for good; grid.js and htmx show the message the fragment carries.
GONE = 410


def registered_message(segment_no: str, logged: LoggedSegment) -> str:
    """ "Segment X was registered by ann on 5 Mar 2026: it can no longer be changed." """
    user = db.session.get(User, logged.user_id) if logged.user_id else None
    name = (user.full_name or user.username) if user is not None else ""
    when = format_date(logged.creation_date, "medium")
    if name:
        return _(
            "Segment %(no)s was registered by %(user)s on %(date)s: it can no longer be changed.",
            no=segment_no,
            user=name,
            date=when,
        )
    return _("Segment %(no)s was registered on %(date)s: it can no longer be changed.", no=segment_no, date=when)


def segment_gone(segment_no: str) -> NoReturn:
    """Answer a request on a segment that is not there: registered meanwhile (a page goes to the registered
    segment, a fragment or an edit gets the message), or a 404."""
    logged = db.session.scalar(select(LoggedSegment).where(LoggedSegment.segment_no == segment_no))
    if logged is None:
        abort(404)
    message = registered_message(segment_no, logged)
    if request.method == "GET" and not wants_fragment():
        flash(message, "warning")
        abort(redirect(url_for("registering.show_registered_segment", entry_no=logged.entry_no), code=303))
    abort(make_response(render_error(GONE, message)))
