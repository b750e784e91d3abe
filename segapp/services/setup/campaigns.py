"""Campaigns: numbered from the CAMPAIGN series, dates in order, an unblocked salesperson."""

from typing import Any

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from segapp.models import Campaign, CampaignStatus
from segapp.services.errors import ServiceError
from segapp.services.setup.number_series import CAMPAIGN_SERIES, next_number, series_for
from segapp.services.setup.salespeople import check_choosable


def check_campaign(session: Session, campaign: Campaign, values: dict[str, Any], is_new: bool) -> None:
    """The campaign rule of save_reference: number a new campaign; refuse an end before the start and a blocked salesperson."""
    start = values.get("starting_date", campaign.starting_date)
    end = values.get("ending_date", campaign.ending_date)
    if start and end and end < start:
        raise ServiceError(_("The ending date cannot be before the starting date."), field="ending_date")
    if "status" in values:
        try:
            values["status"] = CampaignStatus(values["status"])
        except ValueError:
            raise ServiceError(_("Choose a status from the list."), field="status") from None
    code = values.get("salesperson_code")
    if code and (is_new or code != campaign.salesperson_code):
        check_choosable(session, code)
    if is_new:
        values["no"] = next_number(session, series_for(session, CAMPAIGN_SERIES))
