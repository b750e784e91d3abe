"""Address labels of a segment's line contacts (spec 3.8): a .docx opened back with python-docx."""

import io
from collections.abc import Callable
from typing import Any

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Mm
from flask.testing import FlaskClient

from segapp.exporting import DOCX_TYPE
from segapp.models import Role
from segapp.services.contacts.addresses import mail_address_lines
from segapp.services.segments import labels
from tests.segments.actions_support import fill_lines
from tests.sqlcount import count_statements


def _open(response: Any) -> Any:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == DOCX_TYPE
    return docx.Document(io.BytesIO(response.get_data()))


def _texts(document: Any) -> list[str]:
    return [cell.text for row in document.tables[0].rows for cell in row.cells]


def test_labels_are_an_a4_document_of_three_columns_with_each_contacts_address(
    client: FlaskClient, login: Callable, mailing_segment: tuple
) -> None:
    header, _ = mailing_segment
    login("ann")
    response = client.get(f"/segments/{header.no}/labels.docx")
    assert f"segment-{header.no}-labels.docx" in response.headers["Content-Disposition"]
    document = _open(response)
    section = document.sections[0]
    assert abs(section.page_width.mm - 210) < 0.1 and abs(section.page_height.mm - 297) < 0.1
    table = document.tables[0]
    assert len(table.columns) == 3
    # Two contacts (the line without one has no label), then an empty label filling the row.
    assert _texts(document) == [
        "Anna Schmidt\nAcme GmbH\nHauptstr. 5\n2. Stock\n10115 Berlin\nDeutschland",
        "=Rossi S.r.l.\nVia Torino 10\n20123 Milano MI",  # our own country is not written
        "",
    ]


def test_labels_are_70_by_37_mm_without_borders_eight_rows_to_a_page(
    client: FlaskClient, login: Callable, db: Any, make_segment: Callable, countries: None
) -> None:
    header = make_segment()
    fill_lines(db, header.no, 25)
    login("ann")
    document = _open(client.get(f"/segments/{header.no}/labels.docx"))
    table = document.tables[0]
    assert len(table.rows) == 9  # 25 labels, three to a row
    row = table.rows[0]
    assert abs(row.height.mm - 37) < 0.1
    assert all(abs(cell.width.mm - 70) < 0.1 for cell in row.cells)
    section = document.sections[0]
    usable = section.page_height - section.top_margin - section.bottom_margin
    assert usable >= 8 * row.height and usable < 9 * row.height
    assert section.left_margin + 3 * row.cells[0].width <= section.page_width
    borders = table._tbl.tblPr.find(qn("w:tblBorders"))
    assert {side.get(qn("w:val")) for side in borders} == {"nil"}
    # Line order: the first label is the first line's contact.
    assert _texts(document)[0].startswith("Person 24\nCompany 24\nVia Roma 24\n20100 Milano")
    assert _texts(document)[25:] == ["", ""]


def test_a_segment_without_contacts_gets_a_message_instead_of_a_document(
    client: FlaskClient, login: Callable, make_segment: Callable
) -> None:
    header = make_segment()
    login("ann")
    response = client.get(f"/segments/{header.no}/labels.docx", follow_redirects=True)
    assert response.status_code == 200
    assert f"Segment {header.no} has no line with a contact: there is no label to print." in response.get_data(
        as_text=True
    )


def test_too_many_labels_get_a_message(
    client: FlaskClient, login: Callable, db: Any, make_segment: Callable, countries: None, monkeypatch: Any
) -> None:
    monkeypatch.setattr(labels, "MAX_LABELS", 4)
    header = make_segment()
    fill_lines(db, header.no, 5)
    login("ann")
    response = client.get(f"/segments/{header.no}/labels.docx", follow_redirects=True)
    assert "A labels document holds at most 4 labels; this segment has more." in response.get_data(as_text=True)


def test_a_viewer_may_print_labels(client: FlaskClient, login: Callable, mailing_segment: tuple) -> None:
    header, _ = mailing_segment
    login("vera", role=Role.VIEWER)
    assert len(_texts(_open(client.get(f"/segments/{header.no}/labels.docx")))) == 3


def test_labels_run_the_same_statements_for_3_and_300_lines(
    client: FlaskClient, login: Callable, db: Any, make_segment: Callable, countries: None
) -> None:
    login("ann")
    counts = []
    for size, prefix in ((3, "S"), (300, "L")):
        header = make_segment()
        fill_lines(db, header.no, size, prefix)
        with count_statements(db.engine) as counted:
            document = _open(client.get(f"/segments/{header.no}/labels.docx"))
        assert len(document.tables[0].rows) == size // 3
        counts.append(counted.count)
    assert counts[0] == counts[1], counts


@pytest.mark.parametrize(
    ("contact", "own", "expected"),
    [
        pytest.param(
            (
                ("name", "Ann Lee"),
                ("company_name", "Acme"),
                ("address", "1 High St"),
                ("post_code", "N1"),
                ("city", "London"),
            ),
            "GB",
            ("Ann Lee", "Acme", "1 High St", "N1 London"),
            id="person-no-country",
        ),
        pytest.param(
            (
                ("name", "Acme"),
                ("company_name", "Acme"),
                ("city", "Paris"),
                ("country_code", "FR"),
                ("country_name", ""),
            ),
            "IT",
            ("Acme", "Paris", "FR"),
            id="company-country-without-name",
        ),
        pytest.param(
            (
                ("name", "Acme"),
                ("company_name", "Acme"),
                ("city", "Roma"),
                ("country_code", "IT"),
                ("country_name", "Italia"),
            ),
            None,
            ("Acme", "Roma", "Italia"),
            id="own-country-unknown",
        ),
    ],
)
def test_mail_address_lines(contact: tuple, own: str | None, expected: tuple) -> None:
    # (Tuples, not dicts or lists: tests/run_summary.py looks every parameter up in a set of backend names.)
    assert mail_address_lines(dict(contact), own) == list(expected)


def test_label_text_keeps_xml_special_characters_and_drops_control_characters() -> None:
    document = docx.Document(io.BytesIO(labels.labels_docx([["Smith & <Sons>", "Via \x01Roma"]])))
    assert document.tables[0].rows[0].cells[0].text == "Smith & <Sons>\nVia Roma"
    assert Mm(70).mm - 0.1 < document.tables[0].rows[0].cells[0].width.mm
