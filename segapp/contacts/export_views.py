"""Export of the (filtered, sorted) contact list to CSV and Excel, streamed in chunks."""

import csv
import io
import tempfile
from collections.abc import Iterator
from datetime import date
from typing import Any

from flask import Response, request
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from sqlalchemy import Engine, Select

from segapp.contacts.blueprint import bp
from segapp.extensions import db
from segapp.models import Contact
from segapp.services.contacts.listing import ContactFilter, contact_select

EXPORT_COLUMNS = (
    "no",
    "type",
    "name",
    "first_name",
    "middle_name",
    "surname",
    "title",
    "salutation_code",
    "company_no",
    "company_name",
    "address",
    "address_2",
    "post_code",
    "city",
    "county",
    "country_code",
    "territory_code",
    "salesperson_code",
    "language_code",
    "correspondence_type",
    "email",
    "phone",
    "mobile",
    "job_title",
    "exclude_from_segment",
    "privacy_blocked",
)
CHUNK_ROWS = 1000
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _rows(engine: Engine, query: Select) -> Iterator[list[str]]:
    """The contacts of the list as rows of text, read in chunks through a server-side cursor."""
    # Its own session: the generator runs after the view has returned (while the response streams).
    with engine.connect() as connection:
        result = connection.execution_options(yield_per=CHUNK_ROWS).execute(query)
        for row in result:
            yield [_text(value) for value in row]


def _export_query() -> Select:
    flt = ContactFilter.from_args(request.args)
    return contact_select(flt).with_only_columns(*(getattr(Contact, column) for column in EXPORT_COLUMNS))


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(getattr(value, "value", value))


def _xlsx_cell(sheet: Any, value: str) -> Any:
    """Text that starts with ``=`` stays text: a contact's name must never become a formula."""
    if not value.startswith("="):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell


def _filename(extension: str) -> str:
    return f"contacts-{date.today().isoformat()}.{extension}"


@bp.route("/export.csv")
def export_csv() -> Response:
    """The listed contacts as CSV (UTF-8 with BOM, so that Excel reads accents right)."""

    rows = _rows(db.engine, _export_query())

    def generate() -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        buffer.write("\ufeff")
        writer.writerow(EXPORT_COLUMNS)
        for count, row in enumerate(rows, start=1):
            writer.writerow(row)
            if count % CHUNK_ROWS == 0:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    response = Response(generate(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{_filename("csv")}"'
    return response


@bp.route("/export.xlsx")
def export_xlsx() -> Response:
    """The listed contacts as an Excel workbook, written row by row (openpyxl write-only mode)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Contacts"))
    sheet.append(list(EXPORT_COLUMNS))
    for row in _rows(db.engine, _export_query()):
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    workbook.save(spool)
    spool.seek(0)

    def generate() -> Iterator[bytes]:
        with spool:
            while chunk := spool.read(64 * 1024):
                yield chunk

    response = Response(generate(), mimetype=XLSX_TYPE)
    response.headers["Content-Disposition"] = f'attachment; filename="{_filename("xlsx")}"'
    return response
