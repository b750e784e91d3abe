"""Word's field layouts brought to one form docx-mailmerge2 merges well, before any merge.

Each MERGEFIELD (and each IF segapp evaluates) becomes a plain complex field `MERGEFIELD <key>` in one
paragraph, its code in one run; the key stands for the field's name and switches (or the IF's expression),
which `PreparedTemplate.values` (segapp.merge_template) computes as Word would. What Word makes and the library breaks on is normalised here:
fldSimple, a field code in one run, a bookmark or a tracked change inside a code, a result spanning
paragraphs, NEXT fields (one letter per record). What cannot be normalised is refused naming the field.
"""

from collections.abc import Iterator
from copy import deepcopy
from dataclasses import dataclass, field

from lxml import etree

from segapp.docx_check import DocxRejected
from segapp.merge_switches import Token, tokens

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
SENTINEL_OPEN, SENTINEL_CLOSE = "\ue000", "\ue001"
RECORD_FIELDS = {"NEXT", "NEXTIF", "SKIPIF"}
# Word's merge blocks, merged as fields of these names (unknown to the catalogue unless it defines them)
WORD_BLOCKS = {"ADDRESSBLOCK": "AddressBlock", "GREETINGLINE": "GreetingLine"}
IF_OPERATORS = {"=", "<>", "<", "<=", ">", ">="}
BOOKMARKS = {f"{{{W}}}bookmarkStart", f"{{{W}}}bookmarkEnd"}


def w(tag: str) -> str:
    """A WordprocessingML tag in Clark notation."""
    return f"{{{W}}}{tag}"


@dataclass
class FieldSpec:
    """What one key of the prepared template stands for: a merge field with switches, or an IF expression."""

    kind: str  # "merge" | "if"
    name: str = ""
    code: list[Token] = field(default_factory=list)
    children: list["FieldSpec"] = field(default_factory=list)


@dataclass
class RawField:
    """A complex field as found in a part: its begin, separate and end runs and its code."""

    begin: etree._Element
    parts: list["str | RawField"] = field(default_factory=list)
    separate: etree._Element | None = None
    end: etree._Element | None = None
    result_fields: list["RawField"] = field(default_factory=list)

    @property
    def children(self) -> list["RawField"]:
        """The fields nested in the code."""
        return [part for part in self.parts if isinstance(part, RawField)]

    def code(self) -> str:
        """The code, nested fields as sentinels carrying their index."""
        text, index = [], 0
        for part in self.parts:
            if isinstance(part, RawField):
                text.append(f"{SENTINEL_OPEN}{index}{SENTINEL_CLOSE}")
                index += 1
            else:
                text.append(part)
        return "".join(text)

    def readable(self) -> str:
        """The code as Word shows it (Alt+F9), nested fields in braces."""
        return "".join(
            f"{{ {part.readable()} }}" if isinstance(part, RawField) else part for part in self.parts
        ).strip()

    def kind(self) -> str:
        """The field's type (MERGEFIELD, IF, NEXT...)."""
        found = tokens(self.code())
        return found[0].text.upper() if found else ""


@dataclass
class PartReport:
    """What normalising the parts found: the keys' meaning, the warnings, whether Word must update fields."""

    specs: dict[str, FieldSpec] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)  # casefolded name -> the name as first written
    warnings: list[tuple[str, str]] = field(default_factory=list)
    update_fields: bool = False

    def warn(self, code: str, name: str) -> None:
        """A warning, once per code and field."""
        if (code, name) not in self.warnings:
            self.warnings.append((code, name))

    def new_key(self, spec: FieldSpec) -> str:
        """A fresh key standing for spec."""
        key = f"segappf{len(self.specs)}"
        self.specs[key] = spec
        return key


