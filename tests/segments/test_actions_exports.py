"""Export of a segment's line contacts (spec 3.8) to CSV and Excel, read back as a user would."""

import csv
import io
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook

from segapp.models import Role
from tests.segments.actions_support import fill_lines
from tests.sqlcount import count_statements


def _csv_rows(response: Any, delimiter: str = ",") -> list[dict[str, str]]:
    text = response.get_data().decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text), delimiter=delimiter))


def test_csv_has_the_mailing_columns_of_each_line_contact_in_line_order(
    client: FlaskClient, login: Callable, mailing_segment: tuple
) -> None:
    header, contacts = mailing_segment
    login("ann")
    response = client.get(f"/segments/{header.no}/contacts.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert f"segment-{header.no}-contacts.csv" in response.headers["Content-Disposition"]
    rows = _csv_rows(response)
    # The line without a contact is left out; the others in line order.
    assert [row["No."] for row in rows] == ["P100", "C200"]
    anna, rossi = rows
    assert anna["Line no."] == "10000"
    assert (anna["Name"], anna["Company name"], anna["Address"], anna["Address 2"]) == (
        "Anna Schmidt",
        "Acme GmbH",
        "Hauptstr. 5",
        "2. Stock",
    )
    assert (anna["Post code"], anna["City"], anna["Country/region"], anna["Country/region name"]) == (
        "10115",
        "Berlin",
        "DE",
        "Deutschland",
    )
    assert (anna["E-mail"], anna["Phone"]) == ("anna@acme.de", "030 1234")
    # The line's language, salesperson, template and correspondence type (a caption, not the stored value).
    assert (anna["Language"], anna["Salesperson"], anna["Interaction template"], anna["Correspondence type"]) == (
        "ENU",
        "MR",
        "LETTER",
        "E-mail",
    )
    assert (rossi["County"], rossi["Salesperson"], rossi["Correspondence type"]) == ("MI", "LB", "Hard copy")
    # A name that a spreadsheet would run as a formula is guarded.
    assert rossi["Name"] == "'=Rossi S.r.l."


def test_csv_in_italian_uses_semicolons_and_italian_headers(
    client: FlaskClient, login: Callable, mailing_segment: tuple
) -> None:
    header, _ = mailing_segment
    login("ann", language="it")
    rows = _csv_rows(client.get(f"/segments/{header.no}/contacts.csv"), delimiter=";")
    assert rows[0]["Città"] == "Berlin"
    assert rows[1]["Tipo corrispondenza"] == "Cartaceo"


def test_xlsx_reads_back_with_the_same_rows(client: FlaskClient, login: Callable, mailing_segment: tuple) -> None:
    header, _ = mailing_segment
    login("ann")
    response = client.get(f"/segments/{header.no}/contacts.xlsx")
    assert response.status_code == 200
    assert f"segment-{header.no}-contacts.xlsx" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Line no.", "No.", "Name")
    assert [(row[0], row[1], row[2]) for row in rows[1:]] == [
        (10000, "P100", "Anna Schmidt"),
        (30000, "C200", "=Rossi S.r.l."),
    ]
    assert sheet.cell(row=3, column=3).data_type == "s"  # text, never a formula


def test_a_viewer_may_export(client: FlaskClient, login: Callable, mailing_segment: tuple) -> None:
    header, _ = mailing_segment
    login("vera", role=Role.VIEWER)
    assert client.get(f"/segments/{header.no}/contacts.csv").status_code == 200
    assert client.get(f"/segments/{header.no}/contacts.xlsx").status_code == 200


def test_export_of_an_unknown_segment_is_not_found(client: FlaskClient, login: Callable, reference: Any) -> None:
    login("ann")
    assert client.get("/segments/NOPE/contacts.csv").status_code == 404


def test_export_streams_in_chunks(
    client: FlaskClient, login: Callable, db: Any, make_segment: Callable, countries: None, monkeypatch: Any
) -> None:
    from segapp import exporting

    monkeypatch.setattr(exporting, "CHUNK_ROWS", 10)
    header = make_segment()
    expected = fill_lines(db, header.no, 35)
    login("ann")
    chunks = list(client.get(f"/segments/{header.no}/contacts.csv").response)
    assert len(chunks) >= 4
    rows = list(
        csv.reader(io.StringIO(b"".join(c if isinstance(c, bytes) else c.encode() for c in chunks).decode("utf-8-sig")))
    )
    assert [row[1] for row in rows[1:]] == expected


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_export_runs_the_same_statements_for_3_and_300_lines(
    client: FlaskClient, login: Callable, db: Any, make_segment: Callable, countries: None, extension: str
) -> None:
    login("ann")
    counts = []
    for size, prefix in ((3, "S"), (300, "L")):
        header = make_segment()
        fill_lines(db, header.no, size, prefix)
        with count_statements(db.engine) as counted:
            response = client.get(f"/segments/{header.no}/contacts.{extension}")
            body = response.get_data()
        assert response.status_code == 200 and len(body) > 100
        counts.append(counted.count)
    assert counts[0] == counts[1], counts
