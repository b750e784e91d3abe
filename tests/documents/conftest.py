"""Segments with lines to merge, on both databases: the registering tests' segment and contacts."""

from tests.registering.conftest import make_registrable, make_segment, reference

__all__ = ["make_registrable", "make_segment", "reference"]
