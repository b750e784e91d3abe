"""SQL expressions that build merge values the same way on SQLite and PostgreSQL: a JSON object of many fields,
an ISO date as text, a multi-line address, a salutation formula filled in. Set-based: one SELECT gives them for
every line of a segment."""

from typing import Any

from sqlalchemy import String, case, func, literal, or_
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import GenericFunction

# PostgreSQL functions take at most 100 arguments and SQLite's at most 127 by default: a JSON object of more
# name/value pairs is built from parts of this many pairs and the parts merged.
PAIRS_PER_PART = 40
# The placeholders of a salutation formula (services/setup/salutations.py) and the contact column of each.
FORMULA_PLACEHOLDERS = {
    "title": "title",
    "first_name": "first_name",
    "middle_name": "middle_name",
    "surname": "surname",
    "company_name": "company_name",
}


class json_text_object(GenericFunction):
    """A JSON object as text from name, value pairs: json_object on SQLite, json_build_object on PostgreSQL."""

    type = String()
    inherit_cache = True


def _parts(element: Any, compiler: Any, **kw: Any) -> list[str]:
    clauses = [compiler.process(clause, **kw) for clause in element.clauses.clauses]
    size = 2 * PAIRS_PER_PART
    return [", ".join(clauses[start : start + size]) for start in range(0, len(clauses), size)] or [""]


@compiles(json_text_object, "sqlite")
def _json_object_sqlite(element: Any, compiler: Any, **kw: Any) -> str:
    parts = _parts(element, compiler, **kw)
    text = f"json_object({parts[0]})"
    for part in parts[1:]:
        text = f"json_patch({text}, json_object({part}))"
    return text


@compiles(json_text_object, "postgresql")
def _json_object_postgresql(element: Any, compiler: Any, **kw: Any) -> str:
    parts = _parts(element, compiler, **kw)
    if len(parts) == 1:
        return f"CAST(json_build_object({parts[0]}) AS TEXT)"
    merged = " || ".join(f"CAST(json_build_object({part}) AS JSONB)" for part in parts)
    return f"CAST(({merged}) AS TEXT)"


class iso_date_text(GenericFunction):
    """A date as ``YYYY-MM-DD`` text ('' when NULL), whatever the server's date style."""

    type = String()
    inherit_cache = True


@compiles(iso_date_text, "sqlite")
def _iso_date_sqlite(element: Any, compiler: Any, **kw: Any) -> str:
    # SQLite keeps a date as its ISO text already.
    return f"coalesce({compiler.process(element.clauses, **kw)}, '')"


@compiles(iso_date_text, "postgresql")
def _iso_date_postgresql(element: Any, compiler: Any, **kw: Any) -> str:
    return f"coalesce(to_char({compiler.process(element.clauses, **kw)}, 'YYYY-MM-DD'), '')"


def text_of(column: Any) -> ColumnElement:
    """The column as text, '' for NULL."""
    return func.coalesce(column, literal("", String))


def joined(parts: list[Any], separator: str) -> ColumnElement:
    """The non-blank parts (trimmed) joined by ``separator``; '' when all are blank."""
    pieces = []
    for part in parts:
        trimmed = func.trim(text_of(part))
        pieces.append(case((trimmed != "", literal(separator, String) + trimmed), else_=literal("", String)))
    concatenated = pieces[0]
    for piece in pieces[1:]:
        concatenated = concatenated + piece
    return func.substr(concatenated, len(separator) + 1)


def mail_address(contact: Any, country_name: Any, own_country_code: Any) -> ColumnElement:
    """The lines of a mail address, as ``services.contacts.addresses.mail_address_lines`` makes them: name,
    company (when not the name), address, address 2, post code + city + county, and the country when it is
    not ours; blank lines left out, joined by line breaks. ``contact`` may be our company information, which
    has no company name beside its name."""
    name = func.trim(text_of(contact.name))
    company = func.trim(text_of(getattr(contact, "company_name", None)))
    country_code = text_of(contact.country_code)
    foreign = (country_code != "") & or_(own_country_code.is_(None), country_code != own_country_code)
    country = case((foreign, func.coalesce(func.nullif(country_name, ""), country_code)), else_=literal("", String))
    place = joined([contact.post_code, contact.city, contact.county], " ")
    company_line = case((company != name, company), else_=literal("", String))
    return joined([name, company_line, contact.address, contact.address_2, place, country], "\n")


def filled_formula(formula: Any, contact: Any) -> ColumnElement:
    """A salutation formula with its placeholders replaced by the contact's values (spaces left by blank values
    taken out), '' when there is no formula."""
    text: Any = text_of(formula)
    for placeholder, column in FORMULA_PLACEHOLDERS.items():
        text = func.replace(text, "{" + placeholder + "}", func.trim(text_of(getattr(contact, column))))
    # Five placeholders leave at most six spaces in a row: three halvings bring them to one.
    for _ in range(3):
        text = func.replace(text, "  ", " ")
    # "Gentile {title} {surname}," for a contact without surname: no space before the comma.
    return func.trim(func.replace(text, " ,", ","))
