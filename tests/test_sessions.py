"""Sessions end on the server: sign-out, password changes, deactivation, another address, expiry."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, update

from segapp.models import Role, User, UserSession
from tests.conftest import PASSWORD

NEW_PASSWORD = "another-pass-9"


def _signed_in_client(app: Flask, username: str, password: str = PASSWORD) -> FlaskClient:
    other = app.test_client()
    response = other.post("/auth/login", data={"username": username, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)
    return other


def _opens_contacts(client: FlaskClient, **kwargs: object) -> bool:
    response = client.get("/contacts/", **kwargs)
    assert response.status_code in (200, 302), response.status_code
    return response.status_code == 200


def test_an_old_cookie_no_longer_opens_pages_after_sign_out(
    app: Flask, client: FlaskClient, login: Callable[..., User]
) -> None:
    login("ann")
    assert _opens_contacts(client)
    stolen = client.get_cookie("session").value
    client.post("/auth/logout")
    assert not _opens_contacts(client)
    replay = app.test_client()
    replay.set_cookie("session", stolen)
    assert not _opens_contacts(replay)
    assert replay.get("/contacts/").headers["Location"].startswith("/auth/login")


def test_sign_out_ends_only_this_browser_s_session(app: Flask, client: FlaskClient, login: Callable[..., User]) -> None:
    login("ann")
    laptop = _signed_in_client(app, "ann")
    client.post("/auth/logout")
    assert not _opens_contacts(client)
    assert _opens_contacts(laptop)


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one(
    app: Flask, client: FlaskClient, login: Callable[..., User]
) -> None:
    login("ann")
    laptop = _signed_in_client(app, "ann")
    response = client.post(
        "/auth/password",
        data={"pw-current_password": PASSWORD, "pw-password": NEW_PASSWORD, "pw-confirm": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert _opens_contacts(client)
    assert not _opens_contacts(laptop)


def test_a_refused_password_change_ends_no_session(app: Flask, client: FlaskClient, login: Callable[..., User]) -> None:
    login("ann")
    laptop = _signed_in_client(app, "ann")
    response = client.post(
        "/auth/password", data={"pw-current_password": "nope", "pw-password": NEW_PASSWORD, "pw-confirm": NEW_PASSWORD}
    )
    assert response.status_code == 422
    assert _opens_contacts(laptop)


def test_an_administrator_s_new_password_or_deactivation_ends_the_user_s_sessions(
    app: Flask, client: FlaskClient, login: Callable[..., User], make_user: Callable[..., User], db
) -> None:
    bob = make_user("bob")
    bob_id = bob.id
    login("admin", role=Role.ADMIN)
    bob_browser = _signed_in_client(app, "bob")
    form = {"full_name": "", "email": "", "role": "user", "salesperson_code": "", "language": "", "active": "y"}
    response = client.post(f"/users/{bob_id}/edit", data=dict(form, new_password=NEW_PASSWORD))
    assert response.status_code == 302
    assert not _opens_contacts(bob_browser)
    bob_browser = _signed_in_client(app, "bob", NEW_PASSWORD)
    response = client.post(f"/users/{bob_id}/edit", data={k: v for k, v in form.items() if k != "active"})
    assert response.status_code == 302
    assert not _opens_contacts(bob_browser)
    assert db.session.scalar(select(func.count()).select_from(UserSession).where(UserSession.user_id == bob_id)) == 0


def test_an_administrator_changing_their_own_password_stays_signed_in(
    client: FlaskClient, login: Callable[..., User]
) -> None:
    admin = login("admin", role=Role.ADMIN)
    form = {"full_name": "", "email": "", "role": "admin", "salesperson_code": "", "language": "", "active": "y"}
    response = client.post(f"/users/{admin.id}/edit", data=dict(form, new_password=NEW_PASSWORD))
    assert response.status_code == 302
    assert _opens_contacts(client)


def test_a_session_used_from_another_address_ends(client: FlaskClient, login: Callable[..., User]) -> None:
    login("ann")
    assert _opens_contacts(client)
    assert not _opens_contacts(client, environ_base={"REMOTE_ADDR": "203.0.113.9"})
    # Ended on the server: going back to the first address does not bring it back.
    assert not _opens_contacts(client)


def test_a_session_used_from_another_browser_ends(client: FlaskClient, login: Callable[..., User], db) -> None:
    login("ann")
    assert not _opens_contacts(client, headers={"User-Agent": "curl/8.0"})
    assert not _opens_contacts(client)
    assert db.session.scalar(select(func.count()).select_from(UserSession)) == 0


def test_behind_a_trusted_proxy_a_session_is_bound_to_the_forwarded_address(
    proxied_app: Flask, make_user: Callable[..., User]
) -> None:
    make_user("ann")
    browser = proxied_app.test_client()
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    response = browser.post(
        "/auth/login",
        data={"username": "ann", "password": PASSWORD},
        environ_base=proxy,
        headers={"X-Forwarded-For": "192.0.2.10"},
    )
    assert response.status_code == 302
    assert _opens_contacts(browser, environ_base=proxy, headers={"X-Forwarded-For": "192.0.2.10"})
    # The first entry is whatever the client sent; only the proxy's own entry counts.
    forged = {"X-Forwarded-For": "192.0.2.10, 198.51.100.66"}
    assert not _opens_contacts(browser, environ_base=proxy, headers=forged)


def test_a_session_ends_on_the_server_when_its_hours_are_over(
    app: Flask, client: FlaskClient, login: Callable[..., User], db
) -> None:
    login("ann")
    assert _opens_contacts(client)
    long_ago = datetime.now(UTC) - app.permanent_session_lifetime - timedelta(minutes=1)
    db.session.execute(update(UserSession).values(created_at=long_ago))
    db.session.commit()
    assert not _opens_contacts(client)
