"""Word templates built by the tests: paragraphs whose «Name» parts are real MERGEFIELDs (fldSimple, as Word
writes a field inserted from Quick Parts), and a template document version stored for a template and language."""

import re
import struct
import zlib
from io import BytesIO
from typing import Any

from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from segapp.models import TemplateDocument

_FIELD = re.compile(r"«(\w+)»")


def _add_paragraph(document: Any, text: str) -> None:
    paragraph = document.add_paragraph()
    at = 0
    for match in _FIELD.finditer(text):
        if match.start() > at:
            paragraph.add_run(text[at : match.start()])
        name = match.group(1)
        field = parse_xml(
            f'<w:fldSimple {nsdecls("w")} w:instr=" MERGEFIELD {name} \\* MERGEFORMAT ">'
            f"<w:r><w:t>«{name}»</w:t></w:r></w:fldSimple>"
        )
        paragraph._p.append(field)
        at = match.end()
    if at < len(text):
        paragraph.add_run(text[at:])


def letter_docx(*paragraphs: str) -> bytes:
    """A .docx with one paragraph per text; «Name» in a text is a MERGEFIELD Name."""
    document = Document()
    for text in paragraphs:
        _add_paragraph(document, text)
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def tiny_png() -> bytes:
    """A 2x2 red PNG, for a letter with a picture."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * 2 for _ in range(2))
    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def letter_with_picture(text: str) -> bytes:
    """A .docx with a paragraph and an embedded picture (a logo, say)."""
    document = Document()
    document.add_paragraph(text)
    document.add_picture(BytesIO(tiny_png()))
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def docx_text(data: bytes) -> list[str]:
    """The paragraphs' text of a .docx (python-docx), to check a merged letter."""
    return [paragraph.text for paragraph in Document(BytesIO(data)).paragraphs]


LETTER = ("Gentile «ContactName»,", "«City»", "«PersonalText»", "Cordiali saluti")


def store_template(
    db: Any, template: str = "LETTER", language: str = "ITA", version: int = 1, *paragraphs: str
) -> TemplateDocument:
    """A document version of ``template`` in ``language`` (LETTER's paragraphs by default), committed."""
    content = letter_docx(*(paragraphs or LETTER))
    document = TemplateDocument(
        template_code=template,
        language_code=language,
        version=version,
        file_name=f"{template.lower()}-{language.lower()}-v{version}.docx",
        size=len(content),
        content=content,
    )
    db.session.add(document)
    db.session.commit()
    return document
