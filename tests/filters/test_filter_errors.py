"""Expressions that are refused, with the 0-based position where they go wrong and a message."""

from datetime import date

import pytest

from segapp.filters import FilterError, compile_filter
from tests.filters.conftest import TODAY, probe


def _error(column: str, expression: str, locale: str = "en") -> FilterError:
    with pytest.raises(FilterError) as caught:
        compile_filter(probe.c[column], expression, locale=locale, today=TODAY)
    return caught.value


@pytest.mark.parametrize(
    ("column", "expression", "position", "says"),
    [
        ("name", "", 0, "Type a value"),
        ("name", "   ", 0, "Type a value"),
        ("name", "A|", 2, "value is missing"),
        ("name", "|A", 0, "value is missing"),
        ("name", "A||B", 2, "value is missing"),
        ("name", "A&(B|", 5, "value is missing"),
        ("name", "()", 1, "value is missing"),
        ("name", "(A", 0, "not closed"),
        ("name", "((A)", 0, "not closed"),
        ("name", "A)", 1, "closes no parenthesis"),
        ("name", "'abc", 0, "quote opened here is not closed"),
        ("name", "A|'it''s", 2, "quote opened here is not closed"),
        ("name", "'a'b", 3, "Separate values"),
        ("name", "(A)B", 3, "Separate values"),
        ("name", "A..B..C", 4, "Separate values"),
        ("name", "..", 0, "at least one side"),
        ("name", "<A..B", 0, "range cannot follow <"),
        ("name", "<>", 2, "value is missing"),
        ("name", "<''", 1, "'' (empty)"),
        ("name", "''..M", 0, "'' (empty)"),
        ("name", ">Co*", 1, "after >"),
        ("name", "A..M*", 3, "in a range"),
        ("name", "x" * 251, 250, "250"),
        ("name", "ab\x00c", 2, "character"),
        ("name", "ab\ud800", 2, "character"),
        ("qty", "1x", 0, "not a number"),
        ("qty", "5|abc", 2, "not a number"),
        ("qty", "10,5", 0, "not a number"),  # no decimal comma in English
        ("qty", ">1.5", 1, "not a whole number"),
        ("qty", "99999999999999999999", 0, "too large"),
        ("qty", "1*", 0, "* and ?"),
        ("qty", "1e5", 0, "not a number"),
        ("qty", "NaN", 0, "not a number"),
        ("amount", "10,5", 0, "not a number"),
        ("amount", "Infinity", 0, "not a number"),
        ("day", "31/02/2026", 0, "February 2026 has days 1 to 28"),
        ("day", "t|31/02/2026", 2, "not a date"),
        ("day", "29/02/2026", 0, "not a date"),
        ("day", "2026-13-01", 0, "month"),
        ("day", "00/01/2026", 0, "not a date"),
        ("day", "yesterday", 0, "not a date"),
        ("day", "2026*", 0, "* and ?"),
        ("corr", "Fax", 0, "not one of: Hard copy, E-mail"),
        ("corr", "Hard copy|Fax", 10, "Fax is not one of"),
        ("corr", ">Hard*", 1, "after >"),
        ("plain", "C", 0, "not one of: A, B"),
        ("flag", "maybe", 0, "maybe is not one of"),
    ],
)
def test_refused_at_position(column: str, expression: str, position: int, says: str) -> None:
    error = _error(column, expression)
    assert error.position == position
    assert says in str(error)
    assert isinstance(error, ValueError)


@pytest.mark.parametrize(
    ("column", "expression", "says"),
    [
        ("day", "31/02/2026", "31/02/2026 non è una data: febbraio 2026"),
        ("corr", "Fax", "Cartaceo, E-mail"),
        ("flag", "maybe", "Sì"),
        ("qty", "1x", "non è un numero"),
        ("name", "(A", "non è chiusa"),
    ],
)
def test_messages_follow_the_locale(column: str, expression: str, says: str) -> None:
    assert says in str(_error(column, expression, locale="it"))


def test_a_decimal_comma_is_refused_in_english_and_read_in_italian() -> None:
    assert _error("amount", "10,5").position == 0
    assert compile_filter(probe.c.amount, "10,5", locale="it", today=date(2026, 1, 1)) is not None
