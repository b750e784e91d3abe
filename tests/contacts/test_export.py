"""Export of the filtered, sorted contact list, read back with csv and openpyxl."""

import csv
import io
from collections.abc import Callable
from datetime import date

import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook

from segapp.models import Contact

pytestmark = pytest.mark.usefixtures("references")


@pytest.fixture
def contacts(make_contact: Callable[..., Contact]) -> None:
    acme = make_contact("Acme S.r.l.", no="C001", city="Milano", salesperson_code="MR")
    make_contact("Beta Ltd", no="C002", city="London", salesperson_code="LB")
    make_contact("Niccolò Rossi", company=acme, no="P001", city="Milano", email="n@acme.it")
    make_contact('=HYPERLINK("x")', no="C003", city="Roma")


def test_csv_export_has_bom_header_and_the_filtered_sorted_rows(
    client: FlaskClient, login: Callable, contacts: None
) -> None:
    login("ann")
    response = client.get("/contacts/export.csv?city=Milano&sort=name&desc=1")
    assert response.status_code == 200
    assert f"contacts-{date.today().isoformat()}.csv" in response.headers["Content-Disposition"]
    body = response.get_data()
    assert body.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert [(r["no"], r["name"], r["type"]) for r in rows] == [
        ("P001", "Niccolò Rossi", "person"),
        ("C001", "Acme S.r.l.", "company"),
    ]
    assert rows[0]["company_no"] == "C001" and rows[0]["email"] == "n@acme.it"


def test_xlsx_export_reads_back_with_the_filter(client: FlaskClient, login: Callable, contacts: None) -> None:
    login("ann")
    response = client.get("/contacts/export.xlsx?type=company")
    assert response.status_code == 200
    assert f"contacts-{date.today().isoformat()}.xlsx" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("no", "type", "name")
    assert [(r[0], r[2]) for r in rows[1:]] == [
        ("C001", "Acme S.r.l."),
        ("C002", "Beta Ltd"),
        ("C003", '=HYPERLINK("x")'),
    ]
    assert sheet.cell(row=4, column=3).data_type == "s"


def test_export_of_many_rows_streams_in_chunks(
    client: FlaskClient, login: Callable, db, monkeypatch: pytest.MonkeyPatch
) -> None:
    from segapp.contacts import export_views

    monkeypatch.setattr(export_views, "CHUNK_ROWS", 10)
    login("ann")
    db.session.execute(
        Contact.__table__.insert(), [{"no": f"C{n:04d}", "type": "company", "name": f"Company {n}"} for n in range(35)]
    )
    db.session.commit()
    response = client.get("/contacts/export.csv")
    chunks = list(response.response)
    assert len(chunks) >= 4
    rows = list(
        csv.reader(io.StringIO("".join(c if isinstance(c, str) else c.decode() for c in chunks).lstrip("\ufeff")))
    )
    assert len(rows) == 36 and rows[-1][0] == "C0034"
