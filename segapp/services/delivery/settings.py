"""The mail server settings: the environment (``SMTP_*``) over the marketing setup page; the password only from
the environment, so that it is never stored in the database nor shown on a page."""

import os
from dataclasses import dataclass

from flask import current_app, has_app_context
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from segapp.services.errors import ServiceError
from segapp.services.setup.settings import marketing_setup

SECURITY_MODES = ("starttls", "ssl", "none")
# Seconds an SMTP call may take before it fails: well under the jobs' lease (JOBS_LEASE_SECONDS, 120 by default),
# so that a slow server gives an error on the entry and is never mistaken for a dead worker.
DEFAULT_TIMEOUT_SECONDS = 60
# Setting (environment variable, marketing setup column) pairs; the environment wins where it is set.
ENVIRONMENT_FIELDS = {
    "host": ("SMTP_HOST", "smtp_host"),
    "port": ("SMTP_PORT", "smtp_port"),
    "user": ("SMTP_USER", "smtp_user"),
    "security": ("SMTP_SECURITY", "smtp_security"),
    "sender_email": ("SMTP_SENDER_EMAIL", "sender_email"),
    "sender_name": ("SMTP_SENDER_NAME", "sender_name"),
    "emails_per_minute": ("SMTP_EMAILS_PER_MINUTE", "emails_per_minute"),
    "sender_domains": ("SMTP_SENDER_DOMAINS", "sender_domains"),
}
INTEGER_FIELDS = ("port", "emails_per_minute")


class MailNotConfigured(ServiceError):
    """No mail server or sender is set: nothing can be sent."""


@dataclass(frozen=True)
class MailSettings:
    """How to reach the mail server and whom the messages come from."""

    host: str
    port: int
    user: str
    password: str
    security: str  # starttls, ssl or none
    sender_email: str
    sender_name: str
    emails_per_minute: int  # 0: no limit
    sender_domains: tuple[str, ...]  # domains the server may send for (the salesperson may then be From)
    timeout: float = DEFAULT_TIMEOUT_SECONDS

    @property
    def configured(self) -> bool:
        """Whether there is a server and a sender to send with."""
        return bool(self.host and self.sender_email)

    def may_send_as(self, address: str) -> bool:
        """Whether the mail server may send From this address (its domain is one of the sender domains)."""
        domain = address.rpartition("@")[2].strip().lower()
        return bool(domain) and domain in self.sender_domains


def _environment(name: str) -> str | None:
    if has_app_context() and name in current_app.config:
        value = current_app.config[name]
        return None if value in (None, "") else str(value)
    value = os.environ.get(name)
    return value if value else None


def environment_overrides() -> set[str]:
    """The marketing setup columns that the environment overrides (the setup page shows them as such)."""
    return {column for env, column in ENVIRONMENT_FIELDS.values() if _environment(env) is not None}


def password_is_set() -> bool:
    """Whether SMTP_PASSWORD is set (its value is never shown)."""
    return _environment("SMTP_PASSWORD") is not None


def mail_settings(session: Session) -> MailSettings:
    """The settings in force: each from the environment when set there, else from the marketing setup."""
    setup = marketing_setup(session)
    values: dict[str, object] = {}
    for key, (env, column) in ENVIRONMENT_FIELDS.items():
        raw = _environment(env)
        value: object = getattr(setup, column) if raw is None else raw
        if key in INTEGER_FIELDS:
            try:
                value = int(value)  # type: ignore[call-overload]
            except (TypeError, ValueError):
                value = getattr(setup, column)
        values[key] = value
    domains = tuple(
        sorted({part.strip().lower().lstrip("@") for part in str(values["sender_domains"]).split(",") if part.strip()})
    )
    security = str(values["security"]).lower()
    timeout = _environment("SMTP_TIMEOUT_SECONDS")
    return MailSettings(
        host=str(values["host"] or ""),
        port=int(values["port"]),  # type: ignore[call-overload]
        user=str(values["user"] or ""),
        password=_environment("SMTP_PASSWORD") or "",
        security=security if security in SECURITY_MODES else "starttls",
        sender_email=str(values["sender_email"] or ""),
        sender_name=str(values["sender_name"] or ""),
        emails_per_minute=max(0, int(values["emails_per_minute"])),  # type: ignore[call-overload]
        sender_domains=domains,
        timeout=float(timeout) if timeout else DEFAULT_TIMEOUT_SECONDS,
    )


def configured_mail_settings(session: Session) -> MailSettings:
    """The settings in force, or MailNotConfigured saying what is missing."""
    settings = mail_settings(session)
    if not settings.host:
        raise MailNotConfigured(_("No mail server is set: an administrator sets it in Marketing setup."))
    if not settings.sender_email:
        raise MailNotConfigured(_("No sender e-mail is set: an administrator sets it in Marketing setup."))
    return settings
