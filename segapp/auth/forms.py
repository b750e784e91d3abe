"""Forms of the sign-in area."""

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length

from segapp.config import UI_LANGUAGES
from segapp.forms import SafeForm

PASSWORD_LENGTH_MESSAGE = _l("The password must have at least 8 characters.")
LANGUAGE_CHOICES = [("", _l("Browser language")), *UI_LANGUAGES.items()]


class LoginForm(SafeForm):
    """Username and password."""

    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=50)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    submit = SubmitField(_l("Sign in"))


class FirstAdminForm(SafeForm):
    """Creates the first administrator when no user exists."""

    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=50)])
    full_name = StringField(_l("Full name"), validators=[Length(max=100)])
    password = PasswordField(
        _l("Password"), validators=[DataRequired(), Length(min=8, max=200, message=PASSWORD_LENGTH_MESSAGE)]
    )
    confirm = PasswordField(
        _l("Repeat password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )
    language = SelectField(_l("Language"), choices=LANGUAGE_CHOICES)
    submit = SubmitField(_l("Create administrator"))


class ProfileForm(SafeForm):
    """The user's own name and language."""

    full_name = StringField(_l("Full name"), validators=[Length(max=100)])
    language = SelectField(_l("Language"), choices=LANGUAGE_CHOICES)
    submit = SubmitField(_l("Save"))


class ChangePasswordForm(SafeForm):
    """The user's own password."""

    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    password = PasswordField(
        _l("New password"), validators=[DataRequired(), Length(min=8, max=200, message=PASSWORD_LENGTH_MESSAGE)]
    )
    confirm = PasswordField(
        _l("Repeat new password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )
    submit = SubmitField(_l("Change password"))
