"""A line's letter: personal text, download, personalised upload and its removal, the messages when it has none,
bad files refused with nothing stored; on both databases."""

import io
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select, update

from segapp.models import SegmentHeader, SegmentLine, SegmentLineDocument
from segapp.services.documents.line_letters import (
    NoLetter,
    letter_file,
    letter_state,
    personalise_line,
    remove_personalisation,
    save_personal_text,
)
from segapp.services.errors import Conflict, ServiceError
from segapp.services.segments.grid import grid_row
from tests.documents.letter_support import docx_text, letter_docx, store_template

MAX = 5 * 1024 * 1024


def _documents(db: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(SegmentLineDocument))


def test_the_personal_text_lands_in_the_letter_at_its_field(
    db: Any, make_registrable: Callable[..., SegmentHeader]
) -> None:
    header = make_registrable(lines=2)
    store_template(db)
    save_personal_text(db.session, header.no, 20000, "Grazie della visita.\r\nA presto!", start="", user_id=None)
    db.session.commit()

    letter = letter_file(db.session, header.no, 20000)
    assert not letter.personalised
    assert letter.name == f"{header.no}-20000-R00002.docx"
    assert docx_text(letter.content)[0] == "Gentile Person 00002,"
    assert "Grazie della visita." in "\n".join(docx_text(letter.content))
    assert grid_row(db.session, header.no, 20000).document == "text"
    assert grid_row(db.session, header.no, 10000).document == "inherited"


def test_a_text_changed_meanwhile_is_a_conflict_and_clearing_it_drops_the_row(
    db: Any, make_registrable: Callable[..., SegmentHeader]
) -> None:
    header = make_registrable(lines=1)
    save_personal_text(db.session, header.no, 10000, "Prima", start="", user_id=None)
    db.session.commit()
    with pytest.raises(Conflict):
        save_personal_text(db.session, header.no, 10000, "Mia", start="", user_id=None)
    db.session.rollback()
    assert letter_state(db.session, header.no, 10000).personal_text == "Prima"

    save_personal_text(db.session, header.no, 10000, "  ", start="Prima", user_id=None)
    db.session.commit()
    assert _documents(db) == 0


def test_a_too_long_text_is_refused_with_its_length(db: Any, make_registrable: Callable[..., SegmentHeader]) -> None:
    header = make_registrable(lines=1)
    with pytest.raises(ServiceError, match="4001"):
        save_personal_text(db.session, header.no, 10000, "x" * 4001, start="", user_id=None)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"contact_no": None}, "Line 10000 has no contact, so it has no letter."),
        ({"interaction_template_code": None}, "Line 10000 has no interaction template"),
        ({"language_code": None}, "Line 10000 has no language, so no document of template LETTER"),
        (
            {"language_code": "DEU"},
            "Interaction template LETTER has no Word document in language DEU (it has one in ITA)",
        ),
    ],
)
def test_a_line_without_a_template_document_says_why(
    db: Any, make_registrable: Callable[..., SegmentHeader], change: dict[str, Any], expected: str
) -> None:
    header = make_registrable(lines=1)
    store_template(db)
    db.session.execute(update(SegmentLine).where(SegmentLine.segment_no == header.no).values(**change))
    db.session.commit()
    with pytest.raises(NoLetter) as refused:
        letter_file(db.session, header.no, 10000)
    assert refused.value.message.startswith(expected)
    assert letter_state(db.session, header.no, 10000).problem.startswith(expected)


def test_a_template_without_any_document_names_the_language_to_upload(
    db: Any, make_registrable: Callable[..., SegmentHeader]
) -> None:
    header = make_registrable(lines=1)
    with pytest.raises(NoLetter, match="has no Word document yet: upload one in language ITA"):
        letter_file(db.session, header.no, 10000)
    assert grid_row(db.session, header.no, 10000).document == "none"


def test_the_letter_edited_in_word_is_used_as_it_is_until_removed(
    db: Any, make_registrable: Callable[..., SegmentHeader]
) -> None:
    header = make_registrable(lines=1)
    store_template(db)
    save_personal_text(db.session, header.no, 10000, "Testo", start="", user_id=None)
    edited = letter_docx("Cara Anna, come d'accordo al telefono…")
    personalise_line(
        db.session, header.no, 10000, "C:\\Lettere\\anna", edited, expected="", max_bytes=MAX, user_id=None
    )
    db.session.commit()

    letter = letter_file(db.session, header.no, 10000)
    assert letter.personalised and letter.content == edited and letter.name == "anna.docx"
    state = letter_state(db.session, header.no, 10000)
    assert state.personalised and state.token
    assert grid_row(db.session, header.no, 10000).document == "personalised"

    with pytest.raises(Conflict):  # someone uploaded again since the user saw it
        remove_personalisation(db.session, header.no, 10000, expected="20000101000000000000")
    db.session.rollback()
    remove_personalisation(db.session, header.no, 10000, expected=state.token)
    db.session.commit()
    letter = letter_file(db.session, header.no, 10000)
    assert not letter.personalised and "Testo" in docx_text(letter.content)
    assert letter_state(db.session, header.no, 10000).personal_text == "Testo"


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def _docm() -> bytes:
    with zipfile.ZipFile(io.BytesIO(letter_docx("Macro"))) as source:
        entries = {name: source.read(name) for name in source.namelist()}
    entries["word/vbaProject.bin"] = b"\x00" * 64
    return _zip(entries)


@pytest.mark.parametrize(
    ("data", "max_bytes", "message"),
    [
        (b"%PDF-1.4 not a letter", MAX, "not a Word document"),
        (_zip({"hello.txt": b"hi"}), MAX, "not a Word document"),
        (_docm(), MAX, "contains macros"),
        (
            _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b" " * 20_000_000}),
            MAX,
            "unpacks to far more",
        ),
        (letter_docx("Troppo grande"), 1024, "larger than"),
        (b"", MAX, "Choose the edited letter"),
    ],
    ids=["pdf", "zip", "docm", "bomb", "cap", "empty"],
)
def test_a_bad_file_is_refused_with_its_reason_and_nothing_stored(
    db: Any, make_registrable: Callable[..., SegmentHeader], data: bytes, max_bytes: int, message: str
) -> None:
    header = make_registrable(lines=1)
    with pytest.raises(ServiceError, match=message) as refused:
        personalise_line(db.session, header.no, 10000, "x.docx", data, expected="", max_bytes=max_bytes, user_id=None)
    assert refused.value.field == "file"
    db.session.rollback()
    assert _documents(db) == 0


def test_a_line_without_a_contact_cannot_be_personalised(
    db: Any, make_registrable: Callable[..., SegmentHeader]
) -> None:
    header = make_registrable(lines=1)
    db.session.execute(update(SegmentLine).values(contact_no=None))
    db.session.commit()
    with pytest.raises(ServiceError, match="has no contact"):
        personalise_line(
            db.session, header.no, 10000, "x.docx", letter_docx("x"), expected="", max_bytes=MAX, user_id=None
        )
