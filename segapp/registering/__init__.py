"""Registering: the register dialog of a segment, the registered segments and the interaction log entries."""

# The blueprint's view modules register their routes on bp.
from segapp.registering import (  # noqa: F401
    delivery_views,
    entry_views,
    letter_views,
    register_views,
    registered_views,
    reuse_views,
)
from segapp.registering.blueprint import bp

__all__ = ["bp"]
