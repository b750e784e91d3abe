"""The public unsubscribe link of every e-mail (spec 5, RFC 8058): reachable without signing in."""

# The blueprint's view modules register their routes on bp.
from segapp.unsubscribe import views  # noqa: F401
from segapp.unsubscribe.blueprint import bp

__all__ = ["bp"]
