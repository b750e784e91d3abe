"""Fixtures: one app per database backend (SQLite always, PostgreSQL from TEST_DATABASE_URL)."""

import contextvars
import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import insert, select, text

from segapp import create_app
from segapp.config import TestConfig
from segapp.extensions import db as _db
from segapp.models import Base, CompanyInformation, Contact, MarketingSetup, NumberSeries, Role, User
from segapp.scratch_database import scratch_postgresql_database
from segapp.services.users import create_user

# Browser fixtures (one Chromium per session) for every area: chromium, new_browser_page, browser_page,
# live_server; the summary at the end of a run (which databases, whether the browser tests ran); and smtp_server,
# a real SMTP server on loopback that the app sends to (tests/smtp_server.py).
pytest_plugins = ["tests.browser_support", "tests.run_summary", "tests.smtp_server"]

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
SEED_TABLES = (NumberSeries, MarketingSetup, CompanyInformation)
PASSWORD = "correct-horse-1"


def postgresql_configured() -> bool:
    """True when TEST_DATABASE_URL names a PostgreSQL server."""
    return TEST_DATABASE_URL.startswith(("postgres://", "postgresql"))


def _backends() -> list[str]:
    backends = ["sqlite"]
    if postgresql_configured():
        backends.append("postgresql")
    elif os.environ.get("CI") == "true":
        raise RuntimeError("CI must set TEST_DATABASE_URL to a PostgreSQL URL")
    return backends


@pytest.fixture(scope="session", params=_backends())
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A new empty database for this test session on the given backend, dropped afterwards."""
    with scratch_database(request.param, tmp_path_factory) as url:
        yield url


@contextmanager
def scratch_database(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of a new empty database on ``backend`` (a temporary SQLite file, or a PostgreSQL database
    beside TEST_DATABASE_URL's), dropped afterwards."""
    if backend == "sqlite":
        yield "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.db")
        return
    with scratch_postgresql_database(TEST_DATABASE_URL, "segapp_test") as url:
        yield url


@pytest.fixture(scope="session")
def _session_app(database_url: str) -> Iterator[Flask]:
    """The app for one backend, its schema built by the committed migrations."""
    app = create_app(dict(_config_dict(TestConfig), SQLALCHEMY_DATABASE_URI=database_url))
    with app.app_context():
        upgrade()
        seeds = {model: [_row_dict(row) for row in _db.session.scalars(select(model))] for model in SEED_TABLES}
        _db.session.remove()
    app.extensions["segapp_test_seeds"] = seeds
    yield app
    with app.app_context():
        _db.engine.dispose()


def _config_dict(config: type) -> dict[str, Any]:
    return {key: getattr(config, key) for key in dir(config) if key.isupper()}


def _row_dict(row: Any) -> dict[str, Any]:
    return {column.key: getattr(row, column.key) for column in row.__table__.columns}


def _reset_database(app: Flask) -> None:
    """Empty every table, then put back the rows the migration seeded."""
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    engine = _db.engine
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
        else:
            connection.exec_driver_sql("PRAGMA defer_foreign_keys=ON")
            for table in tables:
                connection.execute(text(f'DELETE FROM "{table}"'))
        for model in SEED_TABLES:
            rows = app.extensions["segapp_test_seeds"][model]
            if rows:
                connection.execute(insert(model.__table__), rows)


@pytest.fixture
def app(_session_app: Flask) -> Iterator[Flask]:
    """The app with an application context; the database is emptied after the test."""
    with _session_app.app_context():
        try:
            yield _session_app
        finally:
            _db.session.remove()
            _reset_database(_session_app)


@pytest.fixture
def db(app: Flask) -> Any:
    """The Flask-SQLAlchemy object; use ``db.session``."""
    return _db


@pytest.fixture
def backend(app: Flask) -> str:
    """``sqlite`` or ``postgresql``."""
    return _db.engine.dialect.name


class IsolatedClient(FlaskClient):
    """Runs each request in an empty context, so it gets its own app context, ``g`` and
    database session instead of sharing the test's (as a real server would)."""

    def open(self, *args: Any, **kwargs: Any) -> Any:
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client whose requests do not share the test's app context."""
    app.test_client_class = IsolatedClient
    return app.test_client()


@pytest.fixture
def proxied_app(app: Flask, database_url: str) -> Iterator[Flask]:
    """The app as deployed behind one TLS proxy (TRUSTED_PROXIES=1), on the test's database."""
    proxied = create_app(dict(_config_dict(TestConfig), SQLALCHEMY_DATABASE_URI=database_url, TRUSTED_PROXIES=1))
    proxied.test_client_class = IsolatedClient
    yield proxied
    with proxied.app_context():
        _db.engine.dispose()


@pytest.fixture
def make_user(db: Any) -> Callable[..., User]:
    """Create a user: ``make_user("ann", role=Role.VIEWER)``."""

    def _make(username: str = "ann", role: Role = Role.USER, **fields: Any) -> User:
        user = create_user(db.session, username, PASSWORD, role=role, **fields)
        db.session.commit()
        return user

    return _make


@pytest.fixture
def login(client: FlaskClient, make_user: Callable[..., User]) -> Callable[..., User]:
    """Create a user and sign in as them through the real sign-in form."""

    def _login(username: str = "ann", role: Role = Role.USER, **fields: Any) -> User:
        user = make_user(username, role=role, **fields)
        response = client.post("/auth/login", data={"username": username, "password": PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)
        return user

    return _login


def csrf_token_from(html: str) -> str:
    """The CSRF token of a rendered page."""
    match = re.search(r'name="csrf-token" content="([^"]+)"', html)
    assert match, "page has no csrf-token meta tag"
    return match.group(1)


@pytest.fixture
def make_contact(db: Any) -> Callable[..., Contact]:
    """Create a contact: ``make_contact("Acme")`` a company, ``make_contact("Ann Lee", company=acme)`` a person."""
    from segapp.models import Contact, ContactType
    from segapp.services.setup.number_series import CONTACT_SERIES, next_number

    def _make(
        name: str = "Acme S.r.l.", company: Contact | None = None, type: ContactType | None = None, **fields: Any
    ) -> Contact:
        contact_type = type or (ContactType.PERSON if company is not None else ContactType.COMPANY)
        no = fields.pop("no", None) or next_number(db.session, CONTACT_SERIES)
        contact = Contact(no=no, type=contact_type, name=name, **fields)
        if contact_type == ContactType.COMPANY:
            contact.company_no, contact.company_name = no, name
        elif company is not None:
            contact.company_no, contact.company_name = company.no, company.name
        db.session.add(contact)
        db.session.commit()
        return contact

    return _make


@pytest.fixture
def make_reference(db: Any) -> Callable[..., Any]:
    """Create any reference row: ``make_reference(Salesperson, code="MR", name="Mario")``."""

    def _make(model: type, **fields: Any) -> Any:
        row = model(**fields)
        db.session.add(row)
        db.session.commit()
        return row

    return _make
