"""Registered segments: the list and one registered segment with its entries (spec 3.7)."""

from flask import render_template
from sqlalchemy import select

from segapp.extensions import db
from segapp.models import LoggedSegment
from segapp.registering.blueprint import bp


@bp.get("/registered-segments")
def list_registered_segments() -> str:
    """The registered segments, newest first."""
    registered = db.session.scalars(select(LoggedSegment).order_by(LoggedSegment.entry_no.desc()).limit(50)).all()
    return render_template("registering/list.html", registered=registered)


@bp.get("/registered-segments/<int:entry_no>")
def show_registered_segment(entry_no: int) -> str:
    """One registered segment."""
    registered = db.get_or_404(LoggedSegment, entry_no)
    return render_template("registering/show.html", registered=registered)
