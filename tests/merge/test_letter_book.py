"""The combined printable document: one section per letter, each with its own header and footer."""

import zipfile
from io import BytesIO

from docx import Document
from lxml import etree

from segapp.merge import LetterBook, merge_document
from tests.merge.wordml import (
    W,
    footnote_texts,
    make_docx,
    mergefield,
    para,
    part_xml,
    q,
    replace_part,
    run,
    sections,
    with_footnote,
)

CONTACTS = [
    {"Name": "Anna Rossi", "City": "Roma", "No": "R00001"},
    {"Name": "Bruno Bianchi", "City": "Milano", "No": "R00002"},
    {"Name": "Carla Verdi", "City": "Napoli", "No": "R00003"},
]


def template() -> bytes:
    return make_docx(
        para(
            '<w:bookmarkStart w:id="0" w:name="greeting"/>',
            run("Dear "),
            mergefield("name"),
            '<w:bookmarkEnd w:id="0"/>',
        )
        + para(run("Date: "), mergefield("Date", '\\@ "d MMMM yyyy"')),
        header=para(run("Contact "), mergefield("No")),
        footer=para(mergefield("City", "\\* Upper")),
    )


def assembled(book: LetterBook, chunks: list[bytes]) -> bytes:
    out = BytesIO()
    book.assemble(iter(chunks), out)
    return out.getvalue()


def test_one_section_per_letter_with_its_own_header_and_footer() -> None:
    book = LetterBook(template(), locale="it")
    values = [dict(contact, Date="2026-11-28") for contact in CONTACTS]
    combined = assembled(book, [book.chunk(values[:2], first_index=0), book.chunk(values[2:], first_index=2)])
    found = sections(combined)
    assert [s["body"] for s in found] == [f"Dear {c['Name']}\nDate: 28 novembre 2026" for c in CONTACTS]
    assert [s["header"] for s in found] == ["Contact R00001", "Contact R00002", "Contact R00003"]
    assert [s["footer"] for s in found] == ["ROMA", "MILANO", "NAPOLI"]
    document = Document(BytesIO(combined))
    assert len(document.sections) == 3
    # each letter starts a new page and numbers its pages from 1
    for section in part_xml(combined, "word/document.xml").iter(q("sectPr")):
        assert section.find(q("type")).get(q("val")) == "nextPage"
        assert section.find(q("pgNumType")).get(q("start")) == "1"


def test_bookmark_names_and_ids_are_unique() -> None:
    book = LetterBook(template())
    combined = assembled(book, [book.chunk(CONTACTS, first_index=0)])
    bookmarks = list(part_xml(combined, "word/document.xml").iter(q("bookmarkStart")))
    assert len(bookmarks) == 3
    assert len({b.get(q("name")) for b in bookmarks}) == 3
    assert len({b.get(q("id")) for b in bookmarks}) == 3
    ends = {e.get(q("id")) for e in part_xml(combined, "word/document.xml").iter(q("bookmarkEnd"))}
    assert ends == {b.get(q("id")) for b in bookmarks}


def test_a_personalised_letter_is_taken_as_it_is() -> None:
    source = template()
    personalised = merge_document(source, dict(CONTACTS[1], Date="2026-01-02"))
    # the user edited it in Word: a paragraph of their own
    document = part_xml(personalised, "word/document.xml")
    added = etree.fromstring(f'<w:p xmlns:w="{W}"><w:r><w:t>P.S. see you soon</w:t></w:r></w:p>')
    document.find(q("body")).find(q("sectPr")).addprevious(added)
    edited = replace_part(personalised, "word/document.xml", etree.tostring(document))
    book = LetterBook(source)
    combined = assembled(book, [book.chunk([CONTACTS[0], edited, CONTACTS[2]], first_index=0)])
    found = sections(combined)
    assert found[1]["body"] == "Dear Bruno Bianchi\nDate: 2 January 2026\nP.S. see you soon"
    assert found[1]["header"] == "Contact R00002"
    assert found[1]["footer"] == "MILANO"
    assert found[2]["header"] == "Contact R00003"


