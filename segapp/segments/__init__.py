"""Segments: list, the segment document (header and lines grid)."""

# The blueprint's view modules register their routes on bp.
from segapp.segments import action_views, letter_views, line_views, test_email_views, views  # noqa: F401
from segapp.segments.blueprint import bp

__all__ = ["bp"]
