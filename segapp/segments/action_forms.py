"""The forms of the segment's actions: "apply mailing group" and "send test e-mail"."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session
from wtforms import BooleanField, IntegerField, SelectField, StringField
from wtforms.validators import Email, InputRequired, Length, NumberRange, Optional

from segapp.forms import SafeForm
from segapp.models import MailingGroup


class MailingGroupForm(SafeForm):
    """Which mailing group the line contacts join, and whether it is emptied first."""

    # Any code is taken here: the service says when the group does not exist (someone deleted it meanwhile).
    mailing_group_code = SelectField(
        _l("Mailing group"), validators=[InputRequired(_l("Choose a mailing group."))], validate_choice=False
    )
    empty_first = BooleanField(_l("Empty the group first (contacts not on this segment leave it)"))


def mailing_group_form(session: Session) -> MailingGroupForm:
    """The form with the mailing groups to choose from."""
    form = MailingGroupForm()
    groups = session.execute(select(MailingGroup.code, MailingGroup.description).order_by(MailingGroup.code)).all()
    form.mailing_group_code.choices = [("", "")] + [
        (code, f"{code} · {text}" if text else code) for code, text in groups
    ]
    return form


class TestEmailForm(SafeForm):
    """Send a line's e-mail now to an address of the user's choice (spec 5: a test before registering)."""

    line_no = IntegerField(
        _l("Line no."),
        validators=[Optional(), NumberRange(min=1, max=2_147_483_647, message=_l("Enter a line no. of this segment."))],
        description=_l("Blank: the first e-mail line."),
    )
    to_address = StringField(
        _l("To"),
        validators=[
            InputRequired(_l("Enter the address to send the test to.")),
            Length(max=254),
            Email(message=_l("This is not a valid e-mail address."), check_deliverability=False),
        ],
    )
