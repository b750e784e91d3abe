"""The rules of spec 2, tested on the services directly."""

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select

from segapp.models import (
    Contact,
    ContactIndustryGroup,
    ContactMailingGroup,
    ContactProfileAnswer,
    ContactType,
    InteractionLogEntry,
    ProfileAnswer,
    ProfileQuestion,
    ProfileQuestionnaire,
    QuestionnaireAppliesTo,
)
from segapp.models.contacts import SEARCH_TEXT_LENGTH
from segapp.services.contacts.profile import set_profile_answer
from segapp.services.contacts.records import (
    anonymise_contact,
    create_contact,
    delete_contact,
    refresh_search_text,
    set_privacy_blocked,
    update_contact,
)
from segapp.services.contacts.relations import add_relation, remove_relation
from segapp.services.errors import ServiceError

pytestmark = pytest.mark.usefixtures("references")
DOTTED_I = "i\u0307"  # "İ".lower(): i and U+0307 COMBINING DOT ABOVE


def test_create_company_takes_the_next_number_and_is_its_own_company(db: Any) -> None:
    company = create_contact(
        db.session, ContactType.COMPANY, {"name": "Acme S.r.l.", "city": "Milano", "salesperson_code": "mr"}
    )
    db.session.commit()
    assert company.no == "CT000001"
    assert (company.company_no, company.company_name) == (company.no, "Acme S.r.l.")
    assert company.salesperson_code == "MR"


def test_create_with_a_typed_number_refuses_a_taken_one(db: Any, make_contact: Callable[..., Contact]) -> None:
    make_contact("Acme", no="C100")
    assert create_contact(db.session, ContactType.COMPANY, {"no": "c200", "name": "Beta"}).no == "C200"
    with pytest.raises(ServiceError) as error:
        create_contact(db.session, ContactType.COMPANY, {"no": "C100", "name": "Gamma"})
    assert error.value.field == "no"


def test_person_takes_its_company_name_and_needs_a_company(db: Any, make_contact: Callable[..., Contact]) -> None:
    acme = make_contact("Acme S.r.l.")
    anna = create_contact(
        db.session, ContactType.PERSON, {"first_name": "Anna", "surname": "Rossi", "company_no": acme.no.lower()}
    )
    assert anna.name == "Anna Rossi"
    assert (anna.company_no, anna.company_name) == (acme.no, "Acme S.r.l.")
    with pytest.raises(ServiceError) as error:
        create_contact(db.session, ContactType.PERSON, {"name": "Bob", "company_no": anna.no})
    assert error.value.field == "company_no"
    assert "is a person" in error.value.message


@pytest.mark.parametrize(
    "field", ["salesperson_code", "territory_code", "country_code", "language_code", "salutation_code"]
)
def test_unknown_codes_are_refused_with_the_field(db: Any, field: str) -> None:
    with pytest.raises(ServiceError) as error:
        create_contact(db.session, ContactType.COMPANY, {"name": "Acme", field: "NOPE"})
    assert error.value.field == field
    assert "NOPE" in error.value.message


def test_bad_email_is_refused(db: Any) -> None:
    with pytest.raises(ServiceError) as error:
        create_contact(db.session, ContactType.COMPANY, {"name": "Acme", "email": "not an address"})
    assert error.value.field == "email"


def test_renaming_a_company_renames_it_on_its_persons(db: Any, make_contact: Callable[..., Contact]) -> None:
    acme = make_contact("Acme")
    anna = make_contact("Anna", company=acme)
    update_contact(db.session, acme, {"name": "Acme Group"})
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Contact, anna.no).company_name == "Acme Group"
    assert db.session.get(Contact, acme.no).company_name == "Acme Group"


def test_company_of_a_person_on_a_segment_line_cannot_change(
    db: Any, make_contact: Callable[..., Contact], put_on_segment: Callable
) -> None:
    acme, beta = make_contact("Acme"), make_contact("Beta")
    anna = make_contact("Anna", company=acme)
    put_on_segment(anna)
    with pytest.raises(ServiceError) as error:
        update_contact(db.session, anna, {"company_no": beta.no, "city": "Roma"})
    assert "SEG00001" in error.value.message
    db.session.rollback()
    anna = db.session.get(Contact, anna.no)
    assert (anna.company_no, anna.city) == (acme.no, "")
    update_contact(db.session, anna, {"company_no": acme.no, "city": "Roma"})  # same company: fine
    assert anna.city == "Roma"


