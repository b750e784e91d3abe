"""A test of a segment's e-mail before registering (spec 5): a line's message, exactly as its contact would get
it, sent now to the user's own address. It writes nothing."""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from segapp.models import Contact, CorrespondenceType, Salesperson, SegmentLine
from segapp.services.delivery.consent import unsubscribe_url
from segapp.services.delivery.letters import html_text
from segapp.services.delivery.messages import build_email, valid_address
from segapp.services.delivery.settings import configured_mail_settings
from segapp.services.delivery.smtp import MailConnection, SmtpFailure
from segapp.services.documents.catalogue import letter_locale
from segapp.services.documents.line_letters import find_line, letter_file
from segapp.services.documents.preview import docx_html
from segapp.services.errors import ServiceError


@dataclass(frozen=True)
class TestMessageSent:
    """What was sent: the line whose message it was, its contact, to whom, with which subject."""

    __test__ = False  # not a pytest test class, whatever its name

    line_no: int
    contact_no: str
    to_address: str
    subject: str


def first_email_line(session: Session, segment_no: str) -> int | None:
    """The first e-mail line with a contact of the segment, or None."""
    return session.scalar(
        select(SegmentLine.line_no)
        .where(
            SegmentLine.segment_no == segment_no,
            SegmentLine.correspondence_type == CorrespondenceType.EMAIL,
            SegmentLine.contact_no.is_not(None),
        )
        .order_by(SegmentLine.line_no)
        .limit(1)
    )


def send_test_message(session: Session, segment_no: str, line_no: int | None, to_address: str) -> TestMessageSent:
    """Send the line's message (default: the first e-mail line's) to ``to_address`` now; ServiceError says why
    not (no mail server, no e-mail line, no letter, a bad address, the server's refusal)."""
    to_address = (to_address or "").strip()
    if not valid_address(to_address):
        raise ServiceError(_("Enter the e-mail address to send the test to, such as ann@example.com."), "to_address")
    settings = configured_mail_settings(session)
    if line_no is None:
        line_no = first_email_line(session, segment_no)
        if line_no is None:
            raise ServiceError(_("Segment %(no)s has no e-mail line with a contact.", no=segment_no), "line_no")
    line = find_line(session, segment_no, line_no)
    if not line.contact_no:
        raise ServiceError(_("Line %(line)s has no contact, so it has no letter.", line=line_no), "line_no")
    letter = letter_file(session, segment_no, line_no)  # NoLetter (a ServiceError) says why there is none
    salesperson = session.get(Salesperson, line.salesperson_code) if line.salesperson_code else None
    contact = session.get(Contact, line.contact_no)
    locale = letter_locale(line.language_code)
    if line.send_word_doc_as_attachment:
        body: dict = {"attachment": letter.content}
    else:
        html = str(docx_html(letter.content))
        body = {"html": html, "text": html_text(html)}
    message = build_email(
        settings,
        to_address=to_address,
        to_name=contact.name if contact is not None else "",
        subject=line.subject,
        salesperson_name=salesperson.name if salesperson is not None else "",
        salesperson_email=salesperson.email if salesperson is not None else "",
        unsubscribe_url=unsubscribe_url(line.contact_no),
        locale=locale,
        **body,
    )
    try:
        with MailConnection(settings) as connection:
            connection.send(message)
    except SmtpFailure as failure:
        raise ServiceError(_("The test e-mail was not sent: %(reason)s", reason=failure.reason)) from failure
    return TestMessageSent(line_no, line.contact_no, to_address, str(message["Subject"]))
