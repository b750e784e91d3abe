"""Registered (logged) segments, interaction log entries and campaign entries (spec 3.6, 3.7)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Optional

from sqlalchemy import BigInteger, Boolean, Date, DateTime, ForeignKey, Index, Integer, Numeric, String, Text
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column

from segapp.models.base import (
    NO_LENGTH,
    Base,
    CorrespondenceType,
    DeliveryStatus,
    Evaluation,
    InformationFlow,
    InitiatedBy,
    enum_column,
    utcnow,
)


class LoggedSegment(Base):
    """A segment that was registered; its lines became interaction log entries."""

    __tablename__ = "logged_segment"

    entry_no: Mapped[int] = mapped_column(Integer, primary_key=True)
    segment_no: Mapped[str] = mapped_column(String(NO_LENGTH), unique=True, info={"code": True})
    description: Mapped[str] = mapped_column(String(100), default="")
    creation_date: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("app_user.id"))
    no_of_interactions: Mapped[int] = mapped_column(Integer, default=0)
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)
    # Delivery (spec 5): one e-mail per address unless the user asked for one per contact sharing an address.
    email_per_contact: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())


class InteractionLogEntry(Base):
    """One interaction with one contact: a letter, an e-mail, a call."""

    __tablename__ = "interaction_log_entry"
    # The entries page filters on one of these columns and reads its page by keyset on entry_no (migration 0012).
    __table_args__ = (
        Index("ix_interaction_log_entry_contact_date", "contact_no", "date"),
        Index("ix_interaction_log_entry_contact", "contact_no", "entry_no"),
        Index("ix_interaction_log_entry_logged_segment", "logged_segment_entry_no", "entry_no"),
        Index("ix_interaction_log_entry_segment_no", "segment_no", "entry_no"),
        Index("ix_interaction_log_entry_campaign", "campaign_no", "entry_no"),
        Index("ix_interaction_log_entry_template", "interaction_template_code", "entry_no"),
        Index("ix_interaction_log_entry_date", "date", "entry_no"),
        Index("ix_interaction_log_entry_delivery", "delivery_status", "entry_no"),
        Index("ix_interaction_log_entry_evaluation", "evaluation", "entry_no"),
        Index("ix_interaction_log_entry_cancelled", "cancelled", "entry_no"),
    )

    entry_no: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    contact_no: Mapped[str] = mapped_column(ForeignKey("contact.no"))
    contact_company_no: Mapped[Optional[str]] = mapped_column(String(NO_LENGTH), info={"code": True})
    date: Mapped[Optional[date]] = mapped_column(Date)
    time_of_interaction: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))
    description: Mapped[str] = mapped_column(String(100), default="")
    information_flow: Mapped[InformationFlow] = mapped_column(
        enum_column(InformationFlow, "information_flow"), default=InformationFlow.BLANK
    )
    initiated_by: Mapped[InitiatedBy] = mapped_column(
        enum_column(InitiatedBy, "initiated_by"), default=InitiatedBy.BLANK
    )
    interaction_group_code: Mapped[Optional[str]] = mapped_column(ForeignKey("interaction_group.code"))
    interaction_template_code: Mapped[Optional[str]] = mapped_column(ForeignKey("interaction_template.code"))
    salesperson_code: Mapped[Optional[str]] = mapped_column(ForeignKey("salesperson.code"))
    campaign_no: Mapped[Optional[str]] = mapped_column(ForeignKey("campaign.no"))
    campaign_entry_no: Mapped[Optional[int]] = mapped_column(Integer)
    campaign_target: Mapped[bool] = mapped_column(Boolean, default=False)
    campaign_response: Mapped[bool] = mapped_column(Boolean, default=False)
    segment_no: Mapped[str] = mapped_column(String(NO_LENGTH), default="", info={"code": True})
    segment_line_no: Mapped[Optional[int]] = mapped_column(BigInteger)
    logged_segment_entry_no: Mapped[Optional[int]] = mapped_column(
        ForeignKey("logged_segment.entry_no", ondelete="SET NULL")
    )
    evaluation: Mapped[Evaluation] = mapped_column(enum_column(Evaluation, "evaluation"), default=Evaluation.BLANK)
    cost: Mapped[Decimal] = mapped_column(Numeric(18, 2), default=Decimal("0"))
    duration: Mapped[Decimal] = mapped_column(Numeric(18, 2), default=Decimal("0"))
    attempt_failed: Mapped[bool] = mapped_column(Boolean, default=False)
    correspondence_type: Mapped[CorrespondenceType] = mapped_column(
        enum_column(CorrespondenceType, "correspondence_type"), default=CorrespondenceType.BLANK
    )
    language_code: Mapped[Optional[str]] = mapped_column(ForeignKey("language.code"))
    subject: Mapped[str] = mapped_column(String(250), default="")
    send_word_doc_as_attachment: Mapped[bool] = mapped_column(Boolean, default=False)
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("app_user.id"))
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)
    delivery_status: Mapped[DeliveryStatus] = mapped_column(
        enum_column(DeliveryStatus, "delivery_status"), default=DeliveryStatus.NONE
    )
    delivery_error: Mapped[str] = mapped_column(Text, default="")
    # The claim on an entry to send, kept apart from its status: which worker holds it and until when (a lease).
    # An entry left *sending* becomes *unknown* only once its lease expired (its worker died mid-call).
    delivery_worker: Mapped[str] = mapped_column(String(100), default="", server_default="")
    delivery_lease_until: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))
    delivery_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    delivered_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))
    # The Message-ID of the e-mail that carried it: entries of contacts sharing an address share one message.
    delivery_message_id: Mapped[str] = mapped_column(String(255), default="", server_default="")
    # A resend (spec 3.7) is a new entry naming the entry it sends again.
    resend_of_entry_no: Mapped[Optional[int]] = mapped_column(BigInteger)
    # What produces the letter again (spec 5): the template's document version and the merge values used,
    # a JSON object of catalogue field name to text ("" when the entry has no document).
    template_document_id: Mapped[Optional[int]] = mapped_column(ForeignKey("template_document.id"), index=True)
    merge_values: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CampaignEntry(Base):
    """What a registered segment did for a campaign."""

    __tablename__ = "campaign_entry"

    entry_no: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_no: Mapped[str] = mapped_column(ForeignKey("campaign.no"), index=True)
    description: Mapped[str] = mapped_column(String(100), default="")
    date: Mapped[Optional[date]] = mapped_column(Date)
    segment_no: Mapped[str] = mapped_column(String(NO_LENGTH), default="", info={"code": True})
    logged_segment_entry_no: Mapped[Optional[int]] = mapped_column(
        ForeignKey("logged_segment.entry_no", ondelete="SET NULL"), index=True
    )
    salesperson_code: Mapped[Optional[str]] = mapped_column(ForeignKey("salesperson.code"))
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("app_user.id"))
    no_of_interactions: Mapped[int] = mapped_column(Integer, default=0)
    cost: Mapped[Decimal] = mapped_column(Numeric(18, 2), default=Decimal("0"))
    duration: Mapped[Decimal] = mapped_column(Numeric(18, 2), default=Decimal("0"))
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)
