"""The e-mail of an e-mail line (spec 5): From the company sender (the salesperson only where the mail server may
send for the salesperson's address), Reply-To the salesperson, the line's subject, the merged letter as a .docx
attachment or as the HTML body with a plain-text alternative, and the one-click unsubscribe of RFC 8058 in its
headers and a link in its body, in the contact's language."""

import base64
import quopri
import re
import uuid
from dataclasses import dataclass
from email.header import Header
from email.message import EmailMessage
from email.utils import encode_rfc2231, formataddr, formatdate
from functools import lru_cache
from html import escape

from flask_babel import force_locale
from flask_babel import gettext as _

from segapp.exporting import DOCX_TYPE
from segapp.services.delivery.settings import MailSettings

_ADDRESS = re.compile(r"^[^@\s<>()\[\],;:\"\\]+@[^@\s<>()\[\],;:\"\\]+\.[^@\s<>()\[\],;:\"\\.]+$")
_UNSAFE_NAME = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')
_LINE_BREAKS = re.compile(r"[\r\n\t]")
# SMTP's limit on a line (RFC 5321: 1000 with CRLF); longer lines go quoted-printable.
_LINE_MAX = 998


def valid_address(address: str) -> bool:
    """Whether an address can be sent to: one @, a domain with a dot, no blanks or characters a mailbox lacks."""
    return len(address) <= 254 and _ADDRESS.match(address) is not None and address.isascii()


def one_line(text: str) -> str:
    """A header's text on one line (a line break in a header would start another header)."""
    return " ".join(_LINE_BREAKS.sub(" ", text or "").split())


def attachment_name(subject: str) -> str:
    """The attached letter's file name, from the subject."""
    name = " ".join(_UNSAFE_NAME.sub(" ", one_line(subject)).split()).strip(" .")[:80].strip()
    return f"{name or 'letter'}.docx"


def _domain(address: str) -> str:
    return address.rpartition("@")[2] or "localhost"


def new_message_id(sender_email: str) -> str:
    """A Message-ID in the sender's domain (no host name lookup, unlike email.utils.make_msgid)."""
    return f"<{uuid.uuid4().hex}@{_domain(sender_email)}>"


@dataclass(frozen=True)
class Footer:
    """The unsubscribe lines of a message in one language."""

    attached: str
    unsubscribe: str
    link: str


@lru_cache(maxsize=8)
def footer(locale: str) -> Footer:
    """The body's fixed texts in the contact's language (made once per language)."""
    with force_locale(locale):
        return Footer(
            attached=_("Our letter is attached."),
            unsubscribe=_("You receive this e-mail because you are one of our contacts."),
            link=_("Unsubscribe: no more e-mail from us"),
        )


def _encoded(text: str) -> str:
    """An unstructured header's value: as it is in ASCII, else RFC 2047 encoded words."""
    return text if text.isascii() else Header(text, "utf-8").encode()


def _mailbox(name: str, address: str) -> str:
    """``Name <address>`` (the name quoted or encoded as needed), or the bare address."""
    name = one_line(name)
    return formataddr((name, address), charset="utf-8") if name else address


def _text_part(text: str, subtype: str) -> EmailMessage:
    """A text part: 7bit when it is short-lined ASCII, else quoted-printable UTF-8."""
    part = EmailMessage()
    part.set_raw("Content-Type", f'text/{subtype}; charset="utf-8"')
    if text.isascii() and all(len(line) <= _LINE_MAX for line in text.splitlines()):
        part.set_raw("Content-Transfer-Encoding", "7bit")
        part.set_payload(text)
    else:
        part.set_raw("Content-Transfer-Encoding", "quoted-printable")
        part.set_payload(quopri.encodestring(text.encode()).decode("ascii"))
    return part


def _docx_part(content: bytes, file_name: str) -> EmailMessage:
    """The letter attached, base64 encoded."""
    part = EmailMessage()
    if file_name.isascii():
        name = '"' + file_name.replace("\\", "").replace('"', "") + '"'
        part.set_raw("Content-Type", f"{DOCX_TYPE}; name={name}")
        part.set_raw("Content-Disposition", f"attachment; filename={name}")
    else:
        encoded = encode_rfc2231(file_name, "utf-8")
        part.set_raw("Content-Type", f"{DOCX_TYPE}; name*={encoded}")
        part.set_raw("Content-Disposition", f"attachment; filename*={encoded}")
    part.set_raw("Content-Transfer-Encoding", "base64")
    part.set_payload(base64.encodebytes(content).decode("ascii"))
    return part


def build_email(
    settings: MailSettings,
    *,
    to_address: str,
    subject: str,
    unsubscribe_url: str,
    to_name: str = "",
    salesperson_name: str = "",
    salesperson_email: str = "",
    html: str | None = None,
    text: str = "",
    attachment: bytes | None = None,
    locale: str = "en",
    message_id: str | None = None,
) -> EmailMessage:
    """The message of one letter: with ``attachment`` the .docx is attached, else ``html`` (with its ``text``
    alternative) is the body. ``to_address`` must be valid (``valid_address``).

    Its headers and parts are written as they go on the wire (``set_raw``), not parsed back by the header
    registry: a message is built per e-mail sent, and parsing was most of its cost."""
    words = footer(locale)
    message = EmailMessage()
    if salesperson_email and settings.may_send_as(salesperson_email):
        message.set_raw("From", _mailbox(salesperson_name, salesperson_email))
    else:
        message.set_raw("From", _mailbox(settings.sender_name, settings.sender_email))
    if salesperson_email and valid_address(salesperson_email):
        message.set_raw("Reply-To", _mailbox(salesperson_name, salesperson_email))
    message.set_raw("To", _mailbox(to_name, to_address))
    message.set_raw("Subject", _encoded(one_line(subject)))
    message.set_raw("Date", formatdate(usegmt=True))
    message.set_raw("Message-ID", message_id or new_message_id(settings.sender_email))
    message.set_raw("List-Unsubscribe", f"<{unsubscribe_url}>")
    message.set_raw("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")
    message.set_raw("MIME-Version", "1.0")
    plain_footer = f"--\n{words.unsubscribe}\n{words.link}: {unsubscribe_url}\n"
    if attachment is not None:
        parts = [
            _text_part(f"{words.attached}\n\n{plain_footer}", "plain"),
            _docx_part(attachment, attachment_name(subject)),
        ]
        kind = "mixed"
    else:
        url = escape(unsubscribe_url)
        page = (
            f'<!DOCTYPE html>\n<html lang="{escape(locale)}"><head><meta charset="utf-8"></head><body>\n'
            f'{html or ""}\n<hr><p style="font-size:small;color:#555">{escape(words.unsubscribe)} '
            f'<a href="{url}">{escape(words.link)}</a></p>\n</body></html>\n'
        )
        parts = [_text_part(f"{text.rstrip()}\n\n{plain_footer}", "plain"), _text_part(page, "html")]
        kind = "alternative"
    message.set_raw("Content-Type", f'multipart/{kind}; boundary="=_segapp_{uuid.uuid4().hex}"')
    message.set_payload(parts)
    return message
