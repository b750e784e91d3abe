"""A line's letter seen in the browser without downloading it (spec 5): the merged .docx turned into HTML by
mammoth, then rebuilt from an allowlist, so that nothing in a document runs or fetches: no script, no style
or event attributes, no links to follow, images only when embedded in the document (data: URIs).

A letter whose contact lacks some values is still shown: empty paragraphs are kept (the gap is visible), and
the fields this letter leaves empty are named.
"""

import re
from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser
from io import BytesIO

import mammoth
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy.orm import Session

from segapp.merge import template_fields
from segapp.services.documents.catalogue import find_field, line_letters
from segapp.services.documents.line_letters import (
    NoLetter,
    find_line,
    letter_file,
    letter_problem,
    line_document,
    merged_letter,
    template_content,
)

# Tags kept as they are (mammoth's output: paragraphs, headings, lists, tables, emphasis, line breaks, images).
_KEPT = frozenset(
    "p br h1 h2 h3 h4 h5 h6 strong em b i u s sup sub ul ol li table thead tbody tfoot tr th td img".split()
)
_VOID = frozenset({"br", "img"})
# Their content is no text of the letter: dropped with the tag.
_DROPPED = frozenset({"script", "style", "iframe", "object", "embed", "noscript", "template", "svg", "math", "head"})
_SPAN_ATTRIBUTES = frozenset({"colspan", "rowspan"})
_IMAGE = re.compile(r"^data:image/(png|jpeg|gif|bmp|webp);base64,[A-Za-z0-9+/=\s]+$")


class _Allowlist(HTMLParser):
    """Rebuilds HTML from the allowed tags and attributes only, every text escaped again."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.dropping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROPPED:
            self.dropping += 1
            return
        if self.dropping or tag not in _KEPT:
            return
        kept = []
        for name, value in attrs:
            value = value or ""
            if name in _SPAN_ATTRIBUTES and tag in ("td", "th") and value.isdigit():
                kept.append(f' {name}="{value}"')
            elif tag == "img" and name == "src" and _IMAGE.match(value):
                kept.append(f' src="{escape(value)}"')
            elif tag == "img" and name == "alt":
                kept.append(f' alt="{escape(value)}"')
        self.out.append(f"<{tag}{''.join(kept)}>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in _DROPPED:
            self.dropping -= 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROPPED:
            self.dropping = max(self.dropping - 1, 0)
            return
        if self.dropping or tag not in _KEPT or tag in _VOID:
            return
        self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if not self.dropping:
            self.out.append(escape(data, quote=False))


def sanitised_html(html: str) -> Markup:
    """``html`` with only the allowed tags and attributes: safe to put in a page."""
    parser = _Allowlist()
    parser.feed(html)
    parser.close()
    return Markup("".join(parser.out))


def docx_html(docx: bytes) -> Markup:
    """A .docx as safe HTML, empty paragraphs kept (a missing address line shows as a gap)."""
    result = mammoth.convert_to_html(BytesIO(docx), ignore_empty_paragraphs=False, external_file_access=False)
    return sanitised_html(result.value)


@dataclass(frozen=True)
class LetterPreview:
    """A line's letter as HTML, whether it is the personalised file, and the fields it leaves empty."""

    html: Markup
    personalised: bool
    gaps: list[str] = field(default_factory=list)


def letter_preview(session: Session, segment_no: str, line_no: int) -> LetterPreview:
    """The line's letter as the contact will get it, as safe HTML; NoLetter says why there is none."""
    line = find_line(session, segment_no, line_no)
    document = line_document(session, segment_no, line_no)
    try:
        if document is not None and document.personalised_at is not None:
            return LetterPreview(docx_html(letter_file(session, segment_no, line_no).content), True)
        letter = line_letters(session, segment_no, [line_no]).get(line_no)
        problem = letter_problem(session, line, letter)
        if problem or letter is None or letter.template_document_id is None:
            raise NoLetter(problem or _("This line has no letter."))
        html = docx_html(merged_letter(session, letter))
        return LetterPreview(html, False, _gaps(template_content(session, letter.template_document_id), letter.values))
    except NoLetter:
        raise
    except Exception as error:  # a letter that mammoth cannot read is a message, not a server error
        raise NoLetter(
            _(
                "This letter cannot be shown in the browser (%(error)s): download it instead.",
                error=type(error).__name__,
            )
        ) from error


def _gaps(template: bytes, values: dict[str, str]) -> list[str]:
    """The template's fields that are empty in this letter, as the template names them, in name order."""
    gaps = []
    for name in template_fields(template):
        known = find_field(name)
        if known is None or not (values.get(known.name) or "").strip():
            gaps.append(name)
    return sorted(gaps, key=str.casefold)
