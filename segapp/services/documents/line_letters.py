"""A line's letter on the segment page (spec 5): its personal text, the merged letter to download, the letter
edited in Word and uploaded back (the line is then "personalised" and that file is used as it is), and why a
line has no letter when it has none.

The line's document lives in segment_line_document (one live row per line); carrying.py moves it with the line.
Writes lock the segment, as actions and go back do, so a document is never written for a line being removed.
"""

import logging
from dataclasses import dataclass
from datetime import UTC

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from segapp.merge import DocxRejected, check_docx, merge_document
from segapp.models import Contact, SegmentLine, SegmentLineDocument, TemplateDocument
from segapp.models.base import utcnow
from segapp.services.documents.catalogue import LineLetter, letter_locale, line_letters
from segapp.services.documents.messages import rejection_message
from segapp.services.errors import Conflict, NotFound, ServiceError
from segapp.services.segments.records import lock_segment

log = logging.getLogger(__name__)

PERSONAL_TEXT_MAX = 4000


class NoLetter(ServiceError):
    """The line has no letter to produce (no contact, template, language or template document): why, in words."""


@dataclass(frozen=True)
class LetterFile:
    """A letter to download: its file name, content, and whether it is the personalised file."""

    name: str
    content: bytes
    personalised: bool


@dataclass(frozen=True)
class LetterState:
    """What the letter dialog shows of a line: the line, its contact's name, its document (None when it has
    neither personal text nor file), the template version its letter is merged from, and why it has none."""

    line: SegmentLine
    contact_name: str
    document: SegmentLineDocument | None
    template: TemplateDocument | None
    problem: str

    @property
    def personalised(self) -> bool:
        """A personalised letter was uploaded: it is used as it is."""
        return self.document is not None and self.document.personalised_at is not None

    @property
    def personal_text(self) -> str:
        """The line's personal text ("" when none)."""
        return self.document.personal_text if self.document is not None else ""

    @property
    def token(self) -> str:
        """What the user saw of the personalised letter, sent back with a change to it (conflict check)."""
        return document_token(self.document)


def document_token(document: SegmentLineDocument | None) -> str:
    """The personalised letter's identity as the user saw it: its upload time (UTC, to the microsecond), or ""."""
    if document is None or document.personalised_at is None:
        return ""
    moment = document.personalised_at
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.strftime("%Y%m%d%H%M%S%f")


def find_line(session: Session, segment_no: str, line_no: int) -> SegmentLine:
    """The line, or NotFound."""
    line = session.get(SegmentLine, (segment_no, line_no))
    if line is None:
        raise NotFound(_("This line no longer exists."))
    return line


def line_document(session: Session, segment_no: str, line_no: int) -> SegmentLineDocument | None:
    """The line's live document row (personal text, personalised letter), or None."""
    return session.scalar(
        select(SegmentLineDocument).where(
            SegmentLineDocument.segment_no == segment_no,
            SegmentLineDocument.line_no == line_no,
            SegmentLineDocument.removed_by_action_id.is_(None),
        )
    )


def _template_document(session: Session, document_id: int | None) -> TemplateDocument | None:
    return session.get(TemplateDocument, document_id) if document_id is not None else None


def letter_problem(session: Session, line: SegmentLine, letter: LineLetter | None) -> str:
    """Why the line has no letter of its template ("" when it has one)."""
    if not line.contact_no:
        return _("Line %(line)s has no contact, so it has no letter.", line=line.line_no)
    if not line.interaction_template_code:
        return _(
            "Line %(line)s has no interaction template, so it has no letter: set one on the line or on the header.",
            line=line.line_no,
        )
    if not line.language_code:
        return _(
            "Line %(line)s has no language, so no document of template %(template)s can be chosen: set the "
            "line's language.",
            line=line.line_no,
            template=line.interaction_template_code,
        )
    if letter is not None and letter.template_document_id is not None:
        return ""
    others = sorted(
        set(
            session.scalars(
                select(TemplateDocument.language_code).where(
                    TemplateDocument.template_code == line.interaction_template_code
                )
            )
        )
    )
    if others:
        return _(
            "Interaction template %(template)s has no Word document in language %(language)s (it has one in "
            "%(others)s): upload one on the template's card, or change the line's language.",
            template=line.interaction_template_code,
            language=line.language_code,
            others=", ".join(others),
        )
    return _(
        "Interaction template %(template)s has no Word document yet: upload one in language %(language)s on the "
        "template's card.",
        template=line.interaction_template_code,
        language=line.language_code,
    )


