"""Who may do what: one check before every request, so every route is covered."""

from flask import Flask, redirect, request, url_for
from flask_login import current_user
from werkzeug.exceptions import Forbidden
from werkzeug.wrappers import Response

from segapp.database import SAFE_METHODS
from segapp.extensions import db, login_manager
from segapp.services.users import any_user_exists

# Endpoints that anyone may reach without signing in: the unsubscribe link of an e-mail is opened by its recipient.
PUBLIC_ENDPOINTS = frozenset(
    {
        "static",
        "auth.login",
        "auth.first_admin",
        "main.health",
        "unsubscribe.unsubscribe_page",
        "unsubscribe.unsubscribe",
    }
)
# Changes that carry no CSRF token: the unsubscribe POST, whose authority is the signed token in its URL
# (segapp/unsubscribe/views.py says why).
CSRF_EXEMPT_ENDPOINTS = frozenset({"unsubscribe.unsubscribe"})
# Endpoints where any signed-in user (viewers too) may change their own things.
# Starting a large export as a background job is a POST, but only reads: viewers may export too.
SELF_SERVICE_ENDPOINTS = frozenset(
    {
        "auth.logout",
        "auth.profile",
        "auth.change_password_view",
        "segments.remember_section",
        "segments.export_line_contacts_csv",
        "segments.export_line_contacts_xlsx",
        "registering.export_entries_csv",
        "registering.export_entries_xlsx",
    }
)
# Blueprints whose changes are for administrators only.
ADMIN_BLUEPRINTS = frozenset({"setup", "users", "documents"})


def enforce_access() -> Response | None:
    """Send anonymous users to sign-in, refuse viewers' changes and non-admins' setup changes."""
    endpoint = request.endpoint
    if endpoint in PUBLIC_ENDPOINTS:
        return None
    if not current_user.is_authenticated:
        if not any_user_exists(db.session):
            return redirect(url_for("auth.first_admin"))
        return login_manager.unauthorized()
    if endpoint is None or endpoint in SELF_SERVICE_ENDPOINTS:
        return None
    blueprint = request.blueprint or ""
    if blueprint == "users" and not current_user.is_admin:
        raise Forbidden()
    if request.method in SAFE_METHODS:
        return None
    if not current_user.can_edit:
        raise Forbidden()
    if blueprint in ADMIN_BLUEPRINTS and not current_user.is_admin:
        raise Forbidden()
    return None


def init_policy(app: Flask) -> None:
    """Register the access check (after CSRFProtect's, so a missing token is refused first)."""
    app.before_request(enforce_access)
