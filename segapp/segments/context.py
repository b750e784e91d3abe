"""What the segment views share: the segment or a 404, and the context its page and fragments need."""

from typing import Any

from flask import url_for
from flask_login import current_user

from segapp.extensions import db
from segapp.models import Campaign, SegmentHeader
from segapp.segments.columns import HEADER_COLUMNS, HEADER_SECTIONS
from segapp.segments.gone import segment_gone
from segapp.services.segments.records import criteria_action_count, segment_totals


def load_segment(segment_no: str) -> SegmentHeader:
    """The segment; one that was registered meanwhile says so (segments.gone); else a 404."""
    header = db.session.get(SegmentHeader, segment_no)
    if header is None:
        segment_gone(segment_no)
    return header


def page_context(header: SegmentHeader) -> dict[str, Any]:
    """What the page and its fragments need besides the header."""
    campaign = db.session.get(Campaign, header.campaign_no) if header.campaign_no else None
    return {
        "header": header,
        "campaign_description": campaign.description if campaign else "",
        "sections": HEADER_SECTIONS,
        "columns": HEADER_COLUMNS,
        "closed_sections": set(current_user.closed_sections.split()),
    }


def totals_context(segment_no: str) -> dict[str, Any]:
    """No. of lines, cost and duration totals, no. of criteria actions (manual edits apart), computed by the
    database; the criteria view's URL."""
    return {
        "totals": segment_totals(db.session, segment_no),
        "action_count": criteria_action_count(db.session, segment_no),
        "criteria_url": url_for("criteria.show_criteria", segment_no=segment_no),
    }
