"""Contacts: records, relations and the contact list."""
