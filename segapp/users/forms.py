"""Forms of user management."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional

from segapp.auth.forms import LANGUAGE_CHOICES, PASSWORD_LENGTH_MESSAGE
from segapp.forms import SafeForm


class UserForm(SafeForm):
    """Name, e-mail, role, salesperson and language of a user."""

    full_name = StringField(_l("Full name"), validators=[Length(max=100)])
    email = EmailField(_l("E-mail"), validators=[Optional(), Email(), Length(max=254)])
    role = SelectField(_l("Role"))
    salesperson_code = SelectField(_l("Salesperson"))
    language = SelectField(_l("Language"), choices=LANGUAGE_CHOICES)


class NewUserForm(UserForm):
    """A new user, with a username and a first password."""

    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=50)])
    password = PasswordField(
        _l("Password"), validators=[DataRequired(), Length(min=8, max=200, message=PASSWORD_LENGTH_MESSAGE)]
    )


class EditUserForm(UserForm):
    """An existing user: active flag and an optional new password."""

    active = BooleanField(_l("Active"))
    new_password = PasswordField(
        _l("New password"),
        validators=[Optional(), Length(min=8, max=200, message=PASSWORD_LENGTH_MESSAGE)],
        description=_l("Leave blank to keep the current password."),
    )
