"""The campaign card's sections: its interaction log entries with their totals, and its campaign entries."""

from typing import Any

from segapp.extensions import db
from segapp.models import Campaign
from segapp.paging import paginate_rows
from segapp.request_values import page_arg
from segapp.services.setup.campaign_entries import campaign_entries_query, campaign_log_entries_query, campaign_totals

PER_PAGE = 25


def interactions_context(campaign: Campaign, page: int) -> dict[str, Any]:
    """One page of the campaign's interaction log entries and the totals of all of them."""
    return {
        "campaign": campaign,
        "totals": campaign_totals(db.session, campaign.no),
        "interactions": paginate_rows(db.session, campaign_log_entries_query(campaign.no), page, PER_PAGE),
    }


def campaign_entries_context(campaign: Campaign, page: int) -> dict[str, Any]:
    """One page of the campaign's campaign entries."""
    return {
        "campaign": campaign,
        "campaign_entries": db.paginate(campaign_entries_query(campaign.no), page=page, per_page=PER_PAGE),
    }


def campaign_context(row: Campaign) -> dict[str, Any]:
    """The edit page's extra context of a campaign (setup.details.DETAIL_CONTEXT)."""
    return {
        **interactions_context(row, page_arg("interactions_page")),
        **campaign_entries_context(row, page_arg("entries_page")),
    }
