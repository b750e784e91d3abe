"""Letters for the tests: a Word template with real MERGEFIELDs (python-docx plus the field's WordprocessingML),
the text of a produced .docx read back, and a template's document version."""

import io
from collections.abc import Callable, Iterable
from typing import Any

import pytest
from docx import Document
from docx.oxml import parse_xml
from sqlalchemy import func, select

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
