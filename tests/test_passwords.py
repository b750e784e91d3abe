"""Passwords: common ones (from the list shipped with the app) and the user name are refused everywhere."""

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

from segapp.models import Role, User
from segapp.services.auth.passwords import common_passwords
from segapp.services.errors import ServiceError
from segapp.services.users import create_user
from tests.conftest import PASSWORD

COMMON = "This password is one of the most common ones"
NAME = "The password must not be the user name."


def test_the_shipped_list_holds_thousands_of_common_passwords() -> None:
    passwords = common_passwords()
    assert len(passwords) > 5000
    assert {"12345678", "password", "iloveyou", "qwertyuiop"} <= passwords


@pytest.mark.parametrize("password", ["12345678", "password", "PASSWORD", "Password1", " qwertyuiop "])
def test_common_passwords_are_refused(db, password: str) -> None:
    with pytest.raises(ServiceError, match=COMMON) as error:
        create_user(db.session, "ann", password)
    assert error.value.field == "password"


@pytest.mark.parametrize("password", ["annabella", "AnnaBella"])
def test_the_user_name_as_password_is_refused(db, password: str) -> None:
    with pytest.raises(ServiceError, match=NAME):
        create_user(db.session, "annabella", password)


def test_a_good_password_is_accepted(db) -> None:
    assert create_user(db.session, "ann", "violet-tram-42").username == "ann"


def test_first_administrator_form_refuses_a_common_password(client: FlaskClient) -> None:
    response = client.post(
        "/auth/first-admin",
        data={"username": "boss", "password": "password", "confirm": "password", "language": ""},
    )
    assert response.status_code == 422
    assert COMMON in response.get_data(as_text=True)


def test_own_password_change_refuses_common_and_user_name(client: FlaskClient, login: Callable[..., User]) -> None:
    login("annabella")
    for new, message in (("12345678", COMMON), ("ANNABELLA", NAME)):
        response = client.post(
            "/auth/password", data={"pw-current_password": PASSWORD, "pw-password": new, "pw-confirm": new}
        )
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)


def test_administrator_pages_refuse_common_passwords(client: FlaskClient, login: Callable[..., User]) -> None:
    admin = login("admin", role=Role.ADMIN)
    form = {"full_name": "", "email": "", "role": "user", "salesperson_code": "", "language": ""}
    response = client.post("/users/new", data=dict(form, username="bob", password="password"))
    assert response.status_code == 422
    assert COMMON in response.get_data(as_text=True)
    response = client.post(
        f"/users/{admin.id}/edit", data=dict(form, role="admin", active="y", new_password="12345678")
    )
    assert response.status_code == 422
    assert COMMON in response.get_data(as_text=True)
    response = client.post(
        f"/users/{admin.id}/edit", data=dict(form, role="admin", active="y", new_password="Admin-admin")
    )
    assert response.status_code == 302
