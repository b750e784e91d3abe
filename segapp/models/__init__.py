"""All models, importable from one place (Alembic autogenerate sees them here)."""

from segapp.models.base import (
    Base,
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
from segapp.models.contacts import (
    Contact,
    ContactBusinessRelation,
    ContactIndustryGroup,
    ContactJobResponsibility,
    ContactMailingGroup,
    ContactProfileAnswer,
)
from segapp.models.criteria import (
    CriteriaActionType,
    SegmentCriteriaAction,
    SegmentCriteriaFilter,
    SegmentLineHistory,
)
from segapp.models.interaction_setup import (
    InteractionGroup,
    InteractionTemplate,
    InteractionTemplateLanguage,
)
from segapp.models.interactions import CampaignEntry, InteractionLogEntry, LoggedSegment
from segapp.models.profiles import ProfileAnswer, ProfileQuestion, ProfileQuestionnaire
from segapp.models.reference import (
    BusinessRelation,
    Campaign,
    CountryRegion,
    IndustryGroup,
    JobResponsibility,
    Language,
    MailingGroup,
    Salesperson,
    Salutation,
    SalutationFormula,
    Territory,
)
from segapp.models.segments import SegmentHeader, SegmentLine
from segapp.models.setup import CompanyInformation, MarketingSetup, NumberSeries
from segapp.models.users import SignInFailure, User, UserSession

__all__ = [
    "Base",
    "BusinessRelation",
    "Campaign",
    "CampaignEntry",
    "CampaignStatus",
    "CompanyInformation",
    "Contact",
    "ContactBusinessRelation",
    "ContactIndustryGroup",
    "ContactJobResponsibility",
    "ContactMailingGroup",
    "ContactProfileAnswer",
    "ContactType",
    "CorrespondenceType",
    "CountryRegion",
    "CriteriaActionType",
    "DeliveryStatus",
    "Evaluation",
    "IndustryGroup",
    "InformationFlow",
    "InitiatedBy",
    "InteractionGroup",
    "InteractionLogEntry",
    "InteractionTemplate",
    "InteractionTemplateLanguage",
    "JobResponsibility",
    "Language",
    "LoggedSegment",
    "MailingGroup",
    "MarketingSetup",
    "NumberSeries",
    "ProfileAnswer",
    "ProfileQuestion",
    "ProfileQuestionnaire",
    "QuestionnaireAppliesTo",
    "Role",
    "Salesperson",
    "Salutation",
    "SalutationFormula",
    "SegmentCriteriaAction",
    "SegmentCriteriaFilter",
    "SegmentHeader",
    "SegmentLine",
    "SegmentLineHistory",
    "SignInFailure",
    "Territory",
    "User",
    "UserSession",
]
