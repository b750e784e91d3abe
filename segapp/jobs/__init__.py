"""Background jobs: progress, downloads, the task queue and its consumer."""

# The blueprint's view modules register their routes and commands on bp.
from segapp.jobs import commands, views  # noqa: F401
from segapp.jobs.blueprint import bp

__all__ = ["bp"]
