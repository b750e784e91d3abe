"""Forms of the contacts area."""

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import Email, Length, Optional

from segapp.captions import enum_choices
from segapp.forms import SafeForm
from segapp.models import CorrespondenceType

EMAIL_MESSAGE = _l("This is not a valid e-mail address.")


def _upper(value: Any) -> Any:
    return value.strip().upper() if isinstance(value, str) else value


def code_field(label: Any) -> StringField:
    """A text field for a code of reference data; stored upper-case."""
    return StringField(label, validators=[Length(max=20)], filters=[_upper])


class ContactForm(SafeForm):
    """All fields of a company or a person (the template shows those of its type)."""

    no = StringField(
        _l("No."),
        validators=[Length(max=20)],
        filters=[_upper],
        description=_l("Leave blank to take the next number of the series."),
    )
    name = StringField(_l("Name"), validators=[Length(max=100)])
    first_name = StringField(_l("First name"), validators=[Length(max=30)])
    middle_name = StringField(_l("Middle name"), validators=[Length(max=30)])
    surname = StringField(_l("Surname"), validators=[Length(max=30)])
    title = StringField(_l("Title"), validators=[Length(max=30)])
    salutation_code = code_field(_l("Salutation code"))
    company_no = StringField(_l("Company no."), validators=[Length(max=20)], filters=[_upper])
    address = StringField(_l("Address"), validators=[Length(max=100)])
    address_2 = StringField(_l("Address 2"), validators=[Length(max=50)])
    post_code = StringField(_l("Post code"), validators=[Length(max=20)])
    city = StringField(_l("City"), validators=[Length(max=50)])
    county = StringField(_l("County"), validators=[Length(max=50)])
    country_code = code_field(_l("Country/region code"))
    territory_code = code_field(_l("Territory code"))
    salesperson_code = code_field(_l("Salesperson code"))
    language_code = code_field(_l("Language code"))
    correspondence_type = SelectField(_l("Correspondence type"), choices=lambda: enum_choices(CorrespondenceType))
    email = StringField(
        _l("E-mail"), validators=[Optional(), Length(max=254), Email(message=EMAIL_MESSAGE, check_deliverability=False)]
    )
    phone = StringField(_l("Phone"), validators=[Length(max=50)])
    mobile = StringField(_l("Mobile phone"), validators=[Length(max=50)])
    job_title = StringField(_l("Job title"), validators=[Length(max=50)])
    exclude_from_segment = BooleanField(_l("Exclude from segment"))
    privacy_blocked = BooleanField(_l("Privacy blocked"))
    email_opt_out = BooleanField(_l("No e-mail (opted out)"))

    def values(self) -> dict[str, Any]:
        """The submitted values for the contact service."""
        data = super().values()
        data["correspondence_type"] = CorrespondenceType(data["correspondence_type"] or "")
        return data


class ConfirmForm(SafeForm):
    """An empty form that only carries the CSRF token of a confirmation."""
