"""The users blueprint, apart from its package so that the view modules can import it without a cycle."""

from flask import Blueprint

bp = Blueprint("users", __name__, url_prefix="/users")
