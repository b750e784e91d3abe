"""The jobs blueprint: a job's page and progress fragment, its downloads, the user's jobs; ``flask jobs ...``."""

from flask import Blueprint

bp = Blueprint("jobs", __name__, url_prefix="/jobs", cli_group="jobs")
