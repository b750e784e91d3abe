"""The one reader of typed numbers: bounded, finite, ASCII digits, a message instead of an exception."""

from decimal import Decimal

import pytest
from flask import Flask
from flask.testing import FlaskClient

from segapp.models.base import MAX_AMOUNT
from segapp.numbers import BIGINT_MAX, INT_MAX, to_decimal, to_int
from segapp.request_values import page_arg


@pytest.mark.parametrize(
    ("text", "expected"),
    [("12", 12), (" 7 ", 7), ("0", 0), (str(INT_MAX), INT_MAX), (str(INT_MAX + 1), None), ("²", None),
     ("١٢", None), ("1_0", None), ("-1", None), ("", None), (None, None), ("1.0", None), ("9" * 5000, None)],
)  # fmt: skip
def test_to_int_reads_ascii_digits_in_range(text: str | None, expected: int | None) -> None:
    assert to_int(text) == expected


def test_to_int_takes_its_range() -> None:
    assert to_int(str(BIGINT_MAX), high=BIGINT_MAX) == BIGINT_MAX
    assert to_int(str(BIGINT_MAX + 1), high=BIGINT_MAX) is None
    assert to_int("-3", low=-5) == -3


@pytest.mark.parametrize(
    ("text", "expected"),
    [("10.5", "10.50"), ("10,5", "10.50"), ("1.234,5", "1234.50"), ("1,234.5", "1234.50"), (" 3 ", "3.00"),
     ("", "0.00"), ("1e3", "1000.00"), ("-2", "-2.00"), (str(MAX_AMOUNT), str(MAX_AMOUNT) + ".00"), ("0.005", "0.00")],
)  # fmt: skip
def test_to_decimal_understands_what_users_type(app: Flask, text: str, expected: str) -> None:
    assert to_decimal(text) == Decimal(expected)


@pytest.mark.parametrize(
    "text", ["sNaN", "NaN", "-Infinity", "inf", "1E+999999999999999999", "1E-999999999999999999", "²", "١٢", "1_0",
             "abc", "1.2.3", "\x00", "x" * 10_000],
)  # fmt: skip
def test_to_decimal_refuses_what_is_not_a_number_with_a_message(app: Flask, text: str) -> None:
    with pytest.raises(ValueError, match="is not a number"):
        to_decimal(text)


def test_to_decimal_refuses_a_number_too_large_to_keep(app: Flask) -> None:
    for text in ("10000000000000000", "1e20", "-1e20"):
        with pytest.raises(ValueError, match="too large"):
            to_decimal(text)


@pytest.mark.parametrize(
    ("query", "expected"), [("", 1), ("?page=3", 3), ("?page=0", 1), ("?page=²", 1), (f"?page={2**63}", 1)]
)
def test_page_arg_falls_back_to_the_first_page(app: Flask, query: str, expected: int) -> None:
    with app.test_request_context("/" + query):
        assert page_arg() == expected


def test_money_fields_answer_a_message_for_snan_and_overflow(client: FlaskClient, login) -> None:
    from segapp.models import Role

    login("admin", role=Role.ADMIN)
    for value in ("sNaN", "1E+999999999999999999"):
        response = client.post("/setup/interaction-templates/new", data={"code": "T", "unit_cost": value})
        html = response.get_data(as_text=True)
        assert response.status_code == 422 and 'id="unit_cost-error"' in html
        assert f"{value} is not a number." in html
    response = client.post("/setup/interaction-templates/new", data={"code": "T", "unit_cost": "1e20"})
    assert "The value is too large." in response.get_data(as_text=True)


def test_ids_past_the_column_range_are_not_found(client: FlaskClient, login) -> None:
    from segapp.models import Role

    user = login("admin", role=Role.ADMIN)
    assert client.get(f"/users/{user.id}/edit").status_code == 200
    for id_ in (2**31, 2**63, 10**30):
        assert client.get(f"/users/{id_}/edit").status_code == 404
        assert client.post(f"/setup/questions/{id_}", data={"description": "x"}).status_code == 404
