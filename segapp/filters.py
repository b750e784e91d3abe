"""Filter expressions (spec section 6) compiled into SQLAlchemy conditions over one column.

    compile_filter(Contact.city, "Milano|Roma")    compile_filter(SegmentLine.date, "t..", today=...)

The kind of value comes from the column's type: text, code, integer, decimal, date (and date-time,
matched by whole days in UTC), option (an ``Enum``, with or without a Python enum class) and yes/no.
A code column is a string column that is a primary or foreign key, or is marked ``info={"code": True}``
(``info={"code": False}`` says it is not); codes are stored upper-case.

What a condition matches, the same on SQLite and PostgreSQL:

- Unquoted text compares case-insensitively through the one fold of :mod:`segapp.textfold`, codes in
  upper case; quoted text is literal and exact; ``@`` makes even quoted text case-insensitive.
- ``*`` and ``?`` (unquoted) stand for any run and any one character; ``%``, ``_`` and ``\\`` are
  plain characters. Ranges and ``<``, ``>``… compare folded text by code point (``A..M`` does not
  match ``Milano``), options in the order they are declared, ``No`` before ``Yes``.
- The empty value (``''``): a blank string, a blank option or NULL. It matches ``''`` (``=''``) and
  every ``<>X`` with a non-empty X, and nothing else (not ``*``, not ``..M``, not ``<M``).
- Options are named by value or by caption (:mod:`segapp.captions`) in any language segapp speaks,
  yes/no by the words of :mod:`segapp.yesno` and by its captions (``Società`` and ``Sì`` under ``en``
  too); numbers take ``.`` as decimal separator, and ``,``
  where the locale writes decimals so; dates are read by :func:`segapp.dates.parse_date`.

The result is true or false for every row, never NULL, so it can be negated safely. Every value is
a bound parameter. Importing this module registers the SQLite fold function for every engine.
"""

import re
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from babel.numbers import get_decimal_symbol
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.types import TypeDecorator

from segapp.captions import ENUM_CAPTION_MESSAGES
from segapp.catalogue import N_, in_every_language, language, translate
from segapp.dates import DateError, parse_date
from segapp.filter_syntax import Comparison, FilterError, Junction, Node, Range, Value, parse
from segapp.like import like_escape
from segapp.textfold import by_code_point, fold, folded
from segapp.yesno import FALSE_WORDS, TRUE_WORDS

__all__ = ["FilterError", "compile_filter"]

MAX_INTEGER = 2**63 - 1
_NUMBER = re.compile(r"[+-]?[0-9]+(?:[.,][0-9]+)?")
_ORDER = {"<": "__lt__", "<=": "__le__", ">": "__gt__", ">=": "__ge__"}


def compile_filter(
    column: Any, expression: str, *, locale: str = "en", today: date | None = None
) -> ColumnElement[bool]:
    """The condition ``expression`` sets on ``column``; FilterError says where it is wrong."""
    if not isinstance(expression, str):
        raise TypeError(f"a filter expression is a str, not {type(expression).__name__}")
    field = _field_for(column, locale, today or date.today())
    return field.compile(parse(expression, locale))


def _field_for(column: Any, locale: str, today: date) -> "_Field":
    element = getattr(column, "expression", column)
    type_ = element.type
    if isinstance(type_, TypeDecorator):
        type_ = type_.impl_instance
    if isinstance(type_, sa.Boolean):
        return _YesNoField(element, locale, today)
    if isinstance(type_, sa.Enum):
        return _OptionField(element, locale, today)
    if isinstance(type_, sa.DateTime):
        return _DateTimeField(element, locale, today)
    if isinstance(type_, sa.Date):
        return _DateField(element, locale, today)
    if isinstance(type_, sa.Integer):
        return _IntegerField(element, locale, today)
    if isinstance(type_, sa.Numeric):
        return _DecimalField(element, locale, today)
    if isinstance(type_, sa.String):
        return (_CodeField if _is_code(element) else _TextField)(element, locale, today)
    raise TypeError(f"no filter expressions for a column of type {type_!r}")


