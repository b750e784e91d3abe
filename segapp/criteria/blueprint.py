"""The criteria blueprint: its pages hang under the segment they act on."""

from flask import Blueprint

bp = Blueprint("criteria", __name__, url_prefix="/segments")