def test_chunks_made_apart_resume_where_they_left_off() -> None:
    first = LetterBook(template())
    chunk_one = first.chunk(CONTACTS[:1], first_index=0)
    # a new worker, a new book: the next chunk continues the numbering
    second = LetterBook(template())
    chunk_two = second.chunk(CONTACTS[1:], first_index=1)
    combined = assembled(second, [chunk_one, chunk_two])
    assert [s["header"] for s in sections(combined)] == ["Contact R00001", "Contact R00002", "Contact R00003"]
    names = [info for info in zipfile.ZipFile(BytesIO(combined)).namelist() if "header" in info]
    assert len(names) == len(set(names))


def test_each_letter_has_its_own_footnotes_merged() -> None:
    source = with_footnote(
        make_docx(para(run("See note"), '<w:r><w:footnoteReference w:id="1"/></w:r>')),
        para(run("Customer "), mergefield("No")),
    )
    assert footnote_texts(merge_document(source, CONTACTS[0])) == {"1": "Customer R00001"}
    book = LetterBook(source)
    combined = assembled(book, [book.chunk(CONTACTS[:2], first_index=0), book.chunk(CONTACTS[2:], first_index=2)])
    notes = footnote_texts(combined)
    assert sorted(notes.values()) == ["Customer R00001", "Customer R00002", "Customer R00003"]
    references = [r.get(q("id")) for r in part_xml(combined, "word/document.xml").iter(q("footnoteReference"))]
    # each letter refers to its own note
    assert [notes[ref] for ref in references] == ["Customer R00001", "Customer R00002", "Customer R00003"]
    separators = [n for n in part_xml(combined, "word/footnotes.xml").iter(q("footnote")) if n.get(q("type"))]
    assert len(separators) == 2


def test_drawing_ids_are_unique_and_a_two_section_template_keeps_its_sections() -> None:
    drawing = (
        '<w:r><w:drawing><wp:inline><wp:extent cx="100" cy="100"/><wp:docPr id="7" name="Logo"/>'
        "</wp:inline></w:drawing></w:r>"
    )
    two_sections = (
        para(drawing, run("Page one "), mergefield("Name"))
        + '<w:p><w:pPr><w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:pPr></w:p>'
        + para(run("Page two "), mergefield("City"))
    )
    book = LetterBook(make_docx(two_sections))
    combined = assembled(book, [book.chunk(CONTACTS[:2], first_index=0)])
    document = part_xml(combined, "word/document.xml")
    ids = [
        d.get("id")
        for d in document.iter("{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr")
    ]
    assert len(ids) == 2 and len(set(ids)) == 2
    assert [s["body"] for s in sections(combined)] == [
        "Page one Anna Rossi\n",
        "Page two Roma",
        "Page one Bruno Bianchi\n",
        "Page two Milano",
    ]
    assert len(Document(BytesIO(combined)).sections) == 4


