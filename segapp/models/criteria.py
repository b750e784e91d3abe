"""Criteria actions of a segment and the lines they removed, so that undo and replay are exact (spec 3.4, 3.5)."""

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import Optional

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from segapp.models.base import (
    CODE_LENGTH,
    NO_LENGTH,
    Base,
    CorrespondenceType,
    Evaluation,
    InformationFlow,
    InitiatedBy,
    enum_column,
    utcnow,
)


class CriteriaActionType(enum.StrEnum):
    """What a criteria action does to the set of contacts on the lines."""

    ADD = "add"
    REDUCE = "reduce"
    REFINE = "refine"
    REUSE_SEGMENT = "reuse_segment"


class ActionKindAndOptions:
    """What an action does and the options it ran with: alike on a segment's action and on a saved one."""

    action_type: Mapped[CriteriaActionType] = mapped_column(enum_column(CriteriaActionType, "criteria_action_type"))
    # True when the action was recorded by a manual edit of a line (typing or deleting a contact).
    manual: Mapped[bool] = mapped_column(Boolean, default=False)
    allow_existing_contacts: Mapped[bool] = mapped_column(Boolean, default=False)
    expand_companies: Mapped[bool] = mapped_column(Boolean, default=False)
    allow_related_companies: Mapped[bool] = mapped_column(Boolean, default=False)
    ignore_exclusion: Mapped[bool] = mapped_column(Boolean, default=False)
    entire_companies: Mapped[bool] = mapped_column(Boolean, default=False)


class SegmentCriteriaAction(ActionKindAndOptions, Base):
    """One step of a segment's recipe: an add, reduce, refine or reuse, with its options and effect."""

    __tablename__ = "segment_criteria_action"
    __table_args__ = (UniqueConstraint("segment_no", "sequence_no", name="uq_segment_criteria_action_sequence"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    segment_no: Mapped[str] = mapped_column(ForeignKey("segment_header.no", ondelete="CASCADE"), index=True)
    sequence_no: Mapped[int] = mapped_column(Integer)
    # The language the expressions were written in (decimal comma, day-first dates): a replay reads them so.
    locale: Mapped[str] = mapped_column(String(5), default="en", server_default="en")
    # For reuse_segment: the logged segment whose entries were appended.
    source_logged_segment_entry_no: Mapped[Optional[int]] = mapped_column(Integer)
    lines_added: Mapped[int] = mapped_column(Integer, default=0)
    lines_removed: Mapped[int] = mapped_column(Integer, default=0)
    # The highest line no. in this action's history: the numbers a new line must stay past, so that a removed line
    # can be put back in its place. Kept here as the history's index is by action only.
    highest_saved_line_no: Mapped[Optional[int]] = mapped_column(BigInteger)
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    filters: Mapped[list["SegmentCriteriaFilter"]] = relationship(
        back_populates="action",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="(SegmentCriteriaFilter.group_no, SegmentCriteriaFilter.id)",
    )


class SegmentCriteriaFilter(Base):
    """A filter expression on one field of one table, inside an ORed group of an action."""

    __tablename__ = "segment_criteria_filter"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("segment_criteria_action.id", ondelete="CASCADE"), index=True)
    group_no: Mapped[int] = mapped_column(Integer, default=1)
    table_name: Mapped[str] = mapped_column(String(50))
    field_name: Mapped[str] = mapped_column(String(50))
    expression: Mapped[str] = mapped_column(String(250))

    action: Mapped[SegmentCriteriaAction] = relationship(back_populates="filters")


class SegmentLineHistory(Base):
    """A line as it was when an action removed it; go back puts it back exactly."""

    __tablename__ = "segment_line_history"
    # Every reader asks by action. The rows of an action are written together, by one statement, so on PostgreSQL
    # a block-range (BRIN) index finds them: a reduce of 200,000 lines then writes no index entry per saved line,
    # which a B-tree key cost it in time and WAL (docs/benchmarks.md, "reduce at 1,000,000"). SQLite, which has no
    # BRIN, gets a plain index on the action, filled in insertion order.
    __table_args__ = (
        Index(
            "ix_segment_line_history_action_id",
            "action_id",
            postgresql_using="brin",
            postgresql_with={"autosummarize": "on"},
        ),
    )

    # No key in the database, no id sequence and no foreign key: an action removes a line once, and only its own
    # action writes its rows; whoever deletes actions deletes their history first (go back, deleting a segment,
    # registering). The ORM still knows a row by (action, line no.).
    action_id: Mapped[int] = mapped_column(Integer)
    line_no: Mapped[int] = mapped_column(BigInteger)
    __mapper_args__ = {"primary_key": [action_id, line_no]}
    # The columns of segment_line, without foreign keys: the history outlives the codes it names.
    segment_no: Mapped[str] = mapped_column(String(NO_LENGTH))
    contact_no: Mapped[Optional[str]] = mapped_column(String(NO_LENGTH))
    contact_company_no: Mapped[Optional[str]] = mapped_column(String(NO_LENGTH))
    # Its option columns have no CHECK: every row is a copy of a line, which segment_line has checked already, and a
    # reduce of 200,000 lines would check each of them again (0.2 s on SQLite at 1,000,000 contacts).
    correspondence_type: Mapped[CorrespondenceType] = mapped_column(
        enum_column(CorrespondenceType, "correspondence_type", checked=False), default=CorrespondenceType.BLANK
    )
    description: Mapped[str] = mapped_column(String(100), default="")
    salesperson_code: Mapped[Optional[str]] = mapped_column(String(20))
    interaction_template_code: Mapped[Optional[str]] = mapped_column(String(20))
    interaction_group_code: Mapped[Optional[str]] = mapped_column(String(20))
    language_code: Mapped[Optional[str]] = mapped_column(String(20))
    subject: Mapped[str] = mapped_column(String(250), default="")
    evaluation: Mapped[Evaluation] = mapped_column(
        enum_column(Evaluation, "evaluation", checked=False), default=Evaluation.BLANK
    )
    cost: Mapped[Decimal] = mapped_column(Numeric(18, 2), default=Decimal("0"))
    duration: Mapped[Decimal] = mapped_column(Numeric(18, 2), default=Decimal("0"))
    date: Mapped[Optional[date]] = mapped_column(Date)
    attempt_failed: Mapped[bool] = mapped_column(Boolean, default=False)
    information_flow: Mapped[InformationFlow] = mapped_column(
        enum_column(InformationFlow, "information_flow", checked=False), default=InformationFlow.BLANK
    )
    initiated_by: Mapped[InitiatedBy] = mapped_column(
        enum_column(InitiatedBy, "initiated_by", checked=False), default=InitiatedBy.BLANK
    )
    campaign_no: Mapped[Optional[str]] = mapped_column(String(NO_LENGTH))
    campaign_target: Mapped[bool] = mapped_column(Boolean, default=False)
    campaign_response: Mapped[bool] = mapped_column(Boolean, default=False)
    send_word_doc_as_attachment: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)
    criteria_action_id: Mapped[Optional[int]] = mapped_column(Integer)


