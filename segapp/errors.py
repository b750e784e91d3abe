"""Error pages without tracebacks; htmx requests get a short message fragment."""

from flask import Flask, make_response, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError, generate_csrf
from werkzeug.exceptions import HTTPException, InternalServerError

from segapp.auth.policy import PUBLIC_ENDPOINTS
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
}


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

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception) -> tuple[str, int]:
        db.session.rollback()
        app.logger.exception("Unhandled error", exc_info=error)
        return render_error(InternalServerError.code)
