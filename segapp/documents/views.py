"""Views of template documents: upload a version on the template's card, download, delete old versions, the
versions page and the starter document."""

from io import BytesIO
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import undefer
from werkzeug.wrappers import Response

from segapp.documents.blueprint import bp
from segapp.documents.forms import DocumentUploadForm
from segapp.exporting import DOCX_TYPE
from segapp.extensions import db
from segapp.models import InteractionTemplate, Language, TemplateDocument
from segapp.paging import paginate_rows
from segapp.request_values import MAX_PAGE, form_int, page_arg
from segapp.services.documents import templates
from segapp.services.documents.catalogue import letter_locale
from segapp.services.documents.starter import starter_document
from segapp.services.documents.versions import versions_select
from segapp.services.errors import ServiceError
from segapp.setup.document_card import card_url
from segapp.setup.registry import REGISTRY
from segapp.setup.views import render_edit


def _docx(content: bytes, name: str) -> Response:
    return send_file(BytesIO(content), mimetype=DOCX_TYPE, as_attachment=True, download_name=name)


@bp.post("/templates/<template>/<language>/upload")
def upload_template_document(template: str, language: str) -> Any:
    """Upload a new version of the template's Word document in a language."""
    row = db.get_or_404(InteractionTemplate, template)
    form = DocumentUploadForm()
    if form.validate_on_submit():
        upload = form.file.data
        # Never more than one byte past the cap is read: that byte is how the cap is known to be exceeded.
        data = upload.stream.read(templates.max_document_bytes() + 1)
        try:
            document = templates.upload_template_document(
                db.session, row, language, upload.filename or "", data, user_id=current_user.id
            )
        except ServiceError as error:
            db.session.rollback()
            message = error.message
        else:
            db.session.commit()
            flash(
                _(
                    "Version %(version)s of the document in %(language)s is uploaded.",
                    version=document.version,
                    language=language,
                ),
                "success",
            )
            return redirect(card_url(row.code, language))
    else:
        message = " ".join(str(error) for error in form.file.errors) or _("Choose a Word document (.docx) to upload.")
    return render_edit(REGISTRY["interaction-templates"], row, status=422, upload_error=(language, message))


@bp.get("/versions/<int:document_id>/download")
def download_version(document_id: int) -> Response:
    """The file of one version, as it was uploaded."""
    document = db.session.get(TemplateDocument, document_id, options=[undefer(TemplateDocument.content)])
    if document is None or document.content is None:
        abort(404)
    return _docx(document.content, document.file_name or f"{document.template_code}-{document.language_code}.docx")


def _back(document: TemplateDocument) -> str:
    if request.form.get("back") == "versions":
        return url_for(
            "documents.versions",
            template=document.template_code,
            language=document.language_code,
            page=form_int("page", 1, MAX_PAGE) or 1,
        )
    return card_url(document.template_code, document.language_code)


@bp.post("/versions/<int:document_id>/delete")
def delete_version(document_id: int) -> Response:
    """Delete an old version that no interaction log entry refers to."""
    document = db.get_or_404(TemplateDocument, document_id)
    back, version = _back(document), document.version
    try:
        templates.delete_template_document(db.session, document)
    except ServiceError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("Version %(version)s is deleted.", version=version), "success")
    return redirect(back)


@bp.post("/templates/<template>/<language>/delete-unused")
def delete_unused_versions(template: str, language: str) -> Response:
    """Delete the old versions of a language's document that no interaction log entry refers to."""
    row = db.get_or_404(InteractionTemplate, template)
    try:
        deleted = templates.delete_unused_versions(db.session, row.code, language)
    except ServiceError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("Old versions deleted: %(count)s.", count=deleted), "success")
    return redirect(card_url(row.code, language))


@bp.get("/templates/<template>/<language>/versions")
def versions(template: str, language: str) -> str:
    """Every version of a template's document in a language, page by page."""
    row = db.get_or_404(InteractionTemplate, template)
    language_row = db.get_or_404(Language, language)
    page = paginate_rows(db.session, versions_select(row.code, language), page_arg(), current_app.config["PAGE_SIZE"])
    return render_template("documents/versions.html", template=row, language=language_row, page=page)


@bp.get("/starter")
def starter() -> Response:
    """The starter document: every merge field, grouped; in the letter's language when one is given."""
    language = request.args.get("language", "").strip().upper()[:10]
    locale = letter_locale(language) if language else None
    name = f"segapp-starter-{language}.docx" if language.isalnum() else "segapp-starter.docx"
    return _docx(starter_document(locale), name)
