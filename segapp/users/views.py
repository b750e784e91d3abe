"""Views of user management (the access policy keeps them for administrators)."""

from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_, select
from werkzeug.wrappers import Response

from segapp.auth.sessions import current_token
from segapp.captions import enum_choices
from segapp.extensions import db
from segapp.forms import submit_form
from segapp.htmx import wants_fragment
from segapp.models import Role, Salesperson, User
from segapp.request_values import page_arg
from segapp.services.users import add_user, update_user
from segapp.setup.forms import ref_choices
from segapp.users.blueprint import bp
from segapp.users.forms import EditUserForm, NewUserForm


def _with_choices(form: Any) -> Any:
    form.role.choices = enum_choices(Role)
    form.salesperson_code.choices = ref_choices(db.session, Salesperson)
    return form


@bp.get("/")
def list_users() -> str:
    """Users with their role, salesperson and whether they are active."""
    query = request.args.get("q", "").strip()
    statement = select(User).order_by(User.username)
    if query:
        statement = statement.where(
            or_(
                User.username.icontains(query, autoescape=True),
                User.full_name.icontains(query, autoescape=True),
                User.email.icontains(query, autoescape=True),
            )
        )
    page = db.paginate(statement, page=page_arg(), per_page=current_app.config["PAGE_SIZE"], error_out=False)
    template = "users/_rows.html" if wants_fragment() else "users/list.html"
    return render_template(template, page=page, query=query)


@bp.route("/new", methods=["GET", "POST"])
def new_user() -> Any:
    """Create a user with a first password."""
    form = _with_choices(NewUserForm())
    if request.method == "GET":
        form.role.data = Role.USER.value
    saved = submit_form(
        form,
        lambda: add_user(
            db.session,
            form.username.data,
            form.password.data,
            Role(form.role.data),
            full_name=form.full_name.data,
            email=form.email.data,
            salesperson_code=form.salesperson_code.data,
            language=form.language.data,
        ),
    )
    if saved:
        flash(_("User %(name)s is created.", name=saved.value.username), "success")
        return redirect(url_for("users.list_users"))
    status = 422 if request.method == "POST" else 200
    return render_template("users/edit.html", form=form, user=None), status


@bp.route("/<int:user_id>/edit", methods=["GET", "POST"])
def edit_user(user_id: int) -> Any:
    """Change a user's role, salesperson, activity or password."""
    user = db.get_or_404(User, user_id)
    form = _with_choices(EditUserForm(obj=user))
    if request.method == "GET":
        form.role.data = user.role.value
        form.salesperson_code.data = user.salesperson_code or ""
    saved = submit_form(
        form,
        lambda: update_user(
            db.session,
            user,
            full_name=form.full_name.data,
            email=form.email.data,
            role=Role(form.role.data),
            salesperson_code=form.salesperson_code.data,
            language=form.language.data,
            active=form.active.data,
            new_password=form.new_password.data or "",
            keep_token=current_token() if user.id == current_user.id else None,
        ),
    )
    if saved:
        flash(_("User %(name)s is saved.", name=user.username), "success")
        return _after_save()
    status = 422 if request.method == "POST" else 200
    return render_template("users/edit.html", form=form, user=user), status


def _after_save() -> Response:
    # An admin who made themselves a non-admin can no longer see this list.
    if current_user.is_admin:
        return redirect(url_for("users.list_users"))
    return redirect(url_for("main.index"))
