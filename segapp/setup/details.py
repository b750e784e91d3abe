"""The detail sections of setup records (salutation formulas, template languages, questions): their context."""

from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from segapp.extensions import db
from segapp.models import InteractionTemplate, ProfileQuestionnaire, Salutation, SalutationFormula
from segapp.setup.campaign_card import campaign_context
from segapp.setup.document_card import documents_context
from segapp.setup.forms import DescriptionForm, FormulaForm, TemplateLanguageForm, language_choices


def with_languages(form: Any) -> Any:
    """The form with its language choices filled."""
    form.language_code.choices = language_choices(db.session)
    return form


def _salutation_context(row: Salutation, formula_form: Any = None) -> dict[str, Any]:
    formulas = db.session.scalars(
        select(SalutationFormula)
        .where(SalutationFormula.salutation_code == row.code)
        .order_by(SalutationFormula.language_code)
    ).all()
    return {
        "formulas": formulas,
        "formula_form": formula_form or with_languages(FormulaForm(formdata=None, prefix="formula")),
    }


def _template_context(
    row: InteractionTemplate, language_form: Any = None, upload_error: tuple[str, str] | None = None
) -> dict[str, Any]:
    return {
        "language_form": language_form or with_languages(TemplateLanguageForm(formdata=None, prefix="language")),
        **documents_context(row, upload_error),
    }


def _questionnaire_context(row: ProfileQuestionnaire, question_form: Any = None) -> dict[str, Any]:
    return {"question_form": question_form or DescriptionForm(formdata=None, prefix="question")}


# Extra context of the edit page of the tables with a detail section, by slug: fn(row, **forms).
DETAIL_CONTEXT: dict[str, Callable[..., dict[str, Any]]] = {
    "salutations": _salutation_context,
    "interaction-templates": _template_context,
    "profile-questionnaires": _questionnaire_context,
    "campaigns": campaign_context,
}
