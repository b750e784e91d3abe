"""Segment documents: a header and its lines (spec 3.1)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Optional

from sqlalchemy import BigInteger, Boolean, Date, DateTime, ForeignKey, Index, Integer, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from segapp.models.base import (
    NO_LENGTH,
    Base,
    CorrespondenceType,
    Evaluation,
    InformationFlow,
    InitiatedBy,
    enum_column,
    utcnow,
)


class SegmentHeader(Base):
    """An unlogged segment: interaction defaults, campaign and the lines below it."""

    __tablename__ = "segment_header"

    no: Mapped[str] = mapped_column(String(NO_LENGTH), primary_key=True)
    description: Mapped[str] = mapped_column(String(100), default="")
    salesperson_code: Mapped[Optional[str]] = mapped_column(ForeignKey("salesperson.code"), index=True)
    date: Mapped[Optional[date]] = mapped_column(Date)
    interaction_template_code: Mapped[Optional[str]] = mapped_column(ForeignKey("interaction_template.code"))
    interaction_group_code: Mapped[Optional[str]] = mapped_column(ForeignKey("interaction_group.code"))
    language_code: Mapped[Optional[str]] = mapped_column(ForeignKey("language.code"))
    subject: Mapped[str] = mapped_column(String(250), default="")
    ignore_contact_corr_type: Mapped[bool] = mapped_column(Boolean, default=False)
    correspondence_type: Mapped[CorrespondenceType] = mapped_column(
        enum_column(CorrespondenceType, "correspondence_type"), default=CorrespondenceType.BLANK
    )
    information_flow: Mapped[InformationFlow] = mapped_column(
        enum_column(InformationFlow, "information_flow"), default=InformationFlow.BLANK
    )
    initiated_by: Mapped[InitiatedBy] = mapped_column(
        enum_column(InitiatedBy, "initiated_by"), default=InitiatedBy.BLANK
    )
    unit_cost: Mapped[Decimal] = mapped_column(Numeric(18, 2), default=Decimal("0"))
    unit_duration: Mapped[Decimal] = mapped_column(Numeric(18, 2), default=Decimal("0"))
    send_word_docs_as_attachment: Mapped[bool] = mapped_column(Boolean, default=False)
    campaign_no: Mapped[Optional[str]] = mapped_column(ForeignKey("campaign.no"), index=True)
    campaign_target: Mapped[bool] = mapped_column(Boolean, default=False)
    campaign_response: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    modified_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)


class SegmentLine(Base):
    """One contact on a segment with its own interaction values."""

    __tablename__ = "segment_line"
    __table_args__ = (
        Index("ix_segment_line_contact", "contact_no", "segment_no"),
        Index("ix_segment_line_segment_company", "segment_no", "contact_company_no"),
    )

    segment_no: Mapped[str] = mapped_column(ForeignKey("segment_header.no", ondelete="CASCADE"), primary_key=True)
    line_no: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    contact_no: Mapped[Optional[str]] = mapped_column(ForeignKey("contact.no"))
    contact_company_no: Mapped[Optional[str]] = mapped_column(String(NO_LENGTH), info={"code": True})
    correspondence_type: Mapped[CorrespondenceType] = mapped_column(
        enum_column(CorrespondenceType, "correspondence_type"), default=CorrespondenceType.BLANK
    )
    description: Mapped[str] = mapped_column(String(100), default="")
    salesperson_code: Mapped[Optional[str]] = mapped_column(ForeignKey("salesperson.code"))
    interaction_template_code: Mapped[Optional[str]] = mapped_column(ForeignKey("interaction_template.code"))
    interaction_group_code: Mapped[Optional[str]] = mapped_column(ForeignKey("interaction_group.code"))
    language_code: Mapped[Optional[str]] = mapped_column(ForeignKey("language.code"))
    subject: Mapped[str] = mapped_column(String(250), default="")
    evaluation: Mapped[Evaluation] = mapped_column(enum_column(Evaluation, "evaluation"), default=Evaluation.BLANK)
    cost: Mapped[Decimal] = mapped_column(Numeric(18, 2), default=Decimal("0"))
    duration: Mapped[Decimal] = mapped_column(Numeric(18, 2), default=Decimal("0"))
    date: Mapped[Optional[date]] = mapped_column(Date)
    attempt_failed: Mapped[bool] = mapped_column(Boolean, default=False)
    information_flow: Mapped[InformationFlow] = mapped_column(
        enum_column(InformationFlow, "information_flow"), default=InformationFlow.BLANK
    )
    initiated_by: Mapped[InitiatedBy] = mapped_column(
        enum_column(InitiatedBy, "initiated_by"), default=InitiatedBy.BLANK
    )
    campaign_no: Mapped[Optional[str]] = mapped_column(ForeignKey("campaign.no"))
    campaign_target: Mapped[bool] = mapped_column(Boolean, default=False)
    campaign_response: Mapped[bool] = mapped_column(Boolean, default=False)
    send_word_doc_as_attachment: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # The criteria action that brought the line in ("why is this contact here?").
    criteria_action_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("segment_criteria_action.id", ondelete="SET NULL"), index=True
    )