def _is_code(element: Any) -> bool:
    marked = getattr(element, "info", {}).get("code")
    if marked is not None:
        return bool(marked)
    return bool(getattr(element, "primary_key", False) or getattr(element, "foreign_keys", None))


class _Field:
    """How conditions on one column become SQL; subclasses say what a value is for their kind."""

    blank_string = False  # whether '' is stored as the empty value (text, codes, blank options)

    def __init__(self, column: Any, locale: str, today: date) -> None:
        self.column = column
        self.nullable = bool(getattr(column, "nullable", True))
        self.locale = locale
        self.today = today

    def error(self, message: str, at: Value, /, **params: object) -> FilterError:
        return FilterError(translate(self.locale, message, **params), at.position)

    def compile(self, node: Node) -> ColumnElement[bool]:
        if isinstance(node, Junction):
            parts = [self.compile(item) for item in node.items]
            return sa.and_(*parts) if node.operator == "&" else sa.or_(*parts)
        if isinstance(node, Range):
            return self.compile_range(node)
        return self.compile_comparison(node)

    def compile_range(self, node: Range) -> ColumnElement[bool]:
        for bound in (node.low, node.high):
            if bound is not None and bound.empty:
                raise self.error(N_("'' (empty) cannot be an end of a range."), bound)
            if bound is not None and bound.wildcards:
                raise self.error(N_("* and ? cannot be used in a range."), bound)
        condition, may_match_blank = self.range(node)
        return sa.and_(self.filled(may_match_blank), condition)

    def compile_comparison(self, node: Comparison) -> ColumnElement[bool]:
        value = node.value
        if value.empty:
            if node.operator == "=":
                return self.empty()
            if node.operator == "<>":
                return self.filled(blank_guard=True)
            raise self.error(N_("'' (empty) can only be used alone, after = or after <>."), value)
        if node.operator == "<>":
            # The empty value matches every <>X: NULL and blank are added to what does not equal X.
            condition, _ = self.equals(value, node.ignore_case)
            return sa.or_(self.empty(), sa.not_(condition))
        if node.operator == "=":
            condition, may_match_blank = self.equals(value, node.ignore_case)
        elif value.wildcards:
            raise self.error(N_("* and ? cannot be used after %(operator)s."), value, operator=node.operator)
        else:
            condition, may_match_blank = self.order(node.operator, value, node.ignore_case)
        # The empty value matches nothing else: NULL is ruled out (so the result is never NULL) and so
        # is a blank string where the condition alone would let it through (``*``, ``..M``, ``<M``).
        return sa.and_(self.filled(may_match_blank), condition)

    def empty(self) -> ColumnElement[bool]:
        parts = []
        if self.nullable:
            parts.append(self.column.is_(None))
        if self.blank_string:
            parts.append(self.column == "")
        return sa.or_(*parts) if parts else sa.false()

    def filled(self, blank_guard: bool) -> ColumnElement[bool]:
        parts = []
        if self.nullable:
            parts.append(self.column.is_not(None))
        if blank_guard and self.blank_string:
            parts.append(self.column != "")
        return sa.and_(*parts) if parts else sa.true()

    # What follows returns (condition over filled values, whether it could match a blank string).
    def equals(self, value: Value, ignore_case: bool) -> tuple[ColumnElement[bool], bool]:
        return self.column == self.scalar(value), False

    def order(self, operator: str, value: Value, ignore_case: bool) -> tuple[ColumnElement[bool], bool]:
        return getattr(self.column, _ORDER[operator])(self.scalar(value)), False

    def range(self, node: Range) -> tuple[ColumnElement[bool], bool]:
        parts = []
        if node.low is not None:
            parts.append(self.order(">=", node.low, node.ignore_case)[0])
        if node.high is not None:
            parts.append(self.order("<=", node.high, node.ignore_case)[0])
        return sa.and_(*parts), False

    def scalar(self, value: Value) -> Any:
        if value.wildcards:
            raise self.error(N_("* and ? can only be used on text, codes and options."), value)
        return self.read(value)

    def read(self, value: Value) -> Any:
        raise NotImplementedError


