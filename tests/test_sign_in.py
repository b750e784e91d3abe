"""Sign-in throttling per client address and name: no hint of who exists, no lock-out of the owner."""

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from segapp.models import Role, User
from segapp.services.auth import sign_in
from tests.conftest import PASSWORD

ATTACKER = {"REMOTE_ADDR": "198.51.100.66"}
OWNER = {"REMOTE_ADDR": "192.0.2.10"}


def _sign_in(client: FlaskClient, username: str, password: str, **kwargs: Any) -> tuple[int, str]:
    response = client.post("/auth/login", data={"username": username, "password": password}, **kwargs)
    return response.status_code, response.get_data(as_text=True)


def _message(page: str) -> str:
    for message in ("Too many failed sign-ins", "Unknown username or wrong password."):
        if message in page:
            return message
    return "signed in"


def test_known_and_unknown_names_get_the_same_answers(client: FlaskClient, make_user: Callable[..., User]) -> None:
    make_user("ann")
    answers = {}
    for name in ("ann", "nobody"):
        answers[name] = [
            (status, _message(page)) for status, page in (_sign_in(client, name, "wrong-one") for _ in range(4))
        ]
    assert answers["ann"] == answers["nobody"]
    assert answers["ann"][0] == (401, "Unknown username or wrong password.")
    assert answers["ann"][-1] == (401, "Too many failed sign-ins")


def test_every_attempt_checks_exactly_one_password_hash(
    client: FlaskClient, make_user: Callable[..., User], monkeypatch: pytest.MonkeyPatch
) -> None:
    make_user("ann")
    checks: list[str] = []
    real_check = sign_in.check_password_hash

    def counting_check(pwhash: str, password: str) -> bool:
        checks.append(password)
        return real_check(pwhash, password)

    monkeypatch.setattr(sign_in, "check_password_hash", counting_check)
    for name in ("ann", "nobody"):
        for _ in range(4):  # three failures, then a throttled attempt
            before = len(checks)
            _sign_in(client, name, "wrong-one")
            assert len(checks) == before + 1, name


def test_an_attacker_elsewhere_cannot_lock_the_owner_out(client: FlaskClient, make_user: Callable[..., User]) -> None:
    make_user("admin", role=Role.ADMIN)
    for _ in range(6):
        _sign_in(client, "admin", "guess", environ_base=ATTACKER)
    assert _message(_sign_in(client, "admin", PASSWORD, environ_base=ATTACKER)[1]) == "Too many failed sign-ins"
    status, _page = _sign_in(client, "admin", PASSWORD, environ_base=OWNER)
    assert status == 302


def test_a_successful_sign_in_clears_the_failures(client: FlaskClient, make_user: Callable[..., User]) -> None:
    make_user("ann")
    for _ in range(2):
        _sign_in(client, "ann", "wrong-one")
    assert _sign_in(client, "ann", PASSWORD)[0] == 302
    client.post("/auth/logout")
    for _ in range(2):
        assert _message(_sign_in(client, "ann", "wrong-one")[1]) == "Unknown username or wrong password."


def test_forwarded_for_is_ignored_without_trusted_proxies(client: FlaskClient, make_user: Callable[..., User]) -> None:
    make_user("ann")
    for _ in range(3):
        _sign_in(client, "ann", "wrong-one", headers={"X-Forwarded-For": "203.0.113.1"})
    page = _sign_in(client, "ann", PASSWORD, headers={"X-Forwarded-For": "203.0.113.2"})[1]
    assert _message(page) == "Too many failed sign-ins"


def test_behind_a_trusted_proxy_the_forwarded_address_is_throttled(
    proxied_app: Flask, make_user: Callable[..., User]
) -> None:
    make_user("admin", role=Role.ADMIN)
    client = proxied_app.test_client()
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for _ in range(4):
        _sign_in(client, "admin", "guess", environ_base=proxy, headers={"X-Forwarded-For": "198.51.100.66"})
    page = _sign_in(client, "admin", PASSWORD, environ_base=proxy, headers={"X-Forwarded-For": "198.51.100.66"})[1]
    assert _message(page) == "Too many failed sign-ins"
    status, _page = _sign_in(client, "admin", PASSWORD, environ_base=proxy, headers={"X-Forwarded-For": "192.0.2.10"})
    assert status == 302
