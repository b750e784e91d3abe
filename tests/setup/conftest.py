"""Fixtures of the setup tests."""

from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient

from segapp.models import Role, User


@pytest.fixture
def admin(client: FlaskClient, login: Callable[..., User]) -> FlaskClient:
    """The client, signed in as an administrator."""
    login("admin", role=Role.ADMIN)
    return client


@pytest.fixture
def page_text() -> Callable[[Any], str]:
    """The text of a response."""
    return lambda response: response.get_data(as_text=True)


@pytest.fixture
def reload(db: Any) -> Callable[..., Any]:
    """Read a row afresh from the database (None when it is gone): ``reload(Model, key)``."""

    def _reload(model: type, key: Any) -> Any:
        db.session.rollback()  # ends the test's transaction, so the client's commits are seen
        return db.session.get(model, key)

    return _reload
