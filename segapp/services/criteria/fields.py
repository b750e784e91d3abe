"""The tables and fields a criteria action filters on (spec 3.4), defined once.

The dialog's tabs, the plain-words description, the check of saved criteria and the engine all read
:data:`CRITERIA_TABLES`. A table is the contact row itself (``rows`` is None) or rows related to a
contact: a table or join (``rows``) and its column holding the contact no. (``contact_no``). Industry
groups and business relations are the company's (``through_company``): a person matches through the
company no. on its contact row, a company through its own no.
"""

from dataclasses import dataclass
from typing import Any

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from segapp.models import (
    Contact,
    ContactBusinessRelation,
    ContactIndustryGroup,
    ContactJobResponsibility,
    ContactMailingGroup,
    ContactProfileAnswer,
    InteractionLogEntry,
    ProfileAnswer,
    ProfileQuestion,
)
from segapp.services.importing.rows import FIELD_LABELS


@dataclass(frozen=True)
class CriteriaField:
    """A field a filter expression can be written for: its name (as saved), label and column."""

    name: str
    label: LazyString
    column: Any
    default: bool


@dataclass(frozen=True)
class CriteriaTable:
    """A tab of the criteria dialog: its key (as saved), label, fields, and how it reaches a contact."""

    key: str
    label: LazyString
    fields: tuple[CriteriaField, ...]
    rows: Any = None
    contact_no: Any = None
    through_company: bool = False

    def field(self, name: str) -> CriteriaField | None:
        """The field called ``name``, or None when the table has none."""
        return next((field for field in self.fields if field.name == name), None)

    @property
    def default_fields(self) -> tuple[CriteriaField, ...]:
        """The fields the dialog shows before the user asks for more."""
        return tuple(field for field in self.fields if field.default)


def _field(name: str, label: Any, column: Any, default: bool = False) -> CriteriaField:
    return CriteriaField(name, label, column, default)


_CONTACT_DEFAULTS = (
    "no",
    "type",
    "name",
    "company_no",
    "company_name",
    "post_code",
    "city",
    "country_code",
    "territory_code",
    "salesperson_code",
)
# Every field of a contact a user can see or set; search_text is the list's internal search column.
_CONTACT_FIELDS = (
    *FIELD_LABELS,
    "anonymised",
    "created_at",
    "modified_at",
)
_CONTACT_EXTRA_LABELS = {
    "anonymised": _l("Anonymised"),
    "created_at": _l("Created"),
    "modified_at": _l("Modified"),
}

CONTACT = CriteriaTable(
    "contact",
    _l("Contact"),
    tuple(
        _field(
            name,
            FIELD_LABELS.get(name) or _CONTACT_EXTRA_LABELS[name],
            getattr(Contact, name),
            name in _CONTACT_DEFAULTS,
        )
        for name in _CONTACT_FIELDS
    ),
)

_PROFILE_ROWS = ContactProfileAnswer.__table__.join(
    ProfileAnswer.__table__, ProfileAnswer.id == ContactProfileAnswer.answer_id
).join(ProfileQuestion.__table__, ProfileQuestion.id == ProfileAnswer.question_id)

PROFILE_ANSWER = CriteriaTable(
    "profile_answer",
    _l("Profile answers"),
    (
        _field("questionnaire_code", _l("Questionnaire"), ProfileQuestion.questionnaire_code, True),
        _field("question", _l("Question"), ProfileQuestion.description, True),
        _field("answer", _l("Answer"), ProfileAnswer.description, True),
    ),
    rows=_PROFILE_ROWS,
    contact_no=ContactProfileAnswer.contact_no,
)

MAILING_GROUP = CriteriaTable(
    "mailing_group",
    _l("Mailing group"),
    (_field("mailing_group_code", _l("Mailing group"), ContactMailingGroup.mailing_group_code, True),),
    rows=ContactMailingGroup.__table__,
    contact_no=ContactMailingGroup.contact_no,
)

_ENTRY = InteractionLogEntry
INTERACTION = CriteriaTable(
    "interaction",
    _l("Interaction log entries"),
    (
        _field("date", _l("Date"), _ENTRY.date, True),
        _field("segment_no", _l("Registered segment no."), _ENTRY.segment_no, True),
        _field("campaign_no", _l("Campaign no."), _ENTRY.campaign_no, True),
        _field("evaluation", _l("Evaluation"), _ENTRY.evaluation, True),
        _field("interaction_template_code", _l("Interaction template"), _ENTRY.interaction_template_code, True),
        _field("salesperson_code", _l("Salesperson"), _ENTRY.salesperson_code, True),
        _field("interaction_group_code", _l("Interaction group"), _ENTRY.interaction_group_code),
        _field("description", _l("Description"), _ENTRY.description),
        _field("information_flow", _l("Information flow"), _ENTRY.information_flow),
        _field("initiated_by", _l("Initiated by"), _ENTRY.initiated_by),
        _field("correspondence_type", _l("Correspondence type"), _ENTRY.correspondence_type),
        _field("language_code", _l("Language"), _ENTRY.language_code),
        _field("subject", _l("Subject"), _ENTRY.subject),
        _field("cost", _l("Cost"), _ENTRY.cost),
        _field("duration", _l("Duration (min.)"), _ENTRY.duration),
        _field("attempt_failed", _l("Attempt failed"), _ENTRY.attempt_failed),
        _field("campaign_target", _l("Campaign target"), _ENTRY.campaign_target),
        _field("campaign_response", _l("Campaign response"), _ENTRY.campaign_response),
        _field("cancelled", _l("Cancelled"), _ENTRY.cancelled),
        _field("delivery_status", _l("Delivery status"), _ENTRY.delivery_status),
        _field("entry_no", _l("Entry no."), _ENTRY.entry_no),
    ),
    rows=InteractionLogEntry.__table__,
    contact_no=InteractionLogEntry.contact_no,
)

JOB_RESPONSIBILITY = CriteriaTable(
    "job_responsibility",
    _l("Job responsibility"),
    (
        _field(
            "job_responsibility_code",
            _l("Job responsibility"),
            ContactJobResponsibility.job_responsibility_code,
            True,
        ),
    ),
    rows=ContactJobResponsibility.__table__,
    contact_no=ContactJobResponsibility.contact_no,
)

INDUSTRY_GROUP = CriteriaTable(
    "industry_group",
    _l("Industry group"),
    (_field("industry_group_code", _l("Industry group"), ContactIndustryGroup.industry_group_code, True),),
    rows=ContactIndustryGroup.__table__,
    contact_no=ContactIndustryGroup.contact_no,
    through_company=True,
)

BUSINESS_RELATION = CriteriaTable(
    "business_relation",
    _l("Business relation"),
    (
        _field(
            "business_relation_code",
            _l("Business relation"),
            ContactBusinessRelation.business_relation_code,
            True,
        ),
    ),
    rows=ContactBusinessRelation.__table__,
    contact_no=ContactBusinessRelation.contact_no,
    through_company=True,
)

# In the order of the dialog's tabs.
CRITERIA_TABLES: tuple[CriteriaTable, ...] = (
    CONTACT,
    PROFILE_ANSWER,
    MAILING_GROUP,
    INTERACTION,
    JOB_RESPONSIBILITY,
    INDUSTRY_GROUP,
    BUSINESS_RELATION,
)
_BY_KEY = {table.key: table for table in CRITERIA_TABLES}


def criteria_table(key: str) -> CriteriaTable | None:
    """The table called ``key``, or None when there is none."""
    return _BY_KEY.get(key)
