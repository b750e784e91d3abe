"""The checks an uploaded Word document passes before segapp keeps or merges it.

A real .docx (a zip holding a WordprocessingML main document), no macros, not a zip bomb, within the size cap.
The reasons are codes: the services make the messages users see from them, translated.
"""

import zipfile
from io import BytesIO

from lxml import etree

MAIN_DOCUMENT = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
# a Word template (.dotx) is a letter too: merged as a document
MAIN_TEMPLATE = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
MACRO_TYPES = ("macroEnabled", "vbaProject", "vbaData")
# what a letter's parts may decompress to, in total, and how many parts it may have
MAX_UNCOMPRESSED = 100 * 1024 * 1024
MAX_PARTS = 2000
# an XML part that compresses more than this, and is large, is a bomb, not a letter
MAX_RATIO = 200
READ_BLOCK = 64 * 1024
CONTENT_TYPES_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"


class DocxRejected(ValueError):
    """A document segapp refuses: `.reason` a code, `.detail` what in the file made it so."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def parse_xml(data: bytes) -> etree._Element:
    """An XML part parsed without entities or network; a DOCTYPE (entity bombs) is refused."""
    if b"<!DOCTYPE" in data[:4096] or b"<!ENTITY" in data[:4096]:
        raise DocxRejected("not_docx", "a DOCTYPE in an XML part")
    try:
        return etree.fromstring(data, SAFE_PARSER)
    except etree.XMLSyntaxError as error:
        raise DocxRejected("not_docx", str(error)) from error


def _read_bounded(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int) -> int:
    """The bytes an entry really decompresses to (headers can lie), stopping past the budget."""
    size = 0
    with archive.open(info) as stream:
        while block := stream.read(READ_BLOCK):
            size += len(block)
            if size > budget:
                raise DocxRejected("zip_bomb", info.filename)
            if size > 1024 * 1024 and size > MAX_RATIO * max(info.compress_size, 1):
                raise DocxRejected("zip_bomb", info.filename)
    return size


def check_docx(data: bytes, *, max_bytes: int) -> None:
    """Raise DocxRejected unless data is a .docx segapp may keep: real, macro-free, no bomb, within max_bytes."""
    if len(data) > max_bytes:
        raise DocxRejected("too_large", str(len(data)))
    try:
        archive = zipfile.ZipFile(BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise DocxRejected("not_docx", str(error)) from error
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_PARTS:
            raise DocxRejected("zip_bomb", f"{len(infos)} parts")
        names = {info.filename for info in infos}
        if any(name.lower().endswith(("vbaproject.bin", "vbadata.xml")) for name in names):
            raise DocxRejected("macro_enabled", "vbaProject.bin")
        if "[Content_Types].xml" not in names:
            raise DocxRejected("not_docx", "no [Content_Types].xml")
        if sum(info.file_size for info in infos) > MAX_UNCOMPRESSED:
            raise DocxRejected("zip_bomb", "declared sizes")
        budget = MAX_UNCOMPRESSED
        try:
            for info in infos:
                budget -= _read_bounded(archive, info, budget)
            types = parse_xml(archive.read("[Content_Types].xml"))
            main = None
            # a VBA project may hide under any name, declared by its extension (Default) or its name (Override)
            for override in types.iter(f"{CONTENT_TYPES_NS}Override", f"{CONTENT_TYPES_NS}Default"):
                content_type = override.get("ContentType", "")
                if any(mark in content_type for mark in MACRO_TYPES):
                    raise DocxRejected("macro_enabled", content_type)
                if content_type in (MAIN_DOCUMENT, MAIN_TEMPLATE):
                    main = override.get("PartName", "").lstrip("/")
            if main is None or main not in names:
                raise DocxRejected("not_docx", "no Word main document")
            for name in names:
                if name.endswith((".xml", ".rels")):
                    parse_xml(archive.read(name))
        except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError, RuntimeError) as error:
            # a damaged entry, a bad CRC, an encryption or compression the zip module cannot read
            raise DocxRejected("not_docx", str(error)) from error