def test_company_of_a_person_can_change_when_not_on_a_segment(db: Any, make_contact: Callable[..., Contact]) -> None:
    acme, beta = make_contact("Acme"), make_contact("Beta")
    anna = make_contact("Anna", company=acme)
    update_contact(db.session, anna, {"company_no": beta.no})
    assert (anna.company_no, anna.company_name) == (beta.no, "Beta")
    update_contact(db.session, anna, {"company_no": ""})
    assert (anna.company_no, anna.company_name) == (None, "")


def test_contact_on_a_segment_line_cannot_be_deleted(
    db: Any, make_contact: Callable[..., Contact], put_on_segment: Callable
) -> None:
    acme = make_contact("Acme")
    put_on_segment(acme)
    with pytest.raises(ServiceError) as error:
        delete_contact(db.session, acme)
    assert "SEG00001" in error.value.message
    db.session.rollback()
    assert db.session.get(Contact, acme.no) is not None


def test_company_with_persons_cannot_be_deleted(db: Any, make_contact: Callable[..., Contact]) -> None:
    acme = make_contact("Acme")
    make_contact("Anna", company=acme)
    with pytest.raises(ServiceError) as error:
        delete_contact(db.session, acme)
    assert "still has 1 person and" in error.value.message


def test_delete_removes_the_contact_and_its_relations(db: Any, make_contact: Callable[..., Contact]) -> None:
    acme = make_contact("Acme")
    add_relation(db.session, acme, "mailing_group", "NEWS")
    db.session.commit()
    delete_contact(db.session, acme)
    db.session.commit()
    assert db.session.get(Contact, acme.no) is None
    assert db.session.scalar(select(func.count()).select_from(ContactMailingGroup)) == 0


def test_contact_with_history_cannot_be_deleted(
    db: Any, make_contact: Callable[..., Contact], log_entry: Callable
) -> None:
    acme = make_contact("Acme")
    log_entry(acme)
    with pytest.raises(ServiceError) as error:
        delete_contact(db.session, acme)
    assert "anonymise" in error.value.message


def test_privacy_blocked_is_set_and_cleared(db: Any, make_contact: Callable[..., Contact]) -> None:
    acme = make_contact("Acme")
    set_privacy_blocked(db.session, acme, True)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Contact, acme.no).privacy_blocked is True
    set_privacy_blocked(db.session, db.session.get(Contact, acme.no), False)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Contact, acme.no).privacy_blocked is False


def test_anonymise_erases_personal_data_and_keeps_the_history(
    db: Any, make_contact: Callable[..., Contact], log_entry: Callable
) -> None:
    acme = make_contact("Acme")
    anna = make_contact(
        "Anna Rossi",
        company=acme,
        first_name="Anna",
        surname="Rossi",
        email="anna@acme.it",
        phone="+39 02 1",
        mobile="+39 333",
        address="Via Roma 1",
        city="Milano",
        post_code="20121",
        job_title="CEO",
        salesperson_code="MR",
    )
    add_relation(db.session, anna, "mailing_group", "NEWS")
    add_relation(db.session, anna, "job_responsibility", "CEO")
    entry = log_entry(anna, "Spring letter")
    anonymise_contact(db.session, anna)
    db.session.commit()
    db.session.expire_all()
    anna = db.session.get(Contact, anna.no)
    for field in (
        "name",
        "first_name",
        "surname",
        "email",
        "phone",
        "mobile",
        "address",
        "city",
        "post_code",
        "job_title",
    ):
        assert getattr(anna, field) == "", field
    assert anna.anonymised and anna.privacy_blocked
    assert "rossi" not in anna.search_text
    assert db.session.scalar(select(func.count()).select_from(ContactMailingGroup)) == 0
    kept = db.session.get(InteractionLogEntry, entry.entry_no)
    assert (kept.contact_no, kept.description) == (anna.no, "Spring letter")


