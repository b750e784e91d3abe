"""The campaign card: its interaction log entries with totals computed by the database, paged; its campaign entries."""

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import insert

from segapp.models import Campaign, CampaignEntry, Contact, ContactType, InteractionLogEntry, LoggedSegment, Role
from segapp.services.setup.campaign_entries import campaign_totals
from segapp.setup.campaign_card import PER_PAGE
from tests.html import one, parse
from tests.sqlcount import count_statements

HX = {"HX-Request": "true"}


@pytest.fixture
def campaign(db: Any) -> Campaign:
    """Campaign CP1 with a registered segment; CP2 beside it; contacts C1 and C2."""
    db.session.add_all(
        [
            Campaign(no="CP1", description="Autumn fair"),
            Campaign(no="CP2", description="Spring"),
            Contact(no="C1", type=ContactType.COMPANY, name="Acme S.r.l."),
            Contact(no="C2", type=ContactType.COMPANY, name="Beta S.p.A."),
            LoggedSegment(entry_no=7, segment_no="SEG00007", description="Fair letter", creation_date=date(2026, 3, 1)),
        ]
    )
    db.session.commit()
    return db.session.get(Campaign, "CP1")


def _entries(db: Any, campaign_no: str, count: int, cost: str = "1.50", duration: str = "5", **fields: Any) -> None:
    rows = [
        {
            "contact_no": "C1" if n % 2 else "C2",
            "date": date(2026, 3, 1 + n % 28),
            "description": f"Letter {n}",
            "campaign_no": campaign_no,
            "segment_no": "SEG00007",
            "logged_segment_entry_no": 7,
            "cost": Decimal(cost),
            "duration": Decimal(duration),
            **fields,
        }
        for n in range(count)
    ]
    db.session.execute(insert(InteractionLogEntry), rows)
    db.session.commit()


def _total(page: Any, name: str) -> str:
    return one(page, f'//*[@id="campaign-totals"]//dd[@data-total="{name}"]').text_content().strip()


def test_totals_count_and_sum_the_campaigns_entries_without_the_cancelled_ones(db: Any, campaign: Campaign) -> None:
    _entries(db, "CP1", 3, cost="1.20", duration="5")
    _entries(db, "CP1", 2, cost="10", duration="30", cancelled=True)
    _entries(db, "CP2", 4, cost="99", duration="99")
    totals = campaign_totals(db.session, "CP1")
    assert (totals.interactions, totals.cost, totals.duration) == (3, Decimal("3.60"), Decimal("15"))
    empty = campaign_totals(db.session, "NONE")
    assert (empty.interactions, empty.cost, empty.duration) == (0, Decimal(0), Decimal(0))


def test_the_campaign_card_shows_totals_entries_and_campaign_entries(
    client: FlaskClient, login: Callable, db: Any, campaign: Campaign
) -> None:
    _entries(db, "CP1", 3, cost="1.20", duration="5")
    _entries(db, "CP1", 1, cost="10", duration="30", cancelled=True, description="Called off")
    _entries(db, "CP2", 1, description="Other campaign")
    db.session.add(
        CampaignEntry(
            campaign_no="CP1",
            description="Fair letter",
            date=date(2026, 3, 1),
            segment_no="SEG00007",
            logged_segment_entry_no=7,
            salesperson_code=None,
            no_of_interactions=4,
            cost=Decimal("13.60"),
            duration=Decimal("45"),
        )
    )
    db.session.commit()
    login("ann")
    response = client.get("/setup/campaigns/CP1/edit")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    page = parse(html)
    assert _total(page, "interactions") == "3"
    assert _total(page, "cost") == "3.60"
    assert _total(page, "duration") == "15.00"
    assert len(page.xpath('//section[@id="interactions"]//tbody/tr')) == 4
    assert "Called off" in html and "Other campaign" not in html
    assert "Acme S.r.l." in html  # the contact's name beside its no.
    assert 'href="/registered-segments/7"' in html
    entry = one(page, '//section[@id="campaign-entries"]//tbody/tr').text_content()
    assert "Fair letter" in entry and "13.60" in entry


def test_interaction_pages_come_as_fragments_and_statements_do_not_grow(
    client: FlaskClient, login: Callable, db: Any, campaign: Campaign
) -> None:
    _entries(db, "CP1", PER_PAGE * 2 + 3)
    login("vera", role=Role.VIEWER)  # viewers read the card
    counts = []
    for page in (1, 3):
        with count_statements(db.engine) as counted:
            response = client.get(f"/setup/campaigns/CP1/interactions?interactions_page={page}", headers=HX)
        assert response.status_code == 200
        counts.append(counted.count)
    html = response.get_data(as_text=True)
    assert len(parse(html).xpath("//tbody/tr")) == 3
    assert _total(parse(html), "interactions") == str(PER_PAGE * 2 + 3)
    assert "Page 3 of 3" in html
    assert counts[0] == counts[1], counts
    # Without htmx, the card opens at that page.
    plain = client.get("/setup/campaigns/CP1/interactions?interactions_page=2")
    assert plain.status_code == 302 and "interactions_page=2" in plain.headers["Location"]


def test_the_card_runs_the_same_statements_for_3_and_300_entries(
    client: FlaskClient, login: Callable, db: Any, campaign: Campaign
) -> None:
    login("ann")
    counts = []
    for size, no in ((3, "CP1"), (300, "CP2")):
        _entries(db, no, size)
        db.session.execute(
            insert(CampaignEntry), [{"campaign_no": no, "description": f"Run {n}"} for n in range(size // 3)]
        )
        db.session.commit()
        with count_statements(db.engine) as counted:
            assert client.get(f"/setup/campaigns/{no}/edit").status_code == 200
        counts.append(counted.count)
    assert counts[0] == counts[1], counts


def test_campaign_entries_page_and_empty_card(
    client: FlaskClient, login: Callable, db: Any, campaign: Campaign
) -> None:
    db.session.execute(
        insert(CampaignEntry), [{"campaign_no": "CP2", "description": f"Run {n}"} for n in range(PER_PAGE + 1)]
    )
    db.session.commit()
    login("ann")
    html = client.get("/setup/campaigns/CP2/entries?entries_page=2", headers=HX).get_data(as_text=True)
    assert [row.xpath("td")[2].text_content() for row in parse(html).xpath("//tbody/tr")] == ["Run 0"]
    empty = client.get("/setup/campaigns/CP1/edit").get_data(as_text=True)
    assert "No interactions for this campaign yet." in empty and "No campaign entries yet" in empty
    assert client.get("/setup/campaigns/NOPE/interactions", headers=HX).status_code == 404
