"""Salutation formulas per language, built only from known placeholders."""

import string

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from segapp.models import Language, Salutation, SalutationFormula
from segapp.services.errors import ServiceError

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
    if not language_code or session.get(Language, language_code) is None:
        raise ServiceError(_("Choose a language from the list."), field="language_code")
    formal = check_formula(formal, "formal")
    informal = check_formula(informal, "informal")
    formula = session.get(SalutationFormula, (salutation.code, language_code))
    if formula is None:
        formula = SalutationFormula(salutation_code=salutation.code, language_code=language_code)
        session.add(formula)
    formula.formal, formula.informal = formal, informal
    session.flush()
    return formula


def delete_formula(session: Session, salutation: Salutation, language_code: str) -> None:
    """Remove the formulas of a salutation in one language."""
    formula = session.get(SalutationFormula, (salutation.code, language_code))
    if formula is not None:
        session.delete(formula)
        session.flush()
