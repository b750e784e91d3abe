"""The captions of enum values in the user's language: the one catalogue pages, forms and lists read."""

import enum
from typing import Any

from flask_babel import lazy_gettext as _l

from segapp.catalogue import N_
from segapp.models import (
    CampaignStatus,
    ContactType,
    CorrespondenceType,
    DeliveryStatus,
    Evaluation,
    InformationFlow,
    InitiatedBy,
    QuestionnaireAppliesTo,
    Role,
)

# The blank value of an optional enum has no caption of its own: each caller says how blank reads.
# Plain messages here, so that code without a request (filter expressions) can read every language
# of them from the catalogue; ENUM_CAPTIONS below is the same table translated for the request.
ENUM_CAPTION_MESSAGES: dict[type[enum.Enum], dict[str, str]] = {
    ContactType: {"company": N_("Company"), "person": N_("Person")},
    CorrespondenceType: {"hard_copy": N_("Hard copy"), "email": N_("E-mail")},
    InformationFlow: {"outbound": N_("Outbound"), "inbound": N_("Inbound")},
    InitiatedBy: {"us": N_("Us"), "them": N_("Them")},
    Evaluation: {
        "very_positive": N_("Very positive"),
        "positive": N_("Positive"),
        "neutral": N_("Neutral"),
        "negative": N_("Negative"),
        "very_negative": N_("Very negative"),
    },
    CampaignStatus: {
        "planned": N_("Planned"),
        "active": N_("Active"),
        "completed": N_("Completed"),
        "cancelled": N_("Cancelled"),
    },
    DeliveryStatus: {
        "pending": N_("Pending"),
        "sending": N_("Sending"),
        "sent": N_("Sent"),
        "error": N_("Error"),
        "unknown": N_("Unknown"),
    },
    QuestionnaireAppliesTo: {"company": N_("Companies"), "person": N_("Persons")},
    Role: {"admin": N_("Administrator"), "user": N_("User"), "viewer": N_("Viewer")},
}
ENUM_CAPTIONS: dict[type[enum.Enum], dict[str, Any]] = {
    enum_class: {value: _l(message) for value, message in messages.items()}
    for enum_class, messages in ENUM_CAPTION_MESSAGES.items()
}
NONE = _l("(none)")
YES_NO = {"": _l("No"), "1": _l("Yes")}


def enum_caption(enum_class: type[enum.Enum], value: Any, blank: Any = "") -> str:
    """The caption of one value (``blank`` for the blank value, the value itself when unknown)."""
    key = str(value.value if isinstance(value, enum.Enum) else value or "")
    return str(ENUM_CAPTIONS[enum_class].get(key, key) if key else blank)


def caption(value: enum.Enum | None, blank: Any = "") -> str:
    """The caption of an enum member, in templates ``member|caption`` (``blank`` when not set)."""
    return enum_caption(type(value), value, blank) if isinstance(value, enum.Enum) else str(blank)


def enum_choices(enum_class: type[enum.Enum], blank: Any = NONE) -> list[tuple[str, str]]:
    """(value, caption) pairs of an enum in its order, for a select; the blank value reads ``blank``."""
    return [(member.value, enum_caption(enum_class, member, blank)) for member in enum_class]
