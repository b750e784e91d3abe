"""Views of the contact import: upload, map the columns with a preview, run, report."""

import secrets
import time
from pathlib import Path
from typing import Any

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import MultiDict

from segapp.contacts.blueprint import bp
from segapp.contacts.import_forms import UploadForm, chosen_mapping, column_fields, mapping_form
from segapp.extensions import db
from segapp.importing import guess_mapping
from segapp.services.contact_import import ImportOptions, import_contacts, preview_rows
from segapp.services.errors import ServiceError
from segapp.services.import_files import ImportFile, open_import_file
from segapp.services.import_rows import FIELD_LABELS

SESSION_KEY = "contact_import"
KEEP_SECONDS = 24 * 3600
REPORT_ROWS = 1000


def _folder() -> Path:
    folder = Path(current_app.config.get("IMPORT_FOLDER") or Path(current_app.instance_path) / "imports")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _remove_stale_files() -> None:
    """Uploads left behind by imports that were never run are kept a day."""
    limit = time.time() - KEEP_SECONDS
    for path in _folder().glob("*.upload"):
        if path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)


def _max_bytes() -> int:
    return int(float(current_app.config.get("IMPORT_MAX_MB", 20)) * 1024 * 1024)


def _stored_path() -> tuple[Path, str] | None:
    """The uploaded file of this user's session and its original name, if it is still there."""
    state = session.get(SESSION_KEY) or {}
    token, filename = state.get("token", ""), state.get("filename", "")
    if not (isinstance(token, str) and len(token) == 32 and token.isalnum()):
        return None
    path = _folder() / f"{token}.upload"
    return (path, filename) if path.exists() else None


def _forget_upload() -> None:
    stored = _stored_path()
    if stored:
        stored[0].unlink(missing_ok=True)
    session.pop(SESSION_KEY, None)


def _open_stored() -> tuple[ImportFile, str] | None:
    stored = _stored_path()
    if stored is None:
        return None
    path, filename = stored
    try:
        return open_import_file(path, filename, _max_bytes()), filename
    except ServiceError:
        return None


def _expired() -> Any:
    flash(_("The uploaded file is no longer available: upload it again."), "warning")
    return redirect(url_for("contacts.import_upload"))


@bp.route("/import", methods=["GET", "POST"])
def import_upload() -> Any:
    """Upload the file to import; it is checked and kept until the import runs."""
    form = UploadForm()
    if form.validate_on_submit():
        _forget_upload()
        _remove_stale_files()
        token = secrets.token_hex(16)
        path = _folder() / f"{token}.upload"
        upload = form.file.data
        upload.save(path)
        filename = Path(upload.filename or "").name
        try:
            open_import_file(path, filename, _max_bytes())
        except ServiceError as error:
            path.unlink(missing_ok=True)
            form.file.errors.append(error.message)
        else:
            session[SESSION_KEY] = {"token": token, "filename": filename}
            return redirect(url_for("contacts.import_mapping"))
    status = 422 if form.errors else 200
    limit = current_app.config.get("IMPORT_MAX_MB", 20)
    return render_template("contacts/import_upload.html", form=form, limit=limit), status


def _preview_context(table: ImportFile, mapping: dict[str, str]) -> dict[str, Any]:
    """The preview rows, the mapped fields in order, or the reason the mapping is refused."""
    try:
        rows = preview_rows(db.session, table.columns, table.rows(), mapping)
    except ServiceError as error:
        return {"preview_error": error.message, "preview": [], "preview_fields": []}
    shown = [f for f in dict.fromkeys(mapping.values()) if f not in ("name", "company_name", "company_no", "type")]
    return {"preview_error": "", "preview": rows, "preview_fields": [(f, FIELD_LABELS[f]) for f in shown]}


def _mapping_page(table: ImportFile, filename: str, form: Any, status: int = 200, error: str = "") -> tuple[str, int]:
    mapping = chosen_mapping(form, table.columns)
    return render_template(
        "contacts/import_mapping.html",
        table=table,
        filename=filename,
        form=form,
        error=error,
        column_fields=column_fields(form, table.columns),
        **_preview_context(table, mapping),
    ), status


@bp.get("/import/mapping")
def import_mapping() -> Any:
    """Show the detected encoding and delimiter, the column mapping and a preview."""
    opened = _open_stored()
    if opened is None:
        return _expired()
    table, filename = opened
    form = mapping_form(table.columns, guess_mapping(table.columns), formdata=None)
    return _mapping_page(table, filename, form)


@bp.get("/import/preview")
def import_preview() -> Any:
    """The preview fragment for the mapping chosen so far (htmx, on each change of a select)."""
    opened = _open_stored()
    if opened is None:
        message = _("The uploaded file is no longer available: upload it again.")
        return render_template("errors/_message.html", status=409, message=message), 409
    table, _filename = opened
    form = mapping_form(table.columns, {}, formdata=MultiDict(request.args), meta={"csrf": False})
    context = _preview_context(table, chosen_mapping(form, table.columns))
    return render_template("contacts/_import_preview.html", **context)


@bp.post("/import/run")
def import_run() -> Any:
    """Run the import in one transaction and show the report."""
    opened = _open_stored()
    if opened is None:
        return _expired()
    table, filename = opened
    form = mapping_form(table.columns, {})
    if not form.validate():
        return _mapping_page(table, filename, form, 422)
    options = ImportOptions(chosen_mapping(form, table.columns), form.duplicates.data, form.skip_invalid_rows.data)
    try:
        result = import_contacts(db.session, table.columns, table.rows(), options)
    except ServiceError as error:
        db.session.rollback()
        return _mapping_page(table, filename, form, 422, error.message)
    except IntegrityError:
        db.session.rollback()
        message = _("Someone else added some of these contacts at the same time. Nothing was imported: try again.")
        return _mapping_page(table, filename, form, 409, message)
    imported = not result.errors or options.skip_invalid_rows
    if imported:
        db.session.commit()
        _forget_upload()
    else:
        db.session.rollback()
    return render_template(
        "contacts/import_report.html",
        result=result,
        imported=imported,
        filename=filename,
        errors=result.errors[:REPORT_ROWS],
        more_errors=max(0, len(result.errors) - REPORT_ROWS),
    )
