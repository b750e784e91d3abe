"""The preview of a line's letter: mammoth's HTML rebuilt from an allowlist (nothing runs, nothing is fetched),
the gaps of a contact with missing values shown and named; on both databases for the service."""

from collections.abc import Callable
from io import BytesIO
from typing import Any

from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from segapp.models import SegmentHeader
from segapp.services.documents.line_letters import personalise_line
from segapp.services.documents.preview import docx_html, letter_preview, sanitised_html
from tests.documents.letter_support import letter_docx, store_template


def test_the_allowlist_keeps_the_letter_and_drops_what_runs_or_fetches() -> None:
    html = (
        '<p onclick="steal()">Caro <strong>Mario</strong><script>alert(1)</script></p>'
        '<p><a href="javascript:alert(2)">clicca</a><img src="https://evil.example/t.gif" onerror="x()">'
        '<img src="data:image/png;base64,iVBORw0KGgo=" alt="logo"></p>'
        '<table><tr><td colspan="2" style="background:url(https://evil.example)">x</td></tr></table>'
        "<style>body{}</style><iframe src='https://evil.example'></iframe>&lt;b&gt;"
    )
    safe = str(sanitised_html(html))
    assert safe == (
        "<p>Caro <strong>Mario</strong></p>"
        '<p>clicca<img><img src="data:image/png;base64,iVBORw0KGgo=" alt="logo"></p>'
        '<table><tr><td colspan="2">x</td></tr></table>&lt;b&gt;'
    )


def _with_hyperlink(text: str, url: str) -> bytes:
    document = Document()
    paragraph = document.add_paragraph("Vedi ")
    r_id = document.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    paragraph._p.append(
        parse_xml(f'<w:hyperlink {nsdecls("w", "r")} r:id="{r_id}"><w:r><w:t>{text}</w:t></w:r></w:hyperlink>')
    )
    document.add_paragraph("<script>alert('x')</script>")
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def test_a_document_with_a_script_link_and_markup_in_its_text_previews_as_plain_text() -> None:
    safe = str(docx_html(_with_hyperlink("qui", "javascript:alert(1)")))
    assert "href" not in safe and "<script" not in safe
    assert "Vedi qui" in safe
    assert "&lt;script&gt;alert('x')&lt;/script&gt;" in safe


def test_a_contact_without_an_address_still_gets_a_letter_whose_gaps_show(
    db: Any, make_registrable: Callable[..., SegmentHeader]
) -> None:
    header = make_registrable(lines=1)
    store_template(db)
    preview = letter_preview(db.session, header.no, 10000)
    assert not preview.personalised
    assert "<p>Gentile Person 00001,</p><p></p><p></p><p>Cordiali saluti</p>" in str(preview.html)
    assert preview.gaps == ["City", "PersonalText"]


def test_the_preview_of_a_personalised_line_is_its_own_file(
    db: Any, make_registrable: Callable[..., SegmentHeader]
) -> None:
    header = make_registrable(lines=1)
    personalise_line(
        db.session,
        header.no,
        10000,
        "mia.docx",
        letter_docx("Scritta a mano"),
        expected="",
        max_bytes=1 << 20,
        user_id=None,
    )
    db.session.commit()
    preview = letter_preview(db.session, header.no, 10000)
    assert preview.personalised and "<p>Scritta a mano</p>" in str(preview.html) and preview.gaps == []
