"""What the interaction template's card shows of its Word documents, per language row."""

from dataclasses import dataclass
from typing import Any

from flask import url_for
from sqlalchemy import select

from segapp.extensions import db
from segapp.models import InteractionTemplate, Language
from segapp.services.documents.messages import size_text
from segapp.services.documents.templates import FieldReport, field_report, max_document_bytes
from segapp.services.documents.versions import LanguageVersions, card_versions


@dataclass(frozen=True)
class LanguageDocument:
    """One language row's document: its versions, the newest one's fields and warnings, an upload error."""

    language_code: str
    language_name: str
    versions: LanguageVersions
    report: FieldReport | None
    upload_error: str = ""


def card_url(template_code: str, language_code: str | None = None) -> str:
    """The template's card, scrolled to a language's document."""
    anchor = f"document-{language_code}" if language_code else "documents"
    return url_for("setup.edit_row", kind="interaction-templates", key=template_code, _anchor=anchor)


def documents_context(template: InteractionTemplate, upload_error: tuple[str, str] | None = None) -> dict[str, Any]:
    """The card's context: ``documents`` (a LanguageDocument per language row, and per language that has
    versions without a row), the same ``documents_by_language`` and ``document_limit`` (the size cap in words)."""
    versions = card_versions(db.session, template.code)
    codes = sorted({row.language_code for row in template.languages} | set(versions))
    names = dict(db.session.execute(select(Language.code, Language.name).where(Language.code.in_(codes))).all())
    empty = LanguageVersions([], 0, 0)
    documents = []
    for code in codes:
        language_versions = versions.get(code, empty)
        newest = language_versions.newest
        error = upload_error[1] if upload_error and upload_error[0] == code else ""
        report = field_report(newest) if newest is not None else None
        documents.append(LanguageDocument(code, names.get(code, ""), language_versions, report, error))
    return {
        "documents": documents,
        "documents_by_language": {document.language_code: document for document in documents},
        "document_limit": size_text(max_document_bytes()),
    }
