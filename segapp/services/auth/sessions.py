"""Server-side sessions: the cookie holds a random token, the database its hash.

Design: a stored session id (table ``user_session``), not a per-user generation.
Sign-out deletes only the row of the browser that signs out, so the user's other
sessions (another browser, another computer) stay signed in; a password change
deletes every other row of the user and keeps the current one; deactivating a user
deletes all of them. A session also ends on the server SESSION_HOURS after sign-in,
whatever the cookie says, and as soon as it is used from another client (address and
browser) than the one that signed in: a stolen cookie does not work elsewhere.
"""

import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from segapp.models import User, UserSession

# Bulk deletes need not look for the rows among the loaded objects.
NO_SYNC = {"synchronize_session": False}


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(session: Session, user: User, lifetime: timedelta, client: str) -> str:
    """Store a new session of the user from this client and return its token (for the cookie); expired ones go."""
    session.execute(
        delete(UserSession).where(UserSession.created_at < datetime.now(UTC) - lifetime),
        execution_options=NO_SYNC,
    )
    token = secrets.token_urlsafe(32)
    session.add(UserSession(user_id=user.id, token_hash=_hash(token), client_hash=_hash(client)))
    session.flush()
    return token


class SessionCheck(NamedTuple):
    """The signed-in user (None: not signed in) and whether the check ended the session."""

    user: User | None
    ended: bool = False


def signed_in_user(session: Session, user_id: int, token: str | None, lifetime: timedelta, client: str) -> SessionCheck:
    """The active user whose unexpired stored session has this token; a session used from another client ends."""
    if not token:
        return SessionCheck(None)
    found = session.execute(
        select(User, UserSession.id, UserSession.client_hash)
        .join(UserSession, UserSession.user_id == User.id)
        .where(
            User.id == user_id,
            User.active.is_(True),
            UserSession.token_hash == _hash(token),
            UserSession.created_at >= datetime.now(UTC) - lifetime,
        )
    ).first()
    if found is None:
        return SessionCheck(None)
    user, session_id, client_hash = found
    if client_hash != _hash(client):
        session.execute(delete(UserSession).where(UserSession.id == session_id), execution_options=NO_SYNC)
        return SessionCheck(None, ended=True)
    return SessionCheck(user)


def end_session(session: Session, token: str | None) -> None:
    """End one session (sign-out): its cookie no longer opens any page."""
    if token:
        session.execute(delete(UserSession).where(UserSession.token_hash == _hash(token)), execution_options=NO_SYNC)


def end_other_sessions(session: Session, user_id: int, keep_token: str | None) -> None:
    """End every session of the user but the one with ``keep_token`` (None: all of them)."""
    statement = delete(UserSession).where(UserSession.user_id == user_id)
    if keep_token:
        statement = statement.where(UserSession.token_hash != _hash(keep_token))
    session.execute(statement, execution_options=NO_SYNC)
