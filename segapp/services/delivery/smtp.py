"""The connection to the mail server (spec 5): opened from the settings (STARTTLS, SSL or plain, login when a
user is set, a timeout under the jobs' lease), kept open for a step's messages, and each message's failure
classified: a refused recipient or sender is that message's error and the connection goes on; a server that is
down or a connection that drops is that message's error, and the next message connects again."""

import smtplib
import ssl
from collections.abc import Sequence
from email import policy
from email.message import EmailMessage
from email.utils import parseaddr

from flask_babel import gettext as _

from segapp.services.delivery.settings import MailSettings

# The server's reply kept on an entry: enough to read the reason, never a whole transcript.
REASON_LENGTH = 500


class SmtpFailure(Exception):
    """A message was not sent: ``reason`` in words (with the server's reply); ``connection_lost`` when the
    connection is gone (the next message connects again)."""

    def __init__(self, reason: str, *, connection_lost: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason[:REASON_LENGTH]
        self.connection_lost = connection_lost


def _reply(code: int, text: bytes | str) -> str:
    message = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"{code} {' '.join(message.split())}".strip()


def _lost(error: BaseException) -> SmtpFailure:
    detail = str(error) or type(error).__name__
    return SmtpFailure(_("The connection to the mail server was lost: %(error)s", error=detail), connection_lost=True)


class MailConnection:
    """One connection to the mail server, opened on the first message and again after it was lost."""

    def __init__(self, settings: MailSettings) -> None:
        self.settings = settings
        self.smtp: smtplib.SMTP | None = None
        self.used = False  # a message went over this connection: it may have gone stale since

    def __enter__(self) -> "MailConnection":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def open(self) -> None:
        """Connect (and log in) unless connected; SmtpFailure(connection_lost) when the server cannot be reached."""
        if self.smtp is not None:
            return
        settings = self.settings
        try:
            if settings.security == "ssl":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    settings.host, settings.port, timeout=settings.timeout, context=ssl.create_default_context()
                )
            else:
                smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
            try:
                if settings.security == "starttls":
                    smtp.starttls(context=ssl.create_default_context())
                if settings.user:
                    smtp.login(settings.user, settings.password)
            except BaseException:
                smtp.close()
                raise
        except smtplib.SMTPAuthenticationError as error:
            raise SmtpFailure(
                _("The mail server refused the user name or password: %(reply)s", reply=_reply(*error.args[:2])),
                connection_lost=True,
            ) from error
        except smtplib.SMTPNotSupportedError as error:
            raise SmtpFailure(
                _("The mail server does not offer what the settings ask (%(error)s).", error=str(error)),
                connection_lost=True,
            ) from error
        except (OSError, smtplib.SMTPException) as error:
            raise SmtpFailure(
                _(
                    "The mail server %(host)s:%(port)s cannot be reached: %(error)s",
                    host=settings.host,
                    port=settings.port,
                    error=str(error) or type(error).__name__,
                ),
                connection_lost=True,
            ) from error
        self.smtp = smtp
        self.used = False

    def close(self) -> None:
        """Say goodbye to the server (quietly when the connection is gone already)."""
        smtp, self.smtp = self.smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()

    def send(self, message: EmailMessage, recipients: Sequence[str] | None = None) -> None:
        """Send one message (to its To address unless ``recipients``); SmtpFailure says why it was not sent."""
        sender = parseaddr(str(message.get("Sender") or message["From"]))[1]
        to = list(recipients) if recipients else [parseaddr(str(message["To"]))[1]]
        try:
            data = message.as_bytes(policy=policy.SMTP)  # lines end in CRLF on the wire
        except (UnicodeError, ValueError, TypeError) as error:  # a header or body the wire cannot carry
            raise SmtpFailure(_("The message could not be written: %(error)s", error=str(error))) from error
        stale = self.used and self.smtp is not None
        self.open()
        try:
            self._transaction(sender, to, data)
        except _NotStarted as not_started:
            # Nothing was sent yet: a connection that went stale since its last message is opened again, once.
            self.close()
            if not stale:
                raise _lost(not_started.error) from not_started.error
            self.open()
            try:
                self._transaction(sender, to, data)
            except _NotStarted as again:
                self.close()
                raise _lost(again.error) from again.error
        self.used = True

    def _transaction(self, sender: str, recipients: list[str], data: bytes) -> None:
        smtp = self.smtp
        assert smtp is not None
        try:
            smtp.ehlo_or_helo_if_needed()
            options = ["SMTPUTF8"] if smtp.has_extn("smtputf8") and not data.isascii() else []
            code, reply = smtp.mail(sender, options)
        except (OSError, smtplib.SMTPServerDisconnected) as error:
            raise _NotStarted(error) from error
        try:
            if code != 250:
                self._reset()
                raise SmtpFailure(_("The mail server refused the sender: %(reply)s", reply=_reply(code, reply)))
            refused = []
            for recipient in recipients:
                code, reply = smtp.rcpt(recipient)
                if code not in (250, 251):
                    refused.append(_reply(code, reply))
            if len(refused) == len(recipients):
                self._reset()
                raise SmtpFailure(_("The mail server refused the recipient: %(reply)s", reply="; ".join(refused)))
            code, reply = smtp.data(data)
            if code != 250:
                self._reset()
                raise SmtpFailure(_("The mail server refused the message: %(reply)s", reply=_reply(code, reply)))
        except smtplib.SMTPDataError as error:
            self._reset()
            raise SmtpFailure(
                _("The mail server refused the message: %(reply)s", reply=_reply(*error.args[:2]))
            ) from error
        except (OSError, smtplib.SMTPServerDisconnected, smtplib.SMTPResponseException) as error:
            self.close()
            raise _lost(error) from error

    def _reset(self) -> None:
        """RSET after a refusal, so that the connection serves the next message; a failure closes it."""
        try:
            assert self.smtp is not None
            self.smtp.rset()
        except (OSError, smtplib.SMTPException):
            self.close()


class _NotStarted(Exception):
    """The connection failed before the server was given anything of the message."""

    def __init__(self, error: BaseException) -> None:
        super().__init__(str(error))
        self.error = error
