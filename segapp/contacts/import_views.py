"""Views of the contact import."""