def letter_state(session: Session, segment_no: str, line_no: int) -> LetterState:
    """What the line's letter is made of, for its dialog."""
    line = find_line(session, segment_no, line_no)
    letter = line_letters(session, segment_no, [line_no]).get(line_no)
    contact = session.get(Contact, line.contact_no) if line.contact_no else None
    return LetterState(
        line,
        contact.name if contact is not None else "",
        line_document(session, segment_no, line_no),
        _template_document(session, letter.template_document_id if letter else None),
        letter_problem(session, line, letter),
    )


def _document_for_write(session: Session, segment_no: str, line_no: int) -> tuple[SegmentLine, SegmentLineDocument]:
    """The line (locked segment) and its live document row, a new one (not yet added) when it has none."""
    lock_segment(session, segment_no)
    line = find_line(session, segment_no, line_no)
    document = line_document(session, segment_no, line_no)
    if document is None:
        document = SegmentLineDocument(segment_no=segment_no, line_no=line_no, personal_text="", file_name="")
    return line, document


def _keep_or_drop(session: Session, document: SegmentLineDocument) -> bool:
    """Write the row; one with neither personal text nor file is no document: it goes. True when kept."""
    if document.personal_text or document.personalised_at is not None:
        if document.id is None:
            session.add(document)
        session.flush()
        return True
    if document.id is not None:
        session.delete(document)
        session.flush()
    return False


