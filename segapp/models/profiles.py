"""Profile questionnaires: questions, their answers, and the answers given for contacts."""

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from segapp.models.base import CODE_LENGTH, Base, QuestionnaireAppliesTo, enum_column


class ProfileQuestionnaire(Base):
    """A questionnaire for companies or for persons."""

    __tablename__ = "profile_questionnaire"

    code: Mapped[str] = mapped_column(String(CODE_LENGTH), primary_key=True)
    description: Mapped[str] = mapped_column(String(100), default="")
    applies_to: Mapped[QuestionnaireAppliesTo] = mapped_column(
        enum_column(QuestionnaireAppliesTo, "questionnaire_applies_to"),
        default=QuestionnaireAppliesTo.COMPANY,
    )

    questions: Mapped[list["ProfileQuestion"]] = relationship(
        back_populates="questionnaire", cascade="all, delete-orphan", order_by="ProfileQuestion.line_no"
    )


class ProfileQuestion(Base):
    """A question of a questionnaire."""

    __tablename__ = "profile_question"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    questionnaire_code: Mapped[str] = mapped_column(
        ForeignKey("profile_questionnaire.code", ondelete="CASCADE"), index=True
    )
    line_no: Mapped[int] = mapped_column(Integer, default=0)
    description: Mapped[str] = mapped_column(String(250), default="")

    questionnaire: Mapped[ProfileQuestionnaire] = relationship(back_populates="questions")
    answers: Mapped[list["ProfileAnswer"]] = relationship(
        back_populates="question", cascade="all, delete-orphan", order_by="ProfileAnswer.line_no"
    )


class ProfileAnswer(Base):
    """One of the possible answers of a question."""

    __tablename__ = "profile_answer"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("profile_question.id", ondelete="CASCADE"), index=True)
    line_no: Mapped[int] = mapped_column(Integer, default=0)
    description: Mapped[str] = mapped_column(String(250), default="")

    question: Mapped[ProfileQuestion] = relationship(back_populates="answers")
