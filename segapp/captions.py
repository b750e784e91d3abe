"""The captions of enum values in the user's language: the one catalogue pages, forms and lists read."""

import enum
from typing import Any

from flask_babel import lazy_gettext as _l

from segapp.models import (
    CampaignStatus,
    CorrespondenceType,
    Evaluation,
    InformationFlow,
    InitiatedBy,
    QuestionnaireAppliesTo,
    Role,
)

# The blank value of an optional enum has no caption of its own: each caller says how blank reads.
ENUM_CAPTIONS: dict[type[enum.Enum], dict[str, Any]] = {
    CorrespondenceType: {"hard_copy": _l("Hard copy"), "email": _l("E-mail")},
    InformationFlow: {"outbound": _l("Outbound"), "inbound": _l("Inbound")},
    InitiatedBy: {"us": _l("Us"), "them": _l("Them")},
    Evaluation: {
        "very_positive": _l("Very positive"),
        "positive": _l("Positive"),
        "neutral": _l("Neutral"),
        "negative": _l("Negative"),
        "very_negative": _l("Very negative"),
    },
    CampaignStatus: {
        "planned": _l("Planned"),
        "active": _l("Active"),
        "completed": _l("Completed"),
        "cancelled": _l("Cancelled"),
    },
    QuestionnaireAppliesTo: {"company": _l("Companies"), "person": _l("Persons")},
    Role: {"admin": _l("Administrator"), "user": _l("User"), "viewer": _l("Viewer")},
}
NONE = _l("(none)")
YES_NO = {"": _l("No"), "1": _l("Yes")}


def enum_caption(enum_class: type[enum.Enum], value: Any, blank: Any = "") -> str:
    """The caption of one value (``blank`` for the blank value, the value itself when unknown)."""
    key = str(value.value if isinstance(value, enum.Enum) else value or "")
    return str(ENUM_CAPTIONS[enum_class].get(key, key) if key else blank)


def enum_choices(enum_class: type[enum.Enum], blank: Any = NONE) -> list[tuple[str, str]]:
    """(value, caption) pairs of an enum in its order, for a select; the blank value reads ``blank``."""
    return [(member.value, enum_caption(enum_class, member, blank)) for member in enum_class]
