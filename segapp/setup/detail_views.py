"""Detail sections of setup records: salutation formulas, template languages, questions and answers."""

from collections.abc import Callable
from typing import Any

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from segapp.extensions import db
from segapp.forms import submit_form
from segapp.models import (
    ProfileAnswer,
    ProfileQuestion,
)
from segapp.services.errors import ServiceError
from segapp.services.setup import interaction_templates, questionnaires, salutations
from segapp.setup.blueprint import bp
from segapp.setup.details import with_languages
from segapp.setup.forms import DescriptionForm, FormulaForm, TemplateLanguageForm
from segapp.setup.registry import REGISTRY
from segapp.setup.views import render_edit, row_or_404


def _back(kind: str, key: str) -> Response:
    return redirect(url_for("setup.edit_row", kind=kind, key=key))


def _save_detail(slug: str, key: str, form_name: str, form: Any, save: Callable[..., Any], done: str) -> Any:
    """Save a detail-section form of a record: ``save(session, row, field=data, ...)`` with the form's fields
    by name, then back to the record; or the record's page with the form's errors."""
    table = REGISTRY[slug]
    row = row_or_404(table, key)
    if submit_form(form, lambda: save(db.session, row, **form.values())):
        flash(done, "success")
        return _back(slug, key)
    return render_edit(table, row, status=422, **{form_name: form})


def _delete_detail(slug: str, key: str, delete: Callable[..., None], language: str, done: str) -> Response:
    """Delete a record's row for one language: ``delete(session, row, language)``, then back to the record (with
    the service's message if it refused)."""
    try:
        delete(db.session, row_or_404(REGISTRY[slug], key), language)
    except ServiceError as error:
        db.session.rollback()
        flash(error.message, "error")
        return _back(slug, key)
    db.session.commit()
    flash(done, "success")
    return _back(slug, key)


@bp.post("/salutations/<key>/formulas")
def save_formula(key: str) -> Any:
    """Set the formal and informal formula of a salutation in one language."""
    form = with_languages(FormulaForm(prefix="formula"))
    return _save_detail(
        "salutations", key, "formula_form", form, salutations.save_formula, _("The formulas are saved.")
    )


@bp.post("/salutations/<key>/formulas/<language>/delete")
def delete_formula(key: str, language: str) -> Response:
    """Remove a salutation's formulas in one language."""
    return _delete_detail("salutations", key, salutations.delete_formula, language, _("The formulas are deleted."))


@bp.post("/interaction-templates/<key>/languages")
def save_template_language(key: str) -> Any:
    """Set the subject of an interaction template in one language."""
    form = with_languages(TemplateLanguageForm(prefix="language"))
    save = interaction_templates.save_template_language
    return _save_detail("interaction-templates", key, "language_form", form, save, _("The language is saved."))


@bp.post("/interaction-templates/<key>/languages/<language>/delete")
def delete_template_language(key: str, language: str) -> Response:
    """Remove an interaction template's row for one language."""
    delete = interaction_templates.delete_template_language
    return _delete_detail("interaction-templates", key, delete, language, _("The language is deleted."))


@bp.post("/profile-questionnaires/<key>/questions")
def add_question(key: str) -> Any:
    """Append a question to a profile questionnaire."""
    form = DescriptionForm(prefix="question")
    save = questionnaires.add_question
    return _save_detail("profile-questionnaires", key, "question_form", form, save, _("The question is added."))


def _questionnaire_change(run: Callable[[], Any], questionnaire_code: str, done: str) -> Response:
    """Run a question/answer change and go back to the questionnaire, with the service's message if refused."""
    try:
        run()
    except ServiceError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(done, "success")
    return _back("profile-questionnaires", questionnaire_code)


def _change(action: Any, target: Any, questionnaire_code: str, done: str) -> Response:
    """Run a question/answer change from a one-field form and go back to the questionnaire."""
    form = DescriptionForm()

    def run() -> None:
        if not form.validate_on_submit():
            raise ServiceError(" ".join(str(e) for e in form.description.errors) or _("A description is required."))
        action(db.session, target, form.description.data)

    return _questionnaire_change(run, questionnaire_code, done)


@bp.post("/questions/<int:question_id>")
def rename_question(question_id: int) -> Response:
    """Change the wording of a question."""
    question = db.get_or_404(ProfileQuestion, question_id)
    return _change(questionnaires.rename_question, question, question.questionnaire_code, _("The question is saved."))


@bp.post("/questions/<int:question_id>/answers")
def add_answer(question_id: int) -> Response:
    """Append an answer to a question."""
    question = db.get_or_404(ProfileQuestion, question_id)
    return _change(questionnaires.add_answer, question, question.questionnaire_code, _("The answer is added."))


@bp.post("/answers/<int:answer_id>")
def rename_answer(answer_id: int) -> Response:
    """Change the wording of an answer."""
    answer = db.get_or_404(ProfileAnswer, answer_id)
    code = answer.question.questionnaire_code
    return _change(questionnaires.rename_answer, answer, code, _("The answer is saved."))


@bp.post("/questions/<int:question_id>/delete")
def delete_question(question_id: int) -> Response:
    """Delete a question and its answers unless contacts gave one of them."""
    question = db.get_or_404(ProfileQuestion, question_id)
    code = question.questionnaire_code
    return _delete(questionnaires.delete_question, question, code, _("The question is deleted."))


@bp.post("/answers/<int:answer_id>/delete")
def delete_answer(answer_id: int) -> Response:
    """Delete an answer unless contacts gave it."""
    answer = db.get_or_404(ProfileAnswer, answer_id)
    code = answer.question.questionnaire_code
    return _delete(questionnaires.delete_answer, answer, code, _("The answer is deleted."))


def _delete(action: Any, target: Any, questionnaire_code: str, done: str) -> Response:
    return _questionnaire_change(lambda: action(db.session, target), questionnaire_code, done)
