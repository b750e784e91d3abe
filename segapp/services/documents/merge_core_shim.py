"""MERGE-CORE SHIM, to delete when merge-core is merged: a minimal stand-in for the contract's ``check_docx``,
``inspect_template`` and ``DocxRejected`` of ``segapp.merge``, so that template uploads work and are tested on
this branch before then. ``segapp.services.documents.templates`` imports these only when segapp.merge lacks them.
"""

import zipfile
from dataclasses import dataclass, field
from io import BytesIO
from typing import NamedTuple

from segapp.merge import template_fields

# Unpacked, a letter's parts stay far below this; a zip bomb goes far above.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024


class DocxRejected(ValueError):
    """A .docx refused: ``reason`` (too_large, not_docx, macro_enabled, zip_bomb, unsupported_layout), ``detail``."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


class TemplateWarning(NamedTuple):
    """A warning about a template: its code and the field it names."""

    code: str
    field: str


@dataclass
class TemplateReport:
    """The MERGEFIELDs of a template and the warnings."""

    fields: set[str]
    warnings: list[TemplateWarning] = field(default_factory=list)


def check_docx(data: bytes, *, max_bytes: int) -> None:
    """Refuse a file over the cap, not a .docx, macro-enabled, or unpacking to too much."""
    if len(data) > max_bytes:
        raise DocxRejected("too_large", str(len(data)))
    try:
        with zipfile.ZipFile(BytesIO(data)) as package:
            names = set(package.namelist())
            infos = package.infolist()
            content_types = package.read("[Content_Types].xml") if "[Content_Types].xml" in names else b""
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        raise DocxRejected("not_docx") from None
    if not content_types or "word/document.xml" not in names:
        raise DocxRejected("not_docx")
    if any(name.lower().endswith("vbaproject.bin") for name in names) or b"macroEnabled" in content_types:
        raise DocxRejected("macro_enabled")
    if sum(info.file_size for info in infos) > MAX_UNPACKED_BYTES:
        raise DocxRejected("zip_bomb")


def inspect_template(docx: bytes) -> TemplateReport:
    """The fields of a template (no warnings of its own in this stand-in)."""
    return TemplateReport(template_fields(docx))
