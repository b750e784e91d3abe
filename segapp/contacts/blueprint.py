"""The contacts blueprint, apart from its package so that the view modules can import it without a cycle."""

from flask import Blueprint

bp = Blueprint("contacts", __name__, url_prefix="/contacts")
