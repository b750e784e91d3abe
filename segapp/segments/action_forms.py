"""The form of the segment's "apply mailing group" action."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session
from wtforms import BooleanField, SelectField
from wtforms.validators import InputRequired

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
