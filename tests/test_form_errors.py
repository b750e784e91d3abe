"""A service error that belongs to no field is shown above the form, not lost."""

from flask import Flask, render_template_string
from wtforms import StringField

from segapp.forms import SafeForm, show_service_error
from segapp.services.errors import ServiceError


class _NameForm(SafeForm):
    name = StringField("Name")


def test_a_service_error_without_its_field_shows_above_the_form(app: Flask) -> None:
    with app.test_request_context("/", method="POST", data={"name": "x"}):
        form = _NameForm(meta={"csrf": False})
        show_service_error(form, ServiceError("Someone else changed this record.", field="elsewhere"))
        html = render_template_string('{% from "_macros.html" import form_errors %}{{ form_errors(form) }}', form=form)
    assert "Someone else changed this record." in html
    assert 'class="flash flash-error"' in html
