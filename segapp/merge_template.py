"""A template prepared once for many letters: its parts normalised, and each key's value computed as Word would.

`prepare(docx)` gives the normalised .docx (every field `MERGEFIELD <key>`) and what each key stands for;
`PreparedTemplate.values(values, locale)` gives the value of every key for one letter: names matched in any
case, switches formatted, IF fields evaluated, line breaks and control characters made safe for Word.
"""

import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO

from lxml import etree
from mailmerge.constants import CONTENT_TYPES_PARTS

from segapp.docx_check import CONTENT_TYPES_NS, MAIN_DOCUMENT, MAIN_TEMPLATE, DocxRejected, parse_xml
from segapp.merge_layout import SENTINEL_CLOSE, SENTINEL_OPEN, FieldSpec, PartReport, normalise_part
from segapp.merge_switches import format_text, format_value, parse_number, switches

MERGED_CATEGORIES = {"main", "header_footer", "notes"}
# what XML 1.0 cannot carry (lxml refuses it), once line breaks are made line breaks
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_SENTINEL = re.compile(f"{SENTINEL_OPEN}(\\d+){SENTINEL_CLOSE}")


def clean_value(value: object) -> str:
    """A value Word can show: \\r\\n, \\r, Word's \\x0b and a form feed become line breaks; other controls go."""
    text = "" if value is None else str(value)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x0b", "\n").replace("\x0c", "\n")
    return _NOT_XML.sub("", text)


def _compare(left: str, operator: str, right: str) -> bool:
    """Word's IF comparison: numbers as numbers when both sides are; = and <> take * and ? wildcards."""
    left_number, right_number = parse_number(left), parse_number(right)
    if left_number is not None and right_number is not None:
        pair: tuple = (left_number, right_number)
    elif operator in ("=", "<>") and ("*" in right or "?" in right):
        pattern = re.escape(right).replace(r"\*", ".*").replace(r"\?", ".")
        matched = re.fullmatch(pattern, left, re.DOTALL) is not None
        return matched if operator == "=" else not matched
    else:
        pair = (left, right)
    return {
        "=": pair[0] == pair[1],
        "<>": pair[0] != pair[1],
        "<": pair[0] < pair[1],
        "<=": pair[0] <= pair[1],
        ">": pair[0] > pair[1],
        ">=": pair[0] >= pair[1],
    }[operator]


def evaluate(spec: FieldSpec, lookup: Mapping[str, str], locale: str) -> str:
    """The text a field gives for one letter's values (lookup keyed by casefolded name)."""
    if spec.kind == "merge":
        return format_value(lookup.get(spec.name.casefold(), ""), switches(spec.code[2:]), locale)
    children = [evaluate(child, lookup, locale) for child in spec.children]

    def resolve(text: str) -> str:
        return _SENTINEL.sub(lambda match: children[int(match[1])], text)

    code = spec.code
    branches = [token for token in code[4:6] if not token.switch]
    true_text = resolve(branches[0].text) if branches else ""
    false_text = resolve(branches[1].text) if len(branches) > 1 else ""
    chosen = true_text if _compare(resolve(code[1].text), code[2].text, resolve(code[3].text)) else false_text
    for switch, argument in switches(code[4:]):
        if switch == "\\*":
            chosen = format_text(chosen, argument)
    return chosen


@dataclass
class PreparedTemplate:
    """A normalised template, what each key stands for, and what was found while normalising."""

    docx: bytes
    report: PartReport
    parts: dict[str, bytes]  # the normalised XML of each merged part, by zip name
    saved_by_libreoffice: bool

    @property
    def fields(self) -> set[str]:
        """The merge field names, as first written in the template."""
        return set(self.report.names.values())

    def values(self, values: Mapping[str, object], locale: str = "en") -> dict[str, str]:
        """The value of every key for one letter."""
        lookup = {str(name).casefold(): clean_value(value) for name, value in values.items()}
        return {key: evaluate(spec, lookup, locale) for key, spec in self.report.specs.items()}


def merged_part_names(archive: zipfile.ZipFile) -> list[str]:
    """The parts the merge works on (main document, headers, footers, notes), by zip name."""
    types = parse_xml(archive.read("[Content_Types].xml"))
    names = []
    for override in types.iter(f"{CONTENT_TYPES_NS}Override"):
        content_type = override.get("ContentType", "").replace(MAIN_TEMPLATE, MAIN_DOCUMENT)
        if CONTENT_TYPES_PARTS.get(content_type) in MERGED_CATEGORIES:
            names.append(override.get("PartName", "").lstrip("/"))
    return names


@lru_cache(maxsize=16)
def prepare(docx: bytes) -> PreparedTemplate:
    """The template normalised for merging (cached: a run of letters prepares its template once)."""
    try:
        archive = zipfile.ZipFile(BytesIO(docx))
    except (zipfile.BadZipFile, ValueError) as error:
        raise DocxRejected("not_docx", str(error)) from error
    report = PartReport()
    parts = {}
    with archive:
        try:
            for name in merged_part_names(archive):
                tree = parse_xml(archive.read(name))
                normalise_part(tree, report)
                parts[name] = etree.tostring(tree, xml_declaration=True, encoding="UTF-8", standalone=True)
            app = archive.read("docProps/app.xml") if "docProps/app.xml" in archive.namelist() else b""
            out = BytesIO()
            with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as written:
                for info in archive.infolist():
                    content = parts.get(info.filename) or archive.read(info)
                    if info.filename == "[Content_Types].xml":
                        content = content.replace(MAIN_TEMPLATE.encode(), MAIN_DOCUMENT.encode())
                    written.writestr(info.filename, content)
        except KeyError as error:
            raise DocxRejected("not_docx", str(error)) from error
    return PreparedTemplate(out.getvalue(), report, parts, b"LibreOffice" in app)