def _png() -> bytes:
    """A 1×1 PNG."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0\0\0\0")) + chunk(b"IEND", b"")
    )


def test_a_personalised_letter_brings_its_own_picture_and_footnote() -> None:
    source = with_footnote(
        make_docx(para(run("Dear "), mergefield("Name"), '<w:r><w:footnoteReference w:id="1"/></w:r>')),
        para(run("Note for "), mergefield("No")),
    )
    personalised = Document(BytesIO(merge_document(source, CONTACTS[1])))
    personalised.add_paragraph().add_run().add_picture(BytesIO(_png()))
    edited = BytesIO()
    personalised.save(edited)
    book = LetterBook(source)
    combined = assembled(book, [book.chunk([CONTACTS[0], edited.getvalue()], first_index=0)])
    document = Document(BytesIO(combined))
    pictures = [part for part in document.part.package.iter_parts() if part.partname.startswith("/word/media/segapp1_")]
    assert len(pictures) == 1 and pictures[0].blob == _png()
    blip = next(
        part_xml(combined, "word/document.xml").iter("{http://schemas.openxmlformats.org/drawingml/2006/main}blip")
    )
    embed = blip.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}embed")
    assert document.part.related_parts[embed] is pictures[0]
    assert sorted(footnote_texts(combined).values()) == ["Note for R00001", "Note for R00002"]


def test_a_header_with_a_logo_keeps_it_in_every_letter() -> None:
    document = Document(BytesIO(template()))
    document.sections[0].header.paragraphs[0].add_run().add_picture(BytesIO(_png()))
    with_logo = BytesIO()
    document.save(with_logo)
    book = LetterBook(with_logo.getvalue())
    combined = Document(BytesIO(assembled(book, [book.chunk(CONTACTS, first_index=0)])))
    headers = [section.header for section in combined.sections]
    assert [h.paragraphs[0].text for h in headers] == ["Contact R00001", "Contact R00002", "Contact R00003"]
    for header in headers:
        [picture] = [part for part in header.part.related_parts.values() if part.partname.startswith("/word/media/")]
        assert picture.blob == _png()


def test_a_chunk_stored_twice_gives_each_letter_once_and_no_letters_an_empty_page() -> None:
    book = LetterBook(template())
    chunk = book.chunk(CONTACTS[:2], first_index=0)
    combined = assembled(book, [chunk, chunk, book.chunk(CONTACTS[2:], first_index=2)])
    assert [s["header"] for s in sections(combined)] == ["Contact R00001", "Contact R00002", "Contact R00003"]
    empty = Document(BytesIO(assembled(book, [])))
    assert [p.text for p in empty.paragraphs] == [""]


def test_a_personalised_letters_footnote_without_a_notes_part_in_the_template_is_dropped_not_left_dangling() -> None:
    source = template()
    noted = with_footnote(
        make_docx(para(run("Dear Bruno"), '<w:r><w:footnoteReference w:id="1"/></w:r>')), para(run("a note"))
    )
    book = LetterBook(source)
    combined = assembled(book, [book.chunk([CONTACTS[0], noted], first_index=0)])
    assert list(part_xml(combined, "word/document.xml").iter(q("footnoteReference"))) == []
    assert sections(combined)[1]["body"] == "Dear Bruno"


def test_review_comments_are_left_out_of_the_printable_letters() -> None:
    commented = make_docx(
        para('<w:commentRangeStart w:id="0"/>', run("Dear "), mergefield("Name"), '<w:commentRangeEnd w:id="0"/>')
        + para('<w:r><w:commentReference w:id="0"/></w:r>')
    )
    comments = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:comments xmlns:w="{W}">'
        '<w:comment w:id="0" w:author="A"><w:p><w:r><w:t>check the name</w:t></w:r></w:p></w:comment></w:comments>'
    )
    with zipfile.ZipFile(BytesIO(commented)) as archive:
        types = archive.read("[Content_Types].xml")
        relationships = archive.read("word/_rels/document.xml.rels")
    comment_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"
    types = types.replace(
        b"</Types>", f'<Override PartName="/word/comments.xml" ContentType="{comment_type}"/></Types>'.encode()
    )
    relationships = relationships.replace(
        b"</Relationships>",
        b'<Relationship Id="rIdC" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"'
        b' Target="comments.xml"/></Relationships>',
    )
    commented = replace_part(
        replace_part(commented, "[Content_Types].xml", types), "word/_rels/document.xml.rels", relationships
    )
    commented = replace_part(commented, "word/comments.xml", comments.encode())
    book = LetterBook(commented)
    combined = assembled(book, [book.chunk(CONTACTS[:2], first_index=0)])
    document = part_xml(combined, "word/document.xml")
    assert [e for e in document.iter() if "comment" in str(e.tag)] == []
    with zipfile.ZipFile(BytesIO(combined)) as archive:
        assert "word/comments.xml" not in archive.namelist()
        assert b"comments" not in archive.read("word/_rels/document.xml.rels")
        assert b"comments" not in archive.read("[Content_Types].xml")
    assert [s["body"].split("\n")[0] for s in sections(combined)] == ["Dear Anna Rossi", "Dear Bruno Bianchi"]
    Document(BytesIO(combined))
