"""Forms of the setup pages: one built from the registry for every reference table, plus the special ones."""

from decimal import Decimal
from functools import cache
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import String, literal, select
from sqlalchemy.orm import Session
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional

from segapp.captions import enum_choices
from segapp.forms import AmountField, SafeForm
from segapp.models import CorrespondenceType, Language
from segapp.models.base import MAX_AMOUNT
from segapp.services.setup.reference import key_column
from segapp.setup.registry import Field, RefTable

NONE_CHOICE = ("", "—")


def _length(model: type, name: str) -> list[Any]:
    column = model.__table__.columns[name]
    if isinstance(column.type, String) and column.type.length:
        return [Length(max=column.type.length)]
    return []


def _form_field(model: type, spec: Field) -> Any:
    """The WTForms field for one registry field."""
    if spec.kind == "bool":
        return BooleanField(spec.label)
    if spec.kind in ("enum", "ref"):
        validators = [DataRequired()] if spec.required else []
        return SelectField(spec.label, validators=validators, default=spec.default)
    if spec.kind == "decimal":
        return AmountField(
            spec.label, places=2, default=spec.default, validators=[InputRequired(), NumberRange(min=0, max=MAX_AMOUNT)]
        )
    if spec.kind == "date":
        return DateField(spec.label, validators=[Optional()])
    if spec.kind == "textarea":
        return TextAreaField(spec.label, validators=[Length(max=4000)])
    if spec.kind == "email":
        return EmailField(spec.label, validators=[Optional(), Email(), *_length(model, spec.name)])
    validators = [DataRequired()] if spec.required else []
    return StringField(spec.label, validators=[*validators, *_length(model, spec.name)])


@cache
def _form_class(table: RefTable, is_new: bool) -> type[SafeForm]:
    attrs: dict[str, Any] = {}
    if is_new and not table.numbered:
        attrs["code"] = StringField(table.key_label, validators=[DataRequired(), Length(max=20)])
    for spec in table.fields:
        attrs[spec.name] = _form_field(table.model, spec)
    return type(f"{table.model.__name__}{'New' if is_new else 'Edit'}Form", (SafeForm,), attrs)


def ref_choices(session: Session, model: type) -> list[tuple[str, str]]:
    """(key, "key name") of every row of a reference model, for a select field."""
    key = getattr(model, key_column(model))
    label = next(getattr(model, name) for name in ("name", "description") if hasattr(model, name))
    blocked = getattr(model, "blocked", None)
    rows = session.execute(select(key, label, blocked if blocked is not None else literal(False)).order_by(key)).all()
    marker = str(_l("(blocked)"))
    return [NONE_CHOICE] + [
        (code, " ".join(part for part in (code, "·" if text else "", text, marker if is_blocked else "") if part))
        for code, text, is_blocked in rows
    ]


def reference_form(table: RefTable, session: Session, row: Any = None, **kwargs: Any) -> SafeForm:
    """The form of a reference table, with the choices of its selects filled in."""
    form = _form_class(table, row is None)(obj=row, **kwargs)
    for spec in table.fields:
        if spec.kind == "enum":
            form[spec.name].choices = enum_choices(spec.enum)
            if row is not None and form[spec.name].data is not None:
                form[spec.name].data = str(form[spec.name].data)
        elif spec.kind == "ref":
            form[spec.name].choices = ref_choices(session, spec.ref)
            if form[spec.name].data is None:
                form[spec.name].data = ""
    return form


def form_values(table: RefTable, form: SafeForm) -> dict[str, Any]:
    """The submitted values of the registry fields (and the code of a new row)."""
    values = {spec.name: form[spec.name].data for spec in table.fields}
    if "code" in form:
        values["code"] = form["code"].data
    for spec in table.fields:
        if spec.kind == "decimal" and values[spec.name] is None:
            values[spec.name] = Decimal("0")
    return values


class FormulaForm(SafeForm):
    """Formal and informal salutation formula in one language."""

    language_code = SelectField(_l("Language"), validators=[DataRequired()])
    formal = StringField(_l("Formal formula"), validators=[Length(max=200)])
    informal = StringField(_l("Informal formula"), validators=[Length(max=200)])


