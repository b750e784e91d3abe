"""The main blueprint, apart from its package so that the view modules can import it without a cycle."""

from flask import Blueprint

bp = Blueprint("main", __name__)
