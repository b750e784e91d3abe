"""User management (administrators only)."""

# The blueprint's view modules register their routes on bp.
from segapp.users import views  # noqa: F401
from segapp.users.blueprint import bp

__all__ = ["bp"]
