"""Numbers typed by a user or sent in a URL, read in one place: bounded, finite, never an exception.

``int()`` and ``Decimal()`` accept far more than a user means (``int("١٢")``, ``Decimal("sNaN")``,
``Decimal("1_0")``) and fail in ways a caller forgets to catch (``"²".isdigit()`` is true but
``int("²")`` fails; ``Decimal("1E+999999999999999999")`` raises ``decimal.Overflow``, which is not an
``InvalidOperation``). Everything here reads ASCII digits only and checks the range before the
value can reach the database, whose integer columns end at 2**31 - 1 (INTEGER) and 2**63 - 1 (BIGINT).
"""

import re
from decimal import Decimal, DecimalException
from typing import Any

from flask_babel import format_decimal, get_translations
from flask_babel import gettext as _

from segapp.models.base import MAX_AMOUNT

INT_MAX = 2**31 - 1
BIGINT_MAX = 2**63 - 1

_INTEGER = re.compile(r"[+-]?[0-9]{1,19}")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]{1,3})?")
_MAX_TEXT = 60


def to_int(text: str | None, low: int = 0, high: int = INT_MAX) -> int | None:
    """The whole number written in ASCII digits, when it lies in ``low..high``; else None."""
    text = (text or "").strip()
    if not _INTEGER.fullmatch(text):
        return None
    number = int(text)
    return number if low <= number <= high else None


def to_decimal(text: str | None, places: int = 2, limit: Decimal = MAX_AMOUNT) -> Decimal:
    """A finite number of at most ``limit`` either way, rounded to ``places``; blank is zero.

    ``10.5``, ``10,5``, ``1.234,5`` and ``1,234.5`` are all understood. Anything else (NaN, sNaN,
    Infinity, an exponent that overflows, other scripts' digits) raises ValueError with the
    message to show.
    """
    raw = (text or "").strip()
    cleaned = raw.replace(" ", "")
    if not cleaned:
        return Decimal("0")
    if "," in cleaned and "." in cleaned:
        if cleaned.rfind(",") > cleaned.rfind("."):
            cleaned = cleaned.replace(".", "").replace(",", ".")
        else:
            cleaned = cleaned.replace(",", "")
    else:
        cleaned = cleaned.replace(",", ".")
    if len(cleaned) > _MAX_TEXT or not _DECIMAL.fullmatch(cleaned):
        raise ValueError(_("%(value)s is not a number.", value=raw[:_MAX_TEXT]))
    try:
        number = Decimal(cleaned)
        if abs(number) > limit:
            raise ValueError(_("The value is too large."))
        return number.quantize(Decimal(1).scaleb(-places))
    except DecimalException:
        raise ValueError(_("%(value)s is not a number.", value=raw[:_MAX_TEXT])) from None


def show_number(value: int | Decimal | float | None) -> str:
    """A count or total in the user's locale, with its thousands separator (2,402 / 2.402)."""
    if value is None:
        return ""
    return format_decimal(value)


def count_text(singular: str, plural: str, n: int, **variables: Any) -> str:
    """``ngettext`` whose ``%(num)s`` is the count written in the user's locale (templates pass ``num=n|show_number``)."""
    return get_translations().ungettext(singular, plural, n) % dict(variables, num=show_number(n))
