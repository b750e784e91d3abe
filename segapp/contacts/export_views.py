"""Export of the (filtered, sorted) contact list to CSV and Excel, streamed in chunks."""

from collections.abc import Iterator
from datetime import date
from typing import Any

from flask import Response, request
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import Engine, Select

from segapp.contacts.blueprint import bp
from segapp.exporting import CHUNK_ROWS, XLSX_TYPE, csv_chunks, excel_dialect, xlsx_chunks
from segapp.extensions import db
from segapp.importing import IMPORT_FIELDS
from segapp.models import Contact
from segapp.services.contacts.listing import ContactFilter, contact_select
from segapp.services.importing.rows import FIELD_LABELS

# An export writes the fields an import reads, in the same order, so that it can be imported back.
EXPORT_COLUMNS = IMPORT_FIELDS


def _rows(engine: Engine, query: Select) -> Iterator[Any]:
    """The contacts of the list, read in chunks through a server-side cursor."""
    # Its own connection: the generator runs after the view has returned (while the response streams).
    with engine.connect() as connection:
        yield from connection.execution_options(yield_per=CHUNK_ROWS).execute(query)


def _export_query() -> Select:
    flt = ContactFilter.from_args(request.args)
    return contact_select(flt).with_only_columns(*(getattr(Contact, column) for column in EXPORT_COLUMNS))


def _header() -> list[str]:
    """The column headers in the user's language; the import recognises them (segapp.importing)."""
    return [str(FIELD_LABELS[column]) for column in EXPORT_COLUMNS]


def _filename(extension: str) -> str:
    return f"contacts-{date.today().isoformat()}.{extension}"


@bp.route("/export.csv")
def export_csv() -> Response:
    """The listed contacts as CSV that Excel opens in columns in the user's language (UTF-8 with BOM,
    ``;`` in Italian)."""
    dialect = excel_dialect(str(get_locale() or ""))
    response = Response(csv_chunks(_header(), _rows(db.engine, _export_query()), dialect), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{_filename("csv")}"'
    return response


@bp.route("/export.xlsx")
def export_xlsx() -> Response:
    """The listed contacts as an Excel workbook, streamed as the rows are read."""
    response = Response(xlsx_chunks(_("Contacts"), _header(), _rows(db.engine, _export_query())), mimetype=XLSX_TYPE)
    response.headers["Content-Disposition"] = f'attachment; filename="{_filename("xlsx")}"'
    return response
