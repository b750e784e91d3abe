"""Open an import file: CSV (delimiter and encoding detected) or Excel .xlsx, read as rows of text.

Reading is bounded in time and memory whatever the file says about itself: at most
``MAX_COLUMNS`` columns, cells of at most ``MAX_CELL`` characters (Excel's own limit), and for
.xlsx at most ``MAX_UNPACKED`` bytes unpacked and ``MAX_SHARED_STRINGS`` shared strings, no more
than its sheets have cells. Each is refused with the reason (a ``ServiceError``), never a crash.
"""

import codecs
import csv
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from charset_normalizer import from_bytes
from flask_babel import format_number
from flask_babel import gettext as _

from segapp.exporting import GUARD, unguard_formula
from segapp.services.errors import ServiceError

CSV_EXTENSIONS = frozenset({".csv", ".txt", ".tsv"})
XLSX_EXTENSIONS = frozenset({".xlsx"})
DELIMITERS = ",;\t|"
SAMPLE_BYTES = 256 * 1024
READ_CHUNK = 1024 * 1024
# Characters that never belong in an address book; their presence means binary data.
_BINARY = re.compile(r"[\x00-\x08\x0b\x0e-\x19\x1c-\x1f]")
# Guesses for Latin-script text: short files tell these apart poorly, so Windows-1252 (what
# Excel and Outlook write in Western Europe) is tried first.
_LATIN = frozenset(
    {
        "ascii",
        "latin_1",
        "cp1250",
        "cp1252",
        "cp1254",
        "cp1257",
        "cp1258",
        "cp437",
        "cp850",
        "cp858",
        "mac_roman",
        "mac_latin2",
        "mac_iceland",
        "mac_turkish",
    }
)
_NON_LATIN_ISO = frozenset({"iso8859_5", "iso8859_6", "iso8859_7", "iso8859_8", "iso8859_11"})
ENCODING_LABELS = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 (BOM)",
    "utf-16": "UTF-16",
    "utf-16-le": "UTF-16 LE",
    "utf-16-be": "UTF-16 BE",
    "cp1252": "Windows-1252",
    "latin_1": "ISO-8859-1",
}
DELIMITER_LABELS = {",": ",", ";": ";", "\t": "Tab", "|": "|"}
MAX_COLUMNS = 200
MAX_CELL = 32_767  # characters: Excel's own limit for a cell
MAX_UNPACKED = 200 * 1024 * 1024  # bytes of all the parts of an .xlsx, unpacked
MAX_SHARED_STRINGS = 1_000_000
# The first rows are kept when the file is opened, for the mapping page's preview: that many rows
# with text, looked for in that many rows at most, as long as they hold that much text at most.
HEAD_ROWS = 10
HEAD_SCAN = 1_000
HEAD_CHARACTERS = 1_000_000
# The csv module refuses a longer field with csv.Error, which rows() reports as a refusal.
csv.field_size_limit(MAX_CELL)
# An element's start tag in an .xlsx part (with or without a namespace prefix).
_SHARED_STRING = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s>/]")
_ROW_OR_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c)[\s>/]")
# Cell references whose column has two or three letters (AA and beyond).
_WIDE_REFERENCE = re.compile(rb"\br=\"([A-Z]{2,3})[0-9]")
_QUOTED = re.compile(r'"[^"]*"')
CONTENT_TYPES = "[Content_Types].xml"
SHARED_STRINGS_TYPE = b"spreadsheetml.sharedStrings+xml"
_OVERRIDE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?Override\b[^>]*>")
_PART_NAME = re.compile(rb'PartName\s*=\s*"([^"]*)"')


