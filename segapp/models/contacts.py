"""Contacts (companies and persons) and the relations that criteria filter on."""

from datetime import datetime
from typing import Optional

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String, event, text
from sqlalchemy import false as sa_false
from sqlalchemy.engine import Connection
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.orm import Mapped, Mapper, mapped_column

from segapp.models.base import (
    NO_LENGTH,
    Base,
    ContactType,
    CorrespondenceType,
    enum_column,
    utcnow,
)
from segapp.textfold import fold

SEARCH_TEXT_LENGTH = 500
SEARCH_FIELDS = ("no", "name", "city", "email")


def contact_search_text(values: dict) -> str:
    """The folded text that the contact list's search looks in (no., name, city, e-mail)."""
    # The one fold (segapp.textfold); services.contacts.records.refresh_search_text computes the same in SQL.
    return fold(" ".join(str(values.get(key) or "") for key in SEARCH_FIELDS))[:SEARCH_TEXT_LENGTH]


def _search_text_default(context: DefaultExecutionContext) -> str:
    return contact_search_text(context.get_current_parameters())


class Contact(Base):
    """A company or a person; a person may belong to one company."""

    __tablename__ = "contact"
    __table_args__ = (
        # The list sorts by these columns with no. as tie-breaker: (column, no) serves both.
        Index("ix_contact_name", "name", "no"),
        Index("ix_contact_city", "city", "no"),
        Index("ix_contact_company_no_type", "company_no", "type"),
        Index("ix_contact_email", "email"),
        Index("ix_contact_post_code", "post_code", "no"),
        Index("ix_contact_salesperson_code", "salesperson_code", "no"),
        Index("ix_contact_company_name", "company_name", "type", "name"),
        # Substring search (LIKE '%term%') on PostgreSQL goes through a trigram index. SQLite has
        # no such index: there it is a partial index WHERE 0, empty and never used, so that the
        # models and migrations describe the same schema on both engines.
        Index(
            "ix_contact_search_text_trgm",
            "search_text",
            postgresql_using="gin",
            postgresql_ops={"search_text": "gin_trgm_ops"},
            sqlite_where=text("0"),
        ),
    )

    no: Mapped[str] = mapped_column(String(NO_LENGTH), primary_key=True)
    type: Mapped[ContactType] = mapped_column(enum_column(ContactType, "contact_type"), default=ContactType.COMPANY)
    name: Mapped[str] = mapped_column(String(100), default="")
    first_name: Mapped[str] = mapped_column(String(30), default="")
    middle_name: Mapped[str] = mapped_column(String(30), default="")
    surname: Mapped[str] = mapped_column(String(30), default="")
    title: Mapped[str] = mapped_column(String(30), default="")
    salutation_code: Mapped[Optional[str]] = mapped_column(ForeignKey("salutation.code"))
    company_no: Mapped[Optional[str]] = mapped_column(ForeignKey("contact.no"))
    company_name: Mapped[str] = mapped_column(String(100), default="")
    address: Mapped[str] = mapped_column(String(100), default="")
    address_2: Mapped[str] = mapped_column(String(50), default="")
    post_code: Mapped[str] = mapped_column(String(20), default="")
    city: Mapped[str] = mapped_column(String(50), default="")
    county: Mapped[str] = mapped_column(String(50), default="")
    country_code: Mapped[Optional[str]] = mapped_column(ForeignKey("country_region.code"), index=True)
    territory_code: Mapped[Optional[str]] = mapped_column(ForeignKey("territory.code"), index=True)
    salesperson_code: Mapped[Optional[str]] = mapped_column(ForeignKey("salesperson.code"))
    language_code: Mapped[Optional[str]] = mapped_column(ForeignKey("language.code"))
    correspondence_type: Mapped[CorrespondenceType] = mapped_column(
        enum_column(CorrespondenceType, "correspondence_type"), default=CorrespondenceType.BLANK
    )
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")
    mobile: Mapped[str] = mapped_column(String(50), default="")
    job_title: Mapped[str] = mapped_column(String(50), default="")
    exclude_from_segment: Mapped[bool] = mapped_column(Boolean, default=False)
    privacy_blocked: Mapped[bool] = mapped_column(Boolean, default=False)
    # Consent (spec 5): the contact asked for no e-mail (on the card, or through a message's unsubscribe link).
    email_opt_out: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
    email_opt_out_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))
    anonymised: Mapped[bool] = mapped_column(Boolean, default=False)
    # Kept in sync on insert (also bulk inserts) and on ORM updates; set-based updates
    # of no., name, city or e-mail call services.contacts.records.refresh_search_text.
    search_text: Mapped[str] = mapped_column(String(SEARCH_TEXT_LENGTH), default=_search_text_default)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    modified_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    @property
    def is_company(self) -> bool:
        """True for companies."""
        return self.type == ContactType.COMPANY


@event.listens_for(Contact, "before_update")
def _refresh_search_text(_mapper: Mapper, _connection: Connection, contact: Contact) -> None:
    contact.search_text = contact_search_text({key: getattr(contact, key) for key in SEARCH_FIELDS})


class ContactMailingGroup(Base):
    """Membership of a contact in a mailing group."""

    __tablename__ = "contact_mailing_group"
    __table_args__ = (Index("ix_contact_mailing_group_group", "mailing_group_code", "contact_no"),)

    contact_no: Mapped[str] = mapped_column(ForeignKey("contact.no", ondelete="CASCADE"), primary_key=True)
    mailing_group_code: Mapped[str] = mapped_column(ForeignKey("mailing_group.code"), primary_key=True)


class ContactIndustryGroup(Base):
    """Industry group of a company (persons inherit their company's)."""

    __tablename__ = "contact_industry_group"
    __table_args__ = (Index("ix_contact_industry_group_group", "industry_group_code", "contact_no"),)

    contact_no: Mapped[str] = mapped_column(ForeignKey("contact.no", ondelete="CASCADE"), primary_key=True)
    industry_group_code: Mapped[str] = mapped_column(ForeignKey("industry_group.code"), primary_key=True)


class ContactBusinessRelation(Base):
    """Business relation of a company (persons inherit their company's)."""

    __tablename__ = "contact_business_relation"
    __table_args__ = (Index("ix_contact_business_relation_rel", "business_relation_code", "contact_no"),)

    contact_no: Mapped[str] = mapped_column(ForeignKey("contact.no", ondelete="CASCADE"), primary_key=True)
    business_relation_code: Mapped[str] = mapped_column(ForeignKey("business_relation.code"), primary_key=True)


class ContactJobResponsibility(Base):
    """Job responsibility of a person."""

    __tablename__ = "contact_job_responsibility"
    __table_args__ = (Index("ix_contact_job_responsibility_resp", "job_responsibility_code", "contact_no"),)

    contact_no: Mapped[str] = mapped_column(ForeignKey("contact.no", ondelete="CASCADE"), primary_key=True)
    job_responsibility_code: Mapped[str] = mapped_column(ForeignKey("job_responsibility.code"), primary_key=True)


class ContactProfileAnswer(Base):
    """An answer given for a contact to a profile question."""

    __tablename__ = "contact_profile_answer"
    __table_args__ = (Index("ix_contact_profile_answer_answer", "answer_id", "contact_no"),)

    contact_no: Mapped[str] = mapped_column(ForeignKey("contact.no", ondelete="CASCADE"), primary_key=True)
    answer_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("profile_answer.id", ondelete="CASCADE"), primary_key=True
    )
