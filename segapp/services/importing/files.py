"""Open an import file: CSV (delimiter and encoding detected) or Excel .xlsx, read as rows of text."""

import codecs
import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from charset_normalizer import from_bytes
from flask_babel import gettext as _

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
csv.field_size_limit(1024 * 1024)


@dataclass
class ImportFile:
    """A readable import file: its kind, the detected encoding and delimiter, and its header."""

    path: Path
    kind: str  # "csv" or "xlsx"
    columns: list[str]
    encoding: str = ""
    delimiter: str = ""

    @property
    def encoding_label(self) -> str:
        """The encoding as users know it (``Windows-1252``)."""
        return ENCODING_LABELS.get(self.encoding, self.encoding.upper().replace("_", "-"))

    @property
    def delimiter_label(self) -> str:
        """The delimiter as shown to users (``;``, ``Tab``)."""
        return DELIMITER_LABELS.get(self.delimiter, self.delimiter)

    def rows(self) -> Iterator[list[str]]:
        """Data rows after the header, read lazily, each cell as text; blank rows stay in to keep row numbers."""
        source = _csv_rows(self.path, self.encoding, self.delimiter) if self.kind == "csv" else _xlsx_rows(self.path)
        next(source, None)
        yield from source


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
        return ImportFile(path, "xlsx", _header(_xlsx_rows(path)))
    encoding = detect_encoding(path, head)
    text = head.decode(encoding, errors="ignore")
    delimiter = detect_delimiter(text)
    return ImportFile(path, "csv", _header(_csv_rows(path, encoding, delimiter)), encoding, delimiter)


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


def _header(rows: Iterator[list[str]]) -> list[str]:
    try:
        header = next(rows, None)
    except (csv.Error, UnicodeDecodeError) as error:
        raise ServiceError(_("The file cannot be read as CSV: %(reason)s", reason=str(error)), "file") from error
    finally:
        close = getattr(rows, "close", None)
        if close:
            close()
    columns = [cell.strip() for cell in header or []]
    if not any(columns):
        raise ServiceError(_("The first row must hold the column names, and it is empty."), "file")
    if len(set(c for c in columns if c)) < len([c for c in columns if c]):
        raise ServiceError(_("Two columns have the same name in the header row."), "file")
    return columns


def _csv_rows(path: Path, encoding: str, delimiter: str) -> Iterator[list[str]]:
    with path.open("r", encoding=encoding, newline="") as handle:
        yield from csv.reader(handle, delimiter=delimiter)


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
