"""The combined printable document: one section per letter, built in chunks and assembled as a stream.

As Word's merge does, each letter is its own section, so headers and footers carry each contact's values;
bookmark names and ids, revision ids and drawing ids are made unique per letter. `chunk` merges a few hundred
letters into a small zip the caller stores (a job's part file) and can resume from; `assemble` writes the
.docx reading one chunk, and one letter, at a time: the body goes straight into the output zip and the
per-letter parts wait in a temporary file, so memory does not grow with the number of letters.
"""

import json
import posixpath
import tempfile
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from copy import deepcopy
from io import BytesIO
from typing import BinaryIO

from lxml import etree
from mailmerge.mergedata import MergeData
from mailmerge.mergeoptions import MailMergeOptions
from mailmerge.part import Part

from segapp.docx_check import CONTENT_TYPES_NS, parse_xml
from segapp.letter_notes import notes_parts, notes_shell, take_notes, xml_shell
from segapp.merge_layout import W, preserve_spaces, w
from segapp.merge_template import PreparedTemplate, prepare

R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
HEADER_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml",
}
# ids Word requires unique in a document: annotations (bookmarks, revisions) and drawings
ANNOTATION_TAGS = {w(tag) for tag in ("bookmarkStart", "bookmarkEnd", "ins", "del", "moveFrom", "moveTo")}
ID_STRIDE = 100_000
BOOKMARK_NAME_MAX = 40


def _serialise(element: etree._Element) -> bytes:
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


class _Letter:
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
        _renumber(body, self.index)
        _start_on_new_page(body)
        section = body.find(w("sectPr"))
        children = [child for child in body if child is not section]
        last = children.pop() if children and children[-1].tag == w("p") else None
        self.files["head.xml"] = b"".join(_serialise(child) for child in children)
        self.files["tail.xml"] = _serialise(
            _with_section(last, section if section is not None else etree.Element(w("sectPr")))
        )
        self.files["last.xml"] = _serialise(last) if last is not None else b""
        self.files["sect.xml"] = _serialise(section) if section is not None else b""

    def manifest(self) -> dict:
        """What assemble needs besides the files."""
        return {"index": self.index, "rels": self.rels, "types": self.types, "copy_rels": self.copy_rels}


def _rels(data: bytes | None) -> dict[str, etree._Element]:
    if not data:
        return {}
    return {rel.get("Id"): rel for rel in parse_xml(data).iter(f"{{{RELS_NS}}}Relationship")}


