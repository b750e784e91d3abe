"""Shared form pieces: a base form that refuses control characters, an amount field, and the
submit-through-a-service step."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DecimalField, Field, StringField, TextAreaField
from wtforms.validators import ValidationError

from segapp.extensions import db
from segapp.numbers import to_decimal
from segapp.services.errors import ServiceError

# Tab, line feed and carriage return are fine in multi-line text; nothing else below 0x20 is.
_CONTROL_IN_LINE = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def refuse_control_characters(form: FlaskForm, field: Field) -> None:
    """A validator: control characters (NUL included) are refused with a message."""
    if not isinstance(field.data, str):
        return
    pattern = _CONTROL_IN_TEXT if isinstance(field, TextAreaField) else _CONTROL_IN_LINE
    if pattern.search(field.data):
        raise ValidationError(_l("Control characters are not allowed here."))


def strip_filter(value: Any) -> Any:
    """Trim surrounding spaces of submitted text."""
    return value.strip() if isinstance(value, str) else value


class SafeForm(FlaskForm):
    """Base of every form: text fields are trimmed and refuse control characters."""

    class Meta:
        def bind_field(self, form: FlaskForm, unbound_field: Any, options: dict) -> Field:
            """Add the control-character check and trimming to every text field."""
            if issubclass(unbound_field.field_class, StringField):
                options["validators"] = [refuse_control_characters, *unbound_field.kwargs.get("validators", ())]
                if not issubclass(unbound_field.field_class, TextAreaField):
                    options["filters"] = [strip_filter, *unbound_field.kwargs.get("filters", ())]
            return unbound_field.bind(form=form, **options)

    def values(self) -> dict[str, Any]:
        """The submitted value of every field by name (the CSRF token left out), for a service."""
        return {name: field.data for name, field in self._fields.items() if name != "csrf_token"}


class AmountField(DecimalField):
    """A decimal field read by the app's one number parser (``10,5`` too); NaN, sNaN, Infinity and
    numbers too large to keep are refused with a message instead of failing in a validator."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        """Blank leaves no value (for InputRequired to report); anything else must be a number."""
        if not valuelist or not str(valuelist[0]).strip():
            self.data = None
            return
        try:
            self.data = to_decimal(str(valuelist[0]), places=self.places if self.places is not None else 2)
        except ValueError as refused:
            self.data = None
            raise ValueError(str(refused)) from None


def show_service_error(form: FlaskForm, error: ServiceError, fallback: str | None = None) -> None:
    """Show a service error next to its field (or the ``fallback`` field), else above the form."""
    name = error.field if error.field and error.field in form else fallback
    if name is not None:
        form[name].errors = [*form[name].errors, error.message]
    else:
        form.form_errors.append(error.message)


@dataclass(frozen=True)
class Saved:
    """A form was saved; ``value`` is what the service returned."""

    value: Any


def submit_form(form: FlaskForm, save: Callable[[], Any]) -> Saved | None:
    """Validate the form and run ``save`` (a service call): commit and return its result, or roll back and
    show the service's error on the form. None when nothing was saved (not submitted, invalid or refused)."""
    if not form.validate_on_submit():
        return None
    try:
        value = save()
    except ServiceError as error:
        db.session.rollback()
        show_service_error(form, error)
        return None
    db.session.commit()
    return Saved(value)
