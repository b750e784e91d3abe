"""The segments blueprint and the helpers it gives its templates (apart from the package: no import cycle)."""

from flask import Blueprint

from segapp.segments.columns import template_helpers
from segapp.segments.grid_html import row_helpers

bp = Blueprint("segments", __name__, url_prefix="/segments")
bp.context_processor(template_helpers)
bp.context_processor(row_helpers)