def preserve_spaces(root: etree._Element) -> None:
    """Merged texts keep their spaces, and their line breaks are Word's own (Shift+Enter) breaks.

    The library writes w:t without xml:space (Word drops the spaces at its ends) and a value's line breaks as
    w:cr, which Word shows but other readers (mammoth's preview among them) ignore.
    """
    for carriage_return in root.iter(w("cr")):
        carriage_return.tag = w("br")
    for text in root.iter(w("t")):
        if (
            text.text
            and text.text != text.text.strip()
            and text.get("{http://www.w3.org/XML/1998/namespace}space") is None
        ):
            text.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")


def _run(rpr: etree._Element | None, child: etree._Element) -> etree._Element:
    run = etree.Element(w("r"))
    if rpr is not None:
        run.append(deepcopy(rpr))
    run.append(child)
    return run


def _fld_char(kind: str) -> etree._Element:
    element = etree.Element(w("fldChar"))
    element.set(w("fldCharType"), kind)
    return element


def _instr(code: str) -> etree._Element:
    element = etree.Element(w("instrText"))
    element.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    element.text = code
    return element


def _text(text: str) -> etree._Element:
    element = etree.Element(w("t"))
    element.text = text
    return element


def canonical_runs(key: str, name: str, rpr: etree._Element | None) -> list[etree._Element]:
    """A complex field `MERGEFIELD key` as five sibling runs sharing one formatting."""
    return [
        _run(rpr, _fld_char("begin")),
        _run(rpr, _instr(f" MERGEFIELD {key} ")),
        _run(rpr, _fld_char("separate")),
        _run(rpr, _text(f"«{name}»")),
        _run(rpr, _fld_char("end")),
    ]


def _fldsimple_to_complex(part: etree._Element) -> None:
    """fldSimple as the complex field it stands for, so one walk finds every field."""
    for simple in list(part.iter(w("fldSimple"))):
        first_run = simple.find(w("r"))
        rpr = first_run.find(w("rPr")) if first_run is not None else None
        new = [_run(rpr, _fld_char("begin")), _run(rpr, _instr(simple.get(w("instr"), "")))]
        new.append(_run(rpr, _fld_char("separate")))
        new.extend(list(simple))
        new.append(_run(rpr, _fld_char("end")))
        for element in new:
            simple.addprevious(element)
        simple.getparent().remove(simple)


def _split_runs(part: etree._Element) -> set[etree._Element]:
    """Runs holding a field's code with other content (Word's "code in one run") split into one run each."""
    split = set()
    for run in list(part.iter(w("r"))):
        content = [child for child in run if child.tag != w("rPr")]
        if len(content) < 2 or not any(c.tag in (w("fldChar"), w("instrText")) for c in content):
            continue
        rpr = run.find(w("rPr"))
        for child in content:
            new = _run(rpr, child)
            run.addprevious(new)
            split.add(new)
        run.getparent().remove(run)
    return split


def _accept_tracked_changes(part: etree._Element) -> set[etree._Element]:
    """Tracked changes touching field codes accepted (the library reads neither w:ins nor w:delInstrText)."""
    touched = set()
    for deleted in list(part.iter(w("del"))):
        if deleted.find(f".//{w('fldChar')}") is not None or deleted.find(f".//{w('delInstrText')}") is not None:
            if deleted.getprevious() is not None:
                touched.add(deleted.getprevious())
            deleted.getparent().remove(deleted)
    for inserted in list(part.iter(w("ins"))):
        if inserted.find(f".//{w('fldChar')}") is not None or inserted.find(f".//{w('instrText')}") is not None:
            for child in list(inserted):
                inserted.addprevious(child)
                touched.add(child)
            inserted.getparent().remove(inserted)
    return touched


