"""Home page and health check."""

# The blueprint's view modules register their routes on bp.
from segapp.main import views  # noqa: F401
from segapp.main.blueprint import bp

__all__ = ["bp"]
