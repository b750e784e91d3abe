"""Segments: list, the segment document (header and lines grid)."""

from flask import Blueprint

bp = Blueprint("segments", __name__, url_prefix="/segments")

from segapp.segments import views  # noqa: E402,F401
