"""A contact's profile: the questionnaires that apply to its type and the answers it gave."""

from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from segapp.models import (
    Contact,
    ContactProfileAnswer,
    ContactType,
    ProfileAnswer,
    ProfileQuestion,
    ProfileQuestionnaire,
    QuestionnaireAppliesTo,
)
from segapp.services.errors import ServiceError


def questionnaires_for(session: Session, contact: Contact) -> list[ProfileQuestionnaire]:
    """The questionnaires that apply to this contact's type."""
    applies = QuestionnaireAppliesTo.COMPANY if contact.type == ContactType.COMPANY else QuestionnaireAppliesTo.PERSON
    return list(
        session.scalars(
            select(ProfileQuestionnaire)
            .where(ProfileQuestionnaire.applies_to == applies)
            .order_by(ProfileQuestionnaire.code)
        )
    )


def profile_answer_ids(session: Session, contact: Contact) -> set[int]:
    """The ids of the profile answers given for this contact."""
    return set(
        session.scalars(select(ContactProfileAnswer.answer_id).where(ContactProfileAnswer.contact_no == contact.no))
    )


def set_profile_answer(session: Session, contact: Contact, question_id: int, answer_id: int | None) -> None:
    """Give one answer to a question for a contact (None clears it); the questionnaire must apply."""
    question = session.get(ProfileQuestion, question_id)
    if question is None:
        raise ServiceError(_("The question does not exist."))
    if question.questionnaire not in questionnaires_for(session, contact):
        raise ServiceError(_("This questionnaire does not apply to this kind of contact."))
    answer_ids = [answer.id for answer in question.answers]
    if answer_id is not None and answer_id not in answer_ids:
        raise ServiceError(_("The answer does not belong to this question."))
    if answer_ids:
        session.execute(
            delete(ContactProfileAnswer).where(
                ContactProfileAnswer.contact_no == contact.no, ContactProfileAnswer.answer_id.in_(answer_ids)
            )
        )
    if answer_id is not None:
        session.add(ContactProfileAnswer(contact_no=contact.no, answer_id=answer_id))
    session.flush()


def answers_by_question(session: Session, question_ids: list[int]) -> dict[int, list[ProfileAnswer]]:
    """The possible answers of the given questions."""
    result: dict[int, list[ProfileAnswer]] = {qid: [] for qid in question_ids}
    for answer in session.scalars(
        select(ProfileAnswer).where(ProfileAnswer.question_id.in_(question_ids)).order_by(ProfileAnswer.line_no)
    ):
        result[answer.question_id].append(answer)
    return result
