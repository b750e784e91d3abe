"""The pages of the campaign card's interaction log entries and campaign entries (htmx fragments)."""

from typing import Any

from flask import redirect, render_template, url_for

from segapp.extensions import db
from segapp.htmx import wants_fragment
from segapp.models import Campaign
from segapp.request_values import page_arg
from segapp.setup.blueprint import bp
from segapp.setup.campaign_card import campaign_entries_context, interactions_context


@bp.get("/campaigns/<key>/interactions")
def campaign_interactions(key: str) -> Any:
    """One page of the campaign's interaction log entries with their totals (a fragment for htmx)."""
    campaign = db.get_or_404(Campaign, key)
    page = page_arg("interactions_page")
    if not wants_fragment():
        return redirect(url_for("setup.edit_row", kind="campaigns", key=key, interactions_page=page) + "#interactions")
    return render_template("setup/_campaign_interactions.html", **interactions_context(campaign, page))


@bp.get("/campaigns/<key>/entries")
def campaign_entries(key: str) -> Any:
    """One page of the campaign's campaign entries (a fragment for htmx)."""
    campaign = db.get_or_404(Campaign, key)
    page = page_arg("entries_page")
    if not wants_fragment():
        return redirect(url_for("setup.edit_row", kind="campaigns", key=key, entries_page=page) + "#campaign-entries")
    return render_template("setup/_campaign_entries.html", **campaign_entries_context(campaign, page))
