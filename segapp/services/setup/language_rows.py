"""Rows a record keeps per language (a template's subject, a salutation's formulas): found, made, removed."""

from typing import Any

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from segapp.models import Language
from segapp.services.errors import ServiceError


def check_language(session: Session, language_code: str | None) -> str:
    """An existing language code, or a message on the language field."""
    if not language_code or session.get(Language, language_code) is None:
        raise ServiceError(_("Choose a language from the list."), field="language_code")
    return language_code


def save_language_row(session: Session, model: type, owner: dict[str, str], language_code: str, **values: Any) -> Any:
    """Set ``values`` on the owner's row of ``model`` in one language (created if new)."""
    row = session.get(model, {**owner, "language_code": language_code})
    if row is None:
        row = model(**owner, language_code=language_code)
        session.add(row)
    for name, value in values.items():
        setattr(row, name, value)
    session.flush()
    return row


def delete_language_row(session: Session, model: type, owner: dict[str, str], language_code: str) -> None:
    """Remove the owner's row of ``model`` in one language, if there is one."""
    row = session.get(model, {**owner, "language_code": language_code})
    if row is not None:
        session.delete(row)
        session.flush()