@dataclass
class ImportFile:
    """A readable import file: its kind, the detected encoding and delimiter, and its header."""

    path: Path
    kind: str  # "csv" or "xlsx"
    columns: list[str]
    encoding: str = ""
    delimiter: str = ""
    head: list[list[str]] | None = None  # the first data rows (see HEAD_ROWS), if kept

    def first_rows(self) -> Iterator[list[str]]:
        """The data rows from the start, for a preview: those kept when the file was opened, if any."""
        return iter(self.head) if self.head is not None else self.rows()

    @property
    def encoding_label(self) -> str:
        """The encoding as users know it (``Windows-1252``)."""
        return ENCODING_LABELS.get(self.encoding, self.encoding.upper().replace("_", "-"))

    @property
    def delimiter_label(self) -> str:
        """The delimiter as shown to users (``;``, ``Tab``)."""
        return DELIMITER_LABELS.get(self.delimiter, self.delimiter)

    def facts(self) -> dict[str, Any]:
        """What was found when the file was opened, to open it again without reading it (``reopen``)."""
        facts = asdict(self)
        facts["path"] = str(self.path)
        return facts

    def rows(self) -> Iterator[list[str]]:
        """Data rows after the header, read lazily, each cell as text; blank rows stay in to keep row numbers.
        A row wider than ``MAX_COLUMNS`` or a cell longer than ``MAX_CELL`` stops the reading with a refusal."""
        source = _raw_rows(self.path, self.kind, self.encoding, self.delimiter)
        try:
            next(source, None)
            for row_number, row in enumerate(source, start=2):
                _check_row(row, row_number)
                yield row
        finally:
            source.close()


def reopen(facts: dict[str, Any]) -> ImportFile:
    """The file opened before, from its ``facts()``: nothing is read again."""
    return ImportFile(
        Path(facts["path"]),
        str(facts["kind"]),
        [str(column) for column in facts["columns"]],
        str(facts.get("encoding", "")),
        str(facts.get("delimiter", "")),
        facts.get("head"),
    )


def _raw_rows(path: Path, kind: str, encoding: str, delimiter: str) -> Iterator[list[str]]:
    return _csv_rows(path, encoding, delimiter) if kind == "csv" else _xlsx_rows(path)


def _check_row(row: list[str], row_number: int) -> None:
    if len(row) > MAX_COLUMNS:
        raise ServiceError(
            _(
                "Row %(row)d has more than %(max)d columns: at most %(max)d can be imported.",
                row=row_number,
                max=MAX_COLUMNS,
            ),
            "file",
        )
    for cell in row:
        if len(cell) > MAX_CELL:
            raise ServiceError(_cell_too_long(row_number), "file")


def open_import_file(path: Path, filename: str, max_bytes: int) -> ImportFile:
    """Check and open an uploaded file; refuse it with the reason when it cannot be imported."""
    extension = Path(filename or "").suffix.lower()
    if extension not in CSV_EXTENSIONS | XLSX_EXTENSIONS:
        raise ServiceError(_("Only CSV and Excel (.xlsx) files can be imported."), "file")
    size = path.stat().st_size
    if size > max_bytes:
        raise ServiceError(
            _("The file is too large: the limit is %(mb)s MB.", mb=f"{max_bytes / 1024 / 1024:g}"), "file"
        )
    if size == 0:
        raise ServiceError(_("The file is empty."), "file")
    with path.open("rb") as handle:
        head = handle.read(SAMPLE_BYTES)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ServiceError(_("This is an old Excel .xls file: save it as .xlsx or CSV and try again."), "file")
    if extension in XLSX_EXTENSIONS or head.startswith(b"PK\x03\x04"):
        if not head.startswith(b"PK\x03\x04"):
            raise ServiceError(_("The file is not a valid Excel .xlsx workbook."), "file")
        check_xlsx_parts(path)
        columns, first = _header_and_head(_xlsx_rows(path))
        return ImportFile(path, "xlsx", columns, head=first)
    encoding = detect_encoding(path, head)
    text = head.decode(encoding, errors="ignore")
    delimiter = detect_delimiter(text)
    columns, first = _header_and_head(_csv_rows(path, encoding, delimiter))
    return ImportFile(path, "csv", columns, encoding, delimiter, head=first)


def detect_encoding(path: Path, head: bytes) -> str:
    """The codec that decodes the whole file: BOM first, then UTF-8, then charset-normalizer's guess."""
    if head.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    elif b"\x00" in head[:4096]:
        # UTF-16 without BOM: ASCII letters have their zero byte on one side.
        even_zeros = head[0:4096:2].count(0)
        candidates = ["utf-16-be" if even_zeros > head[1:4096:2].count(0) else "utf-16-le"]
    else:
        candidates = ["utf-8"]
        best = from_bytes(head).best()
        if best is None:
            raise ServiceError(_("The file is not readable text: it may be binary or damaged."), "file")
        guess = best.encoding
        latin = guess in _LATIN or (guess.startswith("iso8859_") and guess not in _NON_LATIN_ISO)
        candidates += ["cp1252", guess, "latin_1"] if latin else [guess, "cp1252", "latin_1"]
    for encoding in candidates:
        if _decodes(path, encoding):
            return encoding
    raise ServiceError(_("The file is not readable text: it may be binary or damaged."), "file")


