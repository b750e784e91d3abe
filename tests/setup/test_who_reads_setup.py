"""Which setup pages viewers and users read: everything but the mail server settings."""

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

from segapp.models import MarketingSetup, Role, Salesperson, User

MAIL_SERVER_VALUES = ("smtp.example.com", "mailer-account", "news@example.com", "SMTP_PASSWORD")


@pytest.fixture
def mail_server(db) -> None:
    setup = db.session.get(MarketingSetup, 1)
    setup.smtp_host, setup.smtp_user, setup.sender_email = MAIL_SERVER_VALUES[:3]
    db.session.add(Salesperson(code="MR", name="Mario Rossi"))
    db.session.commit()


@pytest.mark.parametrize("role", [Role.VIEWER, Role.USER])
def test_non_administrators_read_setup_but_not_the_mail_server(
    client: FlaskClient, login: Callable[..., User], mail_server: None, role: Role
) -> None:
    login("vera", role=role)
    for url, expected in (
        ("/setup/", "Setup"),
        ("/setup/salespeople/", "Mario Rossi"),
        ("/setup/salespeople/MR/edit", "Mario Rossi"),
        ("/setup/company-information", "Company information"),
        ("/setup/number-series/", "SEGMENT"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert expected in response.get_data(as_text=True), url
    response = client.get("/setup/marketing")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Numbers and defaults" in page
    assert "SMTP" not in page
    for value in MAIL_SERVER_VALUES:
        assert value not in page
    assert client.get("/users/").status_code == 403


def test_administrators_see_the_mail_server(
    app, client: FlaskClient, login: Callable[..., User], mail_server: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "SMTP_PASSWORD", "s3cret-pw")
    login("admin", role=Role.ADMIN)
    page = client.get("/setup/marketing").get_data(as_text=True)
    for value in MAIL_SERVER_VALUES:
        assert value in page
    assert "s3cret-pw" not in page
