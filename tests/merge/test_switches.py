"""Word's switches as segapp formats them, in English and Italian letters."""

import pytest

from segapp.merge_switches import format_date, format_number, format_text, format_value, switches, tokens


@pytest.mark.parametrize(
    ("value", "picture", "locale", "shown"),
    [
        ("1234.5", "#,##0.00", "en", "1,234.50"),
        ("1234.5", "#,##0.00", "it", "1.234,50"),
        ("1234.5", "#.##0,00", "it", "1.234,50"),  # a picture written by an Italian Word
        ("1234.5", "#.##0,00", "en", "1,234.50"),
        ("-1234.5", "0.00;(0.00)", "en", "(1234.50)"),
        ("-1234.5", "#,##0.00", "it", "-1.234,50"),
        ("0", "0.00;(0.00);'nil'", "en", "nil"),
        ("2.345", "0.00", "en", "2.35"),  # half away from zero, as Word rounds
        ("-2.345", "0.00", "en", "-2.35"),
        ("1234567", "#,##0", "en", "1,234,567"),
        ("7", "00", "en", "07"),
        ("12.5", "€ #,##0.00", "it", "€ 12,50"),
        ("12.5", "0.##", "en", "12.5"),
        ("abc", "#,##0.00", "en", "abc"),
    ],
)
def test_number_pictures(value: str, picture: str, locale: str, shown: str) -> None:
    assert format_number(value, picture, locale) == shown


@pytest.mark.parametrize(
    ("picture", "locale", "shown"),
    [
        ("dd/MM/yyyy", "en", "05/03/2026"),
        ("d MMMM yyyy", "it", "5 marzo 2026"),
        ("d MMMM yyyy", "en", "5 March 2026"),
        ("dddd d MMM yy", "it", "giovedì 5 mar 26"),
        ("MMMM d, yyyy", "en", "March 5, 2026"),
        ("yyyy-MM-dd HH:mm", "en", "2026-03-05 00:00"),
        ("'Roma,' d MMMM yyyy", "it", "Roma, 5 marzo 2026"),
    ],
)
def test_date_pictures(picture: str, locale: str, shown: str) -> None:
    assert format_date("2026-03-05", picture, locale) == shown


def test_a_date_and_time_value_and_a_value_that_is_not_a_date() -> None:
    assert format_date("2026-03-05 14:07", "h:mm AM/PM", "en") == "2:07 PM"
    assert format_date("next week", "dd/MM/yyyy", "en") == "next week"


@pytest.mark.parametrize(
    ("option", "shown"),
    [
        ("Upper", "ANNA MARIA DE ROSSI"),
        ("Lower", "anna maria de rossi"),
        ("FirstCap", "Anna maria DE rossi"),
        ("Caps", "Anna Maria De Rossi"),
        ("MERGEFORMAT", "anna maria DE rossi"),
    ],
)
def test_text_switches(option: str, shown: str) -> None:
    assert format_text("anna maria DE rossi", option) == shown


def test_before_and_after_only_when_there_is_a_value() -> None:
    code = tokens(' MERGEFIELD  City \\b "in " \\f ","  \\* Upper')
    assert code[1].text == "City"
    pairs = switches(code[2:])
    assert format_value("Roma", pairs) == "in ROMA,"
    assert format_value("", pairs) == ""


def test_switches_written_without_spaces_and_quoted_names() -> None:
    code = tokens('MERGEFIELD "Post Code" \\*Upper \\#0.00')
    assert code[1].text == "Post Code"
    assert switches(code[2:]) == [("\\*", "Upper"), ("\\#", "0.00")]
