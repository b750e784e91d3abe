"""Views of the segments list and the segment page."""
