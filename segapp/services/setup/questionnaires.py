"""Profile questionnaires: their questions and each question's answers."""

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from segapp.models import ProfileAnswer, ProfileQuestion, ProfileQuestionnaire
from segapp.services.errors import ServiceError
from segapp.services.setup.reference_usage import ensure_deletable

LINE_STEP = 10
TEXT_LENGTH = 250


def _description(text: str | None) -> str:
    text = (text or "").strip()
    if not text:
        raise ServiceError(_("A description is required."), field="description")
    if len(text) > TEXT_LENGTH:
        raise ServiceError(_("At most %(n)d characters.", n=TEXT_LENGTH), field="description")
    return text


def _append(session: Session, model: type, parent: dict[str, Any], description: str) -> Any:
    """A new row of ``model`` under its parent, numbered after the parent's last one."""
    [(column, value)] = parent.items()
    last = session.scalar(select(func.max(model.line_no)).where(getattr(model, column) == value))
    row = model(**parent, line_no=(last or 0) + LINE_STEP, description=_description(description))
    session.add(row)
    session.flush()
    return row


def add_question(session: Session, questionnaire: ProfileQuestionnaire, description: str) -> ProfileQuestion:
    """Append a question to a questionnaire."""
    return _append(session, ProfileQuestion, {"questionnaire_code": questionnaire.code}, description)


def rename_question(session: Session, question: ProfileQuestion, description: str) -> None:
    """Change the wording of a question."""
    question.description = _description(description)
    session.flush()


def add_answer(session: Session, question: ProfileQuestion, description: str) -> ProfileAnswer:
    """Append a possible answer to a question."""
    return _append(session, ProfileAnswer, {"question_id": question.id}, description)


def rename_answer(session: Session, answer: ProfileAnswer, description: str) -> None:
    """Change the wording of an answer."""
    answer.description = _description(description)
    session.flush()


def delete_question(session: Session, question: ProfileQuestion) -> None:
    """Delete a question with its answers, unless contacts have given one of them."""
    ensure_deletable(session, question, _("Question"), question.description)
    session.delete(question)
    session.flush()


def delete_answer(session: Session, answer: ProfileAnswer) -> None:
    """Delete an answer unless contacts have given it."""
    ensure_deletable(session, answer, _("Answer"), answer.description)
    session.delete(answer)
    session.flush()
