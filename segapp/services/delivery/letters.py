"""E-mail letters made fast (spec 5): a template version merged once with a marker for each of its keys, turned
into the pieces between the markers (its Word parts, and its HTML and plain text), so that each message only
joins its values in; the .docx is zipped again around the parts that changed, the others copied compressed.

What a letter holds is what ``merge.merge_document`` gives (the same prepared template, the same values of every
key); a template where a marker lands anywhere but in a text run of its own is merged letter by letter instead.
"""

import re
import struct
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from html import escape, unescape
from io import BytesIO

from mailmerge import MailMerge

from segapp import merge
from segapp.merge import library_options
from segapp.merge_layout import preserve_spaces, w
from segapp.merge_template import PreparedTemplate, prepare
from segapp.services.documents.preview import docx_html

_MARKER = "zqsegappmark{}qz"
_MARKERS = re.compile(r"zqsegappmark(\d+)qz")
_TEXT_OPEN = '<w:t xml:space="preserve">'
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
# Word's line break inside a merged value (as the merge writes it once preserve_spaces has run).
_XML_BREAK = '</w:t><w:br/><w:t xml:space="preserve">'
_BLOCK_END = re.compile(r"</(p|h[1-6]|li|tr)>|<br\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")
_BLANK_LINES = re.compile(r"\n{3,}")


Pieces = tuple[str, ...]  # literal, key index, literal, key index, ... literal (key indices as their digits)


def _split(text: str) -> Pieces:
    return tuple(_MARKERS.split(text))


def _join(pieces: Pieces, values: list[str]) -> str:
    out = []
    for index, piece in enumerate(pieces):
        out.append(values[int(piece)] if index % 2 else piece)
    return "".join(out)


@dataclass(frozen=True)
class _ZipEntry:
    name: bytes
    method: int
    crc: int
    size: int
    data: bytes  # compressed


@dataclass(frozen=True)
class CompiledLetter:
    """A template version ready to give many letters: the docx's parts and its HTML and text, as pieces."""

    prepared: PreparedTemplate
    keys: tuple[str, ...]
    entries: tuple[_ZipEntry | tuple[str, Pieces], ...]  # in zip order: copied as they are, or joined per letter
    html: Pieces
    text: Pieces

    def values(self, values: Mapping[str, str], locale: str) -> list[str]:
        """The value of every key for one letter, in marker order."""
        row = self.prepared.values(values, locale)
        return [row.get(key, "") for key in self.keys]

    def docx(self, row: list[str]) -> bytes:
        """The letter as a .docx."""
        xml_values = [escape(value, quote=False).replace("\n", _XML_BREAK) for value in row]
        entries = [
            entry if isinstance(entry, _ZipEntry) else _entry(entry[0], _join(entry[1], xml_values).encode())
            for entry in self.entries
        ]
        return _zip(entries)

    def html_body(self, row: list[str]) -> str:
        """The letter as HTML (safe: the values escaped, their line breaks as <br>)."""
        return _join(self.html, [escape(value).replace("\n", "<br>") for value in row])

    def text_body(self, row: list[str]) -> str:
        """The letter as plain text."""
        return _join(self.text, row)


def _entry(name: str, content: bytes, level: int = 6) -> _ZipEntry:
    compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
    data = compressor.compress(content) + compressor.flush()
    return _ZipEntry(name.encode(), zipfile.ZIP_DEFLATED, zlib.crc32(content), len(content), data)


# 1980-01-01 00:00, as Word's own files are dated
_DOS_TIME, _DOS_DATE = 0, (0 << 9) | (1 << 5) | 1


def _zip(entries: list[_ZipEntry]) -> bytes:
    """A zip of these entries (no zip64: a letter is small)."""
    out = BytesIO()
    central = []
    for entry in entries:
        offset = out.tell()
        flags = 0x800 if not entry.name.isascii() else 0
        fields = (20, flags, entry.method, _DOS_TIME, _DOS_DATE, entry.crc, len(entry.data), entry.size)
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, *fields, len(entry.name), 0))
        out.write(entry.name)
        out.write(entry.data)
        central.append(
            struct.pack("<IH", 0x02014B50, 20)
            + struct.pack("<HHHHHIIIHHHHHII", *fields, len(entry.name), 0, 0, 0, 0, 0, offset)
            + entry.name
        )
    start = out.tell()
    directory = b"".join(central)
    out.write(directory)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(directory), start, 0))
    return out.getvalue()


def html_text(html: str) -> str:
    """Plain text of a letter's HTML: a line per paragraph, a blank line between paragraphs."""
    text = _BLOCK_END.sub(lambda match: "\n" if match[0].lower().startswith("<br") else "\n\n", html)
    text = unescape(_TAG.sub("", text))
    return _BLANK_LINES.sub("\n\n", text).strip() + "\n"


def _marked_docx(prepared: PreparedTemplate, keys: tuple[str, ...]) -> bytes:
    """The template merged with each key's marker, each marker's text run keeping its spaces."""
    with MailMerge(BytesIO(prepared.docx), options=library_options(prepared)) as document:
        document.merge(**{key: _MARKER.format(index) for index, key in enumerate(keys)})
        for part in document.docx.get_parts():
            root = part["part"].getroot()
            preserve_spaces(root)
            for text in root.iter(w("t")):
                if text.text and _MARKERS.search(text.text):
                    text.set(_XML_SPACE, "preserve")
        out = BytesIO()
        document.write(out)
    return out.getvalue()


def _part_pieces(content: str) -> Pieces | None:
    """The part's pieces, or None when a marker is not alone in its text run (the value could not go there)."""
    pieces = _split(content)
    for index in range(1, len(pieces), 2):
        if not (pieces[index - 1].endswith(_TEXT_OPEN) and pieces[index + 1].startswith("</w:t>")):
            return None
    return pieces


@lru_cache(maxsize=8)
def compile_letter(template: bytes) -> CompiledLetter | None:
    """The template compiled for fast letters (cached: a send job's steps compile it once per process), or None
    when its letters must be merged one by one."""
    prepared = prepare(template)
    keys = tuple(prepared.report.specs)
    marked = _marked_docx(prepared, keys)
    entries: list[_ZipEntry | tuple[str, Pieces]] = []
    with zipfile.ZipFile(BytesIO(marked)) as archive:
        for info in archive.infolist():
            content = archive.read(info)
            if _MARKERS.search(content.decode("utf-8", "replace")):
                pieces = _part_pieces(content.decode("utf-8"))
                if pieces is None:
                    return None
                entries.append((info.filename, pieces))
            else:
                entries.append(_entry(info.filename, content))
    html = str(docx_html(marked))
    return CompiledLetter(prepared, keys, tuple(entries), _split(html), _split(html_text(html)))


def slow_docx(template: bytes, values: Mapping[str, str], locale: str) -> bytes:
    """One letter merged on its own (a template compile_letter could not take)."""
    return merge.merge_document(template, values, locale=locale)