def _decodes(path: Path, encoding: str) -> bool:
    """True when the whole file decodes with ``encoding`` into text without binary control characters."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(READ_CHUNK):
                if _BINARY.search(decoder.decode(chunk)):
                    return False
            return not _BINARY.search(decoder.decode(b"", final=True))
    except (UnicodeDecodeError, LookupError):
        return False


def detect_delimiter(text: str) -> str:
    """Comma, semicolon, tab or pipe, from csv.Sniffer or else from the header line."""
    sample = "\n".join(text.splitlines()[:50])
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        header = sample.split("\n", 1)[0]
        counts = {d: header.count(d) for d in DELIMITERS}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","


def check_xlsx_parts(path: Path) -> None:
    """Refuse a workbook whose parts unpack to too much, or whose shared strings outnumber the limit or
    its cells; counted in the parts themselves, whatever their declared counts and ``<dimension>`` say."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
            if sum(part.file_size for part in parts) > MAX_UNPACKED:
                raise ServiceError(
                    _(
                        "The workbook unpacks to more than %(mb)d MB: save it as CSV or split it.",
                        mb=MAX_UNPACKED // 1024 // 1024,
                    ),
                    "file",
                )
            names = [part.filename for part in parts]
            # openpyxl finds its shared strings by content type, its sheets by relations that may
            # point anywhere: every part that is not a shared-string table is counted as a sheet.
            tables = _shared_string_parts(archive, names)
            cells = sum(_count_cells(archive, name) for name in names if name not in tables)
            # Counting stops as soon as the count is refused: a crafted table is not read to its end.
            limit = min(MAX_SHARED_STRINGS, cells)
            shared = sum(_count_shared_strings(archive, name, limit) for name in tables)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError) as error:
        raise ServiceError(_("The file is not a valid Excel .xlsx workbook."), "file") from error
    if shared > MAX_SHARED_STRINGS or shared > cells:
        raise ServiceError(
            _(
                "The workbook's table of texts has more entries than its cells or than %(max)s: "
                "it may be damaged. Save it again from Excel or as CSV.",
                max=format_number(MAX_SHARED_STRINGS),
            ),
            "file",
        )


def _shared_string_parts(archive: zipfile.ZipFile, names: list[str]) -> set[str]:
    """The parts declared as shared-string tables in ``[Content_Types].xml``, and any named like one."""
    tables = {name for name in names if name.lower().endswith("sharedstrings.xml")}
    if CONTENT_TYPES in names:
        with archive.open(CONTENT_TYPES) as part:
            declared = part.read(READ_CHUNK)
        for match in _OVERRIDE.finditer(declared):
            if SHARED_STRINGS_TYPE in match.group(0):
                found = _PART_NAME.search(match.group(0))
                if found:
                    tables.add(found.group(1).decode("utf-8", "replace").lstrip("/"))
    return tables & set(names)


def _too_many_columns() -> str:
    return _("The file has more than %(max)d columns: at most %(max)d can be imported.", max=MAX_COLUMNS)


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _pieces(archive: zipfile.ZipFile, name: str) -> Iterator[bytes]:
    """The part unpacked chunk by chunk, each cut before its last ``<`` so that no tag is cut in two."""
    tail = b""
    with archive.open(name) as part:
        while chunk := part.read(READ_CHUNK):
            text = tail + chunk
            cut = text.rfind(b"<")
            if cut <= 0:
                cut = len(text)
            yield text[:cut]
            tail = text[cut:]
    yield tail


def _count_shared_strings(archive: zipfile.ZipFile, name: str, limit: int) -> int:
    """The entries of a shared-string table, counted up to one past ``limit``."""
    count = 0
    for piece in _pieces(archive, name):
        count += len(_SHARED_STRING.findall(piece))
        if count > limit:
            break
    return count


def _count_cells(archive: zipfile.ZipFile, name: str) -> int:
    """The cells of a sheet; refuses a row of more than ``MAX_COLUMNS`` cells or a cell beyond that column."""
    cells = in_row = 0
    for piece in _pieces(archive, name):
        for letters in _WIDE_REFERENCE.findall(piece):
            if _column_number(letters) > MAX_COLUMNS:
                raise ServiceError(_too_many_columns(), "file")
        for match in _ROW_OR_CELL.finditer(piece):
            if match.group(1) == b"row":
                in_row = 0
                continue
            cells += 1
            in_row += 1
            if in_row > MAX_COLUMNS:
                raise ServiceError(_too_many_columns(), "file")
    return cells


