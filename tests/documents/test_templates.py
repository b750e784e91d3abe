"""A template's Word document per language: upload (checked, fields and warnings), versions kept while entries
refer to them, the language row, on both databases."""

import hashlib
import json
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select

from segapp.models import (
    InteractionLogEntry,
    InteractionTemplate,
    InteractionTemplateLanguage,
    SegmentHeader,
    TemplateDocument,
)
from segapp.services.documents.catalogue import line_letters
from segapp.services.documents.templates import (
    delete_template_document,
    delete_unused_versions,
    field_report,
    upload_template_document,
)
from segapp.services.errors import ServiceError
from segapp.services.setup.interaction_templates import delete_template_language
from tests.documents.docx_files import (
    OLD_WORD_DOC,
    docx_with_fields,
    macro_enabled_docx,
    zip_bomb_docx,
    zip_without_document,
)


@pytest.fixture
def letter(db: Any, reference: Any) -> InteractionTemplate:
    """Template LETTER (language rows ITA and ENU, no document yet)."""
    return db.session.get(InteractionTemplate, "LETTER")


@pytest.fixture
def upload(db: Any, letter: InteractionTemplate) -> Callable[..., TemplateDocument]:
    """Upload a document to LETTER and commit, as the view does."""

    def _upload(data: bytes, language: str = "ITA", name: str = "lettera.docx") -> TemplateDocument:
        document = upload_template_document(db.session, letter, language, name, data, user_id=None)
        db.session.commit()
        return document

    return _upload


def _documents(db: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(TemplateDocument))


def _use(db: Any, document: TemplateDocument) -> None:
    """An interaction log entry that refers to the version (a registered letter)."""
    db.session.add(
        InteractionLogEntry(contact_no="R00001", interaction_template_code="LETTER", template_document_id=document.id)
    )
    db.session.commit()


def test_an_upload_is_a_version_with_its_fields_and_warnings(db: Any, upload: Callable[..., TemplateDocument]) -> None:
    data = docx_with_fields("ContactName", "formalsalutation", "Nickname")

    document = upload(data, name="C:\\Users\\anna\\Lettera di primavera.docx")

    stored = db.session.get(TemplateDocument, document.id)
    assert (stored.template_code, stored.language_code, stored.version) == ("LETTER", "ITA", 1)
    assert stored.file_name == "Lettera di primavera.docx"
    assert (stored.size, stored.sha256, stored.content) == (len(data), hashlib.sha256(data).hexdigest(), data)
    assert json.loads(stored.fields) == ["ContactName", "formalsalutation", "Nickname"]
    assert json.loads(stored.warnings) == [{"code": "unknown_field", "field": "Nickname"}]
    report = field_report(stored)
    assert [(field.name, field.known) for field in report.fields] == [
        ("ContactName", True),
        ("formalsalutation", True),
        ("Nickname", False),
    ]
    assert report.unknown == ["Nickname"]
    assert len(report.warnings) == 1 and "Nickname" in report.warnings[0]


def test_a_new_upload_is_the_next_version_and_the_one_merged(
    db: Any, upload: Callable[..., TemplateDocument], make_registrable: Callable[..., SegmentHeader]
) -> None:
    header = make_registrable(lines=1)
    first = upload(docx_with_fields("ContactName"))
    second = upload(docx_with_fields("ContactName", "City"))
    english = upload(docx_with_fields("ContactName"), language="ENU")

    assert (first.version, second.version, english.version) == (1, 2, 1)
    assert line_letters(db.session, header.no)[10000].template_document_id == second.id


def test_a_document_without_fields_is_accepted_with_a_warning(db: Any, upload: Callable[..., TemplateDocument]) -> None:
    document = upload(docx_with_fields())
    assert json.loads(document.warnings) == [{"code": "no_fields", "field": ""}]
    assert field_report(document).warnings == ["The document has no merge fields: every letter will be the same."]


def test_a_document_in_a_language_without_a_row_gives_the_template_that_language(
    db: Any, upload: Callable[..., TemplateDocument]
) -> None:
    upload(docx_with_fields("ContactName"), language="DEU")
    row = db.session.get(InteractionTemplateLanguage, {"template_code": "LETTER", "language_code": "DEU"})
    assert row is not None and row.subject == ""


@pytest.mark.parametrize(
    ("make_file", "message"),
    [
        (lambda: b"Just some text", "not a Word document (.docx)"),
        (lambda: OLD_WORD_DOC, "not a Word document (.docx)"),
        (zip_without_document, "not a Word document (.docx)"),
        (macro_enabled_docx, "contains macros (.docm)"),
        (lambda: b"", "Choose a Word document (.docx) to upload."),
    ],
    ids=["text", "old-doc", "zip-without-document", "macro-enabled", "empty"],
)
def test_a_bad_file_is_refused_with_the_reason_and_nothing_is_stored(
    db: Any, letter: InteractionTemplate, make_file: Callable[[], bytes], message: str
) -> None:
    with pytest.raises(ServiceError) as refused:
        upload_template_document(db.session, letter, "ITA", "x.docx", make_file(), user_id=None)
    assert message in refused.value.message and refused.value.field == "file"
    db.session.rollback()
    assert _documents(db) == 0


