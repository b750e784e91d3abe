"""The one parser of typed dates, for the segment page's date cells and the criteria filters alike.

Accepted, in every language: ``2026-11-23`` (ISO), ``23/11/2026``, ``23.11.2026`` and ``23-11-2026``
(day first, as the pages write dates in English and Italian), and ``t``, ``today`` or ``oggi`` for
today. A date that does not exist (``31/02/2026``) is refused with the reason.
"""

import calendar
import re
from datetime import date

from babel.dates import format_date

from segapp.catalogue import N_, language, translate
from segapp.textfold import fold

TODAY_WORDS = frozenset({"t", "today", "oggi"})
_ISO = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
_DAY_FIRST = re.compile(r"([0-9]{1,2})([./-])([0-9]{1,2})\2([0-9]{4})")


class DateError(ValueError):
    """A typed date that is not one; the message (in the requested language) says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def parse_date(text: str, *, today: date | None = None, locale: object = "en") -> date:
    """The date ``text`` stands for; ``today`` (default: the system's date) is what ``t`` means."""
    value = (text or "").strip()
    if fold(value) in TODAY_WORDS:
        return today or date.today()
    if match := _ISO.fullmatch(value):
        year, month, day = (int(part) for part in match.groups())
    elif match := _DAY_FIRST.fullmatch(value):
        day, month, year = int(match[1]), int(match[3]), int(match[4])
    else:
        raise DateError(
            translate(
                locale,
                N_("%(value)s is not a date: write it as 23/11/2026, 23.11.2026 or 2026-11-23, or t for today."),
                value=value,
            )
        )
    return _checked_date(value, year, month, day, locale)


def _checked_date(value: str, year: int, month: int, day: int, locale: object) -> date:
    if year < 1:
        raise DateError(translate(locale, N_("%(value)s is not a date: there is no year 0."), value=value))
    if not 1 <= month <= 12:
        raise DateError(translate(locale, N_("%(value)s is not a date: the month must be from 1 to 12."), value=value))
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        month_name = format_date(date(year, month, 1), "MMMM y", locale=language(locale))
        raise DateError(
            translate(
                locale,
                N_("%(value)s is not a date: %(month)s has days 1 to %(days)d."),
                value=value,
                month=month_name,
                days=days,
            )
        )
    return date(year, month, day)
