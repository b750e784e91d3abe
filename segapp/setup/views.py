"""Views of the setup pages: the overview and one generic list/create/edit/delete for every reference table."""

from typing import Any

from flask import abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import or_, select
from werkzeug.wrappers import Response

from segapp.extensions import db
from segapp.forms import submit_form
from segapp.htmx import wants_fragment
from segapp.request_values import page_arg
from segapp.services.errors import ServiceError
from segapp.services.setup.reference import delete_reference, save_reference
from segapp.setup.blueprint import bp
from segapp.setup.details import DETAIL_CONTEXT
from segapp.setup.forms import form_values, reference_form
from segapp.setup.registry import REGISTRY, TABLES, RefTable


def table_or_404(kind: str) -> RefTable:
    """The registry entry for a URL slug."""
    table = REGISTRY.get(kind)
    if table is None:
        abort(404)
    return table


def row_or_404(table: RefTable, key: str) -> Any:
    """The row of a reference table with this key."""
    return db.get_or_404(table.model, key)


def render_edit(table: RefTable, row: Any, form: Any = None, status: int = 200, **detail_forms: Any) -> tuple[str, int]:
    """The edit page of a row, with its detail section (formulas, languages, questions) if any."""
    form = form or reference_form(table, db.session, row)
    context = DETAIL_CONTEXT[table.slug](row, **detail_forms) if table.slug in DETAIL_CONTEXT else {}
    return render_template("setup/edit.html", table=table, row=row, form=form, **context), status


def go_to(url: str) -> Response:
    """Redirect; an htmx request is told to load the page itself (so its messages show)."""
    if wants_fragment():
        response = make_response("", 204)
        response.headers["HX-Redirect"] = url
        return response
    return redirect(url)


@bp.get("/")
def index() -> str:
    """Overview linking to every setup list."""
    groups: dict[str, list[RefTable]] = {}
    for table in TABLES:
        groups.setdefault(str(table.group), []).append(table)
    return render_template("setup/index.html", groups=groups)


@bp.get("/<kind>/")
def list_rows(kind: str) -> str:
    """A paginated, searchable list of one reference table."""
    table = table_or_404(kind)
    query = request.args.get("q", "").strip()
    statement = select(table.model).order_by(getattr(table.model, table.key))
    if query:
        statement = statement.where(or_(*(c.icontains(query, autoescape=True) for c in table.search_columns)))
    page = db.paginate(statement, page=page_arg(), per_page=current_app.config["PAGE_SIZE"], error_out=False)
    template = "setup/_rows.html" if wants_fragment() else "setup/list.html"
    return render_template(template, table=table, page=page, query=query)


@bp.route("/<kind>/new", methods=["GET", "POST"])
def new_row(kind: str) -> Any:
    """Create a row of a reference table."""
    table = table_or_404(kind)
    form = reference_form(table, db.session)
    if saved := submit_form(form, lambda: save_reference(db.session, table.model, form_values(table, form))):
        key = getattr(saved.value, table.key)
        flash(_("%(thing)s %(key)s is created.", thing=table.thing, key=key), "success")
        return go_to(url_for("setup.edit_row", kind=kind, key=key))
    status = 422 if request.method == "POST" else 200
    if wants_fragment():
        return render_template("setup/_form.html", table=table, row=None, form=form), status
    return render_template("setup/edit.html", table=table, row=None, form=form), status


@bp.route("/<kind>/<key>/edit", methods=["GET", "POST"])
def edit_row(kind: str, key: str) -> Any:
    """Change a row of a reference table."""
    table = table_or_404(kind)
    row = row_or_404(table, key)
    form = reference_form(table, db.session, row)
    if submit_form(form, lambda: save_reference(db.session, table.model, form_values(table, form), row)):
        flash(_("%(thing)s %(key)s is saved.", thing=table.thing, key=key), "success")
        return go_to(url_for("setup.edit_row", kind=kind, key=key))
    status = 422 if request.method == "POST" else 200
    if wants_fragment():
        return render_template("setup/_form.html", table=table, row=row, form=form), status
    return render_edit(table, row, form, status)


@bp.post("/<kind>/<key>/delete")
def delete_row(kind: str, key: str) -> Response:
    """Delete a row of a reference table unless it is in use."""
    table = table_or_404(kind)
    row = row_or_404(table, key)
    try:
        delete_reference(db.session, row, str(table.thing))
    except ServiceError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("setup.edit_row", kind=kind, key=key))
    db.session.commit()
    flash(_("%(thing)s %(key)s is deleted.", thing=table.thing, key=key), "success")
    return redirect(url_for("setup.list_rows", kind=kind))
