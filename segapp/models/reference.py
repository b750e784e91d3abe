"""Reference data of spec section 1: salespeople, codes and groups, salutations, campaigns."""

from datetime import date
from typing import Optional

from sqlalchemy import Boolean, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from segapp.models.base import CODE_LENGTH, NO_LENGTH, Base, CampaignStatus, enum_column


class Salesperson(Base):
    """A member of the sales team; blocked ones cannot be chosen on new segments or lines."""

    __tablename__ = "salesperson"

    code: Mapped[str] = mapped_column(String(CODE_LENGTH), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")
    job_title: Mapped[str] = mapped_column(String(100), default="")
    blocked: Mapped[bool] = mapped_column(Boolean, default=False)


class Territory(Base):
    """A sales territory."""

    __tablename__ = "territory"

    code: Mapped[str] = mapped_column(String(CODE_LENGTH), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), default="")


class CountryRegion(Base):
    """A country or region."""

    __tablename__ = "country_region"

    code: Mapped[str] = mapped_column(String(CODE_LENGTH), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), default="")


class Language(Base):
    """A language in which contacts are written to."""

    __tablename__ = "language"

    code: Mapped[str] = mapped_column(String(CODE_LENGTH), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), default="")


class MailingGroup(Base):
    """A mailing group; any contact can belong to several."""

    __tablename__ = "mailing_group"

    code: Mapped[str] = mapped_column(String(CODE_LENGTH), primary_key=True)
    description: Mapped[str] = mapped_column(String(100), default="")


class IndustryGroup(Base):
    """An industry group of companies."""

    __tablename__ = "industry_group"

    code: Mapped[str] = mapped_column(String(CODE_LENGTH), primary_key=True)
    description: Mapped[str] = mapped_column(String(100), default="")


class BusinessRelation(Base):
    """A business relation of a company (customer, supplier, ...)."""

    __tablename__ = "business_relation"

    code: Mapped[str] = mapped_column(String(CODE_LENGTH), primary_key=True)
    description: Mapped[str] = mapped_column(String(100), default="")


class JobResponsibility(Base):
    """A job responsibility of a person."""

    __tablename__ = "job_responsibility"

    code: Mapped[str] = mapped_column(String(CODE_LENGTH), primary_key=True)
    description: Mapped[str] = mapped_column(String(100), default="")


class Salutation(Base):
    """A salutation code; its formulas are kept per language."""

    __tablename__ = "salutation"

    code: Mapped[str] = mapped_column(String(CODE_LENGTH), primary_key=True)
    description: Mapped[str] = mapped_column(String(100), default="")


class SalutationFormula(Base):
    """Formal and informal formula of a salutation in one language, e.g. ``Gentile {title} {surname}``."""

    __tablename__ = "salutation_formula"

    salutation_code: Mapped[str] = mapped_column(ForeignKey("salutation.code", ondelete="CASCADE"), primary_key=True)
    language_code: Mapped[str] = mapped_column(ForeignKey("language.code"), primary_key=True)
    formal: Mapped[str] = mapped_column(String(200), default="")
    informal: Mapped[str] = mapped_column(String(200), default="")


class Campaign(Base):
    """A marketing campaign that interactions can be recorded for."""

    __tablename__ = "campaign"

    no: Mapped[str] = mapped_column(String(NO_LENGTH), primary_key=True)
    description: Mapped[str] = mapped_column(String(100), default="")
    starting_date: Mapped[Optional[date]] = mapped_column(Date)
    ending_date: Mapped[Optional[date]] = mapped_column(Date)
    salesperson_code: Mapped[Optional[str]] = mapped_column(ForeignKey("salesperson.code"), index=True)
    status: Mapped[CampaignStatus] = mapped_column(
        enum_column(CampaignStatus, "campaign_status"), default=CampaignStatus.PLANNED
    )
    notes: Mapped[str] = mapped_column(Text, default="")
