"""Word mail merge (spec 5): the MERGEFIELDs of a template, and a letter merged from it.

A pure module: no Flask app, no database. docx-mailmerge2 merges; what it does not do as Word does (field
names in any case, switches, line breaks, one section per record...) is handled around it here.

FIRST CUT, the contract's interface only: the merge-core work replaces the body of these functions.
"""

from collections.abc import Mapping
from io import BytesIO

from mailmerge import MailMerge


def template_fields(docx: bytes) -> set[str]:
    """The names of the MERGEFIELDs in a Word document (body, tables, headers and footers)."""
    with MailMerge(BytesIO(docx)) as document:
        return set(document.get_merge_fields())


def merge_document(docx: bytes, values: Mapping[str, str], *, locale: str = "en") -> bytes:
    """One letter: the template with each MERGEFIELD replaced by its value."""
    with MailMerge(BytesIO(docx)) as document:
        document.merge(**{name: str(value) for name, value in values.items()})
        out = BytesIO()
        document.write(out)
    return out.getvalue()