def test_contact_on_a_segment_line_cannot_be_anonymised(
    db: Any, make_contact: Callable[..., Contact], put_on_segment: Callable
) -> None:
    acme = make_contact("Acme", email="info@acme.it")
    put_on_segment(acme)
    with pytest.raises(ServiceError):
        anonymise_contact(db.session, acme)
    db.session.rollback()
    assert db.session.get(Contact, acme.no).email == "info@acme.it"


def test_relations_follow_the_contact_type(db: Any, make_contact: Callable[..., Contact]) -> None:
    acme = make_contact("Acme")
    anna = make_contact("Anna", company=acme)
    add_relation(db.session, acme, "industry_group", "retail")
    add_relation(db.session, acme, "industry_group", "RETAIL")  # twice is once
    assert db.session.scalar(select(func.count()).select_from(ContactIndustryGroup)) == 1
    with pytest.raises(ServiceError):
        add_relation(db.session, anna, "industry_group", "RETAIL")
    with pytest.raises(ServiceError):
        add_relation(db.session, acme, "job_responsibility", "CEO")
    with pytest.raises(ServiceError) as error:
        add_relation(db.session, acme, "mailing_group", "NOPE")
    assert "NOPE" in error.value.message
    remove_relation(db.session, acme, "industry_group", "RETAIL")
    assert db.session.scalar(select(func.count()).select_from(ContactIndustryGroup)) == 0


def test_profile_answer_replaces_the_previous_one_and_checks_the_questionnaire(
    db: Any, make_contact: Callable[..., Contact]
) -> None:
    questionnaire = ProfileQuestionnaire(
        code="SIZE", description="Company size", applies_to=QuestionnaireAppliesTo.COMPANY
    )
    question = ProfileQuestion(
        description="Employees",
        answers=[ProfileAnswer(description="1-10", line_no=1), ProfileAnswer(description="11-100", line_no=2)],
    )
    questionnaire.questions.append(question)
    db.session.add(questionnaire)
    db.session.commit()
    small, medium = question.answers
    acme = make_contact("Acme")
    anna = make_contact("Anna", company=acme)
    set_profile_answer(db.session, acme, question.id, small.id)
    set_profile_answer(db.session, acme, question.id, medium.id)
    assert db.session.scalars(select(ContactProfileAnswer.answer_id)).all() == [medium.id]
    with pytest.raises(ServiceError):
        set_profile_answer(db.session, anna, question.id, small.id)
    set_profile_answer(db.session, acme, question.id, None)
    assert db.session.scalars(select(ContactProfileAnswer.answer_id)).all() == []


def test_search_text_is_folded_on_insert_update_and_refresh(db: Any, make_contact: Callable[..., Contact]) -> None:
    # One fold (str.lower) whether Python (insert, ORM update) or SQL (refresh) computes it.
    acme = make_contact("NICCOLÒ Straße İZMIR ΑΘΗΝΑΪΚΟΣ ЖУК ØRE", city="Milano", email="Info@Acme.IT")
    folded_name = f"niccolò straße {DOTTED_I}zmir αθηναϊκος жук øre"
    assert acme.search_text == f"{acme.no.lower()} {folded_name} milano info@acme.it"
    update_contact(db.session, acme, {"city": "ÀOSTA"})
    db.session.commit()
    assert acme.search_text == f"{acme.no.lower()} {folded_name} àosta info@acme.it"
    db.session.execute(Contact.__table__.update().values(search_text=""))
    refresh_search_text(db.session, Contact.no == acme.no)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Contact, acme.no).search_text == f"{acme.no.lower()} {folded_name} àosta info@acme.it"


def test_search_text_is_cut_to_the_column_length_the_same_way_in_sql(
    db: Any, make_contact: Callable[..., Contact]
) -> None:
    # İ folds to two characters (i and a combining dot): the cut comes after the fold, in
    # characters, in Python and in SQL alike.
    acme = make_contact("İ" * 100, city="Ǆ" * 50, email=f"{'a' * 64}@{'b' * 171}.example.com")
    written = acme.search_text
    assert len(written) == SEARCH_TEXT_LENGTH
    assert written.startswith(acme.no.lower() + " " + DOTTED_I * 100 + " " + "ǆ" * 50 + " aaaa")
    db.session.execute(Contact.__table__.update().values(search_text=""))
    refresh_search_text(db.session, Contact.no == acme.no)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Contact, acme.no).search_text == written


