"""Views of the contacts list and cards."""
