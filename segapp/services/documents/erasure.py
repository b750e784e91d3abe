"""Anonymising a contact erases what its entries kept of it for their letters (spec 5, Bad input): the merge values
that describe the contact and its personalised files. A letter produced again then shows the gaps.

What stays are the values that are not the contact's: our company's, the salesperson's and the document's (date,
subject, segment no., ...), but never the line's personal text. Any field of another group is erased, so a field
added to the catalogue later is erased unless its group is named here. Two statements, whatever the entries.
"""

from typing import Any

from sqlalchemy import String, delete, func, literal, select, update
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import GenericFunction

from segapp.models import InteractionLogEntry, InteractionLogEntryFile, SegmentLineDocument, SegmentLineHistory
from segapp.services.documents.catalogue import FIELDS, json_text_object

KEPT_GROUPS = frozenset({"company", "salesperson", "document"})
ERASED_FIELDS = frozenset({"PersonalText"})


class json_text_field(GenericFunction):
    """A field of a JSON object held as text, as text ('' when missing): json_extract on SQLite, ->> on
    PostgreSQL."""

    type = String()
    inherit_cache = True


@compiles(json_text_field, "sqlite")
def _json_field_sqlite(element: Any, compiler: Any, **kw: Any) -> str:
    document, name = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"coalesce(json_extract({document}, '$.' || {name}), '')"


@compiles(json_text_field, "postgresql")
def _json_field_postgresql(element: Any, compiler: Any, **kw: Any) -> str:
    document, name = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"coalesce(CAST({document} AS json) ->> {name}, '')"


def kept_field_names() -> list[str]:
    """The catalogue fields an anonymised contact's entries keep."""
    return [f.name for f in FIELDS if f.group in KEPT_GROUPS and f.name not in ERASED_FIELDS]


def erase_contact_letters(session: Session, contact_no: str) -> None:
    """Delete the personalised files of the contact's entries and keep only the values that are not its own; delete
    the documents of its lines that an action removed (a contact on a live line is not anonymised), which go back
    would otherwise bring back with their personal text and letter."""
    removed_lines = select(SegmentLineHistory.line_no).where(
        SegmentLineHistory.action_id == SegmentLineDocument.removed_by_action_id,
        SegmentLineHistory.line_no == SegmentLineDocument.line_no,
        SegmentLineHistory.contact_no == contact_no,
    )
    session.execute(
        delete(SegmentLineDocument)
        .where(SegmentLineDocument.removed_by_action_id.is_not(None), removed_lines.exists())
        .execution_options(synchronize_session=False)
    )
    entries = select(InteractionLogEntry.entry_no).where(InteractionLogEntry.contact_no == contact_no)
    session.execute(
        delete(InteractionLogEntryFile)
        .where(InteractionLogEntryFile.entry_no.in_(entries))
        .execution_options(synchronize_session=False)
    )
    pairs: list[Any] = []
    for name in kept_field_names():
        pairs += [literal(name), json_text_field(InteractionLogEntry.merge_values, literal(name))]
    kept = json_text_object(*pairs) if pairs else literal("{}")
    session.execute(
        update(InteractionLogEntry)
        .where(InteractionLogEntry.contact_no == contact_no, InteractionLogEntry.merge_values != "")
        .values(merge_values=func.coalesce(kept, "{}"))
        .execution_options(synchronize_session=False)
    )
