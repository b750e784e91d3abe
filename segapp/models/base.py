"""Declarative base, naming convention and the shared column types of the models."""

import enum
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated

from sqlalchemy import Enum, MetaData, Numeric, String
from sqlalchemy.orm import DeclarativeBase, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Codes and numbers are stored upper-case. A string column is one when it is a primary or foreign
# key; one that has no foreign key on purpose says so with info={"code": True} (filters read it).
CODE_LENGTH = 20
NO_LENGTH = 20


def utcnow() -> datetime:
    """Current time in UTC, timezone-aware."""
    return datetime.now(UTC)


code = Annotated[str, mapped_column(String(CODE_LENGTH))]
text100 = Annotated[str, mapped_column(String(100), default="")]
# Numeric(18, 2) holds 16 digits before the point: the largest amount any form or cell accepts.
MAX_AMOUNT = Decimal("9999999999999999")
amount = Annotated[Decimal, mapped_column(Numeric(18, 2), default=Decimal("0"))]


class Base(DeclarativeBase):
    """Base of every model, with a naming convention for constraints and indexes."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def enum_column(enum_cls: type[enum.Enum], name: str, *, checked: bool = True) -> Enum:
    """A portable enum: stored as VARCHAR with a CHECK constraint (unless ``checked`` is False, for copies of rows a
    checked table holds), the value is the member's value."""
    return Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=checked,
        length=20,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


class CorrespondenceType(enum.StrEnum):
    """How a document reaches a contact."""

    BLANK = ""
    HARD_COPY = "hard_copy"
    EMAIL = "email"


class InformationFlow(enum.StrEnum):
    """Direction of an interaction."""

    BLANK = ""
    OUTBOUND = "outbound"
    INBOUND = "inbound"


class InitiatedBy(enum.StrEnum):
    """Which side started an interaction."""

    BLANK = ""
    US = "us"
    THEM = "them"


class ContactType(enum.StrEnum):
    """A contact is a company or a person."""

    COMPANY = "company"
    PERSON = "person"


class Evaluation(enum.StrEnum):
    """How an interaction went."""

    BLANK = ""
    VERY_POSITIVE = "very_positive"
    POSITIVE = "positive"
    NEUTRAL = "neutral"
    NEGATIVE = "negative"
    VERY_NEGATIVE = "very_negative"


class DeliveryStatus(enum.StrEnum):
    """Delivery state of an interaction log entry's document."""

    NONE = ""
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    ERROR = "error"
    UNKNOWN = "unknown"


class Role(enum.StrEnum):
    """What a user may do."""

    ADMIN = "admin"
    USER = "user"
    VIEWER = "viewer"


class QuestionnaireAppliesTo(enum.StrEnum):
    """Which contacts a profile questionnaire is for."""

    COMPANY = "company"
    PERSON = "person"


class CampaignStatus(enum.StrEnum):
    """Lifecycle of a campaign."""

    PLANNED = "planned"
    ACTIVE = "active"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
