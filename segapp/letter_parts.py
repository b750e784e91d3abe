"""One letter of the combined document as a chunk stores it, and the package parts it brings.

Its body is renumbered (bookmarks, revisions, drawings unique to the letter), starts a new page, and is split
so that assemble can end the letter's section in its last paragraph; a personalised letter brings copies of
the headers, footers and images it refers to, under names of its own.
"""

import posixpath
import zipfile
from collections.abc import Iterable, Mapping
from copy import deepcopy
from io import BytesIO

from lxml import etree

from segapp.docx_check import CONTENT_TYPES_NS, parse_xml
from segapp.letter_notes import notes_parts, take_notes
from segapp.merge_layout import preserve_spaces, w

R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
HEADER_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml",
}
# ids Word requires unique in a document: annotations (bookmarks, revisions) and drawings
ANNOTATION_TAGS = {w(tag) for tag in ("bookmarkStart", "bookmarkEnd", "ins", "del", "moveFrom", "moveTo")}
# room for each letter's ids, kept low so that 200,000 letters stay within Word's 32-bit ids
ID_STRIDE = 5_000
BOOKMARK_NAME_MAX = 40


def serialise(element: etree._Element) -> bytes:
    """An element's XML, without declaration (a piece of a part)."""
    return etree.tostring(element, encoding="UTF-8")


def _renumber(body: etree._Element, index: int) -> None:
    """Bookmark names and ids, revision ids and drawing ids unique to this letter in the combined document."""
    ids: dict[str, str] = {}
    base = (index + 1) * ID_STRIDE

    def new_id(old: str) -> str:
        return ids.setdefault(old, str(base + len(ids)))

    for element in body.iter(*ANNOTATION_TAGS):
        if element.get(w("id")) is not None:
            element.set(w("id"), new_id(element.get(w("id"))))
        name = element.get(w("name"))
        if element.tag == w("bookmarkStart") and name:
            suffix = f"_{index}"
            element.set(w("name"), name[: BOOKMARK_NAME_MAX - len(suffix)] + suffix)
    drawings = {}
    for drawing in body.iter(f"{{{WP}}}docPr"):
        drawing.set("id", drawings.setdefault(id(drawing), str(base + len(ids) + len(drawings))))


# the order of a section's properties (the schema's sequence): new ones go in their place
SECTION_ORDER = [
    w(tag)
    for tag in (
        "headerReference footerReference footnotePr endnotePr type pgSz pgMar paperSrc pgBorders lnNumType "
        "pgNumType cols formProt vAlign noEndnote titlePg textDirection bidi rtlGutter docGrid printerSettings "
        "sectPrChange"
    ).split()
]


def _section_property(section: etree._Element, tag: str) -> etree._Element:
    """The section's property tag, added in its place in the sequence when missing."""
    found = section.find(w(tag))
    if found is not None:
        return found
    new = etree.Element(w(tag))
    rank = SECTION_ORDER.index(w(tag))
    later = [child for child in section if child.tag in SECTION_ORDER and SECTION_ORDER.index(child.tag) > rank]
    if later:
        later[0].addprevious(new)
    else:
        section.append(new)
    return new


def _start_on_new_page(body: etree._Element) -> None:
    """The letter's first section starts on a new page, its page numbers from 1."""
    first = next(body.iter(w("sectPr")), None)
    if first is None:
        return
    kind = _section_property(first, "type")
    if kind.get(w("val")) not in ("oddPage", "evenPage"):
        kind.set(w("val"), "nextPage")
    _section_property(first, "pgNumType").set(w("start"), "1")


def _with_section(paragraph: etree._Element | None, section: etree._Element) -> etree._Element:
    """The letter's last paragraph carrying its section's properties (a section ends at such a paragraph)."""
    paragraph = deepcopy(paragraph) if paragraph is not None else etree.Element(w("p"))
    properties = paragraph.find(w("pPr"))
    if properties is None:
        properties = etree.Element(w("pPr"))
        paragraph.insert(0, properties)
    change = properties.find(w("pPrChange"))
    if change is not None:
        change.addprevious(deepcopy(section))
    else:
        properties.append(deepcopy(section))
    return paragraph


