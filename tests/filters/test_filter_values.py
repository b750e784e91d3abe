"""What each filter expression matches, per kind of value, on SQLite and PostgreSQL (spec section 6)."""

from collections.abc import Callable

import pytest
import sqlalchemy as sa

from tests.filters.conftest import ALL, Probe

FILLED_TEXT = ALL - {3, 4}  # row 3 is blank, row 4 NULL
HARD_COPY, EMAIL = {1, 5, 8, 10}, {2, 6, 9, 11}
PLAIN_A, PLAIN_B = {1, 3, 6, 8, 10}, {2, 5, 7, 9, 11}
YES, NO = {1, 5, 6, 8, 10}, {2, 3, 7, 9, 11}

TEXT = [
    ("Milano", {1, 7}),
    ("MILANO", {1, 7}),
    ("  Milano  ", {1, 7}),
    ("'Milano'", {1}),
    ("'milano'", {7}),
    ("@'MILANO'", {1, 7}),
    ("@mil*", {1, 7}),
    ("*niccolò*", {2}),
    ("*NICCOLÒ*", {2}),
    ("niccolò*", {2}),
    ("Hans?n", {8, 9}),
    ("Hans?", set()),
    ("*Co*", {2, 6}),
    ("*co", {6}),
    ("Co*", set()),
    ("'J & V'", {10}),
    ("J & V", set()),  # J and V: no text equals both
    ("D'Amico*", {6}),
    ("'D''Amico & Co'", {6}),
    ("A..M", {6, 8, 9, 10}),  # not milano: it sorts after m
    ("..M", {5, 6, 8, 9, 10}),  # not the blank row
    ("N..", {2, 11}),
    (">Hanson", {1, 2, 7, 10, 11}),
    ("<=Hansen", {5, 6, 8}),
    ("''", {3, 4}),
    ("=''", {3, 4}),
    ("<>''", FILLED_TEXT),
    ("<>Milano", ALL - {1, 7}),
    ("<>Milano&<>''", ALL - {1, 3, 4, 7}),
    ("*", FILLED_TEXT),
    ("<>*", {3, 4}),
    ("100%_off\\", {5}),
    ("*%*", {5}),
    ("*_*", {5}),
    ("*\\", {5}),
    ("1?0%*", {5}),
    ("%", set()),
    ("_", set()),
    ("Milano|Hansen", {1, 7, 8}),
    ("Milano | Hansen", {1, 7, 8}),
    ("(Milano|Hansen)&M*", {1, 7}),
    ("Milano|Hansen&H*", {1, 7, 8}),  # & binds tighter than |
    ("Milano|(Hansen&M*)", {1, 7}),
]

CODE = [
    ("mi|rm|to", {1, 2, 6}),
    ("MI", {1}),
    ("'MI'", {1}),
    ("'mi'", set()),  # quoted is exact, and codes are stored upper-case
    ("@'mi'", {1}),
    ("A..M", {5, 7, 9, 10}),  # by code point: MI and MZ sort after M
    ("..B", {5, 9, 10}),
    (">Z", {11}),
    ("A?B", {5, 10}),
    ("A_B", {5}),
    ("a_b", {5}),
    ("M*", {1, 7, 8}),
    ("''", {3, 4}),
    ("<>''", ALL - {3, 4}),
    ("<>MI", ALL - {1}),
]

INTEGER = [
    ("1000..1999", {2, 7, 8, 9}),
    ("..2500", ALL - {4, 11}),
    ("2500..", {10, 11}),
    (">200&<1200", {8}),
    (">=200&<=1200", {6, 7, 8}),
    ("<0", {5}),
    ("=5", {1}),
    ("+5", {1}),
    (" 5 ", {1}),
    ("5|-3", {1, 5}),
    ("1200.0", {7}),
    ("0", {3}),  # zero is a value, not the empty value
    ("<>0", ALL - {3}),
    ("''", {4}),
    ("<>''", ALL - {4}),
]

DECIMAL = [
    ("10.5", {1}),
    ("10.50", {1}),
    ("10.49..10.51", {1, 8, 9}),
    ("..2.05", {3, 5, 6}),
    (">1200", {7}),
    (">=1200", {2, 7}),
    ("<0", {5}),
    ("-0.5", {5}),
    ("100", {11}),
    ("''", {4}),
    ("<>10.5", ALL - {1}),
]

