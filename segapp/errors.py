"""Error pages without tracebacks; htmx requests get a short message fragment."""

from flask import Flask, make_response, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError, generate_csrf
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable

from segapp.auth.policy import PUBLIC_ENDPOINTS
from segapp.database import deferred_transactions
from segapp.extensions import db, login_manager
from segapp.htmx import wants_fragment

MESSAGES = {
    400: _l("The request could not be understood. Check what you typed and try again."),
    401: _l("Please sign in."),
    403: _l("You are not allowed to do this."),
    404: _l("This page does not exist, or the record was deleted."),
    405: _l("This action is not available here."),
    409: _l("Someone else changed this record in the meantime."),
    413: _l("The file is too large."),
    422: _l("Some values were refused."),
    500: _l("Something went wrong on our side. Nothing was saved."),
    503: _l(
        "The database is busy with a long task (an import, a registering). Nothing was saved: try again in a moment."
    ),
}
# Seconds a browser or script is asked to wait before it tries again after a 503.
RETRY_AFTER_SECONDS = 5


def database_was_busy(error: OperationalError) -> bool:
    """SQLite's write lock stayed taken for the whole busy timeout (another process's long transaction)."""
    return getattr(error.orig, "sqlite_errorname", "").startswith("SQLITE_BUSY")


def render_error(status: int, message: str | None = None) -> tuple[str, int]:
    """Render the error page or, for htmx, the error fragment."""
    text = message or MESSAGES.get(status, MESSAGES[500])
    template = "errors/_message.html" if wants_fragment() else "errors/error.html"
    return render_template(template, status=status, message=text), status


def register_error_handlers(app: Flask) -> None:
    """Attach the handlers for HTTP errors, CSRF failures and unexpected exceptions."""

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> ResponseReturnValue:
        # A page's own request after signing out in another tab: say so (401), so that the page keeps what was
        # typed and asks to sign in again, as any htmx request that needs a signed-in user is answered.
        if wants_fragment() and not current_user.is_authenticated and request.endpoint not in PUBLIC_ENDPOINTS:
            return login_manager.unauthorized()
        response = make_response(
            render_error(400, str(_l("The form has expired or was not sent by segapp. Reload the page and try again.")))
        )
        if wants_fragment():
            # A page left open across a new sign-in holds an old token: its script may retry with this one.
            response.headers["X-CSRF-Token"] = generate_csrf()
        return response

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[str, int]:
        status = error.code or 500
        if status == 400 and error.description == "nul":
            return render_error(400, str(_l("The text contained a NUL character, which is not allowed.")))
        return render_error(status)

    @app.errorhandler(OperationalError)
    def database_error(error: OperationalError) -> ResponseReturnValue:
        if not database_was_busy(error):
            return unexpected_error(error)
        db.session.rollback()
        app.logger.warning("The database stayed locked for the whole busy timeout: %s", request.path)
        with deferred_transactions():  # the page reads (the signed-in user) without waiting for the lock again
            response = make_response(render_error(ServiceUnavailable.code))
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception) -> tuple[str, int]:
        db.session.rollback()
        app.logger.exception("Unhandled error", exc_info=error)
        return render_error(InternalServerError.code)
