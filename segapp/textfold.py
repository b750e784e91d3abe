"""The one case fold of segapp: search, import matching and filters compare folded text.

The fold is Python's ``str.lower()`` (not ``casefold()``), chosen so that both engines can
compute exactly the same thing in SQL. Results worth knowing:

- ``"Straße".lower()`` is ``"straße"``: ``ß`` stays ``ß`` (so ``strasse`` does not find it);
- ``"İ".lower()`` is ``"i̇"`` (``i`` + U+0307 COMBINING DOT ABOVE), not a plain ``i``;
- ``"ΣΑΣ".lower()`` is ``"σας"`` (final sigma); ``"À"``, ``"Ò"``, ``"Ø"`` and Cyrillic
  letters lower to their own small letters; accents are kept (``niccolo`` does not find ``Niccolò``).

In SQL, :func:`folded` gives the same result: on SQLite a deterministic function that this
module registers on every new connection of every engine (a class-level connect listener, so
an engine made with plain ``create_engine`` has it too); on PostgreSQL ``lower()`` under the
ICU root collation, whose full Unicode lower-casing matches Python's, never under the
database's default collation. Folded text is compared by code point (:func:`by_code_point`).
"""

import sqlite3
from typing import Any

from sqlalchemy import String, event
from sqlalchemy.engine import Engine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

SQLITE_FOLD_FUNCTION = "segapp_fold"
POSTGRESQL_FOLD_COLLATION = "und-x-icu"


def fold(text: str | None) -> str:
    """``text`` folded for case-insensitive comparison; ``None`` folds to ``""``."""
    return (text or "").lower()


def _sqlite_fold(value: Any) -> str | None:
    if value is None:
        return None
    return str(value).lower()


@event.listens_for(Engine, "connect")
def _register_sqlite_fold(dbapi_connection: Any, _record: Any) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.create_function(SQLITE_FOLD_FUNCTION, 1, _sqlite_fold, deterministic=True)


class folded(FunctionElement[str]):  # noqa: N801 - reads as a SQL function
    """``folded(expr)``: the SQL expression of ``fold(expr)`` on the current engine (NULL stays NULL)."""

    type = String()
    inherit_cache = True
    name = "folded"


@compiles(folded, "sqlite")
def _folded_sqlite(element: folded, compiler: Any, **kw: Any) -> str:
    return f"{SQLITE_FOLD_FUNCTION}({compiler.process(element.clauses, **kw)})"


@compiles(folded, "postgresql")
def _folded_postgresql(element: folded, compiler: Any, **kw: Any) -> str:
    return f'lower(({compiler.process(element.clauses, **kw)}) COLLATE "{POSTGRESQL_FOLD_COLLATION}")'


@compiles(folded)
def _folded_other(element: folded, compiler: Any, **kw: Any) -> str:
    return f"lower({compiler.process(element.clauses, **kw)})"


class by_code_point(FunctionElement[str]):  # noqa: N801 - reads as a SQL function
    """``by_code_point(expr)``: ``expr`` under a collation that orders by code point, for ranges."""

    type = String()
    inherit_cache = True
    name = "by_code_point"


@compiles(by_code_point, "postgresql")
def _by_code_point_postgresql(element: by_code_point, compiler: Any, **kw: Any) -> str:
    return f'(({compiler.process(element.clauses, **kw)}) COLLATE "C")'


@compiles(by_code_point)
def _by_code_point_other(element: by_code_point, compiler: Any, **kw: Any) -> str:
    # SQLite's default collation (BINARY) already compares UTF-8 bytes, which is code-point order.
    return f"({compiler.process(element.clauses, **kw)})"