DATE = [
    ("t", {1}),
    ("T", {1}),
    ("today", {1}),
    ("oggi", {1}),
    ("2026-11-23", {1}),
    ("23/11/2026", {1}),
    ("23.11.2026", {1}),
    ("1/3/2026", {7}),
    ("29/02/2024", {11}),
    ("01/01/2026..28/02/2026", {2, 3}),
    ("..2025-12-31", {5, 11}),
    ("t..", {1, 6, 9, 10}),
    ("<t", {2, 3, 5, 7, 8, 11}),
    ("t|2026-02-28", {1, 2}),
    ("''", {4}),
    ("<>t", ALL - {1}),
]

OPTION = [
    ("Hard copy", HARD_COPY),
    ("hard COPY", HARD_COPY),
    ("Cartaceo", HARD_COPY),  # the Italian caption, under en too
    ("hard_copy", HARD_COPY),  # the stored value
    ("E-mail", EMAIL),
    ("email", EMAIL),
    ("E-mail|Cartaceo", HARD_COPY | EMAIL),
    ("Hard*", HARD_COPY),
    ("Cart*", HARD_COPY),
    ("*mail", EMAIL),
    ("x*", set()),
    ("Hard copy..E-mail", HARD_COPY | EMAIL),
    ("..Hard copy", HARD_COPY),  # not the blank option
    (">Hard copy", EMAIL),
    ("''", {3, 4, 7}),  # the blank option and NULL
    ("<>''", HARD_COPY | EMAIL),
    ("<>E-mail", ALL - EMAIL),
]

PLAIN_OPTION = [
    ("A", PLAIN_A),
    ("a", PLAIN_A),
    ("A|B", PLAIN_A | PLAIN_B),
    (">A", PLAIN_B),
    ("''", {4}),
    ("<>A", PLAIN_B | {4}),
]

YES_NO = [
    ("Yes", YES),
    ("Sì", YES),
    ("SÌ", YES),
    ("si", YES),
    ("true", YES),
    ("vero", YES),  # the yes/no words of grid cells and imports (segapp.yesno)
    ("falso", NO),
    ("No", NO),
    ("no", NO),
    ("Yes|No", YES | NO),
    ("No..Yes", YES | NO),
    (">No", YES),
    ("''", {4}),
    ("<>Yes", NO | {4}),
]


def _cases(column: str, table: list[tuple[str, set[int]]]) -> list:
    return [pytest.param(column, expression, expected, id=f"{column}:{expression}") for expression, expected in table]


@pytest.mark.parametrize(
    ("column", "expression", "expected"),
    _cases("name", TEXT)
    + _cases("code", CODE)
    + _cases("qty", INTEGER)
    + _cases("amount", DECIMAL)
    + _cases("day", DATE)
    + _cases("stamp", DATE)  # a date-time matches by whole days (UTC): the stamps fall on the same days
    + _cases("corr", OPTION)
    + _cases("plain", PLAIN_OPTION)
    + _cases("flag", YES_NO),
)
def test_expression_matches_these_rows(
    matches: Callable[..., set[int]], column: str, expression: str, expected: set[int]
) -> None:
    assert matches(column, expression) == expected


@pytest.mark.parametrize(
    ("column", "expression", "expected"),
    [
        ("amount", "10,5", {1}),
        ("amount", "10.5", {1}),
        ("amount", "10,50|2,05", {1, 6}),
        ("day", "23/11/2026", {1}),
        ("day", "oggi", {1}),
        ("day", "t", {1}),
        ("corr", "Cartaceo|Hard copy", HARD_COPY),
        ("flag", "Sì", YES),
        ("flag", "Yes", YES),
        ("name", "*niccolò*", {2}),
    ],
)
def test_italian_locale_reads_its_own_and_the_english_forms(
    matches: Callable[..., set[int]], column: str, expression: str, expected: set[int]
) -> None:
    assert matches(column, expression, locale="it") == expected


@pytest.mark.parametrize(
    ("column", "expression"),
    [("name", "Milano"), ("name", "*Co*"), ("name", "A..M"), ("name", "<>Milano"), ("name", "''"), ("code", "<>MI")]
    + [
        ("qty", "<>0"),
        ("amount", "<>10.5"),
        ("day", "<>t"),
        ("stamp", "<>t"),
        ("stamp", "t"),
        ("corr", "<>E-mail"),
        ("plain", "<>A"),
        ("flag", "<>Yes"),
    ]
    + [("qty", "''"), ("flag", "''"), ("corr", "<>''")],
)
def test_negated_condition_matches_exactly_the_other_rows(probe_engine: Probe, column: str, expression: str) -> None:
    # NULL never leaks into the result: every row is in or out, so NOT gives the complement.
    condition = probe_engine.condition(column, expression)
    assert probe_engine.ids(sa.not_(condition)) == ALL - probe_engine.ids(condition)
