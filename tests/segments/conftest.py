"""Reference data for segment tests: languages, salespeople, templates, a campaign."""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from segapp.models import (
    Campaign,
    CorrespondenceType,
    InformationFlow,
    InitiatedBy,
    InteractionGroup,
    InteractionTemplate,
    InteractionTemplateLanguage,
    Language,
    Salesperson,
    SegmentHeader,
    TemplateDocument,
)
from segapp.services.segments.records import create_segment

# The action tests' segment (spec 3.8), in its own module.
from tests.segments.actions_support import countries, mailing_segment  # noqa: F401


@pytest.fixture
def reference(db: Any) -> dict[str, Any]:
    """ITA/ENU/DEU, salespeople MR and blocked OLD, templates LETTER (ITA+ENU subjects) and CALL (none).
    LETTER has Word documents in ITA and ENU only with the ``letter_documents`` fixture."""
    s = db.session
    s.add_all(
        [
            Language(code="ITA", name="Italiano"),
            Language(code="ENU", name="English"),
            Language(code="DEU", name="Deutsch"),
            Salesperson(code="MR", name="Mario Rossi"),
            Salesperson(code="LB", name="Laura Bianchi"),
            Salesperson(code="OLD", name="Old One", blocked=True),
            InteractionGroup(code="LETTER", description="Letters"),
            InteractionGroup(code="PHONE", description="Calls"),
            Campaign(no="CP1", description="Fair"),
            Campaign(no="CP2", description="Spring"),
        ]
    )
    s.flush()
    s.add_all(
        [
            InteractionTemplate(
                code="LETTER",
                description="Letter",
                interaction_group_code="LETTER",
                unit_cost=Decimal("1.20"),
                unit_duration=Decimal("5"),
                information_flow=InformationFlow.OUTBOUND,
                initiated_by=InitiatedBy.US,
                correspondence_type=CorrespondenceType.HARD_COPY,
                language_code="ITA",
                campaign_no="CP1",
                campaign_target=True,
                languages=[
                    InteractionTemplateLanguage(language_code="ITA", subject="La nostra offerta"),
                    InteractionTemplateLanguage(language_code="ENU", subject="Our offer"),
                ],
            ),
            InteractionTemplate(
                code="CALL",
                description="Call",
                interaction_group_code="PHONE",
                unit_cost=Decimal("3"),
                unit_duration=Decimal("10"),
                information_flow=InformationFlow.INBOUND,
                initiated_by=InitiatedBy.THEM,
                correspondence_type=CorrespondenceType.EMAIL,
                ignore_contact_corr_type=True,
                language_code="ENU",
            ),
        ]
    )
    s.commit()
    return {}


@pytest.fixture
def make_segment(db: Any, reference: dict[str, Any]) -> Callable[..., SegmentHeader]:
    """A new segment with optional header fields set directly."""

    def _make(**fields: Any) -> SegmentHeader:
        header = create_segment(db.session, None)
        for name, value in fields.items():
            setattr(header, name, value)
        db.session.commit()
        return header

    return _make


@pytest.fixture
def letter_documents(db: Any, reference: dict[str, Any]) -> None:
    """Template LETTER has a Word document in ITA and in ENU (spec 3.2: a contact's language is taken then)."""
    for language in ("ITA", "ENU"):
        db.session.add(
            TemplateDocument(template_code="LETTER", language_code=language, version=1, file_name="letter.docx")
        )
    db.session.commit()
