"""Consent (spec 5): a contact opts out of e-mail on its card or through the signed unsubscribe link that every
message carries (RFC 8058 one-click ``List-Unsubscribe``). The link names the contact in a token signed with the
app's secret key, so nobody can unsubscribe someone else by guessing a number."""

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import update
from sqlalchemy.orm import Session

from segapp.models import Contact
from segapp.models.base import utcnow

SALT = "segapp-unsubscribe"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def unsubscribe_token(contact_no: str) -> str:
    """The signed token of the contact's unsubscribe link."""
    return str(_serializer().dumps(contact_no))


def contact_no_of_token(token: str) -> str | None:
    """The contact a token names, or None when it is not a token this app signed."""
    try:
        value = _serializer().loads(token)
    except BadSignature:
        return None
    return value if isinstance(value, str) else None


def unsubscribe_url(contact_no: str) -> str:
    """The absolute unsubscribe link of a contact (PUBLIC_URL: a worker has no request to take the host from)."""
    base = str(current_app.config.get("PUBLIC_URL") or "http://localhost:5000").rstrip("/")
    return f"{base}/unsubscribe/{unsubscribe_token(contact_no)}"


def set_email_opt_out(session: Session, contact_no: str, opted_out: bool) -> bool:
    """Record that the contact wants (no more) e-mail; False when there is no such contact. The time of the
    first opt-out is kept; opting in again clears it."""
    values = {"email_opt_out": opted_out, "email_opt_out_at": utcnow() if opted_out else None}
    query = update(Contact).where(Contact.no == contact_no)
    if opted_out:
        query = query.where(Contact.email_opt_out.is_(False))
    result = session.execute(query.values(**values).execution_options(synchronize_session="fetch"))
    if result.rowcount == 0:
        return session.get(Contact, contact_no) is not None
    return True
