"""Demo data: in the administrator's language, and removable without touching the user's own contacts."""

from typing import Any

import pytest
from sqlalchemy import func, select

from segapp.models import Contact, ContactMailingGroup, MailingGroup, Role, SegmentLine
from segapp.services.demo import demo_language, load_demo_data, remove_demo_data
from segapp.services.errors import ServiceError
from segapp.services.segments.records import create_segment


def _contacts(db: Any) -> list[str]:
    return list(db.session.scalars(select(Contact.no).order_by(Contact.no)))


def test_the_demo_speaks_the_first_administrators_language(db, make_user) -> None:
    assert demo_language(db.session) == "en"
    assert demo_language(db.session, "it_IT.UTF-8") == "it"
    make_user("mario", role=Role.ADMIN, language="it")
    make_user("ann", role=Role.ADMIN, language="en")
    assert demo_language(db.session, "en_GB.UTF-8") == "it"


@pytest.mark.parametrize(("language", "christmas"), [("it", "Biglietto di Natale"), ("en", "Christmas card")])
def test_demo_descriptions_are_in_the_chosen_language(db, language: str, christmas: str) -> None:
    load_demo_data(db.session, companies=2, persons_per_company=1, language=language)
    db.session.commit()
    assert db.session.get(MailingGroup, "XMAS").description == christmas


def test_remove_takes_away_the_demo_contacts_and_keeps_the_users_own(db, make_contact) -> None:
    created = load_demo_data(db.session, companies=3, persons_per_company=2)
    db.session.commit()
    own = make_contact("Rossi Forniture S.p.A.")
    assert len(_contacts(db)) == created + 1
    assert db.session.scalar(select(func.count()).select_from(ContactMailingGroup)) > 0

    assert remove_demo_data(db.session) == created
    db.session.commit()
    assert _contacts(db) == [own.no]
    assert db.session.scalar(select(func.count()).select_from(ContactMailingGroup)) == 0
    assert db.session.get(MailingGroup, "XMAS") is not None  # setup records stay


def test_remove_refuses_while_a_demo_contact_is_on_a_segment(db) -> None:
    load_demo_data(db.session, companies=2, persons_per_company=1)
    db.session.commit()
    header = create_segment(db.session, None)
    first = _contacts(db)[0]
    db.session.add(SegmentLine(segment_no=header.no, line_no=10000, contact_no=first))
    db.session.commit()
    before = _contacts(db)
    with pytest.raises(ServiceError) as refused:
        remove_demo_data(db.session)
    db.session.rollback()
    assert "1 on segment lines" in refused.value.message
    assert _contacts(db) == before


def test_remove_refuses_while_one_of_the_users_persons_works_at_a_demo_company(db, make_contact) -> None:
    load_demo_data(db.session, companies=1, persons_per_company=1)
    db.session.commit()
    company = db.session.scalars(select(Contact).where(Contact.no == "DEMO-00001")).one()
    make_contact("Ugo Neri", company=company)
    with pytest.raises(ServiceError) as refused:
        remove_demo_data(db.session)
    db.session.rollback()
    assert "1 of your own persons belongs to a demo company" in refused.value.message


def test_the_command_loads_in_italian_and_removes(app, db) -> None:
    runner = app.test_cli_runner()
    loaded = runner.invoke(args=["demo-data", "--companies", "2", "--language", "it"])
    assert loaded.exit_code == 0 and "Demo data loaded (it)" in loaded.output
    assert db.session.get(MailingGroup, "XMAS").description == "Biglietto di Natale"
    removed = runner.invoke(args=["demo-data", "--remove"])
    assert removed.exit_code == 0 and "Demo data removed" in removed.output
    db.session.expire_all()
    assert _contacts(db) == []


def test_the_demo_writes_a_year_of_registered_segments_that_remove_takes_away(db) -> None:
    from datetime import date

    from segapp.models import CampaignEntry, Evaluation, InteractionLogEntry, LoggedSegment, SegmentHeader
    from segapp.services.demo_history import load_demo_history

    load_demo_data(db.session, companies=40, persons_per_company=3, language="it")
    today = date(2026, 6, 30)
    registered = load_demo_history(db.session, language="it", today=today)
    db.session.commit()
    logged = db.session.scalars(select(LoggedSegment).order_by(LoggedSegment.creation_date)).all()
    assert registered == len(logged) >= 4
    assert logged[0].creation_date < date(2025, 9, 1) and logged[-1].creation_date > date(2026, 5, 1)
    assert logged[0].description == "Listino di primavera"
    assert db.session.scalar(select(func.count()).select_from(SegmentHeader)) == 0  # registered, so deleted
    cancelled = [row for row in logged if row.cancelled]
    assert [row.description for row in cancelled] == ["Offerta estiva"]
    entries = db.session.scalars(select(InteractionLogEntry)).all()
    assert len(entries) == sum(row.no_of_interactions for row in logged)
    assert all(entry.cancelled for entry in entries if entry.logged_segment_entry_no == cancelled[0].entry_no)
    assert any(entry.evaluation != Evaluation.BLANK for entry in entries)
    assert any(entry.attempt_failed for entry in entries)
    campaign = db.session.scalars(select(CampaignEntry)).one()
    assert campaign.description == "Invito alla fiera" and campaign.no_of_interactions > 0

    removed = remove_demo_data(db.session)
    db.session.commit()
    assert removed > 0
    assert db.session.scalar(select(func.count()).select_from(LoggedSegment)) == 0
    assert db.session.scalar(select(func.count()).select_from(InteractionLogEntry)) == 0
