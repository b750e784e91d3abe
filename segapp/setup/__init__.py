"""Setup pages for the reference data of spec section 1 (changes are for administrators)."""

# The blueprint's view modules register their routes on bp.
from segapp.setup import campaign_views, detail_views, single_views, views  # noqa: F401
from segapp.setup.blueprint import bp

__all__ = ["bp"]
