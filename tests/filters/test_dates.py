"""The one parser of typed dates (segment date cells and filters)."""

from datetime import date

import pytest

from segapp.dates import DateError, parse_date

TODAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("2026-11-23", date(2026, 11, 23)),
        ("2026-1-5", date(2026, 1, 5)),
        ("23/11/2026", date(2026, 11, 23)),
        ("23.11.2026", date(2026, 11, 23)),
        ("23-11-2026", date(2026, 11, 23)),
        ("5/1/2026", date(2026, 1, 5)),  # day first, never month first
        (" 05.01.2026 ", date(2026, 1, 5)),
        ("29/02/2028", date(2028, 2, 29)),
        ("t", TODAY),
        ("T", TODAY),
        ("today", TODAY),
        ("Today", TODAY),
        ("oggi", TODAY),
        ("OGGI", TODAY),
    ],
)
@pytest.mark.parametrize("locale", ["en", "it"])
def test_typed_dates_in_both_languages(typed: str, meant: date, locale: str) -> None:
    assert parse_date(typed, today=TODAY, locale=locale) == meant


def test_today_defaults_to_the_system_date() -> None:
    assert parse_date("t") == date.today()


@pytest.mark.parametrize(
    ("typed", "reason_en", "reason_it"),
    [
        ("31/02/2026", "February 2026 has days 1 to 28", "febbraio 2026 ha i giorni da 1 a 28"),
        ("29.02.2026", "February 2026 has days 1 to 28", "febbraio 2026 ha i giorni da 1 a 28"),
        ("31.02.2026", "February 2026 has days 1 to 28", "febbraio 2026 ha i giorni da 1 a 28"),
        ("2026-02-31", "February 2026 has days 1 to 28", "febbraio 2026 ha i giorni da 1 a 28"),
        ("2026-04-31", "April 2026 has days 1 to 30", "aprile 2026 ha i giorni da 1 a 30"),
        ("00/01/2026", "January 2026 has days 1 to 31", "gennaio 2026 ha i giorni da 1 a 31"),
        ("2026-13-01", "the month must be from 1 to 12", "il mese va da 1 a 12"),
        ("01/00/2026", "the month must be from 1 to 12", "il mese va da 1 a 12"),
        ("0000-01-01", "there is no year 0", "l'anno 0 non esiste"),
        ("yesterday", "write it as 23/11/2026", "scrivila come 23/11/2026"),
        ("23/11/26", "write it as 23/11/2026", "scrivila come 23/11/2026"),
        ("23/11.2026", "write it as 23/11/2026", "scrivila come 23/11/2026"),
        ("11/23/2026 x", "write it as 23/11/2026", "scrivila come 23/11/2026"),
        ("٢٣/١١/٢٠٢٦", "write it as 23/11/2026", "scrivila come 23/11/2026"),  # ASCII digits only
        ("", "write it as 23/11/2026", "scrivila come 23/11/2026"),
    ],
)
def test_impossible_or_unreadable_dates_say_why(typed: str, reason_en: str, reason_it: str) -> None:
    with pytest.raises(DateError) as english:
        parse_date(typed, today=TODAY)
    with pytest.raises(DateError) as italian:
        parse_date(typed, today=TODAY, locale="it")
    assert reason_en in english.value.message and reason_it in italian.value.message
    assert isinstance(english.value, ValueError)


def test_locale_may_be_a_region_or_a_babel_locale() -> None:
    from babel import Locale

    for locale in ("it_IT", "it-IT", Locale("it")):
        with pytest.raises(DateError, match="non è una data"):
            parse_date("31/02/2026", locale=locale)
    with pytest.raises(DateError, match="is not a date"):
        parse_date("31/02/2026", locale="xx")
