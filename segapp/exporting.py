"""The one export module of segapp (pure: no app, no database): CSV and Excel files from rows.

Every export (contacts today; segment lines, log entries and registered segments next) writes
through here, so that each is safe to open in a spreadsheet:

- CSV: text that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would be read
  by Excel as a formula (``=HYPERLINK(...)``, ``+cmd|' /C calc'!A0``). As OWASP advises, such text
  gets a leading apostrophe (:func:`guard_formula`); numbers go out as numbers, untouched. The
  import takes the apostrophe off again (:func:`unguard_formula`), so an export imports back as it was.
- Excel .xlsx: text is written as text cells, never as formulas, so it needs no guard.
"""

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
GUARD = "'"
CHUNK_ROWS = 1000
BOM = "\ufeff"


def guard_formula(text: str) -> str:
    """``text`` that a spreadsheet would run as a formula, with an apostrophe in front; other text as is.
    Text that already starts with an apostrophe before such a character gets one more, so that
    :func:`unguard_formula` gives back exactly ``text``."""
    if text.startswith(FORMULA_STARTS) or (text.startswith(GUARD) and text[1:2] in (*FORMULA_STARTS, GUARD)):
        return GUARD + text
    return text


def unguard_formula(text: str) -> str:
    """The text before :func:`guard_formula`: one leading apostrophe before a formula start taken off."""
    if text.startswith(GUARD) and text[1:2] in (*FORMULA_STARTS, GUARD):
        return text[1:]
    return text


def cell_text(value: Any) -> str:
    """A value as a CSV cell: numbers as numbers (never guarded), yes/no as 1/0, text guarded."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float | Decimal):
        return str(value)
    if isinstance(value, Enum):
        value = value.value
    return guard_formula(str(value))


@dataclass(frozen=True)
class CsvDialect:
    """How a CSV file is written: the delimiter, and a UTF-8 BOM so that Excel reads accents right."""

    delimiter: str = ","
    bom: bool = True


# The list separator of Excel in each language's usual locale: Italian Excel splits CSV on ";"
# (the comma is its decimal separator) and reads UTF-8 only after a BOM.
EXCEL_DIALECTS = {"it": CsvDialect(";"), "en": CsvDialect(",")}


def excel_dialect(language: str) -> CsvDialect:
    """The CSV dialect that Excel opens in columns for a user of ``language`` (``it``, ``en_GB``)."""
    return EXCEL_DIALECTS.get(language.split("_")[0].split("-")[0].lower(), CsvDialect())


def csv_chunks(
    header: Sequence[str], rows: Iterable[Sequence[Any]], dialect: CsvDialect = CsvDialect()
) -> Iterator[str]:
    """The CSV text of the header and the rows, in chunks of ``CHUNK_ROWS`` rows (for a streamed response)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=dialect.delimiter)
    if dialect.bom:
        buffer.write(BOM)
    writer.writerow([guard_formula(str(name)) for name in header])
    for count, row in enumerate(rows, start=1):
        writer.writerow([cell_text(value) for value in row])
        if count % CHUNK_ROWS == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _xlsx_value(sheet: Any, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, bool):
        return 1 if value else 0
    if isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, Enum):
        value = value.value
    # A text cell, whatever the text: a contact's name must never become a formula.
    cell = WriteOnlyCell(sheet, value=str(value))
    cell.data_type = "s"
    return cell


def xlsx_file(title: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> IO[bytes]:
    """An Excel workbook of one sheet, written row by row (openpyxl's write-only mode), rewound."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    sheet.append([_xlsx_value(sheet, name) for name in header])
    for row in rows:
        sheet.append([_xlsx_value(sheet, value) for value in row])
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    workbook.save(spool)
    spool.seek(0)
    return spool
