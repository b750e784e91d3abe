"""Word-like templates built for the merge tests, and the text of merged documents read back.

The structures copy what Word writes (inspected in Word-made templates of public mail-merge projects): a
MERGEFIELD as a complex field whose code Word splits over several runs, fldSimple, fields in headers and
footers, tables and text boxes, IF with nested fields, NEXT, a code in one run, a bookmark or a tracked change
inside a code, a document last saved by LibreOffice.
"""

import posixpath
import zipfile
from io import BytesIO
from xml.sax.saxutils import escape

from docx import Document
from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = (
    f'xmlns:w="{W}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:w10="urn:schemas-microsoft-com:office:word"'
)
RPR = '<w:rPr><w:rFonts w:ascii="Calibri"/><w:noProof/></w:rPr>'


def q(tag: str) -> str:
    """A WordprocessingML tag in Clark notation."""
    return f"{{{W}}}{tag}"


def run(text: str, rpr: str = "") -> str:
    """A run of text."""
    return f'<w:r>{rpr}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def fld_char(kind: str, rpr: str = RPR) -> str:
    """A run holding a field character (begin, separate, end)."""
    return f'<w:r>{rpr}<w:fldChar w:fldCharType="{kind}"/></w:r>'


def instr(code: str, rpr: str = RPR) -> str:
    """A run of field code."""
    return f'<w:r>{rpr}<w:instrText xml:space="preserve">{escape(code)}</w:instrText></w:r>'


def field(*code: str, result: str | None = None, rpr: str = RPR) -> str:
    """A complex field as Word writes it, its code split over the runs given, a cached result."""
    name = next((piece.split()[1] for piece in code if len(piece.split()) > 1), "x")
    shown = f"«{name}»" if result is None else result
    return (
        fld_char("begin", rpr)
        + "".join(instr(piece, rpr) for piece in code)
        + fld_char("separate", rpr)
        + run(shown, rpr)
        + fld_char("end", rpr)
    )


def mergefield(name: str, switches: str = "", rpr: str = RPR) -> str:
    """A MERGEFIELD as Word inserts it (Insert ▸ Quick Parts ▸ Field), code in three runs."""
    code = [" MERGEFIELD ", name, f" {switches} \\* MERGEFORMAT " if switches else " \\* MERGEFORMAT "]
    return field(*code, result=f"«{name}»", rpr=rpr)


def simple(instr_code: str, shown: str) -> str:
    """A fldSimple (Word writes these for fields inserted by older versions and LibreOffice)."""
    return f'<w:fldSimple w:instr="{escape(instr_code)}">{run(shown, RPR)}</w:fldSimple>'


def para(*content: str) -> str:
    """A paragraph."""
    return f"<w:p>{''.join(content)}</w:p>"


def _children(xml: str) -> list[etree._Element]:
    return list(etree.fromstring(f"<w:root {NS}>{xml}</w:root>"))


def make_docx(body: str, *, header: str | None = None, footer: str | None = None, app: str | None = None) -> bytes:
    """A .docx made by python-docx with the given body (and header, footer) WordprocessingML."""
    document = Document()
    element = document.element.body
    section_properties = element.find(q("sectPr"))
    for child in list(element):
        if child is not section_properties:
            element.remove(child)
    for child in _children(body):
        section_properties.addprevious(child)
    section = document.sections[0]
    for part_xml, part in ((header, section.header), (footer, section.footer)):
        if part_xml is not None:
            part.is_linked_to_previous = False
            root = part._element
            for child in list(root):
                root.remove(child)
            for child in _children(part_xml):
                root.append(child)
    out = BytesIO()
    document.save(out)
    data = out.getvalue()
    if app is not None:
        data = replace_part(data, "docProps/app.xml", app.encode())
    return data


def replace_part(docx: bytes, name: str, content: bytes) -> bytes:
    """The document with one part's content replaced (or added)."""
    source = zipfile.ZipFile(BytesIO(docx))
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != name:
                target.writestr(info, source.read(info))
        target.writestr(name, content)
    return out.getvalue()