COMMENT_MARKS = {w(tag) for tag in ("commentRangeStart", "commentRangeEnd", "commentReference")}
# the parts of review comments, left out of the printable letters
COMMENT_RELATIONSHIPS = ("/comments", "/commentsExtended", "/commentsIds", "/commentsExtensible", "/people")


def _drop_comments(body: etree._Element) -> None:
    """Review comments are not part of a printed letter (and one comment cannot be anchored in every letter)."""
    for mark in list(body.iter(*COMMENT_MARKS)):
        mark.getparent().remove(mark)


class LetterPiece:
    """One letter of a chunk, ready to store: body pieces, its own parts and relationships."""

    def __init__(self, index: int) -> None:
        self.index = index
        self.files: dict[str, bytes] = {}
        self.rels: list[tuple[str, str, str, str]] = []  # id, type, target, target mode
        self.types: list[tuple[str, str]] = []  # part name, content type
        self.copy_rels: list[tuple[str, str]] = []  # template rels file -> the letter's part's rels file

    def set_body(self, body: etree._Element) -> None:
        """The body split in what is written at once, its last paragraph, and its last section's properties."""
        preserve_spaces(body)
        _drop_comments(body)
        _renumber(body, self.index)
        _start_on_new_page(body)
        section = body.find(w("sectPr"))
        children = [child for child in body if child is not section]
        # the last paragraph carries the section's end, unless it ends a section of its own already
        ends_one = children and children[-1].find(f"{w('pPr')}/{w('sectPr')}") is not None
        last = children.pop() if children and children[-1].tag == w("p") and not ends_one else None
        self.files["head.xml"] = b"".join(serialise(child) for child in children)
        self.files["tail.xml"] = serialise(
            _with_section(last, section if section is not None else etree.Element(w("sectPr")))
        )
        self.files["last.xml"] = serialise(last) if last is not None else b""
        self.files["sect.xml"] = serialise(section) if section is not None else b""

    def manifest(self) -> dict:
        """What assemble needs besides the files."""
        return {"index": self.index, "rels": self.rels, "types": self.types, "copy_rels": self.copy_rels}


def rels(data: bytes | None) -> dict[str, etree._Element]:
    """A relationships part's relationships, by id."""
    if not data:
        return {}
    return {rel.get("Id"): rel for rel in parse_xml(data).iter(f"{{{RELS_NS}}}Relationship")}


def rels_name(part: str) -> str:
    """The relationships part of a part."""
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{name}.rels")


def content_types(archive: zipfile.ZipFile) -> tuple[dict[str, str], dict[str, str]]:
    """A package's content types: by part name (overrides) and by extension (defaults)."""
    types = parse_xml(archive.read("[Content_Types].xml"))
    overrides = {
        o.get("PartName", "").lstrip("/"): o.get("ContentType", "") for o in types.iter(f"{CONTENT_TYPES_NS}Override")
    }
    defaults = {
        d.get("Extension", "").lower(): d.get("ContentType", "") for d in types.iter(f"{CONTENT_TYPES_NS}Default")
    }
    return overrides, defaults


def main_part(overrides: Mapping[str, str]) -> str:
    """The main document part's name."""
    return next(name for name, kind in overrides.items() if kind.endswith(".main+xml"))


def rel_xml(rel_id: str, kind: str, target: str, mode: str) -> bytes:
    """One relationship element."""
    attributes = {"Id": rel_id, "Type": kind, "Target": target}
    if mode:
        attributes["TargetMode"] = mode
    return serialise(etree.Element(f"{{{RELS_NS}}}Relationship", attributes, nsmap={None: RELS_NS}))


