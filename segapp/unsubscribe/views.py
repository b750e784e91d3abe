"""The unsubscribe link: GET asks (a mail scanner following the link unsubscribes nobody), POST records the
opt-out, from the page's button or as the RFC 8058 one-click POST that a mail client sends by itself."""

from typing import Any

from flask import make_response, render_template, request
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response

from segapp.extensions import csrf, db
from segapp.models import CompanyInformation, Contact
from segapp.services.delivery.consent import contact_no_of_token, set_email_opt_out
from segapp.unsubscribe.blueprint import bp

# The body of an RFC 8058 one-click unsubscribe (the List-Unsubscribe-Post header's value, sent back as a form).
ONE_CLICK = "One-Click"


def _company_name() -> str:
    return db.session.scalar(select(CompanyInformation.name).where(CompanyInformation.id == 1)) or ""


def _page(state: str, token: str = "", status: int = 200) -> Any:
    """The public page (no sign-in, no session cookie) in the browser's language."""
    return render_template("unsubscribe/page.html", state=state, token=token, company=_company_name()), status


def _contact_of(token: str) -> Contact | None:
    contact_no = contact_no_of_token(token)
    return db.session.get(Contact, contact_no) if contact_no else None


@bp.get("/<token>")
def unsubscribe_page(token: str) -> Any:
    """Ask the recipient to confirm: a GET never unsubscribes, since mail scanners follow every link."""
    contact = _contact_of(token)
    if contact is None:
        return _page("invalid", status=404)
    return _page("done" if contact.email_opt_out else "ask", token)


# No CSRF token here, on purpose. CSRF guards what a browser's cookies allow; this route reads no cookie and
# its authority is the signed token in its URL, which only the recipient of the e-mail holds. A forged
# cross-site POST would need that token, and with it the one-click POST below already unsubscribes (RFC 8058
# wants that POST to work without a cookie or any other token). A CSRF token would also need a session
# cookie on a public page, so the confirm page's form carries none either.
@csrf.exempt
@bp.post("/<token>")
def unsubscribe(token: str) -> Any:
    """Record the opt-out: a short text for the one-click POST of a mail client, the page for a browser."""
    one_click = request.form.get("List-Unsubscribe") == ONE_CLICK
    contact_no = contact_no_of_token(token)
    if contact_no is None or not set_email_opt_out(db.session, contact_no, True):
        db.session.rollback()
        if one_click:
            return _text(_("This unsubscribe link is not valid."), 404)
        return _page("invalid", status=404)
    db.session.commit()
    if one_click:
        return _text(_("Unsubscribed: you will get no more e-mail from us."), 200)
    return _page("done")


def _text(message: str, status: int) -> Response:
    response = make_response(message + "\n", status)
    response.mimetype = "text/plain"
    return response
