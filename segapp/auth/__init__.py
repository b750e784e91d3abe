"""Sign-in, sign-out, first administrator and the user's own profile."""

from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/auth")

from segapp.auth import views  # noqa: E402,F401
