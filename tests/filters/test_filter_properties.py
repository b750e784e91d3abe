"""Property-based: whatever is typed, compile_filter answers with a condition that runs or a FilterError."""

import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from segapp.filters import FilterError, compile_filter
from tests.filters.conftest import ALL, COLUMNS, TODAY, Probe

PIECES = [
    *"|&()<>=.@*?'%_\\ ,-/:+",
    "<>",
    "..",
    "''",
    "\x00",
    "t",
    "a",
    "A",
    "Milano",
    "D'Amico",
    "1",
    "0",
    "10,5",
    "-3.25",
    "9" * 25,
    "1e5",
    "2026-11-23",
    "31/02/2026",
    "29.02.2028",
    "Yes",
    "Sì",
    "no",
    "Hard copy",
    "Cartaceo",
    "ò",
    "İ",
    "ß",
    "Σ",
]
expressions = st.one_of(
    st.text(max_size=40),
    st.lists(st.sampled_from(PIECES), max_size=14).map("".join),
    st.lists(st.sampled_from(PIECES), min_size=60, max_size=90).map(lambda pieces: "".join(pieces)[:260]),
)


def _check(probe: Probe, column: str, expression: str, locale: str) -> None:
    try:
        condition = compile_filter(probe.table.c[column], expression, locale=locale, today=TODAY)
    except FilterError as error:
        assert 0 <= error.position <= len(expression)
        assert error.message
        return
    matched = probe.ids(condition)
    assert matched <= ALL
    assert probe.ids(sa.not_(condition)) == ALL - matched  # true or false for every row, never NULL


@settings(max_examples=120, deadline=None)
@given(expression=expressions, locale=st.sampled_from(["en", "it"]))
def test_any_text_gives_a_condition_or_a_filter_error(probe_engine: Probe, expression: str, locale: str) -> None:
    for column in COLUMNS:
        _check(probe_engine, column, expression, locale)


@settings(max_examples=60, deadline=None)
@given(word=st.text(min_size=1, max_size=30))
def test_quoted_text_matches_exactly_itself(probe_engine: Probe, word: str) -> None:
    # Whatever a user quotes (wildcards, quotes, % and _ included) is compared as it is.
    quoted = "'" + word.replace("'", "''") + "'"
    try:
        condition = compile_filter(probe_engine.table.c.name, quoted)
    except FilterError as error:
        assert "\x00" in word or any("\ud800" <= char <= "\udfff" for char in word) or len(quoted) > 250
        assert error.position <= len(quoted)
        return
    with probe_engine.engine.connect() as connection:
        expected = {row for row in connection.execute(sa.select(probe_engine.table.c.id, probe_engine.table.c.name))}
    assert probe_engine.ids(condition) == {id_ for id_, name in expected if name == word}


VALUES = {
    "name": ["Milano", "mil*", "'Milano'", "''", "*", "?", "%", "_", "\\", "D'Amico", "'J & V'", "niccolò", "M", "Z"],
    "code": ["MI", "m*", "A_B", "a?b", "''", "Z", "'mi'"],
    "qty": ["5", "-3", "0", "1000", "2500", "''", "1.5", "x", "9" * 20],
    "amount": ["10.5", "10,5", "-0.5", "0", "1200", "''", "abc"],
    "day": ["t", "oggi", "2026-11-23", "23/11/2026", "31/02/2026", "01.01.2026", "''"],
    "stamp": ["t", "2026-11-23", "24/11/2026", "31/12/9999", "01/01/0001", "''"],
    "corr": ["Hard copy", "Cartaceo", "E-mail", "email", "Hard*", "Fax", "''"],
    "plain": ["A", "B", "a", "C", "*", "''"],
    "flag": ["Yes", "No", "Sì", "si", "maybe", "Y*", "''"],
}


def _structured(values: list[str]) -> st.SearchStrategy[str]:
    value = st.sampled_from(values)
    maybe_value = st.one_of(st.just(""), value)
    condition = st.one_of(
        value,
        st.tuples(st.sampled_from(["=", "<>", "<", "<=", ">", ">=", "@", " "]), value).map("".join),
        st.tuples(maybe_value, maybe_value).map(lambda ends: f"{ends[0]}..{ends[1]}"),
    )
    return st.recursive(
        condition,
        lambda inner: st.one_of(
            st.tuples(inner, st.sampled_from(["|", "&", " | ", " & "]), inner).map("".join),
            inner.map(lambda expression: f"({expression})"),
        ),
        max_leaves=5,
    )


@st.composite
def _column_and_two_expressions(draw: st.DrawFn) -> tuple[str, str, str]:
    column = draw(st.sampled_from(COLUMNS))
    strategy = _structured(VALUES[column])
    return column, draw(strategy), draw(strategy)


def _ids_or_none(probe: Probe, column: str, expression: str, locale: str) -> set[int] | None:
    try:
        condition = compile_filter(probe.table.c[column], expression, locale=locale, today=TODAY)
    except FilterError as error:
        assert 0 <= error.position <= len(expression)
        return None
    matched = probe.ids(condition)
    assert probe.ids(sa.not_(condition)) == ALL - matched
    return matched


@settings(max_examples=100, deadline=None)
@given(case=_column_and_two_expressions(), locale=st.sampled_from(["en", "it"]))
def test_or_is_the_union_and_and_the_intersection(probe_engine: Probe, case: tuple[str, str, str], locale: str) -> None:
    column, first, second = case
    left = _ids_or_none(probe_engine, column, first, locale)
    right = _ids_or_none(probe_engine, column, second, locale)
    either = _ids_or_none(probe_engine, column, f"{first}|{second}", locale)
    both = _ids_or_none(probe_engine, column, f"({first})&({second})", locale)
    if left is None or right is None:
        assert either is None and both is None  # an error anywhere refuses the whole expression
    else:
        assert either == left | right and both == left & right
