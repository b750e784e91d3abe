"""Export of the filtered, sorted contact list, read back with csv and openpyxl."""

import csv
import io
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook

from segapp.models import Contact

pytestmark = pytest.mark.usefixtures("references")


@pytest.fixture
def contacts(make_contact: Callable[..., Contact]) -> None:
    acme = make_contact("Acme S.r.l.", no="C001", city="Milano", salesperson_code="MR")
    make_contact("Beta Ltd", no="C002", city="London", salesperson_code="LB")
    # Persons carry their company's salesperson, as the app gives it to new ones (and an import back does).
    make_contact("Niccolò Rossi", company=acme, no="P001", city="Milano", email="n@acme.it", salesperson_code="MR")
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
    assert [(r["No."], r["Name"], r["Type"]) for r in rows] == [
        ("P001", "Niccolò Rossi", "person"),
        ("C001", "Acme S.r.l.", "company"),
    ]
    assert rows[0]["Company no."] == "C001" and rows[0]["E-mail"] == "n@acme.it"


def test_xlsx_export_reads_back_with_the_filter(client: FlaskClient, login: Callable, contacts: None) -> None:
    login("ann")
    response = client.get("/contacts/export.xlsx?type=company")
    assert response.status_code == 200
    assert f"contacts-{date.today().isoformat()}.xlsx" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("No.", "Type", "Name")
    assert [(r[0], r[2]) for r in rows[1:]] == [
        ("C001", "Acme S.r.l."),
        ("C002", "Beta Ltd"),
        ("C003", '=HYPERLINK("x")'),
    ]
    assert sheet.cell(row=4, column=3).data_type == "s"


def test_export_of_many_rows_streams_in_chunks(
    client: FlaskClient, login: Callable, db, monkeypatch: pytest.MonkeyPatch
) -> None:
    from segapp import exporting

    monkeypatch.setattr(exporting, "CHUNK_ROWS", 10)
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


def test_csv_export_neutralises_formulas_and_imports_back_as_it_was(
    client: FlaskClient, login: Callable, db, make_contact: Callable[..., Contact], contacts: None, tmp_path: Path
) -> None:
    from sqlalchemy import delete, select

    from segapp.importing import guess_mapping
    from segapp.services.importing.files import open_import_file
    from segapp.services.importing.run import ImportOptions, import_contacts

    acme = db.session.get(Contact, "C001")
    make_contact(
        "-Minus Person",
        company=acme,
        no="P002",
        city="+cmd|' /C calc'!A0",
        phone="+39 02 1234567",
        address="@SUM(1+1)*cmd|' /C calc'!A0",
        job_title="'=already quoted",
        salesperson_code="MR",
    )
    login("ann")
    body = client.get("/contacts/export.csv").get_data()
    text = body.decode("utf-8-sig")
    assert '\'=HYPERLINK(""x"")' in text and "'+cmd|" in text and "'+39 02 1234567" in text
    assert "\n=" not in text and ",=" not in text and ",+" not in text and ",-" not in text and ",@" not in text

    fields = [c.key for c in Contact.__table__.columns if c.key not in ("search_text", "created_at", "modified_at")]

    def snapshot() -> dict[str, tuple]:
        db.session.expire_all()
        return {c.no: tuple(getattr(c, f) for f in fields) for c in db.session.scalars(select(Contact))}

    before = snapshot()
    db.session.execute(delete(Contact).where(Contact.type == "person"))
    db.session.execute(delete(Contact))
    db.session.commit()
    path = tmp_path / "contacts.csv"
    path.write_bytes(body)
    table = open_import_file(path, path.name, 20 * 1024 * 1024)
    mapping = guess_mapping(table.columns)
    assert len(mapping) == len(table.columns)
    result = import_contacts(db.session, table.columns, table.rows(), ImportOptions(mapping))
    db.session.commit()
    assert (result.created, result.errors) == (len(before), [])
    assert snapshot() == before


@pytest.mark.parametrize(
    ("language", "delimiter", "header"),
    [("en", ",", ["No.", "Type", "Name", "First name"]), ("it", ";", ["Nr.", "Tipo", "Nominativo", "Nome"])],
)
def test_csv_for_excel_in_the_users_language_and_the_import_knows_its_headers(
    client: FlaskClient, login: Callable, contacts: None, language: str, delimiter: str, header: list[str]
) -> None:
    from segapp.importing import IMPORT_FIELDS, guess_mapping

    login("ann", language=language)
    body = client.get("/contacts/export.csv?city=Milano&sort=name").get_data()
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=delimiter))
    assert rows[0][:4] == header and len(rows[0]) == len(IMPORT_FIELDS)
    assert [row[2] for row in rows[1:]] == ["Acme S.r.l.", "Niccolò Rossi"]
    # Each header goes back to the field it came from.
    assert guess_mapping(rows[0]) == dict(zip(rows[0], IMPORT_FIELDS, strict=True))