def _with_territory_country_language(make_reference: Callable[..., Any]) -> None:
    from segapp.models import CountryRegion, Language, Territory

    make_reference(Territory, code="NORD", name="Nord")
    make_reference(CountryRegion, code="IT", name="Italia")
    make_reference(Language, code="ITA", name="Italiano")
    make_reference(Language, code="ENU", name="English")


def test_a_new_person_takes_the_companys_address_and_codes(
    db: Any, make_contact: Callable[..., Contact], make_reference: Callable[..., Any]
) -> None:
    _with_territory_country_language(make_reference)
    acme = make_contact(
        "Acme S.r.l.",
        address="Via Roma 1",
        address_2="Scala B",
        post_code="20121",
        city="Milano",
        county="MI",
        country_code="IT",
        territory_code="NORD",
        salesperson_code="MR",
        language_code="ITA",
    )
    anna = create_contact(db.session, ContactType.PERSON, {"name": "Anna Rossi", "company_no": acme.no})
    db.session.commit()
    taken = ("address", "address_2", "post_code", "city", "county", "country_code")
    assert [getattr(anna, f) for f in taken] == ["Via Roma 1", "Scala B", "20121", "Milano", "MI", "IT"]
    assert (anna.territory_code, anna.salesperson_code, anna.language_code) == ("NORD", "MR", "ITA")
    # The list finds her by the city she took (the search column followed).
    assert "milano" in db.session.scalar(select(Contact.search_text).where(Contact.no == anna.no))

    # What the user gives stays: an address of her own (no street mixed in from the company), her salesperson.
    bob = create_contact(
        db.session,
        ContactType.PERSON,
        {"name": "Bob Gallo", "company_no": acme.no, "city": "Roma", "salesperson_code": "LB"},
    )
    assert (bob.address, bob.post_code, bob.city, bob.country_code) == ("", "", "Roma", None)
    assert (bob.territory_code, bob.salesperson_code, bob.language_code) == ("NORD", "LB", "ITA")
    # A person without a company, and a company, take nothing from anyone.
    solo = create_contact(db.session, ContactType.PERSON, {"name": "Solo"})
    beta = create_contact(db.session, ContactType.COMPANY, {"name": "Beta"})
    assert (solo.city, solo.salesperson_code, beta.city, beta.language_code) == ("", None, "", None)


def test_marketing_setups_default_language_for_new_and_imported_contacts(
    db: Any, make_contact: Callable[..., Contact], make_reference: Callable[..., Any]
) -> None:
    from datetime import UTC, datetime

    from sqlalchemy import insert

    from segapp.models import MarketingSetup
    from segapp.services.contacts.records import apply_new_contact_defaults

    _with_territory_country_language(make_reference)
    db.session.get(MarketingSetup, 1).default_language_code = "ENU"
    db.session.commit()
    acme = create_contact(db.session, ContactType.COMPANY, {"name": "Acme", "city": "Milano"})
    given = create_contact(db.session, ContactType.COMPANY, {"name": "Given", "language_code": "ITA"})
    anna = create_contact(db.session, ContactType.PERSON, {"name": "Anna", "company_no": acme.no})
    assert (acme.language_code, given.language_code, anna.language_code, anna.city) == ("ENU", "ITA", "ENU", "Milano")

    # An import inserts its rows set-based, then calls the same rule for what it inserted.
    old = make_contact("Old one")  # existing contacts are not touched
    stamp = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
    db.session.execute(
        insert(Contact),
        [
            {"no": "IMP1", "type": ContactType.COMPANY, "name": "Imported", "company_no": "IMP1", "created_at": stamp},
            {"no": "IMP2", "type": ContactType.PERSON, "name": "Ivo", "company_no": acme.no, "created_at": stamp},
        ],
    )
    apply_new_contact_defaults(db.session, Contact.created_at == stamp)
    db.session.commit()
    db.session.expire_all()
    imported, ivo = db.session.get(Contact, "IMP1"), db.session.get(Contact, "IMP2")
    assert (imported.language_code, ivo.language_code, ivo.city) == ("ENU", "ENU", "Milano")
    assert db.session.get(Contact, old.no).language_code is None
