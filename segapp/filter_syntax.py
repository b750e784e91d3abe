"""The grammar of filter expressions (spec section 6): text in, a tree of conditions out.

    expression  := conjunction ("|" conjunction)*
    conjunction := term ("&" term)*              (& binds tighter than |)
    term        := "(" expression ")" | condition
    condition   := ["@"] [operator] ["@"] value  |  ["@"] [value] ".." [value]
    operator    := "<>" | "<=" | ">=" | "<" | ">" | "="

A value is quoted text (``'J & V'``, a quote inside doubled: ``'D''Amico'``; ``''`` is the empty
value) or a word: everything up to ``|``, ``&``, ``(``, ``)`` or ``..``, spaces around it trimmed.
Only a quote at the start of a value opens quoted text (``D'Amico`` is a word), and ``@`` and the
operators mean something only at the start of a condition (``*@example.com`` is a word).
What a value means (text, number, date, option) is for :mod:`segapp.filters` to decide.
"""

from dataclasses import dataclass
from typing import Union

from segapp.catalogue import N_, translate

MAX_LENGTH = 250
OPERATORS = ("<>", "<=", ">=", "<", ">", "=")
_ENDS_CONDITION = ("", "|", "&", ")")


class FilterError(ValueError):
    """A filter expression that cannot be used; ``position`` is the 0-based index where it goes wrong."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(message)
        self.message = message
        self.position = position


@dataclass(frozen=True)
class Value:
    """One value as typed: its text (quotes removed), whether it was quoted, where it starts."""

    text: str
    quoted: bool
    position: int

    @property
    def empty(self) -> bool:
        """``''``: the empty value."""
        return self.quoted and not self.text

    @property
    def wildcards(self) -> bool:
        """True when ``*`` or ``?`` stand for other characters (never inside quotes)."""
        return not self.quoted and ("*" in self.text or "?" in self.text)


@dataclass(frozen=True)
class Comparison:
    """``value``, ``=value``, ``<>value``, ``<value`` …; ``ignore_case`` when written with ``@``."""

    operator: str
    value: Value
    ignore_case: bool


@dataclass(frozen=True)
class Range:
    """``low..high``, inclusive; either end may be open (``None``), not both."""

    low: Value | None
    high: Value | None
    ignore_case: bool


@dataclass(frozen=True)
class Junction:
    """Conditions joined by ``&`` (all) or ``|`` (any)."""

    operator: str
    items: tuple["Node", ...]


Node = Union[Comparison, Range, Junction]


def parse(expression: str, locale: object = "en") -> Node:
    """The tree of ``expression``, or FilterError (its message in the language of ``locale``)."""
    if len(expression) > MAX_LENGTH:
        raise FilterError(
            translate(locale, N_("A filter can be at most %(n)d characters long."), n=MAX_LENGTH), MAX_LENGTH
        )
    for position, character in enumerate(expression):
        if character == "\x00" or "\ud800" <= character <= "\udfff":
            raise FilterError(translate(locale, N_("This character cannot be used in a filter.")), position)
    if not expression.strip():
        raise FilterError(translate(locale, N_("Type a value to filter on.")), 0)
    return _Parser(expression, locale).parse()


class _Parser:
    def __init__(self, text: str, locale: object) -> None:
        self.text = text
        self.locale = locale
        self.at = 0

    def error(self, message: str, position: int, /, **params: object) -> FilterError:
        return FilterError(translate(self.locale, message, **params), position)

    def peek(self) -> str:
        while self.at < len(self.text) and self.text[self.at].isspace():
            self.at += 1
        return self.text[self.at : self.at + 1]

    def parse(self) -> Node:
        node = self.expression()
        if self.peek() == ")":
            raise self.error(N_("This ) closes no parenthesis."), self.at)
        return node

    def expression(self) -> Node:
        items = [self.conjunction()]
        while self.peek() == "|":
            self.at += 1
            items.append(self.conjunction())
        return items[0] if len(items) == 1 else Junction("|", tuple(items))

    def conjunction(self) -> Node:
        items = [self.term()]
        while self.peek() == "&":
            self.at += 1
            items.append(self.term())
        return items[0] if len(items) == 1 else Junction("&", tuple(items))

    def term(self) -> Node:
        if self.peek() == "(":
            opening = self.at
            self.at += 1
            node = self.expression()
            if self.peek() != ")":
                raise self.error(N_("The parenthesis opened here is not closed."), opening)
            self.at += 1
        else:
            node = self.condition()
        if self.peek() not in _ENDS_CONDITION:
            raise self.error(N_("Separate values with | (or) or & (and)."), self.at)
        return node

    def condition(self) -> Node:
        if self.peek() in _ENDS_CONDITION:
            raise self.error(N_("A value is missing here."), self.at)
        ignore_case = self.take("@")
        operator_at = self.here()
        operator = next((op for op in OPERATORS if self.take(op)), None)
        if operator is not None:
            ignore_case = self.take("@") or ignore_case
        low = None
        dots_at = self.here()
        if not self.take(".."):
            low = self.value()
            if low is None:
                raise self.error(N_("A value is missing here."), self.at)
            dots_at = self.here()
            if not self.take(".."):
                return Comparison(operator or "=", low, ignore_case)
        if operator is not None:
            raise self.error(N_("A range cannot follow %(operator)s."), operator_at, operator=operator)
        high = self.value()
        if low is None and high is None:
            raise self.error(N_("A range needs a value on at least one side of the two dots."), dots_at)
        return Range(low, high, ignore_case)

    def here(self) -> int:
        self.peek()
        return self.at

    def take(self, token: str) -> bool:
        self.peek()
        if self.text.startswith(token, self.at):
            self.at += len(token)
            return True
        return False

    def value(self) -> Value | None:
        if self.peek() == "'":
            return self.quoted()
        start = self.at
        while self.at < len(self.text) and self.text[self.at] not in "|&()" and not self.text.startswith("..", self.at):
            self.at += 1
        word = self.text[start : self.at].rstrip()
        return Value(word, False, start) if word else None

    def quoted(self) -> Value:
        opening = self.at
        parts = []
        self.at += 1
        while True:
            closing = self.text.find("'", self.at)
            if closing < 0:
                raise self.error(N_("The quote opened here is not closed."), opening)
            parts.append(self.text[self.at : closing])
            self.at = closing + 1
            if not self.text.startswith("'", self.at):
                return Value("".join(parts), True, opening)
            parts.append("'")
            self.at += 1
