"""The merge field catalogue (spec 5): the one place that says which MERGEFIELD names segapp fills and with what.

The starter document, the template checks and the merge all read it. The values of a segment's lines come from
one SELECT (``line_values_select``): the register's INSERT … SELECT copies its ``merge_values`` (a JSON object
built in SQL) into the entries, and a line's letter (download, preview) reads the same SELECT.

FIRST CUT (the contract's interface): a few fields; the templates work completes the catalogue.
"""

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, String, and_, cast, func, literal, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import GenericFunction

from segapp.models import Contact, SegmentLine, SegmentLineDocument, TemplateDocument


@dataclass(frozen=True)
class MergeField:
    """A MERGEFIELD segapp fills: its stable name, what it holds, and an example for the README and starter."""

    name: str
    caption: Any
    group: str
    example: str


FIELDS: tuple[MergeField, ...] = (
    MergeField("ContactNo", _l("Contact no."), "contact", "CT000123"),
    MergeField("ContactName", _l("Contact name"), "contact", "Anna Verdi"),
    MergeField("PersonalText", _l("Personal text of the line"), "document", "Thank you for visiting our stand."),
)
FIELD_NAMES = frozenset(field.name for field in FIELDS)
_BY_FOLDED_NAME = {field.name.casefold(): field for field in FIELDS}


def find_field(name: str) -> MergeField | None:
    """The catalogue field a MERGEFIELD name means, in any case (as Word matches them)."""
    return _BY_FOLDED_NAME.get(name.casefold())


class json_text_object(GenericFunction):
    """A JSON object as text from name, value pairs: json_object on SQLite, json_build_object on PostgreSQL."""

    type = String()
    inherit_cache = True


@compiles(json_text_object, "sqlite")
def _json_object_sqlite(element: Any, compiler: Any, **kw: Any) -> str:
    return f"json_object({compiler.process(element.clauses, **kw)})"


@compiles(json_text_object, "postgresql")
def _json_object_postgresql(element: Any, compiler: Any, **kw: Any) -> str:
    return f"CAST(json_build_object({compiler.process(element.clauses, **kw)}) AS TEXT)"


def _values(contact: Any, document: Any) -> dict[str, ColumnElement]:
    return {
        "ContactNo": func.coalesce(contact.no, ""),
        "ContactName": func.coalesce(contact.name, ""),
        "PersonalText": func.coalesce(document.personal_text, ""),
    }


def current_template_document_id(template_code: Any, language_code: Any) -> Any:
    """The id of the newest document version of a template in a language (NULL when it has none)."""
    return (
        select(func.max(TemplateDocument.id))
        .where(TemplateDocument.template_code == template_code, TemplateDocument.language_code == language_code)
        .scalar_subquery()
    )


def line_values_select(segment_no: str, line_nos: Sequence[int] | None = None) -> Select:
    """One row per line of the segment: line_no, template_document_id (the newest version of the line's
    template in the line's language, NULL if none), language_code, personalised (a personalised file exists)
    and merge_values (JSON text: field name to value)."""
    contact = aliased(Contact)
    document = aliased(SegmentLineDocument)
    values = _values(contact, document)
    pairs: list[Any] = []
    for name, value in values.items():
        pairs += [literal(name), cast(value, String)]
    query = (
        select(
            SegmentLine.line_no,
            current_template_document_id(SegmentLine.interaction_template_code, SegmentLine.language_code).label(
                "template_document_id"
            ),
            SegmentLine.language_code,
            document.content.is_not(None).label("personalised"),
            json_text_object(*pairs).label("merge_values"),
        )
        .outerjoin(contact, contact.no == SegmentLine.contact_no)
        .outerjoin(
            document,
            and_(
                document.segment_no == SegmentLine.segment_no,
                document.line_no == SegmentLine.line_no,
                document.removed_by_action_id.is_(None),
            ),
        )
        .where(SegmentLine.segment_no == segment_no)
        .order_by(SegmentLine.line_no)
    )
    if line_nos is not None:
        query = query.where(SegmentLine.line_no.in_(list(line_nos)))
    return query


@dataclass(frozen=True)
class LineLetter:
    """What a line's letter is merged from."""

    line_no: int
    template_document_id: int | None
    language_code: str | None
    personalised: bool
    values: dict[str, str]


def line_letters(session: Session, segment_no: str, line_nos: Sequence[int] | None = None) -> dict[int, LineLetter]:
    """The letters of some lines (or all) of a segment, by line no."""
    rows = session.execute(line_values_select(segment_no, line_nos)).all()
    return {
        row.line_no: LineLetter(
            row.line_no,
            row.template_document_id,
            row.language_code,
            bool(row.personalised),
            json.loads(row.merge_values),
        )
        for row in rows
    }


def letter_locale(language_code: str | None) -> str:
    """The locale a letter in this language is merged in (month names, decimal comma): "it" or "en"."""
    return "it" if (language_code or "").upper().startswith("IT") else "en"
