"""The registering blueprint: register a segment, registered segments, interaction log entries."""

from flask import Blueprint

bp = Blueprint("registering", __name__)
