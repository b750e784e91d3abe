"""The signed-in browser's stored session, between Flask's cookie and the database.

See segapp/services/auth/sessions.py for the design (a stored session id: sign-out
ends only that browser's session; a password change ends all the others).
"""

from flask import current_app, request, session
from flask_login import login_user

from segapp.extensions import db
from segapp.models import User
from segapp.services.auth.sessions import end_session, signed_in_user, start_session

# Key of the session token in Flask's (signed) session cookie.
TOKEN_KEY = "sid"


def current_token() -> str | None:
    """The token of this browser's stored session, if signed in."""
    return session.get(TOKEN_KEY)


def client_identity() -> str:
    """The client's address (through ProxyFix when proxies are trusted) and browser."""
    return f"{request.remote_addr or ''}|{request.user_agent.string}"


def sign_in(user: User) -> None:
    """Start a stored session for the user, commit it, and sign the browser in."""
    token = start_session(db.session, user, current_app.permanent_session_lifetime, client_identity())
    db.session.commit()
    session.permanent = True
    login_user(user)
    session[TOKEN_KEY] = token


def sign_out() -> None:
    """End this browser's stored session (the caller commits and clears the cookie)."""
    end_session(db.session, session.pop(TOKEN_KEY, None))


def load_user(user_id: str) -> User | None:
    """Flask-Login's user loader: only a stored, unexpired session of an active user, from its own client."""
    if not user_id.isascii() or not user_id.isdigit() or len(user_id) > 18:
        return None
    lifetime = current_app.permanent_session_lifetime
    check = signed_in_user(db.session, int(user_id), current_token(), lifetime, client_identity())
    if check.ended:
        db.session.commit()  # the session used from elsewhere ends for good
        session.pop(TOKEN_KEY, None)
    return check.user
