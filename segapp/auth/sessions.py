"""The signed-in browser's stored session, between Flask's cookie and the database.

See segapp/services/auth/sessions.py for the design (a stored session id: sign-out
ends only that browser's session; a password change ends all the others).
"""

from flask import Flask, current_app, session
from flask_login import login_user, session_protected

from segapp.extensions import db
from segapp.models import User
from segapp.services.auth.sessions import end_session, signed_in_user, start_session

# Key of the session token in Flask's (signed) session cookie.
TOKEN_KEY = "sid"


def current_token() -> str | None:
    """The token of this browser's stored session, if signed in."""
    return session.get(TOKEN_KEY)


def sign_in(user: User) -> None:
    """Start a stored session for the user, commit it, and sign the browser in."""
    token = start_session(db.session, user, current_app.permanent_session_lifetime)
    db.session.commit()
    session.permanent = True
    login_user(user)
    session[TOKEN_KEY] = token


def sign_out() -> None:
    """End this browser's stored session (the caller commits and clears the cookie)."""
    end_session(db.session, session.pop(TOKEN_KEY, None))


def load_user(user_id: str) -> User | None:
    """Flask-Login's user loader: only a stored, unexpired session of an active user counts."""
    if not user_id.isascii() or not user_id.isdigit() or len(user_id) > 18:
        return None
    return signed_in_user(db.session, int(user_id), current_token(), current_app.permanent_session_lifetime)


def _end_session_from_elsewhere(_app: Flask, **_extra: object) -> None:
    # Flask-Login's strong protection only marks a permanent session "not fresh" when the
    # address or browser changes; end it on the server instead.
    token = session.pop(TOKEN_KEY, None)
    if token:
        end_session(db.session, token)
        db.session.commit()


def init_sessions(app: Flask) -> None:
    """End the stored session when Flask-Login sees it used from another address or browser."""
    session_protected.connect(_end_session_from_elsewhere, app)