class TemplateLanguageForm(SafeForm):
    """A template's subject in one language."""

    language_code = SelectField(_l("Language"), validators=[DataRequired()])
    description = StringField(_l("Description"), validators=[Length(max=100)])
    subject = StringField(_l("E-mail subject"), validators=[Length(max=250)])


class DescriptionForm(SafeForm):
    """The wording of a question or an answer."""

    description = StringField(_l("Description"), validators=[DataRequired(), Length(max=250)])


def language_choices(session: Session) -> list[tuple[str, str]]:
    """Languages for a required language select."""
    return ref_choices(session, Language)


class CompanyInformationForm(SafeForm):
    """Our own company's data."""

    name = StringField(_l("Name"), validators=[Length(max=100)])
    address = StringField(_l("Address"), validators=[Length(max=100)])
    address_2 = StringField(_l("Address 2"), validators=[Length(max=100)])
    post_code = StringField(_l("Post code"), validators=[Length(max=20)])
    city = StringField(_l("City"), validators=[Length(max=50)])
    county = StringField(_l("County"), validators=[Length(max=50)])
    country_code = SelectField(_l("Country/region"))
    phone = StringField(_l("Phone"), validators=[Length(max=50)])
    email = EmailField(_l("E-mail"), validators=[Optional(), Email(), Length(max=254)])
    home_page = StringField(_l("Home page"), validators=[Length(max=200)])
    vat_no = StringField(_l("VAT no."), validators=[Length(max=30)])
    bank_name = StringField(_l("Bank"), validators=[Length(max=100)])
    iban = StringField(_l("IBAN"), validators=[Length(max=50)])
    swift = StringField(_l("SWIFT/BIC"), validators=[Length(max=20)])


def _whole(label: Any, low: int, high: int) -> IntegerField:
    return IntegerField(label, validators=[InputRequired(), NumberRange(min=low, max=high)])


class MarketingSetupForm(SafeForm):
    """Number series, defaults, storage limits and SMTP."""

    contact_series_code = SelectField(_l("Contact number series"))
    segment_series_code = SelectField(_l("Segment number series"))
    campaign_series_code = SelectField(_l("Campaign number series"))
    default_correspondence_type = SelectField(
        _l("Default correspondence type"), choices=lambda: enum_choices(CorrespondenceType)
    )
    default_language_code = SelectField(_l("Default language"))
    max_attachment_kb = _whole(_l("Largest attachment (KB)"), 1, 2**31 - 1)
    max_storage_mb = _whole(_l("Document storage limit (MB)"), 1, 2**31 - 1)
    smtp_host = StringField(_l("SMTP server"), validators=[Length(max=200)])
    smtp_port = _whole(_l("SMTP port"), 1, 65535)
    smtp_user = StringField(_l("SMTP user"), validators=[Length(max=200)])
    smtp_security = SelectField(
        _l("Security"),
        choices=[
            ("starttls", _l("STARTTLS (port 587)")),
            ("ssl", _l("TLS from the start (port 465)")),
            ("none", _l("None (a server on this machine)")),
        ],
    )
    sender_email = EmailField(_l("Sender e-mail"), validators=[Optional(), Email(), Length(max=254)])
    sender_name = StringField(_l("Sender name"), validators=[Length(max=100)])
    sender_domains = StringField(
        _l("The server may send for"),
        validators=[Length(max=500)],
        description=_l(
            "Domains, comma separated: a salesperson whose e-mail is in one of them is the sender of the messages "
            "(otherwise the reply-to)."
        ),
    )
    emails_per_minute = _whole(_l("E-mails per minute"), 0, 2**31 - 1)


class NumberSeriesForm(SafeForm):
    """Prefix, width and next number of a series."""

    description = StringField(_l("Description"), validators=[Length(max=100)])
    prefix = StringField(_l("Prefix"), validators=[Length(max=10)])
    width = _whole(_l("Digits"), 1, 10)
    next_number = _whole(_l("Next number"), 1, 10**15 - 1)
