"""User management: service rules and pages."""

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from segapp.models import Role, Salesperson, User
from segapp.services.errors import ServiceError
from segapp.services.users import add_user, save_profile, update_user

FIELDS = dict(full_name="", email="", salesperson_code=None, language="")


def test_last_active_admin_cannot_be_demoted_or_deactivated(db, make_user) -> None:
    admin = make_user("admin", role=Role.ADMIN)
    with pytest.raises(ServiceError, match="last active administrator") as error:
        update_user(db.session, admin, role=Role.USER, active=True, **FIELDS)
    assert error.value.field == "role"
    with pytest.raises(ServiceError, match="last active administrator") as error:
        update_user(db.session, admin, role=Role.ADMIN, active=False, **FIELDS)
    assert error.value.field == "active"
    other = make_user("boss", role=Role.ADMIN)
    update_user(db.session, admin, role=Role.VIEWER, active=True, **FIELDS)
    assert admin.role == Role.VIEWER
    with pytest.raises(ServiceError):
        update_user(db.session, other, role=Role.ADMIN, active=False, **FIELDS)


def test_save_profile_takes_an_interface_language_or_blank(db, make_user) -> None:
    ann = make_user("ann")
    save_profile(ann, "Ann Example", "it")
    assert (ann.full_name, ann.language) == ("Ann Example", "it")
    save_profile(ann, "Ann", "")
    assert ann.language == ""
    with pytest.raises(ServiceError) as error:
        save_profile(ann, "Ann", "xx")
    assert error.value.field == "language"


def test_add_user_checks_salesperson_and_password(db) -> None:
    with pytest.raises(ServiceError) as error:
        add_user(db.session, "ann", "long-enough-1", Role.USER, salesperson_code="NOPE")
    assert error.value.field == "salesperson_code"
    with pytest.raises(ServiceError) as error:
        add_user(db.session, "ann", "short", Role.USER)
    assert error.value.field == "password"
    db.session.add(Salesperson(code="MR"))
    user = add_user(db.session, "ann", "long-enough-1", Role.VIEWER, email="ann@example.com", salesperson_code="MR")
    assert (user.email, user.salesperson_code, user.role) == ("ann@example.com", "MR", Role.VIEWER)


def test_admin_creates_and_edits_users(admin: FlaskClient, db) -> None:
    response = admin.post(
        "/users/new",
        data={
            "username": "bob",
            "full_name": "Bob",
            "email": "",
            "role": "viewer",
            "salesperson_code": "",
            "language": "it",
            "password": "long-enough-1",
        },
    )
    assert response.status_code == 302
    response = admin.post(
        "/users/new",
        data={"username": "BOB", "role": "user", "salesperson_code": "", "language": "", "password": "long-enough-1"},
    )
    assert response.status_code == 422 and "taken" in response.get_data(as_text=True)
    bob = db.session.scalar(select(User).where(User.username == "bob"))
    assert bob.role == Role.VIEWER and bob.language == "it"
    response = admin.post(
        f"/users/{bob.id}/edit",
        data={
            "full_name": "Bob",
            "role": "user",
            "salesperson_code": "",
            "language": "",
            "active": "",
            "new_password": "",
        },
    )
    assert response.status_code == 302
    db.session.rollback()
    bob = db.session.get(User, bob.id)
    assert bob.role == Role.USER and not bob.active
    html = admin.get("/users/").get_data(as_text=True)
    assert "bob" in html and "admin" in html


def test_admin_cannot_demote_themselves_when_last(admin: FlaskClient, db) -> None:
    me = db.session.scalar(select(User).where(User.username == "admin"))
    response = admin.post(
        f"/users/{me.id}/edit",
        data={"role": "viewer", "salesperson_code": "", "language": "", "active": "y", "new_password": ""},
    )
    assert response.status_code == 422
    assert 'id="role-error"' in response.get_data(as_text=True)
    db.session.rollback()
    assert db.session.get(User, me.id).role == Role.ADMIN
    assert admin.get("/users/999/edit").status_code == 404