def rels_xml(rels: list[tuple[str, str, str, str]]) -> bytes:
    """A relationships part."""
    root = etree.Element(f"{{{RELS_NS}}}Relationships", nsmap={None: RELS_NS})
    for rel in rels:
        root.append(etree.fromstring(rel_xml(*rel)))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def personalised_letter(letter: LetterPiece, docx: bytes, note_kinds: Iterable[str]) -> None:
    """A personalised letter's body as it is, with copies of the parts it refers to (headers, images).

    Its notes are kept where the combined document has a notes part of their kind (note_kinds).
    """
    with zipfile.ZipFile(BytesIO(docx)) as archive:
        overrides, defaults = content_types(archive)
        main = main_part(overrides)
        root = parse_xml(archive.read(main))
        copied: dict[str, str] = {}
        renamed = _copy_relationships(letter, archive, main, overrides, defaults, copied, main_part=True)
        body = root.find(w("body"))
        notes = {
            kind: parse_xml(archive.read(name))
            for kind, name in notes_parts(overrides).items()
            if name in archive.namelist() and kind in note_kinds
        }
        for element in body.iter():
            for attribute, value in element.attrib.items():
                if attribute.startswith(f"{{{R}}}") and value in renamed:
                    element.set(attribute, renamed[value])
    for kind, content in take_notes(body, notes, letter.index).items():
        letter.files[f"notes/{kind}"] = content
    letter.set_body(body)


def _copy_relationships(
    letter: LetterPiece,
    archive: zipfile.ZipFile,
    part: str,
    overrides: Mapping[str, str],
    defaults: Mapping[str, str],
    copied: dict[str, str],
    *,
    main_part: bool = False,
) -> dict[str, str]:
    """The parts a personalised part refers to, copied under names of this letter; old rel id -> new."""
    renamed = {}
    own_rels_name = rels_name(part)
    relationships = rels(archive.read(own_rels_name)) if own_rels_name in archive.namelist() else {}
    own_rels = []
    for number, (rel_id, rel) in enumerate(sorted(relationships.items())):
        kind, target, mode = rel.get("Type", ""), rel.get("Target", ""), rel.get("TargetMode", "")
        if not kind.endswith(("/header", "/footer", "/image", "/hyperlink")):
            continue  # styles, numbering, notes, comments...: the combined document has the template's
        new_target = target
        if mode != "External":
            source = posixpath.normpath(posixpath.join(posixpath.dirname(part), target))
            if source not in archive.namelist():
                continue
            if source not in copied:
                name = posixpath.join(posixpath.dirname(source), f"segapp{letter.index}_{posixpath.basename(source)}")
                copied[source] = name
                content_type = overrides.get(source) or defaults.get(posixpath.splitext(source)[1][1:].lower(), "")
                letter.types.append((name, content_type))
                content = archive.read(source)
                if content_type in HEADER_TYPES:
                    inner = _copy_relationships(letter, archive, source, overrides, defaults, copied)
                    content = _renamed_xml(content, inner)
                letter.files[f"part/{name}"] = content
            new_target = posixpath.relpath(copied[source], posixpath.dirname(part))
        new_id = f"rIdSegapp{letter.index}p{len(copied)}x{number}"
        renamed[rel_id] = new_id
        own_rels.append((new_id, kind, new_target, mode))
    if main_part:
        letter.rels.extend(own_rels)
    elif own_rels:
        letter.files[f"part/{rels_name(copied[part])}"] = rels_xml(own_rels)
    return renamed


def _renamed_xml(content: bytes, renamed: Mapping[str, str]) -> bytes:
    """A part whose relationship ids are renamed."""
    root = parse_xml(content)
    for element in root.iter():
        for attribute, value in element.attrib.items():
            if attribute.startswith(f"{{{R}}}") and value in renamed:
                element.set(attribute, renamed[value])
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