def _header_and_head(rows: Iterator[list[str]]) -> tuple[list[str], list[list[str]] | None]:
    """The column names, checked, and the first data rows (None when they hold too much text)."""
    try:
        try:
            header = next(rows, None)
        except (csv.Error, UnicodeDecodeError) as error:
            reason = str(error)
            raise ServiceError(_("The file cannot be read as CSV: %(reason)s", reason=reason), "file") from error
        columns = _columns(header)
        return columns, _head(rows)
    finally:
        close = getattr(rows, "close", None)
        if close:
            close()


def _columns(header: list[str] | None) -> list[str]:
    if header is not None and len(header) > MAX_COLUMNS:
        raise ServiceError(_too_many_columns(), "file")
    _check_row(header or [], 1)
    columns = [cell.strip() for cell in header or []]
    if not any(columns):
        raise ServiceError(_("The first row must hold the column names, and it is empty."), "file")
    if len(set(c for c in columns if c)) < len([c for c in columns if c]):
        raise ServiceError(_("Two columns have the same name in the header row."), "file")
    return columns


def _head(rows: Iterator[list[str]]) -> list[list[str]] | None:
    """The rows a preview reads: up to ``HEAD_ROWS`` rows with text within the first ``HEAD_SCAN``."""
    head: list[list[str]] = []
    filled = size = 0
    for row_number, row in enumerate(rows, start=2):
        if row_number > HEAD_SCAN:
            break
        _check_row(row, row_number)
        head.append(row)
        size += sum(len(cell) for cell in row)
        if size > HEAD_CHARACTERS:
            return None
        if any(cell.strip() for cell in row):
            filled += 1
            if filled >= HEAD_ROWS:
                break
    return head


def _cell_too_long(row_number: int) -> str:
    return _(
        "Row %(row)d has a cell longer than %(max)s characters, the most a cell can hold.",
        row=row_number,
        max=format_number(MAX_CELL),
    )


def _bounded_lines(lines: Iterable[str], delimiter: str) -> Iterator[str]:
    """The lines, refusing one with more delimiters outside quotes than ``MAX_COLUMNS`` columns have,
    before the csv module makes a list of all its fields (a line of commas gives millions)."""
    for line in lines:
        if line.count(delimiter) >= MAX_COLUMNS and _QUOTED.sub("", line).count(delimiter) >= MAX_COLUMNS:
            raise ServiceError(_too_many_columns(), "file")
        yield line


def _csv_rows(path: Path, encoding: str, delimiter: str) -> Iterator[list[str]]:
    with path.open("r", encoding=encoding, newline="") as handle:
        reader = csv.reader(_bounded_lines(handle, delimiter), delimiter=delimiter)
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                if "field larger than field limit" in str(error):
                    raise ServiceError(_cell_too_long(max(reader.line_num, 1)), "file") from error
                raise ServiceError(
                    _("The file cannot be read as CSV: %(reason)s", reason=str(error)), "file"
                ) from error
            # An apostrophe that an export put before a formula start (segapp.exporting) comes off.
            yield [unguard_formula(cell) if cell[:1] == GUARD else cell for cell in row]


def _xlsx_rows(path: Path) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    # A file object, not the path: openpyxl refuses paths whose name does not end in .xlsx.
    with path.open("rb") as handle:
        try:
            workbook = load_workbook(handle, read_only=True, data_only=True)
        except Exception as error:  # openpyxl raises many kinds for a damaged or foreign zip
            raise ServiceError(_("The file is not a valid Excel .xlsx workbook."), "file") from error
        try:
            sheet = workbook.worksheets[0]
            # openpyxl pads every row to the size the sheet's <dimension> declares: a crafted
            # A1:XFD1048576 would make a billion cells. Rows come as long as their own cells.
            sheet.reset_dimensions()
            for values in sheet.iter_rows(values_only=True):
                yield [cell_text(value) for value in values]
        finally:
            workbook.close()


def cell_text(value: object) -> str:
    """An Excel cell as the text a user sees: whole numbers without ``.0``, dates as ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