def find_fields(part: etree._Element) -> list[RawField]:
    """The part's outermost complex fields, each with its nested fields."""
    stack: list[RawField] = []
    top: list[RawField] = []
    for element in list(part.iter(w("fldChar"), w("instrText"))):
        run = element.getparent()
        if element.tag == w("instrText"):
            if stack and stack[-1].separate is None:
                stack[-1].parts.append(element.text or "")
            continue
        kind = element.get(w("fldCharType"))
        if kind == "begin":
            new = RawField(begin=run)
            if stack:
                outer = stack[-1]
                (outer.parts if outer.separate is None else outer.result_fields).append(new)
            stack.append(new)
        elif kind == "separate" and stack:
            stack[-1].separate = run
        elif kind == "end":
            if not stack:
                raise DocxRejected("unsupported_layout", "a field end without its beginning")
            done = stack.pop()
            done.end = run
            if not stack:
                top.append(done)
    if stack:
        raise DocxRejected("unsupported_layout", stack[0].readable() or "a field without its end")
    return top


def _contains(ancestor: etree._Element, element: etree._Element) -> bool:
    return any(parent is ancestor for parent in element.iterancestors())


def nodes_between(start: etree._Element, end: etree._Element) -> Iterator[etree._Element]:
    """The outermost nodes strictly between start and end in document order."""
    node = start
    while True:
        following = node.getnext()
        while following is None:
            node = node.getparent()
            if node is None:
                return
            following = node.getnext()
        while following is not end and _contains(following, end):
            following = following[0]
        if following is end:
            return
        node = following
        yield following


def _paragraph(element: etree._Element) -> etree._Element | None:
    return next((a for a in element.iterancestors() if a.tag == w("p")), None)


def _result_rpr(raw: RawField) -> etree._Element | None:
    """The formatting Word gives the merged value: the shown result's (MERGEFORMAT), else the code's.

    With \\* CHARFORMAT Word takes the formatting of the code's first character instead.
    """
    candidates = []
    stop = raw.separate if raw.separate is not None else raw.end
    if "CHARFORMAT" in raw.code().upper():
        candidates = [
            n for n in nodes_between(raw.begin, stop) if n.tag == w("r") and n.find(w("instrText")) is not None
        ]
    elif raw.separate is not None and raw.end is not None:
        candidates = [n for n in nodes_between(raw.separate, raw.end) if n.tag == w("r") and n.find(w("t")) is not None]
    candidates.append(raw.begin)
    for run in candidates:
        rpr = run.find(w("rPr"))
        if rpr is not None:
            return rpr
    return None


def _irregular(raw: RawField, split: set[etree._Element]) -> bool:
    """Whether the code held more than runs of code text (bookmarks, tracked changes) or sat in one run."""
    if raw.begin in split:
        return True
    stop = raw.separate if raw.separate is not None else raw.end
    depth = 0  # inside a nested field, whose own runs are its business
    for node in nodes_between(raw.begin, stop):
        if node in split:
            return True
        marks = [c.get(w("fldCharType")) for c in node.iter(w("fldChar"))]
        depth += marks.count("begin") - marks.count("end")
        if marks or depth > 0 or node.tag == w("proofErr"):
            continue
        if node.tag != w("r") or any(c.tag not in (w("rPr"), w("instrText")) for c in node):
            return True
    return _paragraph(raw.begin) is not _paragraph(raw.end)


def replace_whole(raw: RawField, new: list[etree._Element]) -> None:
    """The field from its begin to its end replaced by new elements; bookmarks inside are kept before them."""
    begin, end = raw.begin, raw.end
    first, last = _paragraph(begin), _paragraph(end)
    if first is not last and (first is None or last is None or first.getparent() is not last.getparent()):
        raise DocxRejected("unsupported_layout", raw.readable())
    for element in new:
        begin.addprevious(element)
    anchor = new[0] if new else begin
    for node in [*nodes_between(begin, end), begin, end]:
        if node.tag in BOOKMARKS:
            anchor.addprevious(node)
        elif node.getparent() is not None:
            node.getparent().remove(node)
    if first is not last:
        # the result ran over paragraphs: what follows the field joins the paragraph it began in
        for child in list(last):
            if child.tag != w("pPr"):
                first.append(child)
        last.getparent().remove(last)


