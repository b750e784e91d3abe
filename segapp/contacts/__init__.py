"""Contacts: list, cards, relations, import and export."""

# The blueprint's view modules register their routes on bp.
from segapp.contacts import card_views, export_views, import_views, views  # noqa: F401
from segapp.contacts.blueprint import bp

__all__ = ["bp"]
