"""Translated names of the enum values shown on setup and user pages."""

from flask_babel import lazy_gettext as _l

from segapp.models import (
    CampaignStatus,
    CorrespondenceType,
    InformationFlow,
    InitiatedBy,
    QuestionnaireAppliesTo,
    Role,
)

ENUM_LABELS = {
    CorrespondenceType: {"": _l("(none)"), "hard_copy": _l("Hard copy"), "email": _l("E-mail")},
    InformationFlow: {"": _l("(none)"), "outbound": _l("Outbound"), "inbound": _l("Inbound")},
    InitiatedBy: {"": _l("(none)"), "us": _l("Us"), "them": _l("Them")},
    CampaignStatus: {
        "planned": _l("Planned"),
        "active": _l("Active"),
        "completed": _l("Completed"),
        "cancelled": _l("Cancelled"),
    },
    QuestionnaireAppliesTo: {"company": _l("Companies"), "person": _l("Persons")},
    Role: {"admin": _l("Administrator"), "user": _l("User"), "viewer": _l("Viewer")},
}


def enum_choices(enum_class: type) -> list[tuple[str, str]]:
    """(value, label) pairs of an enum, in its order, for a select field."""
    labels = ENUM_LABELS[enum_class]
    return [(member.value, labels[member.value]) for member in enum_class]


def enum_label(enum_class: type, value: object) -> str:
    """The translated label of one enum value."""
    return str(ENUM_LABELS[enum_class].get(str(value), value))