def test_a_zip_bomb_is_refused(db: Any, letter: InteractionTemplate) -> None:
    bomb = zip_bomb_docx()
    assert len(bomb) < 5 * 1024 * 1024  # under the size cap: the bomb itself is what is refused
    with pytest.raises(ServiceError, match="unpacks to far more"):
        upload_template_document(db.session, letter, "ITA", "bomb.docx", bomb, user_id=None)
    db.session.rollback()
    assert _documents(db) == 0


def test_a_file_over_the_cap_is_refused_naming_the_cap(app: Any, db: Any, letter: InteractionTemplate) -> None:
    data = docx_with_fields("ContactName", text="x" * 50_000)
    app.config["MAX_DOCUMENT_BYTES"] = len(data) - 1
    try:
        with app.test_request_context(), pytest.raises(ServiceError) as refused:
            upload_template_document(db.session, letter, "ITA", "big.docx", data, user_id=None)
    finally:
        app.config["MAX_DOCUMENT_BYTES"] = 5 * 1024 * 1024
    assert "larger than" in refused.value.message and "KB" in refused.value.message
    db.session.rollback()
    assert _documents(db) == 0


def test_an_unknown_language_is_refused(db: Any, letter: InteractionTemplate) -> None:
    with pytest.raises(ServiceError, match="Choose a language"):
        upload_template_document(db.session, letter, "XYZ", "a.docx", docx_with_fields("City"), user_id=None)


def test_old_versions_are_deleted_only_when_no_entry_refers_to_them(
    db: Any, upload: Callable[..., TemplateDocument], make_registrable: Callable[..., SegmentHeader]
) -> None:
    make_registrable(lines=1)
    used, unused, newest = (upload(docx_with_fields("ContactName")) for _ in range(3))
    _use(db, used)

    with pytest.raises(ServiceError, match="newest version"):
        delete_template_document(db.session, newest)
    with pytest.raises(ServiceError, match="Version 1 is kept"):
        delete_template_document(db.session, used)
    delete_template_document(db.session, unused)
    db.session.commit()

    versions = db.session.scalars(select(TemplateDocument.version).order_by(TemplateDocument.version)).all()
    assert versions == [1, 3]


def test_deleting_the_unused_old_versions_keeps_the_newest_and_the_used_ones(
    db: Any, upload: Callable[..., TemplateDocument], make_registrable: Callable[..., SegmentHeader]
) -> None:
    make_registrable(lines=1)
    documents = [upload(docx_with_fields("ContactName")) for _ in range(4)]
    english = upload(docx_with_fields("ContactName"), language="ENU")
    upload(docx_with_fields("ContactName"), language="ENU")
    _use(db, documents[1])

    assert delete_unused_versions(db.session, "LETTER", "ITA") == 2
    db.session.commit()

    kept = db.session.execute(
        select(TemplateDocument.language_code, TemplateDocument.version).order_by(
            TemplateDocument.language_code, TemplateDocument.version
        )
    ).all()
    assert kept == [("ENU", 1), ("ENU", 2), ("ITA", 2), ("ITA", 4)]
    assert english.id in db.session.scalars(select(TemplateDocument.id)).all()


def test_removing_a_language_removes_its_documents_unless_entries_use_them(
    db: Any, letter: InteractionTemplate, upload: Callable[..., TemplateDocument], make_registrable: Any
) -> None:
    make_registrable(lines=1)
    upload(docx_with_fields("ContactName"), language="ENU")
    used = upload(docx_with_fields("ContactName"), language="ITA")
    _use(db, used)

    delete_template_language(db.session, letter, "ENU")
    db.session.commit()
    with pytest.raises(ServiceError, match="used by interaction log entries"):
        delete_template_language(db.session, letter, "ITA")
    db.session.rollback()

    assert db.session.scalars(select(TemplateDocument.language_code)).all() == ["ITA"]
    languages = db.session.scalars(
        select(InteractionTemplateLanguage.language_code).where(InteractionTemplateLanguage.template_code == "LETTER")
    ).all()
    assert sorted(languages) == ["ITA"]


def test_the_report_follows_todays_catalogue(db: Any, upload: Callable[..., TemplateDocument]) -> None:
    document = upload(docx_with_fields("City"))
    # As if stored when the catalogue did not know City yet: the warning is not shown any more.
    document.warnings = json.dumps([{"code": "unknown_field", "field": "City"}, {"code": "saved_by_libreoffice"}])
    report = field_report(document)
    assert report.unknown == []
    assert len(report.warnings) == 1 and "LibreOffice" in report.warnings[0]
