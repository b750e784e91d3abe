"""The benchmark's data generation: reproducible, set-based, in the intended proportions."""

from typing import Any

from sqlalchemy import func, select

from bench.datagen import generate
from segapp.models import (
    Contact,
    ContactBusinessRelation,
    ContactIndustryGroup,
    ContactMailingGroup,
    ContactType,
    InteractionLogEntry,
)
from segapp.models.contacts import SEARCH_FIELDS, contact_search_text
from segapp.services.setup.number_series import CONTACT_SERIES, next_number


def _count(db: Any, statement: Any) -> int:
    return db.session.scalar(statement)


def test_generates_n_contacts_in_realistic_proportions(db: Any) -> None:
    report = generate(db.engine, 400)
    assert report.rows["contact"] == 400
    companies = _count(db, select(func.count()).select_from(Contact).where(Contact.type == ContactType.COMPANY))
    assert companies == 50
    orphans = _count(
        db,
        select(func.count())
        .select_from(Contact)
        .where(Contact.type == ContactType.PERSON, Contact.company_no.is_(None)),
    )
    assert 0 < orphans < 40
    # every person with a company points at a company with the same name
    company = Contact.__table__.alias("company")
    mismatched = _count(
        db,
        select(func.count())
        .select_from(Contact)
        .join(company, company.c.no == Contact.company_no)
        .where(Contact.type == ContactType.PERSON)
        .where((company.c.type != "company") | (company.c.name != Contact.company_name)),
    )
    assert mismatched == 0
    assert _count(db, select(func.count()).select_from(ContactIndustryGroup)) >= companies
    assert _count(db, select(func.count()).select_from(ContactBusinessRelation)) == companies
    assert 200 < _count(db, select(func.count()).select_from(ContactMailingGroup)) < 450
    assert _count(db, select(func.count()).select_from(InteractionLogEntry)) == 400


def test_the_same_seed_gives_the_same_contacts_on_every_backend(db: Any) -> None:
    generate(db.engine, 16)
    first = db.session.execute(select(Contact.name, Contact.city, Contact.email).order_by(Contact.no).limit(2)).all()
    assert [tuple(row) for row in first] == [
        ("Informatica Fontana S.r.l.", "Napoli", "info.1@c1.example.com"),
        ("Sara Fontana", "Napoli", "sara.2@c1.example.com"),
    ]


def test_generated_contacts_are_found_by_the_contact_search(db: Any) -> None:
    generate(db.engine, 40)
    contacts = db.session.scalars(select(Contact).order_by(Contact.no)).all()
    assert contacts and all(
        c.search_text == contact_search_text({k: getattr(c, k) for k in SEARCH_FIELDS}) for c in contacts
    )


def test_new_contacts_are_numbered_after_the_generated_ones(db: Any) -> None:
    generate(db.engine, 30)
    assert next_number(db.session, CONTACT_SERIES) == "CT00000031"
