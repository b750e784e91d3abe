"""Views of user management."""
