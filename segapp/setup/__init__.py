"""Setup pages for the reference data of spec section 1 (changes are for administrators)."""

from flask import Blueprint

bp = Blueprint("setup", __name__, url_prefix="/setup")

from segapp.setup import detail_views, single_views, views  # noqa: E402,F401
