"""The unsubscribe blueprint, apart from its package so that the view modules can import it without a cycle."""

from flask import Blueprint

bp = Blueprint("unsubscribe", __name__, url_prefix="/unsubscribe")