def _rels_name(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{name}.rels")


def _content_types(archive: zipfile.ZipFile) -> tuple[dict[str, str], dict[str, str]]:
    types = parse_xml(archive.read("[Content_Types].xml"))
    overrides = {
        o.get("PartName", "").lstrip("/"): o.get("ContentType", "") for o in types.iter(f"{CONTENT_TYPES_NS}Override")
    }
    defaults = {
        d.get("Extension", "").lower(): d.get("ContentType", "") for d in types.iter(f"{CONTENT_TYPES_NS}Default")
    }
    return overrides, defaults


def _main_part(overrides: Mapping[str, str]) -> str:
    return next(name for name, kind in overrides.items() if kind.endswith(".main+xml"))


class LetterBook:
    """The printable letters of one template: chunks of merged letters, and their assembly into one .docx."""

    def __init__(self, template: bytes, *, locale: str = "en") -> None:
        self.prepared: PreparedTemplate = prepare(template)
        self.locale = locale
        self.template = self.prepared.docx
        with zipfile.ZipFile(BytesIO(self.template)) as archive:
            self.overrides, self.defaults = _content_types(archive)
            self.main = _main_part(self.overrides)
            self.main_rels = _rels(archive.read(_rels_name(self.main)))
            self.names = set(archive.namelist())
        self.merge_data = MergeData(options=MailMergeOptions())
        root = parse_xml(self.prepared.parts[self.main])
        Part(self.merge_data, root).parse()
        self.body = root.find(w("body"))
        self.notes_parts = {
            kind: name for kind, name in notes_parts(self.overrides).items() if name in self.prepared.parts
        }
        self.notes: dict[str, etree._Element] = {}
        for kind, name in self.notes_parts.items():
            self.notes[kind] = parse_xml(self.prepared.parts[name])
            Part(self.merge_data, self.notes[kind]).parse()
        self.headers: dict[str, tuple[str, etree._Element]] = {}  # rel id -> (part name, parsed part)
        for rel_id, rel in self.main_rels.items():
            target = posixpath.normpath(posixpath.join(posixpath.dirname(self.main), rel.get("Target", "")))
            if self.overrides.get(target) in HEADER_TYPES and target in self.prepared.parts:
                part = parse_xml(self.prepared.parts[target])
                Part(self.merge_data, part).parse()
                if part.find(".//MergeField") is not None:
                    self.headers[rel_id] = (target, part)

    def chunk(self, letters: Iterable[Mapping[str, str] | bytes], *, first_index: int) -> bytes:
        """Letters first_index, first_index + 1, ... merged and stored as one chunk (a small zip)."""
        out = BytesIO()
        manifest = []
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for offset, letter in enumerate(letters):
                made = _Letter(first_index + offset)
                if isinstance(letter, bytes | bytearray):
                    self._personalised(made, bytes(letter))
                else:
                    self._merged(made, letter)
                # one entry per letter: its files as records, read back at once by assemble
                records = BytesIO()
                for name, content in made.files.items():
                    _write_record(records, name, content)
                archive.writestr(str(made.index), records.getvalue())
                manifest.append(made.manifest())
            archive.writestr("manifest.json", json.dumps(manifest))
        return out.getvalue()

    def _merged(self, letter: _Letter, values: Mapping[str, str]) -> None:
        row = self.prepared.values(values, self.locale)
        body = deepcopy(self.body)
        self.merge_data.replace(body, row)
        renamed = {}
        for number, (rel_id, (target, part)) in enumerate(sorted(self.headers.items())):
            merged = deepcopy(part)
            self.merge_data.replace(merged, row)
            preserve_spaces(merged)
            name = posixpath.join(posixpath.dirname(target), f"segapp{letter.index}_{posixpath.basename(target)}")
            new_id = f"rIdSegapp{letter.index}h{number}"
            renamed[rel_id] = new_id
            letter.files[f"part/{name}"] = etree.tostring(
                merged, xml_declaration=True, encoding="UTF-8", standalone=True
            )
            letter.rels.append(
                (new_id, self.main_rels[rel_id].get("Type"), posixpath.relpath(name, posixpath.dirname(self.main)), "")
            )
            letter.types.append((name, self.overrides[target]))
            if _rels_name(target) in self.names:
                letter.copy_rels.append((_rels_name(target), _rels_name(name)))
        for reference in body.iter(w("headerReference"), w("footerReference")):
            if reference.get(f"{{{R}}}id") in renamed:
                reference.set(f"{{{R}}}id", renamed[reference.get(f"{{{R}}}id")])
        for kind, content in take_notes(
            body, self.notes, letter.index, lambda note: self.merge_data.replace(note, row)
        ).items():
            letter.files[f"notes/{kind}"] = content
        letter.set_body(body)

    def _personalised(self, letter: _Letter, docx: bytes) -> None:
        """A personalised letter's body as it is, with copies of the parts it refers to (headers, images)."""
        with zipfile.ZipFile(BytesIO(docx)) as archive:
            overrides, defaults = _content_types(archive)
            main = _main_part(overrides)
            root = parse_xml(archive.read(main))
            copied: dict[str, str] = {}
            renamed = self._copy_relationships(letter, archive, main, overrides, defaults, copied, main_part=True)
            body = root.find(w("body"))
            notes = {
                kind: parse_xml(archive.read(name))
                for kind, name in notes_parts(overrides).items()
                if name in archive.namelist()
            }
            for element in body.iter():
                for attribute, value in element.attrib.items():
                    if attribute.startswith(f"{{{R}}}") and value in renamed:
                        element.set(attribute, renamed[value])
        for kind, content in take_notes(body, notes, letter.index).items():
            letter.files[f"notes/{kind}"] = content
        letter.set_body(body)

    def _copy_relationships(
        self,
        letter: _Letter,
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
        rels_name = _rels_name(part)
        relationships = _rels(archive.read(rels_name)) if rels_name in archive.namelist() else {}
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
                    name = posixpath.join(
                        posixpath.dirname(source), f"segapp{letter.index}_{posixpath.basename(source)}"
                    )
                    copied[source] = name
                    content_type = overrides.get(source) or defaults.get(posixpath.splitext(source)[1][1:].lower(), "")
                    letter.types.append((name, content_type))
                    content = archive.read(source)
                    if content_type in HEADER_TYPES:
                        inner = self._copy_relationships(letter, archive, source, overrides, defaults, copied)
                        content = self._renamed_xml(content, inner)
                    letter.files[f"part/{name}"] = content
                new_target = posixpath.relpath(copied[source], posixpath.dirname(part))
            new_id = f"rIdSegapp{letter.index}p{len(copied)}x{number}"
            renamed[rel_id] = new_id
            own_rels.append((new_id, kind, new_target, mode))
        if main_part:
            letter.rels.extend(own_rels)
        elif own_rels:
            letter.files[f"part/{_rels_name(copied[part])}"] = _rels_xml(own_rels)
        return renamed

    @staticmethod
    def _renamed_xml(content: bytes, renamed: Mapping[str, str]) -> bytes:
        root = parse_xml(content)
        for element in root.iter():
            for attribute, value in element.attrib.items():
                if attribute.startswith(f"{{{R}}}") and value in renamed:
                    element.set(attribute, renamed[value])
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    def assemble(self, chunks: Iterable[bytes], out: BinaryIO) -> None:
        """The combined .docx written to out, reading one chunk at a time."""
        head, tail = self._document_shell()
        with (
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive,
            zipfile.ZipFile(BytesIO(self.template)) as template,
            tempfile.TemporaryFile() as parts_spool,
            tempfile.TemporaryFile() as rels_spool,
            tempfile.TemporaryFile() as types_spool,
            tempfile.TemporaryFile() as footnotes_spool,
            tempfile.TemporaryFile() as endnotes_spool,
        ):
            notes_spools = {"footnotes": footnotes_spool, "endnotes": endnotes_spool}
            with archive.open(self.main, "w", force_zip64=True) as document:
                document.write(head)
                pending: Mapping[str, bytes] | None = None
                for letter, files in self._letters(chunks):
                    if pending is not None:
                        document.write(pending["tail.xml"])
                    document.write(files["head.xml"])
                    pending = {name: files[name] for name in ("tail.xml", "last.xml", "sect.xml")}
                    self._spool(letter, files, parts_spool, rels_spool, types_spool, template)
                    for kind, spool in notes_spools.items():
                        spool.write(files.get(f"notes/{kind}", b""))
                if pending is not None:
                    document.write(pending["last.xml"] + pending["sect.xml"])
                else:
                    document.write(b"".join(_serialise(child) for child in self.body))
                document.write(tail)
            self._write_rest(archive, template, parts_spool, rels_spool, types_spool)
            for kind, name in self.notes_parts.items():
                before, after = notes_shell(self.notes[kind])
                _write_between(archive, name, before, notes_spools[kind], after)

    def _letters(self, chunks: Iterable[bytes]) -> Iterator[tuple[dict, dict[str, bytes]]]:
        """Each letter's manifest and files, one chunk in memory at a time."""
        for data in chunks:
            with zipfile.ZipFile(BytesIO(data)) as archive:
                for letter in json.loads(archive.read("manifest.json")):
                    yield letter, dict(_read_records(BytesIO(archive.read(str(letter["index"])))))

    def _spool(
        self,
        letter: dict,
        files: Mapping[str, bytes],
        parts_spool: BinaryIO,
        rels_spool: BinaryIO,
        types_spool: BinaryIO,
        template: zipfile.ZipFile,
    ) -> None:
        for name, content in files.items():
            if name.startswith("part/"):
                _write_record(parts_spool, name[len("part/") :], content)
        for source, target in letter["copy_rels"]:
            _write_record(parts_spool, target, template.read(source))
        for rel_id, kind, target, mode in letter["rels"]:
            rels_spool.write(_rel_xml(rel_id, kind, target, mode))
        for name, content_type in letter["types"]:
            override = etree.Element(
                f"{CONTENT_TYPES_NS}Override",
                {"PartName": f"/{name}", "ContentType": content_type},
                nsmap={None: CONTENT_TYPES_NS[1:-1]},
            )
            types_spool.write(_serialise(override))

    def _write_rest(
        self,
        archive: zipfile.ZipFile,
        template: zipfile.ZipFile,
        parts_spool: BinaryIO,
        rels_spool: BinaryIO,
        types_spool: BinaryIO,
    ) -> None:
        """The template's other parts, the letters' own parts, and the relationships and content types of all."""
        main_rels = _rels_name(self.main)
        update_fields = self.prepared.report.update_fields or self.merge_data.has_nested_fields
        for info in template.infolist():
            if info.filename in (self.main, main_rels, "[Content_Types].xml", *self.notes_parts.values()):
                continue
            if info.filename.endswith("settings.xml"):
                archive.writestr(info.filename, _settings(template.read(info), update_fields))
            else:
                archive.writestr(info.filename, template.read(info))
        parts_spool.seek(0)
        for name, content in _read_records(parts_spool):
            archive.writestr(name, content)
        _write_wrapped(archive, main_rels, template.read(main_rels), b"</Relationships>", rels_spool)
        _write_wrapped(archive, "[Content_Types].xml", template.read("[Content_Types].xml"), b"</Types>", types_spool)

    def _document_shell(self) -> tuple[bytes, bytes]:
        """The main document's XML before and after the body's content."""
        root = deepcopy(self.body.getparent())
        return xml_shell(root, root.find(w("body")))


def _copy(source: BinaryIO, target: BinaryIO) -> None:
    while block := source.read(1024 * 1024):
        target.write(block)


def _write_record(spool: BinaryIO, name: str, content: bytes) -> None:
    """A letter's part kept for later in the spool: its name and content, each with its length."""
    encoded = name.encode()
    spool.write(len(encoded).to_bytes(4, "big") + encoded + len(content).to_bytes(8, "big") + content)


def _read_records(spool: BinaryIO) -> Iterator[tuple[str, bytes]]:
    """The spooled parts, one at a time."""
    while size := spool.read(4):
        name = spool.read(int.from_bytes(size, "big")).decode()
        yield name, spool.read(int.from_bytes(spool.read(8), "big"))


def _rel_xml(rel_id: str, kind: str, target: str, mode: str) -> bytes:
    attributes = {"Id": rel_id, "Type": kind, "Target": target}
    if mode:
        attributes["TargetMode"] = mode
    return _serialise(etree.Element(f"{{{RELS_NS}}}Relationship", attributes, nsmap={None: RELS_NS}))


def _rels_xml(rels: list[tuple[str, str, str, str]]) -> bytes:
    root = etree.Element(f"{{{RELS_NS}}}Relationships", nsmap={None: RELS_NS})
    for rel in rels:
        root.append(etree.fromstring(_rel_xml(*rel)))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _write_wrapped(archive: zipfile.ZipFile, name: str, original: bytes, closing: bytes, spool: BinaryIO) -> None:
    """An XML part whose root gets the spooled elements before its closing tag (relationships, content types)."""
    head, found, tail = original.rpartition(closing)
    if not found:  # an empty root written as <Types .../>: reopen it
        head, tail = original.rstrip()[:-2] + b">", b""
    _write_between(archive, name, head, spool, closing + tail)


def _write_between(archive: zipfile.ZipFile, name: str, before: bytes, spool: BinaryIO, after: bytes) -> None:
    """A part written as a stream: before, the spool's content, after."""
    spool.seek(0)
    with archive.open(name, "w", force_zip64=True) as target:
        target.write(before)
        _copy(spool, target)
        target.write(after)


def _settings(data: bytes, update_fields: bool) -> bytes:
    """Settings without the mail merge's data source (Word would ask for it), updating fields if an IF needs it."""
    root = parse_xml(data)
    for mail_merge in root.findall(w("mailMerge")):
        root.remove(mail_merge)
    if update_fields and root.find(w("updateFields")) is None:
        etree.SubElement(root, w("updateFields")).set(w("val"), "true")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


__all__ = ["W", "LetterBook", "preserve_spaces"]
