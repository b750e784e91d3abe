"""The e-mail of an e-mail line (spec 5): From the company sender (the salesperson only where the mail server may
send for the salesperson's address), Reply-To the salesperson, the line's subject, the merged letter as a .docx
attachment or as the HTML body with a plain-text alternative, and the one-click unsubscribe of RFC 8058 in its
headers and a link in its body, in the contact's language."""

import re
import uuid
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate
from functools import lru_cache
from html import escape

from flask_babel import force_locale
from flask_babel import gettext as _

from segapp.exporting import DOCX_TYPE
from segapp.services.delivery.settings import MailSettings

_ADDRESS = re.compile(r"^[^@\s<>()\[\],;:\"\\]+@[^@\s<>()\[\],;:\"\\]+\.[^@\s<>()\[\],;:\"\\.]+$")
_UNSAFE_NAME = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')
_LINE_BREAKS = re.compile(r"[\r\n\t]")


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


def _mailbox(name: str, address: str) -> Address:
    local, _at, domain = address.rpartition("@")
    return Address(display_name=one_line(name), username=local, domain=domain)


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
    alternative) is the body. ``to_address`` must be valid (``valid_address``)."""
    words = footer(locale)
    message = EmailMessage()
    if salesperson_email and settings.may_send_as(salesperson_email):
        message["From"] = _mailbox(salesperson_name, salesperson_email)
    else:
        message["From"] = _mailbox(settings.sender_name, settings.sender_email)
    if salesperson_email and valid_address(salesperson_email):
        message["Reply-To"] = _mailbox(salesperson_name, salesperson_email)
    message["To"] = _mailbox(to_name, to_address)
    message["Subject"] = one_line(subject)
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = message_id or new_message_id(settings.sender_email)
    message["List-Unsubscribe"] = f"<{unsubscribe_url}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    plain_footer = f"--\n{words.unsubscribe}\n{words.link}: {unsubscribe_url}\n"
    if attachment is not None:
        message.set_content(f"{words.attached}\n\n{plain_footer}")
        maintype, subtype = DOCX_TYPE.split("/")
        message.add_attachment(attachment, maintype=maintype, subtype=subtype, filename=attachment_name(subject))
        return message
    message.set_content(f"{text.rstrip()}\n\n{plain_footer}")
    url = escape(unsubscribe_url)
    message.add_alternative(
        f'<!DOCTYPE html>\n<html lang="{escape(locale)}"><head><meta charset="utf-8"></head><body>\n{html or ""}\n'
        f'<hr><p style="font-size:small;color:#555">{escape(words.unsubscribe)} '
        f'<a href="{url}">{escape(words.link)}</a></p>\n</body></html>\n',
        subtype="html",
    )
    return message
