"""The contacts list through the client: search, filters, sorting, paging, fragments."""

import re
from collections.abc import Callable, Iterator
from html import unescape
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func

from segapp.models import Contact, ContactMailingGroup

pytestmark = pytest.mark.usefixtures("references")
HX = {"HX-Request": "true"}


def _numbers(html: str) -> list[str]:
    return re.findall(r'<tr data-contact="([^"]+)"', html)


@pytest.fixture
def sample(db: Any, make_contact: Callable[..., Contact]) -> dict[str, Contact]:
    acme = make_contact(
        "Acme S.r.l.", no="C001", city="Milano", post_code="20121", salesperson_code="MR", email="info@acme.it"
    )
    beta = make_contact(
        "Beta Ltd", no="C002", city="London", post_code="EC1", salesperson_code="LB", email="hello@beta.co.uk"
    )
    anna = make_contact(
        "Anna Rossi",
        company=acme,
        no="P001",
        city="Milano",
        post_code="20122",
        salesperson_code="MR",
        email="anna@acme.it",
    )
    niccolo = make_contact(
        "NICCOLÒ Bianchi", company=beta, no="P002", city="Torino", post_code="10121", salesperson_code="LB"
    )
    db.session.add(ContactMailingGroup(contact_no=anna.no, mailing_group_code="NEWS"))
    db.session.commit()
    return {"acme": acme, "beta": beta, "anna": anna, "niccolo": niccolo}


def test_full_page_without_htmx_and_fragment_with_it(client: FlaskClient, login: Callable, sample: dict) -> None:
    login("ann")
    page = client.get("/contacts/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "<html" in html and 'id="contact-search"' in html
    assert 'hx-trigger="input changed delay:300ms, search"' in html and 'hx-push-url="true"' in html
    assert _numbers(html) == ["C001", "C002", "P001", "P002"]
    fragment = client.get("/contacts/?q=acme", headers=HX)
    text = fragment.get_data(as_text=True)
    assert "<html" not in text and "<table" in text
    assert _numbers(text) == ["C001", "P001"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=niccolò", ["P002"]),
        ("q=NICCOLÒ", ["P002"]),
        ("q=p00", ["P001", "P002"]),
        ("q=milano", ["C001", "P001"]),
        ("q=beta.co", ["C002"]),
        ("q=anna milano", ["P001"]),
        ("q=100%25", []),
        ("type=person", ["P001", "P002"]),
        ("company=c001", ["C001", "P001"]),
        ("city=Torino", ["P002"]),
        ("salesperson=LB", ["C002", "P002"]),
        ("mailing_group=NEWS", ["P001"]),
        ("type=company&salesperson=MR", ["C001"]),
        ("type=bogus&sort=bogus", ["C001", "C002", "P001", "P002"]),
    ],
)
def test_search_and_filters(
    client: FlaskClient, login: Callable, sample: dict, query: str, expected: list[str]
) -> None:
    login("ann")
    response = client.get(f"/contacts/?{query}", headers=HX)
    assert response.status_code == 200
    assert _numbers(response.get_data(as_text=True)) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("sort=name", ["C001", "P001", "C002", "P002"]),
        ("sort=name&desc=1", ["P002", "C002", "P001", "C001"]),
        ("sort=city", ["C002", "C001", "P001", "P002"]),
        ("sort=post_code", ["P002", "C001", "P001", "C002"]),
        ("sort=company_name", ["C001", "P001", "C002", "P002"]),
        ("sort=salesperson", ["C002", "P002", "C001", "P001"]),
        ("sort=no&desc=1", ["P002", "P001", "C002", "C001"]),
    ],
)
def test_sorting_by_column(client: FlaskClient, login: Callable, sample: dict, query: str, expected: list[str]) -> None:
    login("ann")
    assert _numbers(client.get(f"/contacts/?{query}", headers=HX).get_data(as_text=True)) == expected


def test_sort_header_links_keep_the_filter_and_toggle_direction(
    client: FlaskClient, login: Callable, sample: dict
) -> None:
    login("ann")
    html = client.get("/contacts/?q=milano&sort=name", headers=HX).get_data(as_text=True)
    assert 'href="/contacts/?q=milano&amp;sort=name&amp;desc=1"' in html
    assert 'aria-sort="ascending"' in html


def test_pagination_pages_and_counts(app: Flask, client: FlaskClient, login: Callable, make_contact: Callable) -> None:
    login("ann")
    app.config["PAGE_SIZE"] = 2
    try:
        for n in range(5):
            make_contact(f"Company {n}", no=f"C{n:03d}")
        first = client.get("/contacts/", headers=HX).get_data(as_text=True)
        assert _numbers(first) == ["C000", "C001"]
        assert "Contacts: 5" in first and "Page 1 of 3" in first
        assert 'rel="next" href="/contacts/?after_no=C001&amp;page=2"' in first
        assert 'href="/contacts/?page=3"' in first  # numbered links near the start
        third = client.get("/contacts/?page=3", headers=HX).get_data(as_text=True)
        assert _numbers(third) == ["C004"]
        assert 'rel="next"' not in third and 'rel="prev"' in third
        assert _numbers(client.get("/contacts/?page=abc", headers=HX).get_data(as_text=True)) == ["C000", "C001"]
    finally:
        app.config["PAGE_SIZE"] = 50