class SavedCriteria(Base):
    """A segment's recipe stored under a code, to be replayed on another segment (spec 3.5)."""

    __tablename__ = "saved_criteria"

    code: Mapped[str] = mapped_column(String(CODE_LENGTH), primary_key=True)
    description: Mapped[str] = mapped_column(String(100), default="")
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    actions: Mapped[list["SavedCriteriaAction"]] = relationship(
        back_populates="criteria",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="SavedCriteriaAction.sequence_no",
    )


class SavedCriteriaAction(ActionKindAndOptions, Base):
    """One action of a saved recipe, with the options it ran with."""

    __tablename__ = "saved_criteria_action"
    __table_args__ = (UniqueConstraint("criteria_code", "sequence_no", name="uq_saved_criteria_action_sequence"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    criteria_code: Mapped[str] = mapped_column(ForeignKey("saved_criteria.code", ondelete="CASCADE"), index=True)
    sequence_no: Mapped[int] = mapped_column(Integer)
    locale: Mapped[str] = mapped_column(String(5), default="en")

    criteria: Mapped[SavedCriteria] = relationship(back_populates="actions")
    filters: Mapped[list["SavedCriteriaFilter"]] = relationship(
        back_populates="action",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="(SavedCriteriaFilter.group_no, SavedCriteriaFilter.id)",
    )


class SavedCriteriaFilter(Base):
    """A filter of a saved action; its table and field are names, checked against today's when reused."""

    __tablename__ = "saved_criteria_filter"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("saved_criteria_action.id", ondelete="CASCADE"), index=True)
    group_no: Mapped[int] = mapped_column(Integer, default=1)
    table_name: Mapped[str] = mapped_column(String(50))
    field_name: Mapped[str] = mapped_column(String(50))
    expression: Mapped[str] = mapped_column(String(250))

    action: Mapped[SavedCriteriaAction] = relationship(back_populates="filters")