class _TextField(_Field):
    """Free text: unquoted values folded on both sides, quoted ones exact."""

    blank_string = True

    def insensitive(self) -> ColumnElement[str]:
        return folded(self.column)

    def normalise(self, text: str) -> str:
        return fold(text)

    def sides(self, value: Value, ignore_case: bool) -> tuple[Any, str]:
        if value.quoted and not ignore_case:
            return self.column, value.text
        return self.insensitive(), self.normalise(value.text)

    def equals(self, value: Value, ignore_case: bool) -> tuple[ColumnElement[bool], bool]:
        column, text = self.sides(value, ignore_case)
        if value.wildcards:
            return column.like(_like_pattern(text), escape="\\"), True
        return column == text, False

    def order(self, operator: str, value: Value, ignore_case: bool) -> tuple[ColumnElement[bool], bool]:
        column, text = self.sides(value, ignore_case)
        return getattr(by_code_point(column), _ORDER[operator])(text), operator in ("<", "<=")

    def range(self, node: Range) -> tuple[ColumnElement[bool], bool]:
        condition, _ = super().range(node)
        return condition, node.low is None


class _CodeField(_TextField):
    """Codes, stored upper-case: the column is compared as it is, the value upper-cased."""

    def insensitive(self) -> ColumnElement[str]:
        return self.column

    def normalise(self, text: str) -> str:
        return text.upper()


class _IntegerField(_Field):
    def read(self, value: Value) -> int:
        number = _number(value.text, self.locale)
        if number is None:
            raise self.error(N_("%(value)s is not a number."), value, value=value.text)
        if number != number.to_integral_value():
            raise self.error(N_("%(value)s is not a whole number."), value, value=value.text)
        if abs(number) > MAX_INTEGER:
            raise self.error(N_("%(value)s is too large."), value, value=value.text)
        return int(number)


class _DecimalField(_Field):
    def read(self, value: Value) -> Decimal | float:
        number = _number(value.text, self.locale)
        if number is None:
            raise self.error(N_("%(value)s is not a number."), value, value=value.text)
        return float(number) if isinstance(self.column.type, sa.Float) else number


class _DateField(_Field):
    def read(self, value: Value) -> date:
        try:
            return parse_date(value.text, today=self.today, locale=self.locale)
        except DateError as error:
            raise FilterError(error.message, value.position) from None


class _DateTimeField(_DateField):
    """A date-time matched by whole days: ``23/11/2026`` is that day from midnight to midnight (UTC)."""

    def start_of(self, day: date) -> datetime:
        aware = getattr(self.column.type, "timezone", False)
        return datetime.combine(day, time(), tzinfo=UTC if aware else None)

    def next_day(self, value: Value) -> datetime | None:
        day = self.scalar(value)
        return None if day == date.max else self.start_of(day + timedelta(days=1))

    def equals(self, value: Value, ignore_case: bool) -> tuple[ColumnElement[bool], bool]:
        after, before = self.order(">=", value, ignore_case)[0], self.order("<=", value, ignore_case)[0]
        return sa.and_(after, before), False

    def order(self, operator: str, value: Value, ignore_case: bool) -> tuple[ColumnElement[bool], bool]:
        if operator in ("<", ">="):
            bound = self.start_of(self.scalar(value))
            return (self.column < bound if operator == "<" else self.column >= bound), False
        bound = self.next_day(value)
        if bound is None:
            return (sa.true() if operator == "<=" else sa.false()), False
        return (self.column < bound if operator == "<=" else self.column >= bound), False


