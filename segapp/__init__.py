"""segapp: contacts, segments, interactions and Word letters for a small sales team."""

import os
from importlib import import_module
from typing import Any

from flask import Flask, has_request_context, request
from flask_login import current_user
from werkzeug.exceptions import BadRequest
from werkzeug.middleware.proxy_fix import ProxyFix

from segapp.config import UI_LANGUAGES, Config, load_or_create_secret_key, normalise_database_url
from segapp.database import register_engine_events
from segapp.extensions import babel, csrf, db, login_manager, migrate
from segapp.headers import add_security_headers
from segapp.htmx import add_vary_header, wants_fragment

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# One blueprint per area; each package exposes ``bp``.
BLUEPRINT_PACKAGES = [
    "segapp.main",
    "segapp.auth",
    "segapp.contacts",
    "segapp.segments",
    "segapp.criteria",
    "segapp.registering",
    "segapp.setup",
    "segapp.documents",
    "segapp.users",
    "segapp.jobs",
    "segapp.unsubscribe",
]


def create_app(config: type | dict[str, Any] | None = None) -> Flask:
    """Build the application: configuration, extensions, blueprints, errors and CLI."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=os.path.join(ROOT, "templates"),
        static_folder=os.path.join(ROOT, "static"),
    )
    app.config.from_object(Config)
    if isinstance(config, dict):
        app.config.update(config)
    elif config is not None:
        app.config.from_object(config)
    _configure_database_and_secret(app)
    _trust_proxies(app)

    register_engine_events()
    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(ROOT, "migrations"), render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    _configure_login()

    from segapp.auth.policy import init_policy
    from segapp.request_values import register_converters

    app.before_request(refuse_nul_characters)
    init_policy(app)
    register_converters(app)
    for package in BLUEPRINT_PACKAGES:
        app.register_blueprint(import_module(package).bp)

    from segapp.errors import register_error_handlers
    from segapp.templating import register_template_helpers

    register_error_handlers(app)
    register_template_helpers(app)
    app.after_request(add_vary_header)
    app.after_request(add_security_headers)

    from segapp.cli import register_cli
    from segapp.jobs.queue import configure_queue

    register_cli(app)
    configure_queue(app)
    return app


def _configure_database_and_secret(app: Flask) -> None:
    os.makedirs(app.instance_path, exist_ok=True)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        url = os.environ.get("DATABASE_URL") or "sqlite:///" + os.path.join(app.instance_path, "segapp.db")
        app.config["SQLALCHEMY_DATABASE_URI"] = url
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = load_or_create_secret_key(app.instance_path)


def _trust_proxies(app: Flask) -> None:
    """Behind N trusted proxies, take the client's address and scheme from their X-Forwarded-* headers.

    With 0 (the default) those headers are ignored: anyone could send them.
    """
    trusted = int(app.config.get("TRUSTED_PROXIES") or 0)
    if trusted > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=trusted, x_proto=trusted)  # type: ignore[method-assign]


def select_locale() -> str | None:
    """The user's chosen language, else the browser's best match."""
    languages = tuple(UI_LANGUAGES)
    if not has_request_context():
        return os.environ.get("SEGAPP_CLI_LANGUAGE", "en")
    if current_user and current_user.is_authenticated and current_user.language in languages:
        return current_user.language
    return request.accept_languages.best_match(languages) or "en"


def _configure_login() -> None:
    from flask_babel import lazy_gettext as _l

    from segapp.auth.sessions import load_user

    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to open this page.")
    login_manager.login_message_category = "info"
    # Flask-Login's own protection only marks a permanent session "not fresh" when the client
    # changes, and reads the address from a raw X-Forwarded-For; segapp.auth.sessions binds each
    # stored session to its client (address after ProxyFix, browser) and ends it instead.
    login_manager.session_protection = None

    login_manager.user_loader(load_user)

    @login_manager.unauthorized_handler
    def unauthorized() -> Any:
        from flask import flash, redirect, url_for

        if wants_fragment():
            response = app_response_for_htmx_login()
            return response
        flash(login_manager.login_message, "info")
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def app_response_for_htmx_login() -> Any:
    """htmx cannot follow a redirect into a fragment: ask it to load the sign-in page."""
    from flask import make_response, url_for

    response = make_response("", 401)
    response.headers["HX-Redirect"] = url_for("auth.login")
    return response


def refuse_nul_characters() -> None:
    """NUL cannot be stored by PostgreSQL and never belongs in input: refuse it early."""
    for values in (request.args, request.form):
        for key, value in values.items(multi=True):
            if "\x00" in key or "\x00" in value:
                raise BadRequest(description="nul")
    if any(isinstance(value, str) and "\x00" in value for value in (request.view_args or {}).values()):
        raise BadRequest(description="nul")
