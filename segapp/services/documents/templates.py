"""The Word documents of interaction templates (spec 5): a version per upload and language, the fields found in
it and the warnings, the versions kept while interaction log entries refer to them."""

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any

from flask import current_app, has_app_context
from flask_babel import gettext as _
from sqlalchemy import delete, exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from segapp.merge import DocxRejected, check_docx, inspect_template
from segapp.models import InteractionLogEntry, InteractionTemplate, InteractionTemplateLanguage, TemplateDocument
from segapp.services.documents.catalogue import find_field
from segapp.services.documents.messages import rejection_message, warning_message
from segapp.services.errors import ServiceError
from segapp.services.setup.language_rows import check_language, save_language_row

DEFAULT_MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
FILE_NAME_LENGTH = 255
# Warnings segapp adds to merge's own: recomputed from the catalogue when shown, so they follow it.
CATALOGUE_WARNINGS = ("unknown_field", "no_fields")
_UNSAFE_IN_NAME = re.compile(r"[\x00-\x1f\x7f]")


def max_document_bytes() -> int:
    """The size cap of a Word document (app config ``MAX_DOCUMENT_BYTES``, 5 MB unless set)."""
    if has_app_context():
        return int(current_app.config.get("MAX_DOCUMENT_BYTES") or DEFAULT_MAX_DOCUMENT_BYTES)
    return DEFAULT_MAX_DOCUMENT_BYTES


def clean_file_name(file_name: str | None) -> str:
    """The name of an uploaded file without its folders and control characters, at most 255 characters."""
    name = PureWindowsPath(PurePosixPath(file_name or "").name).name
    name = _UNSAFE_IN_NAME.sub("", name).strip()
    if len(name) > FILE_NAME_LENGTH:
        stem, dot, suffix = name.rpartition(".")
        name = (stem[: FILE_NAME_LENGTH - len(suffix) - 1] + dot + suffix) if dot and len(suffix) < 10 else name
    return name[:FILE_NAME_LENGTH] or "document.docx"


def checked_docx(data: bytes) -> None:
    """Refuse what is not a .docx segapp may store (too large, not a .docx, macros, zip bomb): a ServiceError
    with the reason in words, on the form's ``file`` field."""
    limit = max_document_bytes()
    try:
        check_docx(data, max_bytes=limit)
    except DocxRejected as error:
        raise ServiceError(rejection_message(error.reason, error.detail, max_bytes=limit), field="file") from None


def _inspect(data: bytes) -> tuple[list[str], list[dict[str, str]]]:
    """The MERGEFIELD names of a checked .docx (sorted, as written) and its warnings, segapp's own included."""
    try:
        report = inspect_template(data)
    except DocxRejected as error:
        raise ServiceError(rejection_message(error.reason, error.detail), field="file") from None
    except Exception as error:  # a crafted file must get a message, never a server error
        current_app.logger.warning("A template document could not be read: %r", error)
        raise ServiceError(rejection_message("not_docx"), field="file") from None
    fields = sorted(set(report.fields), key=lambda name: (name.casefold(), name))
    warnings = [{"code": code, "field": field} for code, field in report.warnings]
    return fields, warnings + catalogue_warnings(fields)


def catalogue_warnings(fields: list[str]) -> list[dict[str, str]]:
    """A warning per field the catalogue does not know, or one saying there are no fields."""
    if not fields:
        return [{"code": "no_fields", "field": ""}]
    return [{"code": "unknown_field", "field": name} for name in fields if find_field(name) is None]


def upload_template_document(
    session: Session,
    template: InteractionTemplate,
    language_code: str,
    file_name: str,
    data: bytes,
    *,
    user_id: int | None,
) -> TemplateDocument:
    """Store a new version of the template's document in a language, with the fields found and the warnings
    (refused with the reason, nothing stored, if it is not a .docx segapp can merge)."""
    check_language(session, language_code)
    if not data:
        raise ServiceError(_("Choose a Word document (.docx) to upload."), field="file")
    checked_docx(data)
    fields, warnings = _inspect(data)
    if (
        session.get(InteractionTemplateLanguage, {"template_code": template.code, "language_code": language_code})
        is None
    ):
        # A document in a language gives the template that language: its row (no subject yet) is made.
        save_language_row(session, InteractionTemplateLanguage, {"template_code": template.code}, language_code)
    newest = session.scalar(
        select(func.max(TemplateDocument.version)).where(
            TemplateDocument.template_code == template.code, TemplateDocument.language_code == language_code
        )
    )
    document = TemplateDocument(
        template_code=template.code,
        language_code=language_code,
        version=(newest or 0) + 1,
        file_name=clean_file_name(file_name),
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        fields=json.dumps(fields),
        warnings=json.dumps(warnings),
        user_id=user_id,
        content=data,
    )
    try:
        with session.begin_nested():
            session.add(document)
    except IntegrityError:
        raise ServiceError(
            _("Someone else uploaded a document in this language at the same moment. Upload yours again.")
        ) from None
    return document