def paragraph_text(paragraph: etree._Element) -> str:
    """A paragraph's text as Word shows it: line breaks as \\n, field codes left out."""
    text = []
    for element in paragraph.iter(q("t"), q("br"), q("cr"), q("tab")):
        if next(element.iterancestors(q("p"))) is not paragraph:
            continue  # a text box's paragraph inside this one: read as its own paragraph
        if element.tag == q("t"):
            text.append(element.text or "")
        elif element.tag == q("tab"):
            text.append("\t")
        elif element.get(q("type")) in (None, "textWrapping"):
            text.append("\n")
    return "".join(text)


def part_xml(docx: bytes, name: str) -> etree._Element:
    """One part of a document, parsed."""
    with zipfile.ZipFile(BytesIO(docx)) as archive:
        return etree.fromstring(archive.read(name))


def body_text(docx: bytes) -> str:
    """Every paragraph of the main document (tables and text boxes too), one line each."""
    root = part_xml(docx, "word/document.xml")
    return "\n".join(paragraph_text(p) for p in root.iter(q("p")) if not _in_text_box_fallback(p))


def _in_text_box_fallback(paragraph: etree._Element) -> bool:
    # a text box is written twice (DrawingML and a VML fallback): read it once
    return any(
        a.tag == "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
        for a in paragraph.iterancestors()
    )


def sections(docx: bytes) -> list[dict[str, str]]:
    """Each section of the main document: its body text and the text of its default header and footer."""
    with zipfile.ZipFile(BytesIO(docx)) as archive:
        root = etree.fromstring(archive.read("word/document.xml"))
        rels = etree.fromstring(archive.read("word/_rels/document.xml.rels"))
        targets = {rel.get("Id"): rel.get("Target") for rel in rels}
        found, lines = [], []
        body = root.find(q("body"))
        for element in body:
            if element.tag == q("sectPr"):
                found.append((lines, element))
                break
            lines.extend(paragraph_text(p) for p in element.iter(q("p")))
            section = element.find(f"{q('pPr')}/{q('sectPr')}")
            if section is not None:
                found.append((lines, section))
                lines = []
        result = []
        for text, section in found:
            entry = {"body": "\n".join(text)}
            for kind in ("header", "footer"):
                reference = section.find(f"{q(kind + 'Reference')}")
                if reference is not None:
                    target = posixpath.join(
                        "word",
                        targets[
                            reference.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")
                        ],
                    )
                    part = etree.fromstring(archive.read(target))
                    entry[kind] = "\n".join(paragraph_text(p) for p in part.iter(q("p")))
            result.append(entry)
        return result


FOOTNOTES_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"


def with_footnote(docx: bytes, note: str) -> bytes:
    """The document with a footnotes part as Word writes it: the two separators and footnote 1 holding note."""
    notes = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes {NS}>'
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
        '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>'
        f'<w:footnote w:id="1">{note}</w:footnote></w:footnotes>'
    )
    with zipfile.ZipFile(BytesIO(docx)) as archive:
        types = archive.read("[Content_Types].xml")
        rels = archive.read("word/_rels/document.xml.rels")
    types = types.replace(
        b"</Types>", f'<Override PartName="/word/footnotes.xml" ContentType="{FOOTNOTES_TYPE}"/></Types>'.encode()
    )
    rels = rels.replace(
        b"</Relationships>",
        b'<Relationship Id="rIdNotes" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        b'footnotes" Target="footnotes.xml"/></Relationships>',
    )
    docx = replace_part(docx, "[Content_Types].xml", types)
    docx = replace_part(docx, "word/_rels/document.xml.rels", rels)
    return replace_part(docx, "word/footnotes.xml", notes.encode())


def footnote_texts(docx: bytes) -> dict[str, str]:
    """The text of each footnote that is not a separator, by id."""
    root = part_xml(docx, "word/footnotes.xml")
    return {
        note.get(q("id")): "".join(paragraph_text(p) for p in note.iter(q("p")))
        for note in root.iter(q("footnote"))
        if note.get(q("type")) is None
    }
