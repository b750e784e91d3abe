"""Single-row setup tables and number series."""

from typing import Optional

from sqlalchemy import BigInteger, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from segapp.models.base import CODE_LENGTH, Base, CorrespondenceType, enum_column


class NumberSeries(Base):
    """Hands out numbers such as ``SEG00001``; ``next_number`` is the next one to give."""

    __tablename__ = "number_series"

    code: Mapped[str] = mapped_column(String(CODE_LENGTH), primary_key=True)
    description: Mapped[str] = mapped_column(String(100), default="")
    prefix: Mapped[str] = mapped_column(String(10), default="")
    width: Mapped[int] = mapped_column(Integer, default=5)
    next_number: Mapped[int] = mapped_column(BigInteger, default=1)


class CompanyInformation(Base):
    """Our own company's data, used in letters. Always the row with id 1."""

    __tablename__ = "company_information"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    address: Mapped[str] = mapped_column(String(100), default="")
    address_2: Mapped[str] = mapped_column(String(100), default="")
    post_code: Mapped[str] = mapped_column(String(20), default="")
    city: Mapped[str] = mapped_column(String(50), default="")
    county: Mapped[str] = mapped_column(String(50), default="")
    country_code: Mapped[Optional[str]] = mapped_column(ForeignKey("country_region.code"))
    phone: Mapped[str] = mapped_column(String(50), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    home_page: Mapped[str] = mapped_column(String(200), default="")
    vat_no: Mapped[str] = mapped_column(String(30), default="")
    bank_name: Mapped[str] = mapped_column(String(100), default="")
    iban: Mapped[str] = mapped_column(String(50), default="")
    swift: Mapped[str] = mapped_column(String(20), default="")


class MarketingSetup(Base):
    """Marketing setup: number series, defaults, storage limits, SMTP. Always the row with id 1."""

    __tablename__ = "marketing_setup"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contact_series_code: Mapped[Optional[str]] = mapped_column(ForeignKey("number_series.code"))
    segment_series_code: Mapped[Optional[str]] = mapped_column(ForeignKey("number_series.code"))
    campaign_series_code: Mapped[Optional[str]] = mapped_column(ForeignKey("number_series.code"))
    default_correspondence_type: Mapped[CorrespondenceType] = mapped_column(
        enum_column(CorrespondenceType, "correspondence_type"), default=CorrespondenceType.BLANK
    )
    default_language_code: Mapped[Optional[str]] = mapped_column(ForeignKey("language.code"))
    max_attachment_kb: Mapped[int] = mapped_column(Integer, default=5120)
    max_storage_mb: Mapped[int] = mapped_column(Integer, default=1024)
    smtp_host: Mapped[str] = mapped_column(String(200), default="")
    smtp_port: Mapped[int] = mapped_column(Integer, default=587)
    smtp_user: Mapped[str] = mapped_column(String(200), default="")
    # starttls, ssl (implicit TLS, port 465) or none; the password comes only from the environment (SMTP_PASSWORD).
    smtp_security: Mapped[str] = mapped_column(String(10), default="starttls", server_default="starttls")
    sender_email: Mapped[str] = mapped_column(String(254), default="")
    sender_name: Mapped[str] = mapped_column(String(100), default="")
    # 0: no limit.
    emails_per_minute: Mapped[int] = mapped_column(Integer, default=60)
    # Domains the mail server may send for: a salesperson whose address is in one is the message's From (so that
    # SPF and DMARC pass); anyone else is only its Reply-To. Comma separated.
    sender_domains: Mapped[str] = mapped_column(String(500), default="", server_default="")