class _ChoiceField(_Field):
    """A column with a few values (options, yes/no): values are found by their words in Python."""

    def choices(self) -> Sequence[tuple[Any, list[str]]]:
        """(value to bind, words that name it) in order; the blank option is left out."""
        raise NotImplementedError

    def caption(self, words: list[str]) -> str:
        return words[0]

    def matching(self, value: Value, ignore_case: bool) -> list[int]:
        if value.wildcards:
            pattern = re.compile(_regex_pattern(fold(value.text)), re.DOTALL)
            test: Callable[[str], bool] = lambda word: bool(pattern.fullmatch(fold(word)))  # noqa: E731
        elif value.quoted and not ignore_case:
            test = lambda word: word == value.text  # noqa: E731
        else:
            test = lambda word: fold(word) == fold(value.text)  # noqa: E731
        found = [index for index, (_, words) in enumerate(self.choices()) if any(test(word) for word in words)]
        if not found and not value.wildcards:
            names = ", ".join(self.caption(words) for _, words in self.choices())
            raise self.error(N_("%(value)s is not one of: %(choices)s."), value, value=value.text, choices=names)
        return found

    def one(self, value: Value, ignore_case: bool) -> int:
        return self.matching(value, ignore_case)[0]

    def among(self, indexes: Sequence[int]) -> ColumnElement[bool]:
        choices = self.choices()
        return self.column.in_([choices[index][0] for index in indexes]) if indexes else sa.false()

    def equals(self, value: Value, ignore_case: bool) -> tuple[ColumnElement[bool], bool]:
        return self.among(self.matching(value, ignore_case)), False

    def order(self, operator: str, value: Value, ignore_case: bool) -> tuple[ColumnElement[bool], bool]:
        pivot = self.one(value, ignore_case)
        indexes = [index for index in range(len(self.choices())) if getattr(index, _ORDER[operator])(pivot)]
        return self.among(indexes), False

    def range(self, node: Range) -> tuple[ColumnElement[bool], bool]:
        low = 0 if node.low is None else self.one(node.low, node.ignore_case)
        high = len(self.choices()) - 1 if node.high is None else self.one(node.high, node.ignore_case)
        return self.among(range(low, high + 1)), False


class _YesNoField(_ChoiceField):
    def choices(self) -> Sequence[tuple[Any, list[str]]]:
        return [
            (False, [*in_every_language(N_("No")), *sorted(FALSE_WORDS - {""})]),
            (True, [*in_every_language(N_("Yes")), *sorted(TRUE_WORDS)]),
        ]

    def caption(self, words: list[str]) -> str:
        return translate(self.locale, words[0])


class _OptionField(_ChoiceField):
    def __init__(self, column: Any, locale: str, today: date) -> None:
        super().__init__(column, locale, today)
        type_: sa.Enum = column.type
        self.enum_class = type_.enum_class
        self.blank_string = "" in type_.enums
        self._choices = [choice for choice in self._all_choices(type_) if choice[1][0] != ""]

    def _all_choices(self, type_: sa.Enum) -> list[tuple[Any, list[str]]]:
        if self.enum_class is None:
            return [(stored, [stored]) for stored in type_.enums]
        captions = ENUM_CAPTION_MESSAGES.get(self.enum_class, {})
        members = list(self.enum_class.__members__.values())
        stored_values = type_.values_callable(self.enum_class) if type_.values_callable else [m.name for m in members]
        choices = []
        for member, stored in zip(members, stored_values, strict=True):
            caption = captions.get(stored)
            words = [stored, *(in_every_language(caption) if caption else []), member.name, str(member.value)]
            choices.append((member, words))
        return choices

    def choices(self) -> Sequence[tuple[Any, list[str]]]:
        return self._choices

    def caption(self, words: list[str]) -> str:
        caption = ENUM_CAPTION_MESSAGES.get(self.enum_class, {}).get(words[0]) if self.enum_class else None
        return translate(self.locale, caption) if caption else words[0]


def _number(text: str, locale: str) -> Decimal | None:
    """``text`` as a number: ``.`` is a decimal separator, ``,`` too where the locale writes it so."""
    if not _NUMBER.fullmatch(text) or ("," in text and get_decimal_symbol(language(locale)) != ","):
        return None
    return Decimal(text.replace(",", "."))


def _like_pattern(text: str) -> str:
    """A LIKE pattern (escape ``\\``) where only ``*`` and ``?`` match more than themselves."""
    return like_escape(text).replace("*", "%").replace("?", "_")


def _regex_pattern(text: str) -> str:
    return "".join(".*" if char == "*" else "." if char == "?" else re.escape(char) for char in text)