def rewrite_code(raw: RawField, code: str) -> None:
    """A nested field's code replaced by one run of code text, its result left for the library."""
    stop = raw.separate if raw.separate is not None else raw.end
    nodes = list(nodes_between(raw.begin, stop))
    rpr = raw.begin.find(w("rPr"))
    raw.begin.addnext(_run(rpr, _instr(code)))
    for node in nodes:
        if node.tag in BOOKMARKS:
            raw.begin.addprevious(node)
        elif node.getparent() is not None:
            node.getparent().remove(node)


def _spaced_operator(code: str) -> str:
    """The code with spaces around the first comparison operator outside quotes."""
    quoted = False
    for position, char in enumerate(code):
        if char == '"' and code[position - 1 : position] != "\\":
            quoted = not quoted
        elif not quoted and char in "<>=":
            width = 2 if code[position : position + 2] in ("<>", "<=", ">=") else 1
            return f"{code[:position]} {code[position : position + width]} {code[position + width :]}"
    return code


def if_spec(raw: RawField) -> FieldSpec | None:
    """The IF's expression when segapp can evaluate it as Word would (nested fields all merge fields or IFs)."""
    code = tokens(raw.code())
    if len(code) < 4 or code[2].text not in IF_OPERATORS:
        code = tokens(_spaced_operator(raw.code()))  # Word also reads { IF { MERGEFIELD x }="F" ... }
    if len(code) < 4 or code[2].text not in IF_OPERATORS:
        return None
    children = []
    for child in raw.children:
        kind = child.kind()
        if kind == "MERGEFIELD" or kind in WORD_BLOCKS:
            children.append(merge_spec(child))
        elif kind == "IF" and (nested := if_spec(child)) is not None:
            children.append(nested)
        else:
            return None
    return FieldSpec("if", code=code, children=children)


def merge_spec(raw: RawField) -> FieldSpec:
    """A MERGEFIELD's name and code (Word's address block and greeting line: a field of that name)."""
    code = tokens(raw.code())
    if code and code[0].text.upper() in WORD_BLOCKS:
        # their switches are layouts of Word's own, not formats of a value: the field's value is used as it is
        return FieldSpec("merge", name=WORD_BLOCKS[code[0].text.upper()], code=[code[0]])
    name = code[1].text if len(code) > 1 and not code[1].switch else ""
    return FieldSpec("merge", name=name, code=code)


def _names(spec: FieldSpec) -> Iterator[str]:
    if spec.kind == "merge":
        yield spec.name
    for child in spec.children:
        yield from _names(child)


def normalise_field(raw: RawField, report: PartReport, split: set[etree._Element], nested: bool = False) -> None:
    """One field brought to the form the library merges well, its meaning recorded in the report."""
    kind = raw.kind()
    if kind in ("MERGEFIELD", *WORD_BLOCKS) or (kind == "IF" and if_spec(raw) is not None):
        spec = merge_spec(raw) if kind != "IF" else if_spec(raw)
        for name in _names(spec):
            if name:
                report.names.setdefault(name.casefold(), name)
        if _irregular(raw, split):
            report.warn("normalised", spec.name or raw.readable())
        key = report.new_key(spec)
        if nested:
            rewrite_code(raw, f" MERGEFIELD {key} ")
        else:
            replace_whole(raw, canonical_runs(key, spec.name or kind, _result_rpr(raw)))
        return
    if kind in RECORD_FIELDS:
        # one letter per record: Word's NEXT (labels, lists) has no record to move to here
        report.warn("normalised", raw.readable())
        replace_whole(raw, [])
        return
    if kind == "IF":
        report.warn("if_not_evaluated", raw.readable())
        report.update_fields = True
    for child in raw.children:
        normalise_field(child, report, split, nested=True)
    for child in raw.result_fields:
        normalise_field(child, report, split)


def normalise_part(part: etree._Element, report: PartReport) -> None:
    """Every field of one part (body, header, footer, notes) normalised in place."""
    _fldsimple_to_complex(part)
    touched = _accept_tracked_changes(part)
    touched |= _split_runs(part)
    for raw in find_fields(part):
        normalise_field(raw, report, touched)
