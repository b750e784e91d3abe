"""Word mail merge (spec 5): the MERGEFIELDs of a template, a letter merged from it, the checks on upload.

A pure module: no Flask app, no database. docx-mailmerge2 merges; what it does not do as Word does is handled
around it: names in any case, switches in the letter's language, IF fields, line breaks and control characters
in values, layouts it breaks on (segapp.merge_layout), one section per letter in a combined document
(segapp.letter_book), and the bad-file checks (segapp.docx_check).

Upload: `check_docx(data, max_bytes=...)`, then `inspect_template(data)` (fields and warnings); one letter:
`merge_document(template, values, locale=...)`; many letters: `book = LetterBook(template, locale=...)`,
`book.chunk(letters, first_index=n)` for each few hundred (store the bytes; a resumed job makes the missing
chunks again), then `book.assemble(stored_chunks, out)` with chunks in order, read one at a time.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from io import BytesIO
from typing import NamedTuple

from mailmerge import MailMerge
from mailmerge.mergeoptions import MailMergeOptions, OptionAutoUpdateFields

from segapp.docx_check import DocxRejected, check_docx
from segapp.letter_book import LetterBook
from segapp.merge_layout import preserve_spaces
from segapp.merge_template import PreparedTemplate, prepare

__all__ = [
    "DocxRejected",
    "LetterBook",
    "TemplateReport",
    "TemplateWarning",
    "check_docx",
    "inspect_template",
    "merge_document",
    "template_fields",
]


class TemplateWarning(NamedTuple):
    """Something the user should know about a template: a code and the field (or code) it concerns."""

    code: str  # "if_not_evaluated" | "saved_by_libreoffice" | "normalised"
    field: str


@dataclass
class TemplateReport:
    """What segapp found in a template: its merge field names and the warnings."""

    fields: set[str]
    warnings: list[TemplateWarning] = field(default_factory=list)


def library_options(prepared: PreparedTemplate) -> MailMergeOptions:
    """The library's options: Word updates fields on opening when an IF is left to it."""
    update = OptionAutoUpdateFields.ALWAYS if prepared.report.update_fields else OptionAutoUpdateFields.AUTO
    return MailMergeOptions(auto_update_fields_on_open=update)


def template_fields(docx: bytes) -> set[str]:
    """The names of the MERGEFIELDs in a Word document (body, tables, text boxes, headers, footers, notes)."""
    return prepare(docx).fields


def inspect_template(docx: bytes) -> TemplateReport:
    """The fields and warnings of a template; DocxRejected("unsupported_layout") when it cannot be merged."""
    prepared = prepare(docx)
    try:
        # the library must read the normalised template: what it breaks on is refused now, not at merge time
        with MailMerge(BytesIO(prepared.docx), options=library_options(prepared)) as document:
            document.get_merge_fields()
    except DocxRejected:
        raise
    except Exception as error:  # noqa: BLE001 - any failure of the library on this layout is the template's
        raise DocxRejected("unsupported_layout", str(error)) from error
    warnings = [TemplateWarning("saved_by_libreoffice", "")] if prepared.saved_by_libreoffice else []
    warnings += [TemplateWarning(code, name) for code, name in prepared.report.warnings]
    return TemplateReport(prepared.fields, warnings)


def merge_document(docx: bytes, values: Mapping[str, str], *, locale: str = "en") -> bytes:
    """One letter: the template with each MERGEFIELD replaced by its value, formatted as Word would."""
    prepared = prepare(docx)
    with MailMerge(BytesIO(prepared.docx), options=library_options(prepared)) as document:
        document.merge(**prepared.values(values, locale))
        for part in document.docx.get_parts():
            preserve_spaces(part["part"].getroot())
        out = BytesIO()
        document.write(out)
    return out.getvalue()
