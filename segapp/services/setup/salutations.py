"""Salutation formulas per language, built only from known placeholders."""

import string

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from segapp.models import Salutation, SalutationFormula
from segapp.services.errors import ServiceError
from segapp.services.setup.language_rows import check_language, delete_language_row, save_language_row

PLACEHOLDERS = ("title", "first_name", "middle_name", "surname", "company_name")
FORMULA_LENGTH = 200


def check_formula(formula: str | None, field: str) -> str:
    """Refuse unknown placeholders (and broken braces) in a formula; returns it trimmed."""
    formula = (formula or "").strip()
    if len(formula) > FORMULA_LENGTH:
        raise ServiceError(_("At most %(n)d characters.", n=FORMULA_LENGTH), field=field)
    try:
        parts = list(string.Formatter().parse(formula))
    except ValueError:
        raise ServiceError(_("Braces must enclose a placeholder, like {surname}."), field=field) from None
    allowed = ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)
    for _text, name, spec, conversion in parts:
        if name is None:
            continue
        if name not in PLACEHOLDERS or spec or conversion:
            raise ServiceError(
                _("Unknown placeholder {%(name)s}. Allowed: %(allowed)s.", name=name, allowed=allowed),
                field=field,
            )
    return formula


def save_formula(
    session: Session, salutation: Salutation, language_code: str, formal: str, informal: str
) -> SalutationFormula:
    """Set the formal and informal formula of a salutation in one language (created if new)."""
    check_language(session, language_code)
    formal = check_formula(formal, "formal")
    informal = check_formula(informal, "informal")
    owner = {"salutation_code": salutation.code}
    return save_language_row(session, SalutationFormula, owner, language_code, formal=formal, informal=informal)


def delete_formula(session: Session, salutation: Salutation, language_code: str) -> None:
    """Remove the formulas of a salutation in one language."""
    delete_language_row(session, SalutationFormula, {"salutation_code": salutation.code}, language_code)
