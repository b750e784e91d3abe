"""Spec 3.2: what a new line takes from the header and from its contact."""

from datetime import date
from decimal import Decimal

import pytest

from segapp.models import CorrespondenceType, Evaluation, InformationFlow
from segapp.services.segments.lines import LINE_NO_STEP, add_line


def test_a_new_line_takes_the_header_values(db, make_segment, make_contact) -> None:
    header = make_segment(
        description="Autumn letter",
        salesperson_code="MR",
        interaction_template_code="LETTER",
        interaction_group_code="LETTER",
        unit_cost=Decimal("2.50"),
        unit_duration=Decimal("7"),
        date=date(2026, 11, 23),
        information_flow=InformationFlow.OUTBOUND,
        campaign_no="CP1",
        campaign_target=True,
        send_word_docs_as_attachment=True,
        language_code="ITA",
    )
    acme = make_contact("Acme", salesperson_code="LB")
    ann = make_contact("Ann Lee", company=acme)
    line = add_line(db.session, header.no, ann.no).line
    assert (line.description, line.salesperson_code, line.interaction_template_code) == (
        "Autumn letter",
        "MR",
        "LETTER",
    )
    assert (line.cost, line.duration, line.date) == (Decimal("2.50"), Decimal("7"), date(2026, 11, 23))
    assert line.information_flow == InformationFlow.OUTBOUND
    assert (line.campaign_no, line.campaign_target, line.send_word_doc_as_attachment) == ("CP1", True, True)
    assert line.contact_company_no == acme.no
    assert line.evaluation == Evaluation.BLANK
    assert line.line_no == LINE_NO_STEP
    assert add_line(db.session, header.no, acme.no).line.line_no == 2 * LINE_NO_STEP


def test_the_contacts_salesperson_only_when_the_header_has_none(db, make_segment, make_contact) -> None:
    header = make_segment(salesperson_code=None)
    contact = make_contact("Acme", salesperson_code="LB")
    assert add_line(db.session, header.no, contact.no).line.salesperson_code == "LB"
    header2 = make_segment(salesperson_code="MR")
    assert add_line(db.session, header2.no, contact.no).line.salesperson_code == "MR"


@pytest.mark.parametrize(
    ("contact_language", "expected"),
    [("ENU", "ENU"), ("DEU", "ITA"), (None, "ITA")],
    ids=["template-has-contact-language", "template-lacks-it", "contact-without-language"],
)
def test_language_is_the_contacts_when_the_template_has_a_document_in_it(
    db, make_segment, make_contact, letter_documents, contact_language, expected
) -> None:
    header = make_segment(interaction_template_code="LETTER", language_code="ITA")
    contact = make_contact("Acme", language_code=contact_language)
    assert add_line(db.session, header.no, contact.no).line.language_code == expected


def test_a_subject_in_the_contacts_language_without_a_document_is_not_enough(db, make_segment, make_contact) -> None:
    # LETTER has an ENU row (its subject) but no Word document in ENU: the letter would have nothing to merge.
    header = make_segment(interaction_template_code="LETTER", language_code="ITA")
    contact = make_contact("Acme", language_code="ENU")
    assert add_line(db.session, header.no, contact.no).line.language_code == "ITA"


def test_without_a_template_the_line_takes_the_headers_language(db, make_segment, make_contact) -> None:
    header = make_segment(interaction_template_code=None, language_code="ITA")
    contact = make_contact("Acme", language_code="ENU")
    assert add_line(db.session, header.no, contact.no).line.language_code == "ITA"


CT = CorrespondenceType


@pytest.mark.parametrize(
    ("header_ignores", "header_type", "template", "contact_type", "expected"),
    [
        (True, CT.EMAIL, "LETTER", CT.HARD_COPY, CT.EMAIL),  # header ignores and has one
        (True, CT.BLANK, "CALL", CT.HARD_COPY, CT.EMAIL),  # header ignores but has none -> template ignores
        (False, CT.EMAIL, "CALL", CT.HARD_COPY, CT.EMAIL),  # template ignores the contact's type
        (False, CT.BLANK, "LETTER", CT.BLANK, CT.HARD_COPY),  # contact has none -> template default
        (False, CT.BLANK, "LETTER", CT.EMAIL, CT.EMAIL),  # else the contact's own
        (False, CT.BLANK, None, CT.BLANK, CT.BLANK),  # no template, contact none
    ],
    ids=["header", "header-empty-template-ignores", "template-ignores", "contact-none", "contact-own", "nothing"],
)
def test_correspondence_type_rules(
    db, make_segment, make_contact, header_ignores, header_type, template, contact_type, expected
) -> None:
    header = make_segment(
        ignore_contact_corr_type=header_ignores, correspondence_type=header_type, interaction_template_code=template
    )
    contact = make_contact("Acme", correspondence_type=contact_type)
    assert add_line(db.session, header.no, contact.no).line.correspondence_type == expected


@pytest.mark.parametrize(
    ("contact_language", "expected"),
    [("ITA", "Header subject"), ("ENU", "Our offer"), ("DEU", "Header subject")],
    ids=["same-language-header-subject", "other-language-template-subject", "no-document-falls-back-to-header"],
)
def test_subject_rules(db, make_segment, make_contact, letter_documents, contact_language, expected) -> None:
    header = make_segment(interaction_template_code="LETTER", language_code="ITA", subject="Header subject")
    contact = make_contact("Acme", language_code=contact_language)
    assert add_line(db.session, header.no, contact.no).line.subject == expected


def test_subject_is_blank_when_the_template_has_none_in_the_lines_language(
    db, make_segment, make_contact, make_reference
) -> None:
    from segapp.models import InteractionTemplateLanguage, TemplateDocument

    make_reference(InteractionTemplateLanguage, template_code="LETTER", language_code="DEU", subject="")
    make_reference(TemplateDocument, template_code="LETTER", language_code="DEU", version=1)
    header = make_segment(interaction_template_code="LETTER", language_code="ITA", subject="Header subject")
    contact = make_contact("Acme", language_code="DEU")
    line = add_line(db.session, header.no, contact.no).line
    assert (line.language_code, line.subject) == ("DEU", "")
