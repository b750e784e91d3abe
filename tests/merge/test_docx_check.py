"""Crafted bad files refused with their reason; a real Word document passes."""

import zipfile
from io import BytesIO

import pytest

from segapp.merge import DocxRejected, check_docx
from tests.merge.wordml import make_docx, mergefield, para, replace_part

CAP = 5 * 1024 * 1024


def rejected(data: bytes, max_bytes: int = CAP) -> DocxRejected:
    with pytest.raises(DocxRejected) as refused:
        check_docx(data, max_bytes=max_bytes)
    return refused.value


def test_a_word_document_passes() -> None:
    check_docx(make_docx(para(mergefield("LastName"))), max_bytes=CAP)


def test_over_the_cap() -> None:
    data = make_docx(para(mergefield("LastName")))
    assert rejected(data, max_bytes=len(data) - 1).reason == "too_large"


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"%PDF-1.7 not a word document",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600,  # an old .doc (OLE), or an encrypted .docx
        make_docx(para())[:2000],  # cut short
    ],
)
def test_not_a_docx(data: bytes) -> None:
    assert rejected(data).reason == "not_docx"


def _zip(files: dict[str, bytes]) -> bytes:
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return out.getvalue()


def test_a_zip_that_is_not_a_word_document() -> None:
    assert rejected(_zip({"hello.txt": b"hi"})).reason == "not_docx"
    types = b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
    assert rejected(_zip({"[Content_Types].xml": types})).reason == "not_docx"


def test_broken_xml_and_an_entity_bomb() -> None:
    data = make_docx(para())
    assert rejected(replace_part(data, "word/document.xml", b"<w:document")).reason == "not_docx"
    bomb = b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]><w:document xmlns:w="x">&lol;</w:document>'
    assert rejected(replace_part(data, "word/document.xml", bomb)).reason == "not_docx"


def test_a_macro_enabled_document() -> None:
    data = make_docx(para(mergefield("LastName")))
    assert rejected(replace_part(data, "word/vbaProject.bin", b"\0" * 100)).reason == "macro_enabled"
    with zipfile.ZipFile(BytesIO(data)) as archive:
        types = archive.read("[Content_Types].xml")
    docm = types.replace(
        b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        b"application/vnd.ms-word.document.macroEnabled.main+xml",
    )
    assert rejected(replace_part(data, "[Content_Types].xml", docm)).reason == "macro_enabled"
    hidden = types.replace(
        b"<Default ", b'<Default Extension="dat" ContentType="application/vnd.ms-office.vbaProject"/><Default ', 1
    )
    assert (
        rejected(replace_part(replace_part(data, "[Content_Types].xml", hidden), "word/x.dat", b"\0")).reason
        == "macro_enabled"
    )


def test_a_zip_bomb() -> None:
    data = make_docx(para())
    # 200 MB of zeros compress to a few hundred kilobytes, well under the cap
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        with zipfile.ZipFile(BytesIO(data)) as source:
            for info in source.infolist():
                archive.writestr(info, source.read(info))
        with archive.open("word/media/image1.png", "w", force_zip64=True) as big:
            for _ in range(200):
                big.write(b"\0" * (1024 * 1024))
    bomb = out.getvalue()
    assert len(bomb) < CAP
    assert rejected(bomb).reason == "zip_bomb"


def test_a_part_that_compresses_like_a_bomb() -> None:
    # 30 MB of one character: under the total limit, but no letter's part compresses a thousandfold
    data = replace_part(make_docx(para()), "word/glossary.xml", b"<a>" + b"a" * (30 * 1024 * 1024) + b"</a>")
    assert rejected(data).reason == "zip_bomb"
