"""Reference data of spec section 1: generic create, change and delete with the rules they share."""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Column, Numeric, String, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from segapp.models import Base, Campaign
from segapp.models.base import CODE_LENGTH, MAX_AMOUNT
from segapp.services.errors import ServiceError
from segapp.services.setup.campaigns import check_campaign
from segapp.services.setup.reference_usage import ensure_deletable

# Extra rules of one model, run after the generic ones: rule(session, row, values, is_new).
ModelRule = Callable[[Session, Any, dict[str, Any], bool], None]
MODEL_RULES: dict[type, ModelRule] = {Campaign: check_campaign}


def normalise_code(code: str | None, field: str = "code") -> str:
    """Codes are trimmed, upper-case, required, at most 20 characters and free of slashes."""
    code = (code or "").strip().upper()
    if not code:
        raise ServiceError(_("A code is required."), field=field)
    if len(code) > CODE_LENGTH:
        raise ServiceError(_("A code has at most %(n)d characters.", n=CODE_LENGTH), field=field)
    if "/" in code or "\\" in code:
        raise ServiceError(_("A code cannot contain slashes."), field=field)
    return code


def key_column(model: type[Base]) -> str:
    """The name of the single primary-key column of a reference model."""
    return model.__table__.primary_key.columns.values()[0].key  # type: ignore[attr-defined]


def save_reference(session: Session, model: type[Base], values: dict[str, Any], row: Any = None) -> Any:
    """Create (row None) or change a reference row after checking codes, references and amounts."""
    is_new = row is None
    values = dict(values)
    key = key_column(model)
    if is_new and key == "code":
        values["code"] = normalise_code(values.get("code"))
        if session.get(model, values["code"]) is not None:
            raise ServiceError(_("The code %(code)s already exists.", code=values["code"]), field="code")
    elif not is_new:
        values.pop(key, None)
    check_columns(session, model, values, is_new)
    if is_new:
        row = model()
        for column in model.__table__.columns:  # type: ignore[attr-defined]
            # Python-side defaults apply at insert only; set them now so rules can read them.
            if column.default is not None and getattr(column.default, "is_scalar", False):
                setattr(row, column.key, column.default.arg)
    rule = MODEL_RULES.get(model)
    if rule is not None:
        rule(session, row, values, is_new)
    for name, value in values.items():
        setattr(row, name, value)
    if is_new:
        session.add(row)
    try:
        session.flush()
    except IntegrityError:
        # Another user saved the same code (or removed a referenced row) a moment ago.
        if is_new and key == "code":
            raise ServiceError(_("The code %(code)s already exists.", code=values["code"]), field="code") from None
        raise ServiceError(_("Someone else changed this data in the meantime. Reload and try again.")) from None
    return row


def check_columns(session: Session, model: type[Base], values: dict[str, Any], is_new: bool) -> None:
    """Generic rules read from the columns: lengths, amounts, choices, references that must exist."""
    columns = model.__table__.columns  # type: ignore[attr-defined]
    for name, value in list(values.items()):
        column = columns.get(name)
        if column is None:
            raise ServiceError(_("Unknown field %(name)s.", name=name))
        values[name] = _checked_value(session, column, value)
    if is_new:
        for column in columns:
            if column.foreign_keys and not column.nullable and not column.primary_key and column.key not in values:
                raise ServiceError(_("This field is required."), field=column.key)


def _checked_value(session: Session, column: Column, value: Any) -> Any:
    """One value checked against its column; returns it normalised (blank reference -> None)."""
    name = column.key
    if column.foreign_keys:
        return _checked_reference(session, column, value or None)
    if value is None and not column.nullable:
        # A field missing from the form: the column's default, or blank text.
        default = column.default.arg if column.default is not None and column.default.is_scalar else None
        value = default if default is not None else ("" if isinstance(column.type, String) else None)
        if value is None:
            raise ServiceError(_("This field is required."), field=name)
    if isinstance(value, str) and isinstance(column.type, String) and column.type.length:
        if len(value) > column.type.length:
            raise ServiceError(_("At most %(n)d characters.", n=column.type.length), field=name)
    if isinstance(column.type, Numeric) and value is not None:
        if not Decimal(value).is_finite() or value > MAX_AMOUNT:
            raise ServiceError(_("The value is too large."), field=name)
        if value < 0:
            raise ServiceError(_("The value cannot be negative."), field=name)
    enum_class = getattr(column.type, "enum_class", None)
    if enum_class is not None and value is not None:
        try:
            value = enum_class(value)
        except ValueError:
            raise ServiceError(_("Choose a value from the list."), field=name) from None
    return value


def _checked_reference(session: Session, column: Column, value: Any) -> Any:
    """A foreign-key value: required when the column is, and it must exist."""
    if value is None:
        if not column.nullable:
            raise ServiceError(_("This field is required."), field=column.key)
        return None
    target = next(iter(column.foreign_keys)).column
    if not session.scalar(select(func.count()).select_from(target.table).where(target == value)):
        raise ServiceError(_("%(value)s does not exist.", value=value), field=column.key)
    return value


def delete_reference(session: Session, row: Any, thing: str) -> None:
    """Delete a reference row unless something uses it (the message says what)."""
    name = str(getattr(row, key_column(type(row))))
    ensure_deletable(session, row, thing, name)
    session.delete(row)
    try:
        session.flush()
    except IntegrityError:
        # A reference was added between the check and the delete.
        raise ServiceError(
            _("%(thing)s %(name)s is in use, so it cannot be deleted.", thing=thing, name=name)
        ) from None
