"""The setup blueprint, apart from its package so that the view modules can import it without a cycle."""

from flask import Blueprint

bp = Blueprint("setup", __name__, url_prefix="/setup")
