"""A year of demo history (issue #12 point 7), written through register_segment itself: a few registered segments
with their entries, one cancelled, one for the demo campaign, some entries evaluated or failed. On a fresh install
the registered segments, the entries, the contact card's history and the criteria's interaction tab show something.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, delete, exists, not_, select, update
from sqlalchemy.orm import Session

from segapp.models import (
    CampaignEntry,
    Evaluation,
    InteractionLogEntry,
    InteractionTemplate,
    LoggedSegment,
)
from segapp.services.criteria.matching import ActionOptions, FieldFilter
from segapp.services.criteria.running import add_contacts
from segapp.services.registering.register import register_segment
from segapp.services.segments.records import create_segment, delete_segment

DEMO_PREFIX = "DEMO-"


@dataclass(frozen=True)
class DemoSegment:
    """One registered segment of the demo history: when, what, to whom (a city filter), and what became of it."""

    days_ago: int
    description: str
    template: str
    cities: str
    salesperson: str
    campaign: bool = False
    cancelled: bool = False


DEMO_SEGMENTS = (
    DemoSegment(330, "Spring price list", "LETTER", "Milano|London", "MR"),
    DemoSegment(240, "Summer offer", "LETTER", "Roma|Manchester", "LB", cancelled=True),
    DemoSegment(150, "Autumn catalogue", "LETTER", "Torino|Leeds", "JS"),
    DemoSegment(60, "Trade fair invitation", "INVITE", "Milano|Roma|London", "LB", campaign=True),
    DemoSegment(20, "New year greetings", "LETTER", "Napoli|Bologna|Bristol", "AV"),
)
TEXTS_IT = {
    "Spring price list": "Listino di primavera",
    "Summer offer": "Offerta estiva",
    "Autumn catalogue": "Catalogo d'autunno",
    "Trade fair invitation": "Invito alla fiera",
    "New year greetings": "Auguri di buon anno",
}
# Every third entry evaluated in turn, every seventh attempt failed: set-based, by entry no.
EVALUATIONS = (Evaluation.VERY_POSITIVE, Evaluation.POSITIVE, Evaluation.NEUTRAL, Evaluation.NEGATIVE)


def load_demo_history(session: Session, language: str = "en", today: date | None = None) -> int:
    """Register the demo segments of the past year; how many were registered (a city with no contact is skipped)."""
    today = today or date.today()
    campaign_no = session.scalar(select(InteractionTemplate.campaign_no).where(InteractionTemplate.code == "INVITE"))
    registered = 0
    for demo in DEMO_SEGMENTS:
        day = today - timedelta(days=demo.days_ago)
        header = create_segment(session, None)
        header.description = TEXTS_IT.get(demo.description, demo.description) if language == "it" else demo.description
        header.date = day
        header.salesperson_code = demo.salesperson
        header.interaction_template_code = demo.template
        header.campaign_no = campaign_no if demo.campaign else None
        header.campaign_target = demo.campaign
        session.flush()
        action = add_contacts(
            session,
            header.no,
            [FieldFilter(1, "contact", "city", demo.cities)],
            ActionOptions(),
            user_id=None,
            locale="en",
            today=day,
        )
        if not action.lines_added:
            delete_segment(session, header.no)
            continue
        result = register_segment(session, header.no, None, send_documents=False, create_follow_up=False, today=day)
        _outcomes(session, result.logged_segment.entry_no)
        if demo.cancelled:
            _cancel(session, result.logged_segment.entry_no)
        registered += 1
    session.flush()
    return registered


def _outcomes(session: Session, logged_entry_no: int) -> None:
    entry = InteractionLogEntry
    of_segment = entry.logged_segment_entry_no == logged_entry_no
    for i, evaluation in enumerate(EVALUATIONS):
        session.execute(
            update(entry)
            .where(of_segment, entry.entry_no % (3 * len(EVALUATIONS)) == 3 * i)
            .values(evaluation=evaluation)
        )
    session.execute(update(entry).where(of_segment, entry.entry_no % 7 == 1).values(attempt_failed=True))


def _cancel(session: Session, logged_entry_no: int) -> None:
    """Cancelled with its entries and campaign entries, as cancelling a registered segment does (spec 3.7)."""
    session.execute(update(LoggedSegment).where(LoggedSegment.entry_no == logged_entry_no).values(cancelled=True))
    for model in (InteractionLogEntry, CampaignEntry):
        session.execute(update(model).where(model.logged_segment_entry_no == logged_entry_no).values(cancelled=True))


def demo_history(session: Session) -> list[int]:
    """The registered segments of the demo history: written by no user, every entry a demo contact's."""
    not_demo = and_(
        InteractionLogEntry.logged_segment_entry_no == LoggedSegment.entry_no,
        not_(InteractionLogEntry.contact_no.startswith(DEMO_PREFIX, autoescape=True)),
    )
    return list(
        session.scalars(
            select(LoggedSegment.entry_no).where(LoggedSegment.user_id.is_(None), not_(exists().where(not_demo)))
        )
    )


def remove_demo_history(session: Session) -> int:
    """Delete the demo history (its registered segments, entries and campaign entries); how many segments."""
    entry_nos = demo_history(session)
    if not entry_nos:
        return 0
    session.execute(delete(InteractionLogEntry).where(InteractionLogEntry.logged_segment_entry_no.in_(entry_nos)))
    session.execute(delete(CampaignEntry).where(CampaignEntry.logged_segment_entry_no.in_(entry_nos)))
    session.execute(delete(LoggedSegment).where(LoggedSegment.entry_no.in_(entry_nos)))
    return len(entry_nos)
