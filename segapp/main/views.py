"""Views of the home page."""

from flask import render_template
from sqlalchemy import func, select

from segapp.extensions import db
from segapp.main.blueprint import bp
from segapp.models import Contact, ContactType, LoggedSegment, SegmentHeader


@bp.route("/")
def index() -> str:
    """Dashboard: how many contacts, segments and registered segments there are."""
    counts = db.session.execute(
        select(
            select(func.count()).select_from(Contact).where(Contact.type == ContactType.COMPANY).scalar_subquery(),
            select(func.count()).select_from(Contact).where(Contact.type == ContactType.PERSON).scalar_subquery(),
            select(func.count()).select_from(SegmentHeader).scalar_subquery(),
            select(func.count()).select_from(LoggedSegment).scalar_subquery(),
        )
    ).one()
    return render_template(
        "main/index.html",
        companies=counts[0],
        persons=counts[1],
        segments=counts[2],
        logged_segments=counts[3],
    )


@bp.route("/health")
def health() -> dict[str, str]:
    """For load balancers: answers when the app and its database answer."""
    db.session.execute(select(1))
    return {"status": "ok"}