def _link(html: str, rel: str) -> str | None:
    found = re.search(rf'rel="{rel}" href="([^"]+)"', html)
    return unescape(found.group(1)) if found else None


def _walk(client: FlaskClient, url: str, rel: str) -> list[list[str]]:
    """The rows of every page met by following the ``rel`` link from ``url``."""
    pages: list[list[str]] = []
    next_url: str | None = url
    while next_url:
        html = client.get(next_url, headers=HX).get_data(as_text=True)
        pages.append(_numbers(html))
        next_url = _link(html, rel)
        assert len(pages) < 20, "the pager loops"
    return pages


@pytest.fixture
def small_pages(app: Flask) -> Iterator[None]:
    app.config["PAGE_SIZE"] = 3
    yield
    app.config["PAGE_SIZE"] = 50


@pytest.mark.parametrize("sort", ["sort=name", "sort=name&desc=1", "sort=salesperson", "sort=salesperson&desc=1", ""])
def test_next_and_previous_walk_every_row_once_by_keyset(
    app: Flask, db: Any, client: FlaskClient, login: Callable, small_pages: None, sort: str
) -> None:
    login("ann")
    # Equal names across page edges, and missing salespersons (NULL sorts differently per engine).
    db.session.execute(
        Contact.__table__.insert(),
        [
            {
                "no": f"C{n:03d}",
                "type": "company",
                "name": ["Rossi", "Bianchi", "Rossi"][n % 3],
                "salesperson_code": ["MR", None, "LB"][n % 3] if n % 4 else None,
            }
            for n in range(11)
        ],
    )
    db.session.commit()
    app.config["PAGE_SIZE"] = 50
    expected = _numbers(client.get(f"/contacts/?{sort}", headers=HX).get_data(as_text=True))
    app.config["PAGE_SIZE"] = 3
    forward = _walk(client, f"/contacts/?{sort}", "next")
    assert [no for page in forward for no in page] == expected
    assert [len(page) for page in forward] == [3, 3, 3, 2]
    last_url = f"/contacts/?{sort}"
    for _ in range(3):
        last_url = _link(client.get(last_url, headers=HX).get_data(as_text=True), "next") or ""
    assert "after_no=" in last_url and "offset" not in last_url
    backward = _walk(client, last_url, "prev")
    assert backward == forward[::-1]
    assert "Page 4 of 4" in client.get(last_url, headers=HX).get_data(as_text=True)


@pytest.mark.parametrize(
    "query",
    ["after_no=ZZZZZZ", "after=%FF&after_no=C999&sort=name", "before_no=A&sort=city", "page=99999"],
)
def test_a_bad_keyset_or_a_deep_page_number_gives_the_first_page(
    db: Any, client: FlaskClient, login: Callable, small_pages: None, make_contact: Callable, query: str
) -> None:
    login("ann")
    for n in range(5):
        make_contact(f"Company {n}", no=f"C{n:03d}", city="Roma")
    response = client.get(f"/contacts/?{query}", headers=HX)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert _numbers(html) == ["C000", "C001", "C002"]
    if "after=" not in query:  # past the end, or nowhere: the first page itself
        assert "Page 1 of 2" in html and 'rel="prev"' not in html


def test_count_is_capped(
    app: Flask, db: Any, client: FlaskClient, login: Callable, monkeypatch: pytest.MonkeyPatch
) -> None:
    from segapp.services.contacts import listing

    monkeypatch.setattr(listing, "COUNT_CAP", 3)
    login("ann")
    db.session.execute(
        Contact.__table__.insert(), [{"no": f"C{n:03d}", "type": "company", "name": f"Company {n}"} for n in range(5)]
    )
    db.session.commit()
    html = client.get("/contacts/", headers=HX).get_data(as_text=True)
    assert "More than 3 contacts" in html
    assert len(_numbers(html)) == 5


def test_hostile_text_is_shown_escaped(client: FlaskClient, login: Callable, make_contact: Callable) -> None:
    login("ann")
    make_contact("<script>alert(1)</script>", no="C666")
    html = client.get("/contacts/?q=<script>").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_pages_past_the_count_cap_still_list(
    app: Flask, db: Any, client: FlaskClient, login: Callable, monkeypatch: pytest.MonkeyPatch
) -> None:
    from segapp.services.contacts import listing

    monkeypatch.setattr(listing, "COUNT_CAP", 3)
    app.config["PAGE_SIZE"] = 2
    try:
        login("ann")
        db.session.execute(
            Contact.__table__.insert(),
            [{"no": f"C{n:03d}", "type": "company", "name": f"Company {n}"} for n in range(7)],
        )
        db.session.commit()
        html = client.get("/contacts/?page=3", headers=HX).get_data(as_text=True)
        assert _numbers(html) == ["C004", "C005"] and "Page 3" in html and 'rel="next"' in html
        assert _numbers(client.get("/contacts/?q=company&sort=name&page=4", headers=HX).get_data(as_text=True)) == [
            "C006"
        ]
    finally:
        app.config["PAGE_SIZE"] = 50


