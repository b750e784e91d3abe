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
from segapp.letter_parts import (
    COMMENT_RELATIONSHIPS,
    HEADER_TYPES,
    LetterPiece,
    R,
    content_types,
    main_part,
    personalised_letter,
    rel_xml,
    rels,
    rels_name,
    serialise,
)
from segapp.merge_layout import preserve_spaces, w
from segapp.merge_template import PreparedTemplate, prepare


class LetterBook:
    """The printable letters of one template: chunks of merged letters, and their assembly into one .docx."""

    def __init__(self, template: bytes, *, locale: str = "en") -> None:
        self.prepared: PreparedTemplate = prepare(template)
        self.locale = locale
        self.template = self.prepared.docx
        with zipfile.ZipFile(BytesIO(self.template)) as archive:
            self.overrides, self.defaults = content_types(archive)
            self.main = main_part(self.overrides)
            self.main_rels = rels(archive.read(rels_name(self.main)))
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
        # the fastest deflate: a chunk lives until the assembly, its size matters less than its time
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
            for offset, letter in enumerate(letters):
                made = LetterPiece(first_index + offset)
                if isinstance(letter, bytes | bytearray):
                    personalised_letter(made, bytes(letter), self.notes_parts)
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

    def _merged(self, letter: LetterPiece, values: Mapping[str, str]) -> None:
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
            if rels_name(target) in self.names:
                letter.copy_rels.append((rels_name(target), rels_name(name)))
        for reference in body.iter(w("headerReference"), w("footerReference")):
            if reference.get(f"{{{R}}}id") in renamed:
                reference.set(f"{{{R}}}id", renamed[reference.get(f"{{{R}}}id")])
        for kind, content in take_notes(
            body, self.notes, letter.index, lambda note: self.merge_data.replace(note, row)
        ).items():
            letter.files[f"notes/{kind}"] = content
        letter.set_body(body)

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
                seen: set[int] = set()
                for letter, files in self._letters(chunks):
                    if letter["index"] in seen:
                        continue  # a chunk stored twice by a resumed job: each letter once
                    seen.add(letter["index"])
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
                    # no letter: an empty page, not the template's fields
                    document.write(serialise(etree.Element(w("p"))) + serialise(self.body.find(w("sectPr"))))
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
        """A letter's own parts, relationships and content types kept in the spools until the body is written."""
        for name, content in files.items():
            if name.startswith("part/"):
                _write_record(parts_spool, name[len("part/") :], content)
        for source, target in letter["copy_rels"]:
            _write_record(parts_spool, target, template.read(source))
        for rel_id, kind, target, mode in letter["rels"]:
            rels_spool.write(rel_xml(rel_id, kind, target, mode))
        for name, content_type in letter["types"]:
            override = etree.Element(
                f"{CONTENT_TYPES_NS}Override",
                {"PartName": f"/{name}", "ContentType": content_type},
                nsmap={None: CONTENT_TYPES_NS[1:-1]},
            )
            types_spool.write(serialise(override))

    def _write_rest(
        self,
        archive: zipfile.ZipFile,
        template: zipfile.ZipFile,
        parts_spool: BinaryIO,
        rels_spool: BinaryIO,
        types_spool: BinaryIO,
    ) -> None:
        """The template's other parts, the letters' own parts, and the relationships and content types of all."""
        main_rels = rels_name(self.main)
        update_fields = self.prepared.report.update_fields or self.merge_data.has_nested_fields
        relationships, types, comments = _without_comments(
            template.read(main_rels), template.read("[Content_Types].xml"), self.main
        )
        for info in template.infolist():
            if info.filename in (self.main, main_rels, "[Content_Types].xml", *self.notes_parts.values(), *comments):
                continue
            if info.filename.endswith("settings.xml"):
                archive.writestr(info.filename, _settings(template.read(info), update_fields))
            else:
                archive.writestr(info.filename, template.read(info))
        parts_spool.seek(0)
        for name, content in _read_records(parts_spool):
            archive.writestr(name, content)
        _write_wrapped(archive, main_rels, relationships, b"</Relationships>", rels_spool)
        _write_wrapped(archive, "[Content_Types].xml", types, b"</Types>", types_spool)

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


def _without_comments(relationships: bytes, types: bytes, main: str) -> tuple[bytes, bytes, set[str]]:
    """The main part's relationships and the content types without the review comments' parts, and those parts."""
    rels_root = parse_xml(relationships)
    dropped = set()
    for rel in list(rels_root):
        if rel.get("Type", "").endswith(COMMENT_RELATIONSHIPS):
            dropped.add(posixpath.normpath(posixpath.join(posixpath.dirname(main), rel.get("Target", ""))))
            rels_root.remove(rel)
    if not dropped:
        return relationships, types, dropped
    types_root = parse_xml(types)
    for override in list(types_root):
        if override.get("PartName", "").lstrip("/") in dropped:
            types_root.remove(override)
    written = {"xml_declaration": True, "encoding": "UTF-8", "standalone": True}
    return etree.tostring(rels_root, **written), etree.tostring(types_root, **written), dropped


def _settings(data: bytes, update_fields: bool) -> bytes:
    """Settings without the mail merge's data source (Word would ask for it), updating fields if an IF needs it."""
    root = parse_xml(data)
    for mail_merge in root.findall(w("mailMerge")):
        root.remove(mail_merge)
    if update_fields and root.find(w("updateFields")) is None:
        etree.SubElement(root, w("updateFields")).set(w("val"), "true")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


__all__ = ["LetterBook"]
