"""Views of the home page."""

from flask import current_app, render_template
from sqlalchemy import exists, func, select

from segapp.extensions import db
from segapp.main.blueprint import bp
from segapp.models import CompanyInformation, Contact, ContactType, LoggedSegment, SegmentHeader
from segapp.services.demo import DEMO_PREFIX, needs_first_steps

# The page that lists registered segments, linked from its count once it exists.
REGISTERED_SEGMENTS_ENDPOINT = "registering.list_registered_segments"


@bp.route("/")
def index() -> str:
    """Dashboard: how many contacts, segments and registered segments there are, and the first steps."""
    counts = db.session.execute(
        select(
            select(func.count()).select_from(Contact).where(Contact.type == ContactType.COMPANY).scalar_subquery(),
            select(func.count()).select_from(Contact).where(Contact.type == ContactType.PERSON).scalar_subquery(),
            select(func.count()).select_from(SegmentHeader).scalar_subquery(),
            select(func.count()).select_from(LoggedSegment).scalar_subquery(),
            select(CompanyInformation.name).where(CompanyInformation.id == 1).scalar_subquery(),
            exists().where(Contact.no.startswith(DEMO_PREFIX, autoescape=True)),
        )
    ).one()
    return render_template(
        "main/index.html",
        companies=counts[0],
        persons=counts[1],
        segments=counts[2],
        logged_segments=counts[3],
        registered_endpoint=REGISTERED_SEGMENTS_ENDPOINT
        if REGISTERED_SEGMENTS_ENDPOINT in current_app.view_functions
        else "",
        first_steps=needs_first_steps(counts[0] + counts[1], counts[4]),
        demo_contacts=counts[5],
    )


@bp.route("/health")
def health() -> dict[str, str]:
    """For load balancers: answers when the app and its database answer."""
    db.session.execute(select(1))
    return {"status": "ok"}