def test_search_wildcards_are_literal(client: FlaskClient, login: Callable, make_contact: Callable) -> None:
    login("ann")
    make_contact("A_B 100%", no="C001")
    make_contact("AXB 1000", no="C002")
    assert _numbers(client.get("/contacts/?q=a_b", headers=HX).get_data(as_text=True)) == ["C001"]
    assert _numbers(client.get("/contacts/?q=100%25", headers=HX).get_data(as_text=True)) == ["C001"]


@pytest.mark.parametrize("in_list_limit", [0, 1000])
def test_both_ways_of_reading_a_page_agree(
    client: FlaskClient, login: Callable, sample: dict, monkeypatch: pytest.MonkeyPatch, in_list_limit: int
) -> None:
    from segapp.services.contacts import listing

    monkeypatch.setattr(listing, "IN_LIST_LIMIT", in_list_limit)
    login("ann")
    assert _numbers(client.get("/contacts/?q=i&sort=city&desc=1", headers=HX).get_data(as_text=True)) == [
        "P002",
        "P001",
        "C001",
    ]
    assert _numbers(client.get("/contacts/?salesperson=MR&sort=name", headers=HX).get_data(as_text=True)) == [
        "C001",
        "P001",
    ]


@pytest.mark.parametrize("walk_limit", [1, 3, 20_000])
def test_filtered_pages_of_many_matches_are_right_whatever_the_walk(
    app: Flask, db: Any, client: FlaskClient, login: Callable, monkeypatch: pytest.MonkeyPatch, walk_limit: int
) -> None:
    from segapp.services.contacts import listing

    monkeypatch.setattr(listing, "COUNT_CAP", 2)
    monkeypatch.setattr(listing, "WALK_LIMIT", walk_limit)
    app.config["PAGE_SIZE"] = 2
    try:
        login("ann")
        names = ["Zeta Rossi", "Alfa", "Beta Rossi", "Gamma", "Delta Rossi", "Eta Rossi", "Rossi Omega"]
        db.session.execute(
            Contact.__table__.insert(),
            [{"no": f"C{n}", "type": "company", "name": name} for n, name in enumerate(names)],
        )
        db.session.commit()
        pages = [
            _numbers(client.get(f"/contacts/?q=rossi&sort=name&page={p}", headers=HX).get_data(as_text=True))
            for p in (1, 2, 3)
        ]
        assert pages == [["C2", "C4"], ["C5", "C6"], ["C0"]]
        desc = _numbers(client.get("/contacts/?q=rossi&sort=name&desc=1", headers=HX).get_data(as_text=True))
        assert desc == ["C0", "C6"]
    finally:
        app.config["PAGE_SIZE"] = 50


@pytest.mark.parametrize("query", ["", "q=company", "q=company&sort=name&desc=1", "type=company&sort=city"])
def test_a_keyset_page_runs_as_few_statements_as_the_first(
    app: Flask,
    db: Any,
    client: FlaskClient,
    login: Callable,
    small_pages: None,
    monkeypatch: pytest.MonkeyPatch,
    query: str,
) -> None:
    from segapp.services.contacts import listing
    from tests.sqlcount import count_statements

    # Over the count cap: the filtered queries take the walk of _page_of_many, as on a big table.
    monkeypatch.setattr(listing, "COUNT_CAP", 5)
    login("ann")
    db.session.execute(
        Contact.__table__.insert(),
        [
            {"no": f"C{n:03d}", "type": "company", "name": f"Company {n % 4}", "city": f"City {n % 3}"}
            for n in range(20)
        ],
    )
    db.session.execute(Contact.__table__.update().values(search_text=func.lower(Contact.__table__.c.name)))
    db.session.commit()
    with count_statements(db.engine) as first:
        html = client.get(f"/contacts/?{query}", headers=HX).get_data(as_text=True)
    next_url = _link(html, "next")
    assert next_url and "after_no=" in next_url
    next_url = _link(client.get(next_url, headers=HX).get_data(as_text=True), "next")
    assert next_url
    with count_statements(db.engine) as third:
        html = client.get(next_url, headers=HX).get_data(as_text=True)
    prev_url = _link(html, "prev")
    assert prev_url and "before_no=" in prev_url
    with count_statements(db.engine) as back:
        client.get(prev_url, headers=HX)
    assert third.count <= first.count + 1 and back.count <= first.count + 1, (first, third, back)
    assert first.count <= 5, first.statements
