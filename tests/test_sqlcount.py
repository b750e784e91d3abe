"""The statement counter of tests/sqlcount.py."""

from collections.abc import Callable
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select, text

from segapp.models import Contact
from tests.sqlcount import count_statements


def test_counts_each_statement_and_ignores_transaction_control(db: Any) -> None:
    with count_statements(db.engine) as counted:
        with db.engine.begin() as connection:
            connection.execute(text("SELECT 1"))
            connection.execute(select(Contact.no))
    assert counted.count == 2
    assert "contact" in counted.statements[1]


def test_stops_counting_after_the_block(db: Any) -> None:
    with count_statements(db.engine) as counted:
        db.session.execute(text("SELECT 1"))
    db.session.execute(text("SELECT 2"))
    assert counted.count == 1


def test_home_page_runs_the_same_few_statements_whatever_the_number_of_contacts(
    client: FlaskClient, login: Callable[..., Any], make_contact: Callable[..., Any], db: Any
) -> None:
    login()
    with count_statements(db.engine) as empty:
        assert client.get("/").status_code == 200
    acme = make_contact("Acme")
    for k in range(5):
        make_contact(f"Person {k}", company=acme)
    with count_statements(db.engine) as full:
        response = client.get("/")
    assert response.status_code == 200
    # the signed-in user, then one query with the four counts
    assert empty.count == full.count, full.statements
    assert full.count <= 3, full.statements
