"""Detail sections of setup records: salutation formulas, template languages, questions and answers."""

from typing import Any

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from segapp.extensions import db
from segapp.forms import show_service_error
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


@bp.post("/salutations/<key>/formulas")
def save_formula(key: str) -> Any:
    """Set the formal and informal formula of a salutation in one language."""
    table = REGISTRY["salutations"]
    row = row_or_404(table, key)
    form = with_languages(FormulaForm(prefix="formula"))
    if form.validate_on_submit():
        try:
            salutations.save_formula(db.session, row, form.language_code.data, form.formal.data, form.informal.data)
        except ServiceError as error:
            db.session.rollback()
            show_service_error(form, error)
        else:
            db.session.commit()
            flash(_("The formulas are saved."), "success")
            return _back(table.slug, key)
    return render_edit(table, row_or_404(table, key), status=422, formula_form=form)


@bp.post("/salutations/<key>/formulas/<language>/delete")
def delete_formula(key: str, language: str) -> Response:
    """Remove a salutation's formulas in one language."""
    row = row_or_404(REGISTRY["salutations"], key)
    salutations.delete_formula(db.session, row, language)
    db.session.commit()
    flash(_("The formulas are deleted."), "success")
    return _back("salutations", key)


@bp.post("/interaction-templates/<key>/languages")
def save_template_language(key: str) -> Any:
    """Set the subject of an interaction template in one language."""
    table = REGISTRY["interaction-templates"]
    row = row_or_404(table, key)
    form = with_languages(TemplateLanguageForm(prefix="language"))
    if form.validate_on_submit():
        try:
            interaction_templates.save_template_language(
                db.session, row, form.language_code.data, form.subject.data, form.description.data
            )
        except ServiceError as error:
            db.session.rollback()
            show_service_error(form, error)
        else:
            db.session.commit()
            flash(_("The language is saved."), "success")
            return _back(table.slug, key)
    return render_edit(table, row_or_404(table, key), status=422, language_form=form)


@bp.post("/interaction-templates/<key>/languages/<language>/delete")
def delete_template_language(key: str, language: str) -> Response:
    """Remove an interaction template's row for one language."""
    row = row_or_404(REGISTRY["interaction-templates"], key)
    interaction_templates.delete_template_language(db.session, row, language)
    db.session.commit()
    flash(_("The language is deleted."), "success")
    return _back("interaction-templates", key)


@bp.post("/profile-questionnaires/<key>/questions")
def add_question(key: str) -> Any:
    """Append a question to a profile questionnaire."""
    table = REGISTRY["profile-questionnaires"]
    row = row_or_404(table, key)
    form = DescriptionForm(prefix="question")
    if form.validate_on_submit():
        try:
            questionnaires.add_question(db.session, row, form.description.data)
        except ServiceError as error:
            db.session.rollback()
            show_service_error(form, error)
        else:
            db.session.commit()
            flash(_("The question is added."), "success")
            return _back(table.slug, key)
    return render_edit(table, row_or_404(table, key), status=422, question_form=form)


def _change(action: Any, target: Any, questionnaire_code: str, done: str) -> Response:
    """Run a question/answer change from a one-field form and go back to the questionnaire."""
    form = DescriptionForm()
    try:
        if not form.validate_on_submit():
            raise ServiceError(" ".join(str(e) for e in form.description.errors) or _("A description is required."))
        action(db.session, target, form.description.data)
    except ServiceError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(done, "success")
    return _back("profile-questionnaires", questionnaire_code)


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
    try:
        action(db.session, target)
    except ServiceError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(done, "success")
    return _back("profile-questionnaires", questionnaire_code)
