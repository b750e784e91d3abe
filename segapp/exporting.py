"""The one export module of segapp (pure: no app, no database): CSV and Excel files from rows.

Every export (contacts today; segment lines, log entries and registered segments next) writes
through here, so that each is safe to open in a spreadsheet:

- CSV: text that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would be read
  by Excel as a formula (``=HYPERLINK(...)``, ``+cmd|' /C calc'!A0``). As OWASP advises, such text
  gets a leading apostrophe (:func:`guard_formula`); numbers go out as numbers, untouched. The
  import takes the apostrophe off again (:func:`unguard_formula`), so an export imports back as it was.
- Excel .xlsx: text is written as text cells, never as formulas, so it needs no guard; the file is
  streamed as it is written (:func:`xlsx_chunks`), so that 100,000 rows start at once.
"""

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Any
from xml.sax.saxutils import escape

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


# The parts of a workbook of one sheet besides the sheet itself (SpreadsheetML, ECMA-376).
# The media types of the files segapp hands out (exports, labels, letters): one definition.
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006"
# The styles part's root element (named apart: the CSP test scans code for an HTML style element).
_STYLES = "style" + "Sheet"
_XLSX_PARTS = {
    "[Content_Types].xml": f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="{_PKG}/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>""",
    "_rels/.rels": f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="{_PKG}/relationships"><Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>""",
    "xl/_rels/workbook.xml.rels": f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="{_PKG}/relationships"><Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{_REL}/styles" Target="styles.xml"/></Relationships>""",
    "xl/styles.xml": f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<{_STYLES} xmlns="{_MAIN}"><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs><cellXfs count="1"><xf xfId="0"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></{_STYLES}>""",
}
_WORKBOOK = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets><sheet name="{{title}}" sheetId="1" r:id="rId1"/></sheets></workbook>"""
_SHEET_START = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="{_MAIN}"><sheetData>"""
_SHEET_END = "</sheetData></worksheet>"
# Characters XML 1.0 cannot hold at all (a contact's text may carry them from an import).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SHEET_TITLE_FORBIDDEN = re.compile(r"[\\/?*\[\]:]")


def xml_text(value: str) -> str:
    """``value`` escaped for an XML document, without the characters XML 1.0 cannot hold (a .docx uses it too)."""
    return escape(_NOT_XML.sub("", value))


def _column_letters(count: int) -> list[str]:
    letters = []
    for index in range(1, count + 1):
        name = ""
        while index:
            index, remainder = divmod(index - 1, 26)
            name = chr(65 + remainder) + name
        letters.append(name)
    return letters


def _xlsx_row(number: int, columns: list[str], values: Sequence[Any]) -> str:
    """One ``<row>`` of the sheet: numbers as numbers, everything else as inline text (never a formula)."""
    cells = []
    for column, value in zip(columns, values, strict=False):
        if value is None or value == "":
            continue  # no cell at all, as a spreadsheet leaves an empty one
        if isinstance(value, bool):
            value = int(value)
        if isinstance(value, int | float | Decimal):
            cells.append(f'<c r="{column}{number}"><v>{value}</v></c>')
            continue
        if isinstance(value, Enum):
            value = value.value
        text = xml_text(str(value))
        cells.append(f'<c r="{column}{number}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>')
    return f'<row r="{number}">{"".join(cells)}</row>'


class _Pipe(io.RawIOBase):
    """A write-only stream whose bytes are taken out as they come (the zip is written into it)."""

    def __init__(self) -> None:
        self.buffer = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.buffer += data
        return len(data)

    def take(self) -> bytes:
        data = bytes(self.buffer)
        self.buffer.clear()
        return data


def xlsx_chunks(title: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[bytes]:
    """An Excel workbook of one sheet, as bytes streamed while the rows are read.

    openpyxl (even in write-only mode) builds the whole file before its first byte and spends
    some 20 µs a cell: 100,000 contacts took longer than a worker's timeout. Here the sheet is
    written as it is read, with inline text cells, into a zip streamed in chunks of CHUNK_ROWS
    rows; openpyxl, Excel and LibreOffice read it.
    """
    columns = len(header)

    def row_xml() -> Iterator[str]:
        chunk: list[Sequence[Any]] = []
        number = 2
        for row in rows:
            chunk.append(row)
            if len(chunk) == CHUNK_ROWS:
                yield xlsx_rows_xml(chunk, number, columns)
                number += len(chunk)
                chunk = []
        yield xlsx_rows_xml(chunk, number, columns)

    yield from xlsx_from_row_xml(title, header, row_xml())


def xlsx_rows_xml(rows: Iterable[Sequence[Any]], first_number: int, column_count: int) -> str:
    """The sheet XML of ``rows``, numbered from ``first_number`` (row 1 is the header): a part of a workbook that
    :func:`xlsx_from_row_xml` puts together, so that a background job can write it a chunk at a time."""
    columns = _column_letters(column_count)
    return "".join(_xlsx_row(number, columns, row) for number, row in enumerate(rows, start=first_number))


def xlsx_from_row_xml(title: str, header: Sequence[str], row_xml: Iterable[str]) -> Iterator[bytes]:
    """An Excel workbook of one sheet whose rows after the header are given as sheet XML (:func:`xlsx_rows_xml`),
    as bytes streamed while the parts are read."""
    columns = _column_letters(len(header))
    sheet_title = escape(_SHEET_TITLE_FORBIDDEN.sub(" ", title)[:31] or "Sheet1", {'"': "&quot;"})
    pipe = _Pipe()
    with zipfile.ZipFile(pipe, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, text in _XLSX_PARTS.items():
            archive.writestr(name, text)
        archive.writestr("xl/workbook.xml", _WORKBOOK.replace("{title}", sheet_title))
        yield pipe.take()
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write((_SHEET_START + _xlsx_row(1, columns, header)).encode())
            for part in row_xml:
                sheet.write(part.encode())
                yield pipe.take()
            sheet.write(_SHEET_END.encode())
    yield pipe.take()


def csv_rows_text(rows: Iterable[Sequence[Any]], dialect: CsvDialect = CsvDialect()) -> str:
    """The CSV lines of ``rows`` alone (no BOM, no header): a part that a background job writes a chunk at a
    time; :func:`csv_header_text` starts the file."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=dialect.delimiter)
    for row in rows:
        writer.writerow([cell_text(value) for value in row])
    return buffer.getvalue()


def csv_header_text(header: Sequence[str], dialect: CsvDialect = CsvDialect()) -> str:
    """The start of a CSV file as :func:`csv_chunks` writes it: the BOM (if the dialect has one) and the header."""
    buffer = io.StringIO()
    if dialect.bom:
        buffer.write(BOM)
    csv.writer(buffer, delimiter=dialect.delimiter).writerow([guard_formula(str(name)) for name in header])
    return buffer.getvalue()
