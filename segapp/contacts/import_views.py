"""Views of the contact import: upload, map the columns with a preview, run, report."""

from pathlib import Path
from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import MultiDict

from segapp.contacts.blueprint import bp
from segapp.contacts.forms import ConfirmForm
from segapp.contacts.import_forms import UploadForm, chosen_mapping, column_fields, mapping_form
from segapp.extensions import db
from segapp.importing import guess_mapping
from segapp.services.errors import ServiceError
from segapp.services.importing.files import ImportFile
from segapp.services.importing.rows import FIELD_LABELS
from segapp.services.importing.run import ImportOptions, import_contacts, preview_rows
from segapp.services.importing.uploads import Upload, open_upload, remove_upload, store_upload

REPORT_ROWS = 1000


def _folder() -> Path:
    return Path(current_app.config.get("IMPORT_FOLDER") or Path(current_app.instance_path) / "imports")


def _max_bytes() -> int:
    return int(float(current_app.config.get("IMPORT_MAX_MB", 20)) * 1024 * 1024)


def _expired() -> Any:
    flash(_("The uploaded file is no longer available: upload it again."), "warning")
    return redirect(url_for("contacts.import_upload"))


@bp.route("/import", methods=["GET", "POST"])
def import_upload() -> Any:
    """Upload the file to import; it is checked and kept until the import runs."""
    form = UploadForm()
    if form.validate_on_submit():
        upload = form.file.data
        filename = Path(upload.filename or "").name
        try:
            store_upload(_folder(), current_user.id, upload.stream, filename, _max_bytes())
        except ServiceError as error:
            form.file.errors.append(error.message)
        else:
            return redirect(url_for("contacts.import_mapping"))
    status = 422 if form.errors else 200
    limit = current_app.config.get("IMPORT_MAX_MB", 20)
    return render_template("contacts/import_upload.html", form=form, limit=limit), status


def _preview_context(table: ImportFile, mapping: dict[str, str]) -> dict[str, Any]:
    """The preview rows, the mapped fields in order, or the reason the mapping is refused."""
    try:
        rows = preview_rows(db.session, table.columns, table.first_rows(), mapping)
    except ServiceError as error:
        return {"preview_error": error.message, "preview": [], "preview_fields": []}
    shown = [f for f in dict.fromkeys(mapping.values()) if f not in ("name", "company_name", "company_no", "type")]
    return {"preview_error": "", "preview": rows, "preview_fields": [(f, FIELD_LABELS[f]) for f in shown]}


def _mapping_page(upload: Upload, form: Any, status: int = 200, error: str = "") -> tuple[str, int]:
    table = upload.table
    form.upload.data = upload.token
    return render_template(
        "contacts/import_mapping.html",
        table=table,
        filename=upload.filename,
        form=form,
        error=error,
        column_fields=column_fields(form, table.columns),
        **_preview_context(table, chosen_mapping(form, table.columns)),
    ), status


@bp.get("/import/mapping")
def import_mapping() -> Any:
    """Show the detected encoding and delimiter, the column mapping and a preview."""
    upload = open_upload(_folder(), current_user.id)
    if upload is None:
        return _expired()
    form = mapping_form(upload.table.columns, guess_mapping(upload.table.columns), formdata=None)
    return _mapping_page(upload, form)


@bp.get("/import/preview")
def import_preview() -> Any:
    """The preview fragment for the mapping chosen so far (htmx, on each change of a select)."""
    upload = open_upload(_folder(), current_user.id)
    if upload is None:
        message = _("The uploaded file is no longer available: upload it again.")
        return render_template("errors/_message.html", status=409, message=message), 409
    columns = upload.table.columns
    form = mapping_form(columns, {}, formdata=MultiDict(request.args), meta={"csrf": False})
    context = _preview_context(upload.table, chosen_mapping(form, columns))
    return render_template("contacts/_import_preview.html", **context)


@bp.post("/import/run")
def import_run() -> Any:
    """Run the import in one transaction and show the report."""
    upload = open_upload(_folder(), current_user.id)
    if upload is None:
        return _expired()
    table = upload.table
    form = mapping_form(table.columns, {})
    if not form.validate():
        return _mapping_page(upload, form, 422)
    if form.upload.data != upload.token:
        message = _("Another file was uploaded meanwhile: check its columns and import again.")
        return _mapping_page(
            upload, mapping_form(table.columns, guess_mapping(table.columns), formdata=None), 409, message
        )
    options = ImportOptions(chosen_mapping(form, table.columns), form.duplicates.data, form.skip_invalid_rows.data)
    try:
        result = import_contacts(db.session, table.columns, table.rows(), options)
    except ServiceError as error:
        db.session.rollback()
        return _mapping_page(upload, form, 422, error.message)
    except IntegrityError:
        db.session.rollback()
        message = _("Someone else added some of these contacts at the same time. Nothing was imported: try again.")
        return _mapping_page(upload, form, 409, message)
    imported = not result.errors or options.skip_invalid_rows
    if imported:
        db.session.commit()
        remove_upload(_folder(), current_user.id)
    else:
        db.session.rollback()
    return render_template(
        "contacts/import_report.html",
        result=result,
        imported=imported,
        filename=upload.filename,
        errors=result.errors[:REPORT_ROWS],
        more_errors=max(0, len(result.errors) - REPORT_ROWS),
    )


@bp.post("/import/cancel")
def import_cancel() -> Any:
    """Drop the uploaded file without importing it."""
    form = ConfirmForm()
    if form.validate_on_submit():
        remove_upload(_folder(), current_user.id)
        flash(_("The import was cancelled and the uploaded file removed."), "success")
    return redirect(url_for("contacts.import_upload"))
