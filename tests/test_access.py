"""Every route of the URL map: CSRF on changes, sign-in required, viewers read only."""

from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import Rule

from segapp.auth.policy import CSRF_EXEMPT_ENDPOINTS, PUBLIC_ENDPOINTS, SELF_SERVICE_ENDPOINTS
from segapp.models import Role, User
from tests.conftest import csrf_token_from

CHANGING_METHODS = ("POST", "PUT", "PATCH", "DELETE")
SAMPLE_VALUES = {"int": 1, "string": "X1", "path": "x", "default": "X1"}
# The areas whose pages change data: each test below must have tried at least one route of each
# (a loop over an emptied URL map would otherwise pass without checking anything); a new area
# that changes data is added here.
CHANGING_AREAS = {"auth", "contacts", "criteria", "documents", "jobs", "registering", "segments", "setup", "users"}


def _areas(endpoints: set[str]) -> set[str]:
    return {endpoint.split(".")[0] for endpoint in endpoints}


def _url(app: Flask, rule: Rule) -> str:
    values = {}
    for name in rule.arguments:
        converter = rule._converters[name].__class__.__name__.lower()
        values[name] = SAMPLE_VALUES["int"] if "integer" in converter else SAMPLE_VALUES["string"]
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **values)


def _rules(app: Flask) -> Iterator[Rule]:
    for rule in app.url_map.iter_rules():
        if rule.endpoint != "static":
            yield rule


def _changing(app: Flask) -> Iterator[tuple[Rule, str]]:
    for rule in _rules(app):
        for method in CHANGING_METHODS:
            if method in (rule.methods or ()):
                yield rule, method


@pytest.fixture
def csrf_app(app: Flask) -> Iterator[Flask]:
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        yield app
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_every_change_without_csrf_token_is_refused(
    csrf_app: Flask, client: FlaskClient, login: Callable[..., User]
) -> None:
    # Signed in (an anonymous request is sent to sign in first: see the next test).
    csrf_app.config["WTF_CSRF_ENABLED"] = False
    login("admin", role=Role.ADMIN)
    csrf_app.config["WTF_CSRF_ENABLED"] = True
    checked = set()
    for rule, method in _changing(csrf_app):
        if rule.endpoint in CSRF_EXEMPT_ENDPOINTS:
            continue  # tests/unsubscribe: its authority is the signed token in its URL
        response = client.open(_url(csrf_app, rule), method=method, data={"x": "1"})
        assert response.status_code == 400, (rule.rule, method, response.status_code)
        assert "expired" in response.get_data(as_text=True)
        checked.add(rule.endpoint)
    assert _areas(checked) == CHANGING_AREAS


def test_anonymous_requests_are_sent_to_sign_in(
    client: FlaskClient, app: Flask, make_user: Callable[..., User]
) -> None:
    make_user("admin", role=Role.ADMIN)
    for rule in _rules(app):
        if rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            response = client.open(_url(app, rule), method=method)
            assert response.status_code == 302, (rule.rule, method, response.status_code)
            assert "/auth/login" in response.headers["Location"], rule.rule


def test_anonymous_htmx_request_is_told_to_load_sign_in(client: FlaskClient, make_user: Callable[..., User]) -> None:
    make_user("admin", role=Role.ADMIN)
    response = client.get("/", headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"] == "/auth/login"


def test_viewer_cannot_change_anything(csrf_app: Flask, client: FlaskClient, login: Callable[..., User]) -> None:
    csrf_app.config["WTF_CSRF_ENABLED"] = False
    login("vera", role=Role.VIEWER)
    csrf_app.config["WTF_CSRF_ENABLED"] = True
    token = csrf_token_from(client.get("/").get_data(as_text=True))
    checked = set()
    for rule, method in _changing(csrf_app):
        if rule.endpoint in SELF_SERVICE_ENDPOINTS | PUBLIC_ENDPOINTS:
            continue
        response = client.open(_url(csrf_app, rule), method=method, data={"x": "1"}, headers={"X-CSRFToken": token})
        assert response.status_code == 403, (rule.rule, method, response.status_code)
        checked.add(rule.endpoint)
    # Signing in and one's own profile are the viewer's; every other area refuses.
    assert _areas(checked) == CHANGING_AREAS - {"auth"}


def test_no_get_route_gives_a_server_error_to_an_admin(
    client: FlaskClient, app: Flask, login: Callable[..., User]
) -> None:
    login("admin", role=Role.ADMIN)
    for rule in _rules(app):
        if "GET" not in (rule.methods or ()) or rule.endpoint == "auth.first_admin":
            continue
        response = client.get(_url(app, rule))
        assert response.status_code < 500, (rule.rule, response.status_code)
