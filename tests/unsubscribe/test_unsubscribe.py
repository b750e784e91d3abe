"""The public unsubscribe link (spec 5, RFC 8058): no sign-in, a GET only asks, a POST records the opt-out."""

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from segapp.auth.policy import CSRF_EXEMPT_ENDPOINTS
from segapp.models import CompanyInformation, Contact, Role, User
from segapp.services.delivery.consent import unsubscribe_token, unsubscribe_url


@pytest.fixture
def csrf_on(app: Flask) -> Iterator[Flask]:
    """CSRF checked as in production: the one-click POST must get through without a token."""
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        yield app
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


@pytest.fixture
def ann(db: Any, make_contact: Callable[..., Contact], make_user: Callable[..., User]) -> Contact:
    """A contact with an e-mail address; a user exists, so that anonymous pages would be sent to sign in."""
    make_user("admin", role=Role.ADMIN)
    db.session.merge(CompanyInformation(id=1, name="Cronus Italia"))
    return make_contact("Ann Lee", email="ann@example.com")


def _opted_out(db: Any, no: str) -> tuple[bool, bool]:
    db.session.rollback()  # a fresh read: SQLite keeps the test's read transaction on its snapshot
    contact = db.session.get(Contact, no)
    return contact.email_opt_out, contact.email_opt_out_at is not None


def _path(no: str) -> str:
    return "/unsubscribe/" + unsubscribe_token(no)


def test_the_link_opens_without_sign_in_and_only_asks(client: FlaskClient, db: Any, ann: Contact) -> None:
    response = client.get(_path(ann.no))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'data-state="ask"' in html and "Do you want to stop receiving e-mail from Cronus Italia?" in html
    assert f'action="{_path(ann.no)}"' in html
    # A mail scanner that follows the link unsubscribes nobody, and the public page sets no cookie.
    assert _opted_out(db, ann.no) == (False, False)
    assert "Set-Cookie" not in response.headers


def test_the_link_in_a_message_is_absolute_from_public_url(app: Flask, ann: Contact) -> None:
    app.config["PUBLIC_URL"] = "https://crm.example.com/"
    try:
        assert unsubscribe_url(ann.no) == "https://crm.example.com" + _path(ann.no)
    finally:
        app.config.pop("PUBLIC_URL")


def test_the_confirm_button_records_the_opt_out(client: FlaskClient, db: Any, csrf_on: Flask, ann: Contact) -> None:
    response = client.post(_path(ann.no))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'data-state="done"' in html and "You will get no more e-mail from us." in html
    assert _opted_out(db, ann.no) == (True, True)
    # Opened again: it says so instead of asking.
    assert 'data-state="done"' in client.get(_path(ann.no)).get_data(as_text=True)


def test_the_one_click_post_needs_no_cookie_nor_csrf_token(app: Flask, db: Any, csrf_on: Flask, ann: Contact) -> None:
    bare = app.test_client(use_cookies=False)
    response = bare.post(
        _path(ann.no),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    assert response.get_data(as_text=True) == "Unsubscribed: you will get no more e-mail from us.\n"
    assert _opted_out(db, ann.no) == (True, True)
    assert CSRF_EXEMPT_ENDPOINTS == {"unsubscribe.unsubscribe"}


def test_the_one_click_post_also_comes_as_multipart(app: Flask, db: Any, csrf_on: Flask, ann: Contact) -> None:
    bare = app.test_client(use_cookies=False)
    response = bare.post(_path(ann.no), data={"List-Unsubscribe": "One-Click"}, content_type="multipart/form-data")
    assert response.status_code == 200
    assert _opted_out(db, ann.no) == (True, True)


def test_unsubscribing_twice_keeps_the_first_time(client: FlaskClient, db: Any, ann: Contact) -> None:
    path = _path(ann.no)
    client.post(path)
    db.session.rollback()
    first = db.session.get(Contact, ann.no).email_opt_out_at
    assert first is not None
    response = client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    db.session.rollback()
    assert db.session.get(Contact, ann.no).email_opt_out_at == first


@pytest.mark.parametrize(
    "token",
    [
        "nonsense",
        "x" * 300,
        "%00",
        "IkNUMDAwMDAxIg",
    ],
)
def test_a_bad_token_is_a_404_page_with_a_message(client: FlaskClient, db: Any, ann: Contact, token: str) -> None:
    for response in (client.get(f"/unsubscribe/{token}"), client.post(f"/unsubscribe/{token}")):
        assert response.status_code in (400, 404), token
        assert response.status_code < 500
    response = client.get(f"/unsubscribe/{token}")
    if response.status_code == 404:
        assert "This unsubscribe link is not valid." in response.get_data(as_text=True)
    assert _opted_out(db, ann.no) == (False, False)


def test_a_tampered_token_unsubscribes_nobody(app: Flask, client: FlaskClient, db: Any, ann: Contact) -> None:
    other = db.session.get(Contact, ann.no)
    token = unsubscribe_token(other.no)
    payload, signature = token.rsplit(".", 1)
    forged = unsubscribe_token("C99999").rsplit(".", 1)[0] + "." + signature
    for bad in (payload + ".AAAA", forged, token[:-2]):
        page = client.get(f"/unsubscribe/{bad}")
        assert page.status_code == 404
        assert "This unsubscribe link is not valid." in page.get_data(as_text=True)
        one_click = client.post(f"/unsubscribe/{bad}", data={"List-Unsubscribe": "One-Click"})
        assert (one_click.status_code, one_click.mimetype) == (404, "text/plain")
    assert _opted_out(db, ann.no) == (False, False)


def test_a_token_signed_with_another_key_is_refused(app: Flask, client: FlaskClient, db: Any, ann: Contact) -> None:
    from itsdangerous import URLSafeSerializer

    foreign = URLSafeSerializer("another-secret", salt="segapp-unsubscribe").dumps(ann.no)
    assert client.post(f"/unsubscribe/{foreign}").status_code == 404
    assert _opted_out(db, ann.no) == (False, False)


def test_the_link_of_a_deleted_contact_is_a_404(client: FlaskClient, db: Any, ann: Contact) -> None:
    path = _path(ann.no)
    db.session.delete(db.session.get(Contact, ann.no))
    db.session.commit()
    assert client.get(path).status_code == 404
    assert client.post(path).status_code == 404
    assert client.post(path, data={"List-Unsubscribe": "One-Click"}).status_code == 404


def test_the_page_speaks_the_browsers_language(client: FlaskClient, ann: Contact) -> None:
    asked = client.get(_path(ann.no), headers={"Accept-Language": "it-IT,it;q=0.9,en;q=0.5"})
    html = asked.get_data(as_text=True)
    assert '<html lang="it">' in html
    assert "Annulla iscrizione" in html
    done = client.post(_path(ann.no), headers={"Accept-Language": "it"}).get_data(as_text=True)
    assert "Non riceverai più e-mail da noi." in done
    bad = client.get("/unsubscribe/nonsense", headers={"Accept-Language": "it"}).get_data(as_text=True)
    assert "Questo link per annullare l'iscrizione non è valido." in bad


def test_other_methods_change_nothing(client: FlaskClient, db: Any, ann: Contact) -> None:
    path = _path(ann.no)
    for method in ("PUT", "DELETE", "PATCH"):
        # No route answers them: like any unknown address, the app sends the visitor to sign in.
        assert client.open(path, method=method).status_code == 302
    assert _opted_out(db, ann.no) == (False, False)
