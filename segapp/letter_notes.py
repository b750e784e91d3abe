"""Footnotes and endnotes of the combined document: each letter's own, merged with its values.

Word keeps all notes of a document in one part, and a letter's body refers to them by id; in the combined
document each letter gets copies of the notes it refers to, merged with its values, under ids of its own.
"""

from collections.abc import Callable, Mapping
from copy import deepcopy

from lxml import etree

from segapp.merge_layout import preserve_spaces, w

NOTE_KINDS = {"footnotes": "footnote", "endnotes": "endnote"}
NOTES_PER_LETTER = 1000


def notes_parts(overrides: Mapping[str, str]) -> dict[str, str]:
    """The notes parts of a package, by kind (footnotes, endnotes)."""
    return {
        kind: name
        for kind in NOTE_KINDS
        for name, content_type in overrides.items()
        if content_type.endswith(f"wordprocessingml.{kind}+xml")
    }


def take_notes(
    body: etree._Element,
    notes: Mapping[str, etree._Element],
    index: int,
    merge: Callable[[etree._Element], None] | None = None,
) -> dict[str, bytes]:
    """The notes the letter's body refers to, merged and renumbered for the letter; kind -> their XML."""
    taken = {}
    for kind, tag in NOTE_KINDS.items():
        root = notes.get(kind)
        by_id = {note.get(w("id")): note for note in root.findall(w(tag))} if root is not None else {}
        pieces = []
        for number, reference in enumerate(list(body.iter(w(f"{tag}Reference")))):
            note = by_id.get(reference.get(w("id")))
            if note is None:
                # a note the combined document cannot hold (the template has no notes part): a dangling
                # reference would make Word refuse the document
                reference.getparent().remove(reference)
                continue
            copy = deepcopy(note)
            if merge is not None:
                merge(copy)
            preserve_spaces(copy)
            new_id = str((index + 1) * NOTES_PER_LETTER + number)
            copy.set(w("id"), new_id)
            reference.set(w("id"), new_id)
            pieces.append(etree.tostring(copy, encoding="UTF-8"))
        if root is not None:
            taken[kind] = b"".join(pieces)
    return taken


def xml_shell(root: etree._Element, container: etree._Element) -> tuple[bytes, bytes]:
    """A part's XML before and after the content of container, which is left empty."""
    for child in list(container):
        container.remove(child)
    etree.SubElement(container, w("segappContent")).text = "SEGAPP-CONTENT"
    text = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    before, _, after = text.partition(b"SEGAPP-CONTENT")
    # without the marker's own tags
    return before[: before.rfind(b"<")], after[after.find(b">") + 1 :]


def notes_shell(root: etree._Element) -> tuple[bytes, bytes]:
    """The notes part around the letters' notes: only Word's separators (typed notes) are kept."""
    kept = [deepcopy(note) for note in root if note.get(w("type")) is not None]
    shell = deepcopy(root)
    before, after = xml_shell(shell, shell)
    return before + b"".join(etree.tostring(note, encoding="UTF-8") for note in kept), after
