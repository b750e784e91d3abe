"""The reference tables served by the one generic set of setup views: model, fields, labels."""

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from segapp.models import (
    BusinessRelation,
    Campaign,
    CampaignStatus,
    CorrespondenceType,
    CountryRegion,
    IndustryGroup,
    InformationFlow,
    InitiatedBy,
    InteractionGroup,
    InteractionTemplate,
    JobResponsibility,
    Language,
    MailingGroup,
    ProfileQuestionnaire,
    QuestionnaireAppliesTo,
    Salesperson,
    Salutation,
    Territory,
)


@dataclass(frozen=True)
class Field:
    """One editable column: kind is text, email, textarea, bool, enum, ref, decimal or date."""

    name: str
    label: Any
    kind: str = "text"
    enum: type | None = None
    ref: type | None = None
    required: bool = False
    in_list: bool = True
    default: Any = None


@dataclass(frozen=True)
class RefTable:
    """A reference table: its URL slug, model, names and fields (the key comes first)."""

    slug: str
    model: type
    title: Any
    thing: Any
    fields: tuple[Field, ...]
    key_label: Any = _l("Code")
    numbered: bool = False
    detail: str | None = None
    group: Any = _l("Contacts")

    @property
    def key(self) -> str:
        """Name of the key column."""
        return "no" if self.numbered else "code"

    @property
    def list_fields(self) -> tuple[Field, ...]:
        """Fields shown as list columns."""
        return tuple(f for f in self.fields if f.in_list)

    @property
    def search_columns(self) -> list[Any]:
        """Columns the search box looks in."""
        names = [self.key] + [f.name for f in self.fields if f.kind in ("text", "email")]
        return [getattr(self.model, name) for name in names]


NAME = Field("name", _l("Name"))
DESCRIPTION = Field("description", _l("Description"))

TABLES: tuple[RefTable, ...] = (
    RefTable(
        "salespeople",
        Salesperson,
        _l("Salespeople"),
        _l("Salesperson"),
        (
            NAME,
            Field("email", _l("E-mail"), "email"),
            Field("phone", _l("Phone")),
            Field("job_title", _l("Job title")),
            Field("blocked", _l("Blocked"), "bool"),
        ),
        group=_l("Sales"),
    ),
    RefTable("territories", Territory, _l("Territories"), _l("Territory"), (NAME,)),
    RefTable("countries", CountryRegion, _l("Countries/regions"), _l("Country/region"), (NAME,)),
    RefTable("languages", Language, _l("Languages"), _l("Language"), (NAME,)),
    RefTable("mailing-groups", MailingGroup, _l("Mailing groups"), _l("Mailing group"), (DESCRIPTION,)),
    RefTable("industry-groups", IndustryGroup, _l("Industry groups"), _l("Industry group"), (DESCRIPTION,)),
    RefTable("business-relations", BusinessRelation, _l("Business relations"), _l("Business relation"), (DESCRIPTION,)),
    RefTable(
        "job-responsibilities", JobResponsibility, _l("Job responsibilities"), _l("Job responsibility"), (DESCRIPTION,)
    ),
    RefTable(
        "salutations",
        Salutation,
        _l("Salutations"),
        _l("Salutation"),
        (DESCRIPTION,),
        detail="setup/_salutation_formulas.html",
    ),
    RefTable(
        "profile-questionnaires",
        ProfileQuestionnaire,
        _l("Profile questionnaires"),
        _l("Profile questionnaire"),
        (
            DESCRIPTION,
            Field(
                "applies_to",
                _l("Applies to"),
                "enum",
                enum=QuestionnaireAppliesTo,
                default=QuestionnaireAppliesTo.COMPANY.value,
            ),
        ),
        detail="setup/_questions.html",
    ),
    RefTable(
        "campaigns",
        Campaign,
        _l("Campaigns"),
        _l("Campaign"),
        (
            DESCRIPTION,
            Field("starting_date", _l("Starting date"), "date"),
            Field("ending_date", _l("Ending date"), "date"),
            Field("salesperson_code", _l("Salesperson"), "ref", ref=Salesperson),
            Field("status", _l("Status"), "enum", enum=CampaignStatus, default=CampaignStatus.PLANNED.value),
            Field("notes", _l("Notes"), "textarea", in_list=False),
        ),
        key_label=_l("No."),
        numbered=True,
        detail="setup/_campaign_card.html",
        group=_l("Sales"),
    ),
    RefTable(
        "interaction-groups",
        InteractionGroup,
        _l("Interaction groups"),
        _l("Interaction group"),
        (DESCRIPTION,),
        group=_l("Interactions"),
    ),
    RefTable(
        "interaction-templates",
        InteractionTemplate,
        _l("Interaction templates"),
        _l("Interaction template"),
        (
            DESCRIPTION,
            Field("interaction_group_code", _l("Interaction group"), "ref", ref=InteractionGroup, required=True),
            Field("unit_cost", _l("Unit cost"), "decimal", default=0),
            Field("unit_duration", _l("Unit duration (min.)"), "decimal", default=0),
            Field("information_flow", _l("Information flow"), "enum", enum=InformationFlow, in_list=False),
            Field("initiated_by", _l("Initiated by"), "enum", enum=InitiatedBy, in_list=False),
            Field("campaign_no", _l("Campaign"), "ref", ref=Campaign, in_list=False),
            Field("campaign_target", _l("Campaign target"), "bool", in_list=False),
            Field("campaign_response", _l("Campaign response"), "bool", in_list=False),
            Field(
                "correspondence_type",
                _l("Default correspondence type"),
                "enum",
                enum=CorrespondenceType,
                default=CorrespondenceType.EMAIL.value,
            ),
            Field("ignore_contact_corr_type", _l("Ignore contact correspondence type"), "bool", in_list=False),
            Field("language_code", _l("Default language"), "ref", ref=Language),
        ),
        detail="setup/_template_languages.html",
        group=_l("Interactions"),
    ),
)

REGISTRY: dict[str, RefTable] = {table.slug: table for table in TABLES}
