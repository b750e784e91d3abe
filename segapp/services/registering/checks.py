"""The checks of spec 3.6 before a segment is registered: each refusal names the segment or the line and the field.

Set-based: one statement counts the lines, one finds the first line at fault (whatever the segment's size).
"""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import ColumnElement

from segapp.models import (
    Contact,
    CorrespondenceType,
    InteractionTemplate,
    LoggedSegment,
    Salesperson,
    SegmentHeader,
    SegmentLine,
)
from segapp.services.errors import ServiceError


class RegisterRefused(ServiceError, ValueError):
    """The segment cannot be registered; ``message`` (translated) says why, naming the line and field at fault."""

    def __init__(
        self,
        message: str,
        segment_no: str,
        line_no: int | None = None,
        field: str | None = None,
        contact_no: str | None = None,
    ) -> None:
        super().__init__(message, field)
        self.segment_no = segment_no
        self.line_no = line_no
        self.contact_no = contact_no


class AlreadyRegistered(RegisterRefused):
    """The segment was registered already (by this user a moment ago, or by someone else)."""

    def __init__(self, segment_no: str, logged_segment_entry_no: int) -> None:
        super().__init__(_("Segment %(no)s was already registered.", no=segment_no), segment_no)
        self.logged_segment_entry_no = logged_segment_entry_no


@dataclass(frozen=True)
class SegmentFacts:
    """What the register dialog and the checks need to know of the lines: how many have a contact, and whether
    one of them has a correspondence type (then *send documents* is on by default)."""

    lines_with_contact: int
    with_correspondence: int
    # Lines whose letter is printed (hard copy): with *send documents* they give the printable letters.
    hard_copy: int = 0
    # Lines sent by e-mail: with *send documents* they give the send job; the dialog then asks about shared
    # addresses.
    email: int = 0

    @property
    def send_by_default(self) -> bool:
        """*Send documents* starts on when a line has a correspondence type."""
        return self.with_correspondence > 0


def segment_facts(session: Session, segment_no: str) -> SegmentFacts:
    """Counted in one statement over the segment's lines that have a contact."""
    total, typed, hard_copy, email = session.execute(
        select(
            func.count(),
            func.count().filter(SegmentLine.correspondence_type != CorrespondenceType.BLANK),
            func.count().filter(SegmentLine.correspondence_type == CorrespondenceType.HARD_COPY),
            func.count().filter(SegmentLine.correspondence_type == CorrespondenceType.EMAIL),
        ).where(SegmentLine.segment_no == segment_no, SegmentLine.contact_no.is_not(None))
    ).one()
    return SegmentFacts(int(total), int(typed), int(hard_copy), int(email))


def registered_entry_no(session: Session, segment_no: str) -> int | None:
    """The entry no. of the registered segment of this no., or None when it was never registered."""
    return session.scalar(select(LoggedSegment.entry_no).where(LoggedSegment.segment_no == segment_no))


def check_segment(session: Session, header: SegmentHeader, *, send_documents: bool) -> SegmentFacts:
    """Refuse (RegisterRefused) a segment that cannot be registered; else what its lines hold."""
    if not (header.description or "").strip():
        raise RegisterRefused(
            _("Segment %(no)s has no description: enter one before registering it.", no=header.no),
            header.no,
            field="description",
        )
    facts = segment_facts(session, header.no)
    if facts.lines_with_contact == 0:
        raise RegisterRefused(
            _("Segment %(no)s has no line with a contact: there is nothing to register.", no=header.no),
            header.no,
            field="contact_no",
        )
    _check_lines(session, header.no, send_documents=send_documents)
    return facts


def email_without_address() -> ColumnElement[bool]:
    """A segment line (joined to its contact) that is an e-mail for a contact without an e-mail address: refused
    when sending, and written without its correspondence type otherwise (spec 3.6)."""
    return (SegmentLine.correspondence_type == CorrespondenceType.EMAIL) & (func.coalesce(Contact.email, "") == "")


def _check_lines(session: Session, segment_no: str, *, send_documents: bool) -> None:
    """The first line (in line order) that lacks a date, salesperson or template, names one that does not exist,
    or (sending) has e-mail as its correspondence type for a contact without an e-mail address: one statement."""
    line = SegmentLine
    salesperson = aliased(Salesperson, name="line_salesperson")
    template = aliased(InteractionTemplate, name="line_template")
    no_date = line.date.is_(None)
    no_salesperson = salesperson.code.is_(None)
    no_template = template.code.is_(None)
    no_email = email_without_address()
    problems = [no_date, no_salesperson, no_template]
    if send_documents:
        problems.append(no_email)
    row = session.execute(
        select(
            line.line_no,
            line.contact_no,
            line.salesperson_code,
            line.interaction_template_code,
            no_date,
            no_salesperson,
            no_template,
            no_email,
        )
        .join(Contact, Contact.no == line.contact_no)
        .outerjoin(salesperson, salesperson.code == line.salesperson_code)
        .outerjoin(template, template.code == line.interaction_template_code)
        .where(line.segment_no == segment_no, or_(*problems))
        .order_by(line.line_no)
        .limit(1)
    ).first()
    if row is None:
        return
    line_no, contact_no, salesperson_code, template_code, lacks_date, lacks_salesperson, lacks_template, _email = row
    names = {"line": line_no, "contact": contact_no}
    if lacks_date:
        message, field = _("Line %(line)s (contact %(contact)s) has no date.", **names), "date"
    elif lacks_salesperson and salesperson_code:
        message = _(
            "Line %(line)s (contact %(contact)s) names salesperson %(code)s, which does not exist.",
            code=salesperson_code,
            **names,
        )
        field = "salesperson_code"
    elif lacks_salesperson:
        message, field = _("Line %(line)s (contact %(contact)s) has no salesperson.", **names), "salesperson_code"
    elif lacks_template and template_code:
        message = _(
            "Line %(line)s (contact %(contact)s) names interaction template %(code)s, which does not exist.",
            code=template_code,
            **names,
        )
        field = "interaction_template_code"
    elif lacks_template:
        message = _("Line %(line)s (contact %(contact)s) has no interaction template.", **names)
        field = "interaction_template_code"
    else:
        message = _(
            "Line %(line)s: contact %(contact)s has no e-mail address, so the e-mail cannot be sent. "
            "Give the contact an address, change the line's correspondence type, or register without sending.",
            **names,
        )
        field = "correspondence_type"
    raise RegisterRefused(message, segment_no, line_no=line_no, field=field, contact_no=contact_no)
