"""Word documents the document tests upload: letters with MERGEFIELDs (python-docx, fields as Word writes them)
and crafted bad files (not a .docx, macros, a zip bomb)."""

import io
import zipfile

from docx import Document

from segapp.services.documents.starter import add_merge_field


def docx_with_fields(*names: str, text: str = "Dear customer,") -> bytes:
    """A .docx whose body holds ``text`` and a paragraph with each named MERGEFIELD."""
    document = Document()
    document.add_paragraph(text)
    for name in names:
        add_merge_field(document.add_paragraph(), name)
    written = io.BytesIO()
    document.save(written)
    return written.getvalue()


def _rezipped(docx: bytes, extra: dict[str, bytes], replace: dict[str, bytes] | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, (replace or {}).get(item.filename, source.read(item)))
        for name, data in extra.items():
            target.writestr(name, data)
    return out.getvalue()


def macro_enabled_docx() -> bytes:
    """A .docm saved under a .docx name: a VBA project and the macro-enabled main part type."""
    docx = docx_with_fields("ContactName")
    with zipfile.ZipFile(io.BytesIO(docx)) as source:
        types = source.read("[Content_Types].xml")
    types = types.replace(
        b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        b"application/vnd.ms-word.document.macroEnabled.main+xml",
    )
    return _rezipped(docx, {"word/vbaProject.bin": b"\xd0\xcf\x11\xe0" + b"\0" * 2048}, {"[Content_Types].xml": types})


def zip_bomb_docx(unpacked_mb: int = 400) -> bytes:
    """A real .docx carrying a part that unpacks to ``unpacked_mb`` MB of zeros (about 1,000 times its size)."""
    out = io.BytesIO(docx_with_fields("ContactName"))
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as target, target.open("word/media/image1.bin", "w") as part:
        chunk = b"\0" * (1024 * 1024)
        for _ in range(unpacked_mb):
            part.write(chunk)
    return out.getvalue()


def zip_without_document() -> bytes:
    """A zip that is no Word document (no word/document.xml)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        target.writestr("notes.txt", "hello")
    return out.getvalue()


# The first bytes of an old binary Word document (.doc): an OLE compound file, not a zip.
OLD_WORD_DOC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4096
