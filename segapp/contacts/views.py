"""Views of the contacts list and of creating, changing and deleting contacts."""

from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from segapp.contacts.blueprint import bp
from segapp.contacts.forms import ContactForm
from segapp.extensions import db
from segapp.forms import submit_form
from segapp.htmx import wants_fragment
from segapp.models import (
    Contact,
    ContactType,
    MailingGroup,
    Salesperson,
)
from segapp.request_values import page_arg
from segapp.services.contacts.listing import ContactFilter, fetch_page
from segapp.services.contacts.records import CODE_TABLES, create_contact, update_contact


@bp.route("/")
def list_contacts() -> str:
    """The contacts, searched, filtered, sorted and paged on the server."""
    flt = ContactFilter.from_args(request.args)
    page = fetch_page(db.session, flt, page_arg(), current_app.config["PAGE_SIZE"])
    context: dict[str, Any] = dict(flt=flt, page=page)
    if wants_fragment():
        return render_template("contacts/_table.html", **context)
    context.update(
        salespeople=db.session.execute(select(Salesperson.code, Salesperson.name).order_by(Salesperson.code)).all(),
        mailing_groups=db.session.execute(
            select(MailingGroup.code, MailingGroup.description).order_by(MailingGroup.code)
        ).all(),
    )
    return render_template("contacts/list.html", **context)


def _form_page(
    form: ContactForm, contact_type: ContactType, contact: Contact | None, status: int = 200
) -> tuple[str, int]:
    suggestions = {}
    for name, (model, label) in CODE_TABLES.items():
        form[name].render_kw = {"list": f"list-{name}", "autocomplete": "off"}
        suggestions[name] = db.session.execute(select(model.code, label).order_by(model.code).limit(500)).all()
    form.company_no.render_kw = {
        "hx-get": url_for("contacts.company_lookup"),
        "hx-trigger": "input changed delay:300ms",
        "hx-target": "#company-name",
        "autocomplete": "off",
    }
    return render_template(
        "contacts/form.html", form=form, contact_type=contact_type, contact=contact, suggestions=suggestions
    ), status


@bp.route("/company-lookup")
def company_lookup() -> str:
    """The name of the company whose no. is being typed on a person (a fragment for htmx)."""
    no = (request.args.get("company_no") or "").strip().upper()[:20]
    company = db.session.get(Contact, no) if no else None
    return render_template("contacts/_company_name.html", no=no, company=company)


@bp.route("/new", methods=["GET", "POST"])
def new_contact() -> Any:
    """Create a company or, with ``?type=person``, a person."""
    contact_type = ContactType.PERSON if request.args.get("type") == ContactType.PERSON.value else ContactType.COMPANY
    form = ContactForm()
    if request.method == "GET" and request.args.get("company"):
        form.company_no.data = request.args["company"].strip().upper()[:20]
    if saved := submit_form(form, lambda: create_contact(db.session, contact_type, form.values())):
        flash(_("Contact %(no)s created.", no=saved.value.no), "success")
        return redirect(url_for("contacts.show_contact", no=saved.value.no))
    return _form_page(form, contact_type, None, 422 if request.method == "POST" else 200)


@bp.route("/<no>/edit", methods=["GET", "POST"])
def edit_contact(no: str) -> Any:
    """Change a contact's fields."""
    contact = db.get_or_404(Contact, no)
    form = ContactForm(obj=contact)
    if request.method == "GET":
        form.correspondence_type.data = contact.correspondence_type.value
    if submit_form(form, lambda: update_contact(db.session, contact, form.values())):
        flash(_("Contact %(no)s saved.", no=no), "success")
        return redirect(url_for("contacts.show_contact", no=no))
    return _form_page(form, contact.type, contact, 422 if request.method == "POST" else 200)
