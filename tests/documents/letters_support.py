"""Letters for the tests: a Word template with real MERGEFIELDs (python-docx plus the field's WordprocessingML),
the text of a produced .docx read back, and a stand-in LetterBook until merge-core's lands."""

import io
import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any, BinaryIO

import pytest
from docx import Document
from docx.oxml import parse_xml
from sqlalchemy import func, select

from segapp.merge import merge_document
from segapp.models import TemplateDocument

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def merge_field(paragraph: Any, name: str) -> None:
    """A MERGEFIELD as Word writes the simple form of it, showing «name» until merged."""
    paragraph._p.append(
        parse_xml(f'<w:fldSimple {W} w:instr=" MERGEFIELD {name} "><w:r><w:t>«{name}»</w:t></w:r></w:fldSimple>')
    )


def letter_template(greeting: str = "Dear", fields: Iterable[str] = ("ContactName", "PersonalText")) -> bytes:
    """A one-page letter: "<greeting> «ContactName»," and a paragraph per further field."""
    document = Document()
    fields = list(fields)
    first = document.add_paragraph(f"{greeting} ")
    merge_field(first, fields[0])
    for name in fields[1:]:
        merge_field(document.add_paragraph(), name)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def docx_text(data: bytes) -> str:
    """The body text of a .docx, a line per paragraph."""
    return "\n".join(paragraph.text for paragraph in Document(io.BytesIO(data)).paragraphs)


class StandInLetterBook:
    """merge-core's LetterBook interface, built from merge_document: each chunk is the letters' texts as JSON,
    the assembled .docx a paragraph per letter line and a page break between letters."""

    def __init__(self, template: bytes, *, locale: str = "en") -> None:
        self.template = template
        self.locale = locale

    def chunk(self, letters: Iterable[Mapping[str, str] | bytes], *, first_index: int) -> bytes:
        texts = []
        for letter in letters:
            if isinstance(letter, bytes):
                texts.append(docx_text(letter))
            else:
                texts.append(docx_text(merge_document(self.template, letter, locale=self.locale)))
        return json.dumps({"first": first_index, "letters": texts}).encode()

    def assemble(self, chunks: Iterable[bytes], out: BinaryIO) -> None:
        document = Document()
        for chunk in chunks:
            for text in json.loads(chunk)["letters"]:
                for line in text.split("\n"):
                    document.add_paragraph(line)
                document.add_page_break()
        document.save(out)


@pytest.fixture
def letter_book(monkeypatch: pytest.MonkeyPatch) -> type:
    """merge-core's LetterBook where it has landed, else the stand-in."""
    from segapp import merge

    book = getattr(merge, "LetterBook", None)
    if book is None:
        monkeypatch.setattr(merge, "LetterBook", StandInLetterBook, raising=False)
        book = StandInLetterBook
    return book


@pytest.fixture
def add_template_document(db: Any) -> Callable[..., TemplateDocument]:
    """A new version of a template's document in a language (the letter template unless content is given)."""

    def _add(language_code: str = "ITA", content: bytes | None = None, template_code: str = "LETTER") -> Any:
        data = content if content is not None else letter_template("Gentile" if language_code == "ITA" else "Dear")
        version = db.session.scalar(
            select(func.coalesce(func.max(TemplateDocument.version), 0)).where(
                TemplateDocument.template_code == template_code, TemplateDocument.language_code == language_code
            )
        )
        document = TemplateDocument(
            template_code=template_code,
            language_code=language_code,
            version=version + 1,
            file_name="letter.docx",
            size=len(data),
            content=data,
        )
        db.session.add(document)
        db.session.commit()
        return document

    return _add