def _plain(text: str) -> str:
    """A text as a letter holds it: line breaks as \\n, no blanks around it."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def _text_conflict(current: str) -> Conflict:
    shown = current if len(current) <= 200 else current[:200] + "…"
    message = (
        _(
            "Someone else changed the personal text to “%(text)s” in the meantime. Your text is kept here: saving "
            "writes it over theirs.",
            text=shown,
        )
        if current
        else _("Someone else cleared the personal text in the meantime. Your text is kept here: saving writes it.")
    )
    return Conflict(message, "personal_text")


def save_personal_text(
    session: Session, segment_no: str, line_no: int, text: str, *, start: str, user_id: int | None
) -> SegmentLineDocument | None:
    """Save the line's personal text (merged at PersonalText) if it still is ``start``, as the user saw it;
    else a Conflict naming the current text, and nothing changes."""
    text = _plain(text)
    if len(text) > PERSONAL_TEXT_MAX:
        raise ServiceError(
            _(
                "The personal text is %(length)s characters long; at most %(max)s fit in a letter.",
                length=len(text),
                max=PERSONAL_TEXT_MAX,
            ),
            "personal_text",
        )
    line, document = _document_for_write(session, segment_no, line_no)
    if not line.contact_no and text:
        raise ServiceError(_("Line %(line)s has no contact, so it has no letter.", line=line_no), "personal_text")
    current = document.personal_text or ""
    if current != _plain(start):
        raise _text_conflict(current)
    document.personal_text = text
    if document.personalised_at is None:
        document.user_id = user_id
    return document if _keep_or_drop(session, document) else None


def letter_file(session: Session, segment_no: str, line_no: int) -> LetterFile:
    """The line's letter: the personalised file as it is, else its template's current version merged with the
    line's values in the line's language; NoLetter says why there is none."""
    line = find_line(session, segment_no, line_no)
    document = line_document(session, segment_no, line_no)
    if document is not None and document.personalised_at is not None:
        content = session.scalar(select(SegmentLineDocument.content).where(SegmentLineDocument.id == document.id))
        if content is not None:
            return LetterFile(document.file_name or _default_name(line), content, True)
    letter = line_letters(session, segment_no, [line_no]).get(line_no)
    problem = letter_problem(session, line, letter)
    if problem or letter is None or letter.template_document_id is None:
        raise NoLetter(problem or _("This line has no letter."))
    return LetterFile(_default_name(line), merged_letter(session, letter), False)


def template_content(session: Session, document_id: int) -> bytes:
    """The bytes of a template document version (its content column is deferred)."""
    content = session.scalar(select(TemplateDocument.content).where(TemplateDocument.id == document_id))
    if content is None:
        raise NoLetter(_("The template's document is no longer there. Reload the page."))
    return content


def merged_letter(session: Session, letter: LineLetter) -> bytes:
    """The letter of a line merged from its template version; a template that does not merge is a message."""
    assert letter.template_document_id is not None
    template = template_content(session, letter.template_document_id)
    try:
        return merge_document(template, letter.values, locale=letter_locale(letter.language_code))
    except Exception as error:  # a stored template that no longer merges must not become a server error
        log.warning("template document %s does not merge: %r", letter.template_document_id, error)
        raise NoLetter(
            _(
                "The template's Word document could not be merged (%(error)s). Upload it again on the template's card.",
                error=type(error).__name__,
            )
        ) from error


def _default_name(line: SegmentLine) -> str:
    return f"{line.segment_no}-{line.line_no}-{line.contact_no or ''}.docx"


def _docx_name(file_name: str, line: SegmentLine) -> str:
    """The uploaded file's own name (without a path), ending in .docx; the line's default when none."""
    name = file_name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    name = "".join(ch for ch in name if ch.isprintable())[:200]
    if not name:
        return _default_name(line)
    return name if name.lower().endswith(".docx") else name + ".docx"


def personalise_line(
    session: Session,
    segment_no: str,
    line_no: int,
    file_name: str,
    data: bytes,
    *,
    expected: str,
    max_bytes: int,
    user_id: int | None,
) -> SegmentLineDocument:
    """Store the letter edited in Word as the line's personalised letter, used as it is from now on. Refused with
    the reason (nothing stored) when it is not a plain .docx; a Conflict when the personalised letter changed
    since the user saw it (``expected``, its token)."""
    if not data:
        raise ServiceError(_("Choose the edited letter (.docx) to upload."), "file")
    try:
        check_docx(data, max_bytes=max_bytes)
    except DocxRejected as rejected:
        raise ServiceError(
            rejection_message(rejected.reason, rejected.detail, max_bytes=max_bytes), "file"
        ) from rejected
    line, document = _document_for_write(session, segment_no, line_no)
    if not line.contact_no:
        raise ServiceError(_("Line %(line)s has no contact, so it has no letter.", line=line_no), "file")
    _check_token(document, expected)
    document.file_name = _docx_name(file_name, line)
    document.content = data
    document.personalised_at = utcnow()
    document.user_id = user_id
    _keep_or_drop(session, document)
    return document


def remove_personalisation(session: Session, segment_no: str, line_no: int, *, expected: str) -> None:
    """Drop the line's personalised letter: its letter is merged from the template again (personal text kept)."""
    _line_row, document = _document_for_write(session, segment_no, line_no)
    if document.personalised_at is None:
        if expected:
            raise Conflict(_("Someone else removed this personalised letter in the meantime."), "file")
        return
    _check_token(document, expected)
    document.file_name = ""
    document.content = None
    document.personalised_at = None
    _keep_or_drop(session, document)


def _check_token(document: SegmentLineDocument, expected: str) -> None:
    if document_token(document) != expected:
        raise Conflict(
            _(
                "Someone else changed this line's personalised letter in the meantime: it is shown now. Check it, then try again."
            ),
            "file",
        )
