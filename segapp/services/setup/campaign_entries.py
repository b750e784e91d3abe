"""What a campaign did: its interaction log entries with their totals, and its campaign entries (the campaign card)."""

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from segapp.models import CampaignEntry, Contact, InteractionLogEntry


@dataclass(frozen=True)
class InteractionTotals:
    """No. of interactions, their cost and duration (cancelled entries do not count)."""

    interactions: int
    cost: Decimal
    duration: Decimal


def campaign_totals(session: Session, campaign_no: str) -> InteractionTotals:
    """The campaign's interactions counted and summed by the database, cancelled ones left out (as Business
    Central's campaign statistics do)."""
    entry = InteractionLogEntry
    count, cost, duration = session.execute(
        select(
            func.count(),
            func.coalesce(func.sum(entry.cost), 0),
            func.coalesce(func.sum(entry.duration), 0),
        ).where(entry.campaign_no == campaign_no, entry.cancelled.is_(False))
    ).one()
    return InteractionTotals(count, Decimal(cost), Decimal(duration))


def campaign_log_entries_query(campaign_no: str) -> Select:
    """The campaign's interaction log entries, newest first, each with its contact's name."""
    entry = InteractionLogEntry
    return (
        select(entry, Contact.name.label("contact_name"))
        .outerjoin(Contact, Contact.no == entry.contact_no)
        .where(entry.campaign_no == campaign_no)
        .order_by(entry.date.desc().nulls_last(), entry.entry_no.desc())
    )


def campaign_entries_query(campaign_no: str) -> Select:
    """The campaign's campaign entries (one per registered segment), newest first."""
    return select(CampaignEntry).where(CampaignEntry.campaign_no == campaign_no).order_by(CampaignEntry.entry_no.desc())
