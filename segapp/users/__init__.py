"""User management (administrators only)."""

from flask import Blueprint

bp = Blueprint("users", __name__, url_prefix="/users")

from segapp.users import views  # noqa: E402,F401
