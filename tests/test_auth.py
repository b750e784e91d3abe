"""Sign-in, first administrator, throttling, profile and the CLI."""

from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from segapp.models import Role, User
from tests.conftest import PASSWORD


def test_first_visit_opens_the_create_admin_page(client: FlaskClient) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/auth/first-admin")
    page = client.get("/auth/first-admin").get_data(as_text=True)
    assert "Create administrator" in page


def test_creating_the_first_admin_signs_in_and_closes_the_page(client: FlaskClient, db) -> None:
    response = client.post(
        "/auth/first-admin",
        data={
            "username": "boss",
            "full_name": "Big Boss",
            "password": "longenough",
            "confirm": "longenough",
            "language": "",
        },
    )
    assert response.status_code == 302
    home = client.get("/")
    assert home.status_code == 200
    assert "Big Boss" in home.get_data(as_text=True)
    user = db.session.scalar(select(User).where(User.username == "boss"))
    assert user.role == Role.ADMIN
    assert user.password_hash != "longenough"
    assert client.get("/auth/first-admin").status_code == 302


def test_first_admin_form_reports_short_password_and_mismatch(client: FlaskClient) -> None:
    response = client.post(
        "/auth/first-admin",
        data={"username": "boss", "password": "short", "confirm": "other", "language": ""},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "at least 8" in page
    assert "The passwords differ." in page


def test_wrong_password_is_refused_and_repeated_failures_are_slowed(
    client: FlaskClient, make_user: Callable[..., User], db
) -> None:
    make_user("ann")
    for _ in range(3):
        response = client.post("/auth/login", data={"username": "ann", "password": "wrong-one"})
        assert response.status_code == 401
        assert "wrong password" in response.get_data(as_text=True)
    response = client.post("/auth/login", data={"username": "ann", "password": PASSWORD})
    assert response.status_code == 401
    assert "Too many failed sign-ins" in response.get_data(as_text=True)


def test_sign_in_and_out(client: FlaskClient, make_user: Callable[..., User]) -> None:
    make_user("ann", full_name="Ann Example")
    response = client.post("/auth/login?next=/auth/profile", data={"username": "ANN", "password": PASSWORD})
    assert response.headers["Location"] == "/auth/profile"
    assert "Ann Example" in client.get("/").get_data(as_text=True)
    client.post("/auth/logout")
    assert client.get("/").status_code == 302


def test_sign_in_never_redirects_off_site(client: FlaskClient, make_user: Callable[..., User]) -> None:
    make_user("ann")
    response = client.post("/auth/login?next=//evil.example/x", data={"username": "ann", "password": PASSWORD})
    assert response.headers["Location"] == "/"


def test_session_is_permanent_with_a_lifetime(app: Flask, client: FlaskClient, make_user: Callable[..., User]) -> None:
    make_user("ann")
    response = client.post("/auth/login", data={"username": "ann", "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "Expires=" in cookie
    assert app.permanent_session_lifetime.total_seconds() <= 24 * 3600


def test_italian_from_the_browser_and_from_the_profile(client: FlaskClient, login: Callable[..., User], db) -> None:
    login("ann")
    page = client.get("/", headers={"Accept-Language": "it-IT,it;q=0.9"}).get_data(as_text=True)
    assert '<html lang="it">' in page and "Esci" in page and "Sign out" not in page
    client.post("/auth/profile", data={"full_name": "Ann", "language": "en"})
    page = client.get("/", headers={"Accept-Language": "it-IT,it;q=0.9"}).get_data(as_text=True)
    assert "Sign out" in page


def test_change_password_checks_the_current_one(client: FlaskClient, login: Callable[..., User]) -> None:
    login("ann")
    response = client.post(
        "/auth/password",
        data={"pw-current_password": "nope", "pw-password": "another-pass-9", "pw-confirm": "another-pass-9"},
    )
    assert response.status_code == 422
    assert "current password is wrong" in response.get_data(as_text=True)
    response = client.post(
        "/auth/password",
        data={"pw-current_password": PASSWORD, "pw-password": "another-pass-9", "pw-confirm": "another-pass-9"},
    )
    assert response.status_code == 302


def test_hostile_text_is_escaped_and_nul_refused(client: FlaskClient, login: Callable[..., User]) -> None:
    login("ann")
    client.post("/auth/profile", data={"full_name": "<script>alert(1)</script>", "language": ""})
    page = client.get("/").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page
    response = client.post("/auth/profile", data={"full_name": "a\x00b", "language": ""})
    assert response.status_code == 400
    assert "NUL" in response.get_data(as_text=True)
    response = client.post("/auth/profile", data={"full_name": "a\x07b", "language": ""})
    assert "Control characters are not allowed" in response.get_data(as_text=True)
    response = client.post("/auth/profile", data={"full_name": "x" * 5000, "language": ""})
    assert response.status_code == 200
    assert "Field cannot be longer than 100 characters." in response.get_data(as_text=True)


def test_cli_creates_a_user(app: Flask, db) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-user", "carl", "--role", "viewer", "--password", "carl-secret-7"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(User.role).where(User.username == "carl")) == Role.VIEWER
    result = runner.invoke(args=["create-user", "carl", "--password", "carl-secret-7"])
    assert result.exit_code != 0
    assert "taken" in result.output
