"""The keyset of an entries page in the query string: ``after`` (older entries) or ``before`` (newer ones)."""

from segapp.numbers import BIGINT_MAX
from segapp.request_values import int_arg


def keyset_args() -> tuple[int | None, int | None]:
    """The entry nos. ``after`` and ``before`` of the query string, None when missing or not an entry no."""
    after = int_arg("after", 0, 1, BIGINT_MAX) or None
    before = int_arg("before", 0, 1, BIGINT_MAX) or None
    return after, before
