"""Sign-in, sign-out, first administrator and the user's own profile."""

# The blueprint's view modules register their routes on bp.
from segapp.auth import views  # noqa: F401
from segapp.auth.blueprint import bp

__all__ = ["bp"]
