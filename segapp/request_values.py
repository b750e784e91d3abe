"""Whole numbers from the URL and the query string, bounded so that no value reaches the database unchecked."""

from typing import Any

from flask import Flask, request
from werkzeug.routing import IntegerConverter

from segapp.numbers import BIGINT_MAX, INT_MAX, to_int

# Past this a page number means nothing to a user, and (page - 1) * size stays a small integer.
MAX_PAGE = 100_000


def int_arg(name: str, default: int, low: int = 0, high: int = INT_MAX) -> int:
    """The query argument ``name`` as a whole number in ``low..high``; ``default`` when missing or not one."""
    value = to_int(request.args.get(name), low, high)
    return default if value is None else value


def page_arg(name: str = "page") -> int:
    """A page number from the query string: 1 when missing, malformed or out of range."""
    return int_arg(name, 1, 1, MAX_PAGE)


def form_int(name: str, low: int = 0, high: int = INT_MAX) -> int | None:
    """A posted whole number in ``low..high`` (an id, a version), or None when missing or not one."""
    return to_int(request.form.get(name), low, high)


class BoundedIntegerConverter(IntegerConverter):
    """``<int:...>``: an id of an INTEGER column; a larger number matches no route (404) instead of
    reaching the database, where it overflows."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", INT_MAX)
        super().__init__(map, *args, **kwargs)


class BigIntegerConverter(BoundedIntegerConverter):
    """``<bigint:...>``: a number of a BIGINT column (segment line nos.)."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", BIGINT_MAX)
        super().__init__(map, *args, **kwargs)


def register_converters(app: Flask) -> None:
    """Replace Werkzeug's unbounded ``int`` converter and add ``bigint``; call before any route is added."""
    app.url_map.converters["int"] = BoundedIntegerConverter
    app.url_map.converters["bigint"] = BigIntegerConverter
