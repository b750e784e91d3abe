"""Views of the sign-in area."""

from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user
from werkzeug.wrappers import Response

from segapp.auth.blueprint import bp
from segapp.auth.forms import ChangePasswordForm, FirstAdminForm, LoginForm, ProfileForm
from segapp.auth.sessions import current_token, sign_in, sign_out
from segapp.extensions import db
from segapp.forms import show_service_error
from segapp.models import Role
from segapp.services.auth.sign_in import authenticate
from segapp.services.errors import ServiceError
from segapp.services.users import any_user_exists, change_password, create_user, save_profile


def _safe_next(target: str | None) -> str:
    """Only local paths are followed after sign-in."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("main.index")


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response:
    """Sign in with username and password."""
    if not any_user_exists(db.session):
        return redirect(url_for("auth.first_admin"))
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = authenticate(
                db.session,
                form.username.data,
                form.password.data,
                request.remote_addr or "",
                current_app.config["LOGIN_THROTTLE_AFTER"],
                current_app.config["LOGIN_THROTTLE_MAX_SECONDS"],
            )
        except ServiceError as error:
            db.session.commit()  # keeps the failure count
            form.password.errors.append(error.message)
            return render_template("auth/login.html", form=form), 401
        sign_in(user)
        return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.route("/first-admin", methods=["GET", "POST"])
def first_admin() -> str | Response:
    """Create the administrator; open only while no user exists."""
    if any_user_exists(db.session):
        return redirect(url_for("auth.login"))
    form = FirstAdminForm()
    if form.validate_on_submit():
        try:
            user = create_user(
                db.session,
                form.username.data,
                form.password.data,
                role=Role.ADMIN,
                full_name=form.full_name.data,
                language=form.language.data,
            )
        except ServiceError as error:
            db.session.rollback()
            show_service_error(form, error, fallback="username")
            return render_template("auth/first_admin.html", form=form), 422
        sign_in(user)
        flash(_("Welcome! You are the administrator of segapp."), "success")
        return redirect(url_for("main.index"))
    return render_template("auth/first_admin.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout() -> Response:
    """Sign out: this browser's stored session ends, the user's other sessions go on."""
    sign_out()
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile() -> str | Response:
    """The user's own name and language."""
    form = ProfileForm(obj=current_user)
    password_form = ChangePasswordForm(prefix="pw")
    if form.validate_on_submit():
        save_profile(current_user, form.full_name.data, form.language.data)
        db.session.commit()
        flash(_("Your profile is saved."), "success")
        return redirect(url_for("auth.profile"))
    return render_template("auth/profile.html", form=form, password_form=password_form)


@bp.route("/password", methods=["POST"])
@login_required
def change_password_view() -> str | Response:
    """Change the user's own password."""
    form = ProfileForm(obj=current_user, formdata=None)
    password_form = ChangePasswordForm(prefix="pw")
    if password_form.validate_on_submit():
        try:
            change_password(
                db.session,
                current_user,
                password_form.current_password.data,
                password_form.password.data,
                current_token(),
            )
        except ServiceError as error:
            db.session.rollback()
            show_service_error(password_form, error, fallback="password")
        else:
            db.session.commit()
            flash(_("Your password is changed."), "success")
            return redirect(url_for("auth.profile"))
    return render_template("auth/profile.html", form=form, password_form=password_form), 422
