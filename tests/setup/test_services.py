"""Service rules of the setup data: codes, references, usage, campaigns, formulas, questionnaires."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from segapp.models import (
    Campaign,
    ContactMailingGroup,
    ContactProfileAnswer,
    CorrespondenceType,
    InteractionGroup,
    InteractionTemplate,
    Language,
    MailingGroup,
    NumberSeries,
    ProfileAnswer,
    ProfileQuestionnaire,
    Salesperson,
    Salutation,
    Territory,
)
from segapp.services.errors import ServiceError
from segapp.services.setup import interaction_templates, questionnaires, salutations
from segapp.services.setup.reference import delete_reference, normalise_code, save_reference
from segapp.services.setup.reference_usage import usage_counts
from segapp.services.setup.settings import marketing_setup, save_marketing_setup, save_number_series


def test_codes_are_trimmed_upper_case_and_checked() -> None:
    assert normalise_code("  news ") == "NEWS"
    for bad in ("", "   ", "X" * 21, "A/B"):
        with pytest.raises(ServiceError) as error:
            normalise_code(bad)
        assert error.value.field == "code"


def test_duplicate_code_is_refused(db) -> None:
    save_reference(db.session, Territory, {"code": "nord", "name": "North"})
    with pytest.raises(ServiceError, match="NORD already exists") as error:
        save_reference(db.session, Territory, {"code": "Nord ", "name": "Again"})
    assert error.value.field == "code"


def test_edit_keeps_the_code_and_checks_lengths(db) -> None:
    row = save_reference(db.session, Territory, {"code": "NORD", "name": "North"})
    save_reference(db.session, Territory, {"code": "OTHER", "name": "Nord"}, row)
    assert row.code == "NORD" and row.name == "Nord"
    with pytest.raises(ServiceError) as error:
        save_reference(db.session, Territory, {"name": "x" * 101}, row)
    assert error.value.field == "name"


def test_template_needs_an_existing_group_and_defaults_to_email(db) -> None:
    with pytest.raises(ServiceError) as error:
        save_reference(db.session, InteractionTemplate, {"code": "T1", "description": "x"})
    assert error.value.field == "interaction_group_code"
    with pytest.raises(ServiceError) as error:
        save_reference(db.session, InteractionTemplate, {"code": "T1", "interaction_group_code": "NOPE"})
    assert error.value.field == "interaction_group_code"
    db.session.add(InteractionGroup(code="LETTER", description="Letters"))
    with pytest.raises(ServiceError) as error:
        save_reference(
            db.session,
            InteractionTemplate,
            {"code": "T1", "interaction_group_code": "LETTER", "unit_cost": Decimal("-0.01")},
        )
    assert error.value.field == "unit_cost"
    template = save_reference(db.session, InteractionTemplate, {"code": "t1", "interaction_group_code": "LETTER"})
    db.session.commit()
    assert db.session.get(InteractionTemplate, "T1").correspondence_type == CorrespondenceType.EMAIL
    assert template.unit_cost == 0


def test_usage_is_counted_per_referencing_table(db, make_contact) -> None:
    db.session.add_all([Salesperson(code="MR", name="Mario"), MailingGroup(code="NEWS")])
    db.session.flush()
    db.session.add(Campaign(no="CP1", salesperson_code="MR"))
    db.session.commit()
    for name in ("A", "B", "C"):
        make_contact(name, salesperson_code="MR")
    with pytest.raises(ServiceError) as error:
        delete_reference(db.session, db.session.get(Salesperson, "MR"), "Salesperson")
    assert error.value.message == "Salesperson MR is used by 3 contacts and 1 campaign, so it cannot be deleted."
    table = MailingGroup.__table__
    assert usage_counts(db.session, table, table.c.code == "NEWS") == {}


def test_unused_row_is_deleted_with_its_own_children(db) -> None:
    db.session.add_all([Salutation(code="M"), Language(code="ITA")])
    db.session.flush()
    salutations.save_formula(
        db.session, db.session.get(Salutation, "M"), "ITA", "Egregio {title} {surname}", "Caro {first_name}"
    )
    db.session.commit()
    delete_reference(db.session, db.session.get(Salutation, "M"), "Salutation")
    db.session.commit()
    assert db.session.get(Salutation, "M") is None
    with pytest.raises(ServiceError, match="used by 1 contact|salutation formula"):
        db.session.add(Salutation(code="F"))
        db.session.flush()
        salutations.save_formula(db.session, db.session.get(Salutation, "F"), "ITA", "Gentile {surname}", "")
        delete_reference(db.session, db.session.get(Language, "ITA"), "Language")


def test_formula_refuses_unknown_placeholders(db) -> None:
    assert salutations.check_formula(" Gentile {title} {surname} ", "formal") == "Gentile {title} {surname}"
    for bad in ("Dear {name}", "Dear {surname", "Dear {surname!r}", "Dear {0}", "Dear {surname:>10}"):
        with pytest.raises(ServiceError) as error:
            salutations.check_formula(bad, "informal")
        assert error.value.field == "informal"
    with pytest.raises(ServiceError, match=r"\{name\}"):
        salutations.check_formula("Dear {name}", "formal")


def test_campaign_rules(db) -> None:
    db.session.add_all([Salesperson(code="MR"), Salesperson(code="OLD", blocked=True)])
    db.session.flush()
    first = save_reference(db.session, Campaign, {"description": "Fair", "salesperson_code": "MR", "status": "active"})
    second = save_reference(db.session, Campaign, {"description": "Mail"})
    assert (first.no, second.no) == ("CP0001", "CP0002")
    assert db.session.get(NumberSeries, "CAMPAIGN").next_number == 3
    with pytest.raises(ServiceError) as error:
        save_reference(
            db.session, Campaign, {"starting_date": date(2026, 5, 2), "ending_date": date(2026, 5, 1)}, first
        )
    assert error.value.field == "ending_date"
    with pytest.raises(ServiceError) as error:
        save_reference(db.session, Campaign, {"salesperson_code": "OLD"}, first)
    assert error.value.field == "salesperson_code"
    save_reference(db.session, Campaign, {"starting_date": date(2026, 5, 1), "ending_date": date(2026, 5, 1)}, first)


def test_questionnaire_with_questions_and_answers(db, make_contact) -> None:
    questionnaire = save_reference(
        db.session, ProfileQuestionnaire, {"code": "size", "description": "Size", "applies_to": "company"}
    )
    question = questionnaires.add_question(db.session, questionnaire, "Employees")
    small = questionnaires.add_answer(db.session, question, "1-9")
    large = questionnaires.add_answer(db.session, question, "10+")
    assert (question.line_no, small.line_no, large.line_no) == (10, 10, 20)
    with pytest.raises(ServiceError):
        questionnaires.add_answer(db.session, question, "  ")
    db.session.commit()
    contact = make_contact("Acme")
    db.session.add(ContactProfileAnswer(contact_no=contact.no, answer_id=large.id))
    db.session.commit()
    with pytest.raises(ServiceError, match="used by 1 contact profile"):
        questionnaires.delete_answer(db.session, large)
    with pytest.raises(ServiceError, match="used by 1 contact profile"):
        delete_reference(db.session, questionnaire, "Questionnaire")
    questionnaires.delete_answer(db.session, small)
    db.session.commit()
    answers = db.session.scalars(select(ProfileAnswer.description)).all()
    assert answers == ["10+"]


def test_template_languages(db) -> None:
    db.session.add_all([InteractionGroup(code="G"), Language(code="ITA"), Language(code="ENU")])
    template = save_reference(db.session, InteractionTemplate, {"code": "T", "interaction_group_code": "G"})
    interaction_templates.save_template_language(db.session, template, "ITA", "Offerta")
    interaction_templates.save_template_language(db.session, template, "ITA", "La nostra offerta")
    with pytest.raises(ServiceError) as error:
        interaction_templates.save_template_language(db.session, template, "XXX", "x")
    assert error.value.field == "language_code"
    db.session.commit()
    db.session.refresh(template)
    assert [(row.language_code, row.subject) for row in template.languages] == [("ITA", "La nostra offerta")]


def test_marketing_setup_checks_its_mail_server_values(db) -> None:
    save_marketing_setup(db.session, {"smtp_host": "smtp.example.com", "smtp_security": "none"})
    assert marketing_setup(db.session).smtp_security == "none"
    with pytest.raises(ServiceError) as error:
        save_marketing_setup(db.session, {"smtp_security": "plain"})
    assert error.value.field == "smtp_security"
    with pytest.raises(ServiceError) as error:
        save_marketing_setup(db.session, {"smtp_port": 70000})
    assert error.value.field == "smtp_port"
    with pytest.raises(ServiceError) as error:
        save_marketing_setup(db.session, {"segment_series_code": "NOPE"})
    assert error.value.field == "segment_series_code"


def test_number_series_rules(db) -> None:
    series = db.session.get(NumberSeries, "SEGMENT")
    save_number_series(db.session, series, "Segments", "SG", 6, 42)
    assert (series.prefix, series.width, series.next_number) == ("SG", 6, 42)
    with pytest.raises(ServiceError) as error:
        save_number_series(db.session, series, "Segments", "SG", 6, 0)
    assert error.value.field == "next_number"
    with pytest.raises(ServiceError):
        save_number_series(db.session, series, "Segments", "ABCDEFGHIJ", 10, 10**12)


def test_mailing_group_in_use_by_memberships(db, make_contact) -> None:
    db.session.add(MailingGroup(code="NEWS"))
    db.session.commit()
    contact = make_contact("Acme")
    db.session.add(ContactMailingGroup(contact_no=contact.no, mailing_group_code="NEWS"))
    db.session.commit()
    with pytest.raises(ServiceError, match="Mailing group NEWS is used by 1 contact,"):
        delete_reference(db.session, db.session.get(MailingGroup, "NEWS"), "Mailing group")


def test_reference_added_after_the_check_still_refuses_the_delete(db, make_contact, monkeypatch) -> None:
    db.session.add(Salesperson(code="MR"))
    db.session.commit()
    make_contact("Acme", salesperson_code="MR")
    # As if the contact had been saved between the usage check and the delete.
    monkeypatch.setattr("segapp.services.setup.reference.ensure_deletable", lambda *args: None)
    with pytest.raises(ServiceError, match="MR is in use"):
        delete_reference(db.session, db.session.get(Salesperson, "MR"), "Salesperson")


def test_missing_or_odd_values_are_messages(db) -> None:
    db.session.add(InteractionGroup(code="G"))
    template = save_reference(db.session, InteractionTemplate, {"code": "T", "interaction_group_code": "G"})
    for values, field in (
        ({"unit_cost": Decimal("NaN")}, "unit_cost"),
        ({"unit_cost": Decimal("1e17")}, "unit_cost"),
        ({"correspondence_type": "fax"}, "correspondence_type"),
        ({"interaction_group_code": ""}, "interaction_group_code"),
    ):
        with pytest.raises(ServiceError) as error:
            save_reference(db.session, InteractionTemplate, values, template)
        assert error.value.field == field
    save_reference(
        db.session, InteractionTemplate, {"description": None, "information_flow": None, "unit_cost": None}, template
    )
    assert (template.description, template.information_flow, template.unit_cost) == ("", "", 0)


def test_the_demo_takes_its_campaign_number_from_the_series(db) -> None:
    from segapp.services.demo import load_demo_data

    series = db.session.get(NumberSeries, "CAMPAIGN")
    series.next_number = 7
    load_demo_data(db.session, companies=1, persons_per_company=1)
    assert [c.no for c in db.session.scalars(select(Campaign))] == ["CP0007"]
    assert db.session.get(InteractionTemplate, "INVITE").campaign_no == "CP0007"
    assert series.next_number == 8
