"""Interaction groups and templates (spec section 1)."""

from decimal import Decimal
from typing import Optional

from sqlalchemy import Boolean, ForeignKey, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from segapp.models.base import (
    CODE_LENGTH,
    Base,
    CorrespondenceType,
    InformationFlow,
    InitiatedBy,
    enum_column,
)


class InteractionGroup(Base):
    """A group of interaction templates."""

    __tablename__ = "interaction_group"

    code: Mapped[str] = mapped_column(String(CODE_LENGTH), primary_key=True)
    description: Mapped[str] = mapped_column(String(100), default="")


class InteractionTemplate(Base):
    """Defaults for an interaction: group, cost, duration, direction, campaign, correspondence."""

    __tablename__ = "interaction_template"

    code: Mapped[str] = mapped_column(String(CODE_LENGTH), primary_key=True)
    description: Mapped[str] = mapped_column(String(100), default="")
    interaction_group_code: Mapped[str] = mapped_column(ForeignKey("interaction_group.code"), index=True)
    unit_cost: Mapped[Decimal] = mapped_column(Numeric(18, 2), default=Decimal("0"))
    unit_duration: Mapped[Decimal] = mapped_column(Numeric(18, 2), default=Decimal("0"))
    information_flow: Mapped[InformationFlow] = mapped_column(
        enum_column(InformationFlow, "information_flow"), default=InformationFlow.BLANK
    )
    initiated_by: Mapped[InitiatedBy] = mapped_column(
        enum_column(InitiatedBy, "initiated_by"), default=InitiatedBy.BLANK
    )
    campaign_no: Mapped[Optional[str]] = mapped_column(ForeignKey("campaign.no"), index=True)
    campaign_target: Mapped[bool] = mapped_column(Boolean, default=False)
    campaign_response: Mapped[bool] = mapped_column(Boolean, default=False)
    correspondence_type: Mapped[CorrespondenceType] = mapped_column(
        enum_column(CorrespondenceType, "correspondence_type"),
        default=CorrespondenceType.EMAIL,
    )
    ignore_contact_corr_type: Mapped[bool] = mapped_column(Boolean, default=False)
    language_code: Mapped[Optional[str]] = mapped_column(ForeignKey("language.code"))

    languages: Mapped[list["InteractionTemplateLanguage"]] = relationship(
        back_populates="template", cascade="all, delete-orphan", order_by="InteractionTemplateLanguage.language_code"
    )


class InteractionTemplateLanguage(Base):
    """Per-language row of a template: its e-mail subject (and later its Word document)."""

    __tablename__ = "interaction_template_language"

    template_code: Mapped[str] = mapped_column(
        ForeignKey("interaction_template.code", ondelete="CASCADE"), primary_key=True
    )
    language_code: Mapped[str] = mapped_column(ForeignKey("language.code"), primary_key=True)
    description: Mapped[str] = mapped_column(String(100), default="")
    subject: Mapped[str] = mapped_column(String(250), default="")

    template: Mapped[InteractionTemplate] = relationship(back_populates="languages")