@dataclass(frozen=True)
class ReportField:
    """A MERGEFIELD found in a document: its name as written, and the catalogue's caption (None: unknown)."""

    name: str
    caption: Any

    @property
    def known(self) -> bool:
        """The catalogue knows it."""
        return self.caption is not None


@dataclass(frozen=True)
class FieldReport:
    """What a version holds, for the template card: its fields (unknown ones flagged) and its warnings."""

    fields: list[ReportField]
    warnings: list[str]

    @property
    def unknown(self) -> list[str]:
        """The names the catalogue does not know."""
        return [field.name for field in self.fields if not field.known]


def field_report(version: TemplateDocument) -> FieldReport:
    """The fields and warnings of a version, in the user's language, checked against today's catalogue."""
    names = [str(name) for name in json.loads(version.fields or "[]")]
    stored = [item for item in json.loads(version.warnings or "[]") if item.get("code") not in CATALOGUE_WARNINGS]
    warnings = stored + catalogue_warnings(names)
    fields = []
    for name in names:
        known = find_field(name)
        fields.append(ReportField(name, known.caption if known else None))
    return FieldReport(fields, [warning_message(item["code"], item.get("field", "")) for item in warnings])


def _in_use(document_id: Any) -> Any:
    return exists().where(InteractionLogEntry.template_document_id == document_id)


def _newest_version(template_code: Any, language_code: Any) -> Any:
    return (
        select(func.max(TemplateDocument.version))
        .where(TemplateDocument.template_code == template_code, TemplateDocument.language_code == language_code)
        .scalar_subquery()
    )


def version_in_use(session: Session, document: TemplateDocument) -> bool:
    """Interaction log entries refer to this version (it cannot be deleted)."""
    return bool(session.scalar(select(_in_use(document.id))))


def delete_template_document(session: Session, document: TemplateDocument) -> None:
    """Delete an old version that no interaction log entry refers to (the newest is the one merged)."""
    newest = session.scalar(select(_newest_version(document.template_code, document.language_code)))
    if document.version == newest:
        raise ServiceError(_("The newest version is the one merged into letters; it cannot be deleted."))
    if version_in_use(session, document):
        raise ServiceError(
            _("Version %(version)s is kept: interaction log entries refer to it.", version=document.version)
        )
    try:
        with session.begin_nested():
            session.execute(delete(TemplateDocument).where(TemplateDocument.id == document.id, ~_in_use(document.id)))
    except IntegrityError:
        # Registered into an entry in the meantime.
        raise ServiceError(
            _("Version %(version)s is kept: interaction log entries refer to it.", version=document.version)
        ) from None
    session.expunge(document)


def delete_unused_versions(session: Session, template_code: str, language_code: str) -> int:
    """Delete the old versions of a template's document in a language that no entry refers to; how many."""
    kept = TemplateDocument.version == _newest_version(template_code, language_code)
    statement = delete(TemplateDocument).where(
        TemplateDocument.template_code == template_code,
        TemplateDocument.language_code == language_code,
        ~kept,
        ~_in_use(TemplateDocument.id),
    )
    try:
        with session.begin_nested():
            deleted = session.execute(statement.execution_options(synchronize_session=False)).rowcount
    except IntegrityError:
        raise ServiceError(_("An old version was registered into an entry in the meantime. Try again.")) from None
    session.expire_all()
    return int(deleted or 0)


def delete_language_documents(session: Session, template_code: str, language_code: str) -> None:
    """Delete every version of a template's document in a language, unless an entry refers to one of them."""
    documents = TemplateDocument.__table__
    used = session.scalar(
        select(
            exists().where(
                documents.c.template_code == template_code,
                documents.c.language_code == language_code,
                _in_use(documents.c.id),
            )
        )
    )
    if used:
        raise ServiceError(
            _(
                "The Word document of language %(language)s is used by interaction log entries, so the language "
                "stays on the template.",
                language=language_code,
            )
        )
    session.execute(
        delete(TemplateDocument).where(
            TemplateDocument.template_code == template_code, TemplateDocument.language_code == language_code
        )
    )
