"""Template globals: navigation, formatting helpers."""

from datetime import date
from decimal import Decimal

from flask import Flask, current_app, request, url_for
from flask_babel import format_date, format_decimal, get_locale
from flask_babel import lazy_gettext as _l

from segapp.captions import caption, enum_caption
from segapp.keymap import key_label
from segapp.numbers import show_number

# (endpoint, label); an entry is shown once its endpoint exists.
NAV_ITEMS = [
    ("main.index", _l("Home")),
    ("contacts.list_contacts", _l("Contacts")),
    ("segments.list_segments", _l("Segments")),
    ("registering.list_registered_segments", _l("Registered segments")),
    ("registering.list_entries", _l("Interaction log entries")),
    ("setup.index", _l("Setup")),
    ("users.list_users", _l("Users")),
]


def nav_items() -> list[tuple[str, str, bool]]:
    """Navigation entries whose endpoints exist, with whether each is the current area."""
    current_blueprint = request.blueprint if request else None
    views = current_app.view_functions
    shown = [(endpoint, label) for endpoint, label in NAV_ITEMS if endpoint in views]
    per_blueprint: dict[str, int] = {}
    for endpoint, _label in shown:
        per_blueprint[endpoint.split(".")[0]] = per_blueprint.get(endpoint.split(".")[0], 0) + 1
    current_view = views.get(request.endpoint or "") if request else None
    items = []
    for endpoint, label in shown:
        blueprint = endpoint.split(".")[0]
        in_area = blueprint == current_blueprint and endpoint != "main.index"
        if in_area and per_blueprint[blueprint] > 1:
            # A blueprint with several entries (registered segments, interaction log entries): the entry whose
            # views live in the same module as the current one.
            in_area = current_view is not None and views[endpoint].__module__ == current_view.__module__
        items.append((endpoint, str(label), in_area or request.endpoint == endpoint))
    return items


# The query arguments a page link keeps. Never the whole query string: a key ``endpoint`` or ``_method``
# breaks url_for, and one named like a path parameter replaces it. A list with other filters builds its
# own links (the pager macro's caller block).
PAGE_LINK_ARGS = ("q",)


def url_with_page(page: int) -> str:
    """The current URL (path and the search kept) with another page number."""
    kept = {name: request.args[name] for name in PAGE_LINK_ARGS if request.args.get(name)}
    return url_for(request.endpoint, **dict(request.view_args or {}, **kept, page=page))


def show_date(value: date | None) -> str:
    """A date in the user's locale, blank when not set."""
    return format_date(value, "short") if value else ""


def show_decimal(value: Decimal | float | int | None) -> str:
    """A number in the user's locale with two decimals."""
    if value is None:
        return ""
    return format_decimal(value, format="#,##0.00")


def register_template_helpers(app: Flask) -> None:
    """Make the helpers available in every template."""
    app.jinja_env.globals.update(
        nav_items=nav_items,
        get_locale=get_locale,
        url_with_page=url_with_page,
        enum_caption=enum_caption,
        key_label=key_label,
    )
    app.jinja_env.filters.update(
        show_date=show_date, show_decimal=show_decimal, show_number=show_number, caption=caption
    )
