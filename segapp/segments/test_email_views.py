"""Send test e-mail (spec 5): a line's message, merged as it would be sent, goes now to the user's own address.
A dialog of the segment page (its Actions menu); without htmx a page. It writes nothing."""

from typing import Any

from flask import render_template
from flask_babel import gettext as _
from flask_login import current_user

from segapp.extensions import db
from segapp.forms import show_service_error
from segapp.htmx import wants_fragment
from segapp.models import SegmentHeader
from segapp.segments.action_forms import TestEmailForm
from segapp.segments.blueprint import bp
from segapp.segments.context import load_segment
from segapp.services.delivery.test_message import first_email_line, send_test_message
from segapp.services.errors import NotFound, ServiceError


def _answer(header: SegmentHeader, form: TestEmailForm, sent: str = "", status: int = 200) -> Any:
    template = "segments/_test_email_dialog.html" if wants_fragment() else "segments/test_email.html"
    return render_template(template, header=header, form=form, sent=sent), status


@bp.route("/<segment_no>/test-email", methods=["GET", "POST"])
def send_test_email(segment_no: str) -> Any:
    """GET: the dialog (line no., To); POST sends the line's message to that address and says what happened."""
    header = load_segment(segment_no)
    form = TestEmailForm()
    if not form.is_submitted():
        form.line_no.data = first_email_line(db.session, segment_no)
        form.to_address.data = current_user.email
        return _answer(header, form)
    if not form.validate():
        return _answer(header, form, status=422)
    try:
        sent = send_test_message(db.session, segment_no, form.line_no.data, form.to_address.data)
    except NotFound:
        # The one lookup that finds nothing is the line's: say so at its field, naming it.
        message = _("Segment %(no)s has no line %(line)s.", no=segment_no, line=form.line_no.data)
        show_service_error(form, ServiceError(message, "line_no"))
        return _answer(header, form, status=422)
    except ServiceError as refused:
        show_service_error(form, refused)  # at its field (line no., To), else above the form
        return _answer(header, form, status=422)
    finally:
        db.session.rollback()  # a test writes nothing
    message = _(
        "Test e-mail of line %(line)s (contact %(contact)s) sent to %(to)s: %(subject)s",
        line=sent.line_no,
        contact=sent.contact_no,
        to=sent.to_address,
        subject=sent.subject,
    )
    return _answer(header, form, sent=message)
