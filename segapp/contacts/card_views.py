"""Views of the company and person cards: relations, profile answers, history, delete, anonymise."""

from collections.abc import Callable
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from segapp.contacts.blueprint import bp
from segapp.contacts.forms import ConfirmForm
from segapp.extensions import db
from segapp.htmx import wants_fragment
from segapp.models import Contact
from segapp.request_values import form_int, page_arg
from segapp.services.contacts.card import contact_card, entries_query
from segapp.services.contacts.profile import (
    answers_by_question,
    profile_answer_ids,
    questionnaires_for,
    set_profile_answer,
)
from segapp.services.contacts.records import anonymise_contact, delete_contact, set_privacy_blocked
from segapp.services.contacts.relations import (
    RELATIONS,
    add_relation,
    relation_codes,
    relation_kinds,
    relation_options,
    remove_relation,
)
from segapp.services.delivery.consent import set_email_opt_out
from segapp.services.errors import ServiceError

ENTRIES_PER_PAGE = 20


def _relation_context(contact: Contact, kind: str, error: str = "") -> dict[str, Any]:
    linked = relation_codes(db.session, contact, kind)
    options = relation_options(db.session, kind, linked)
    return dict(contact=contact, kind=kind, linked=linked, options=options, error=error)


def _entries_page(contact: Contact, page: int) -> Any:
    return db.paginate(entries_query(contact), page=page, per_page=ENTRIES_PER_PAGE, error_out=False)


def _profile_context(contact: Contact) -> dict[str, Any]:
    questionnaires = questionnaires_for(db.session, contact)
    question_ids = [q.id for questionnaire in questionnaires for q in questionnaire.questions]
    return dict(
        contact=contact,
        questionnaires=questionnaires,
        answers=answers_by_question(db.session, question_ids),
        chosen=profile_answer_ids(db.session, contact),
    )


@bp.route("/<no>")
def show_contact(no: str) -> str:
    """The card of a company or a person with its relations, persons, history and segments."""
    contact = db.get_or_404(Contact, no)
    card = contact_card(db.session, contact)
    return render_template(
        "contacts/card.html",
        contact=contact,
        card=card,
        entries=_entries_page(contact, page_arg("entries_page")),
        relations=[_relation_context(contact, kind) for kind in relation_kinds(contact)],
        profile=_profile_context(contact),
        confirm_form=ConfirmForm(),
        segment_links="segments.show_segment" in current_app.view_functions,
    )


@bp.route("/<no>/entries")
def contact_entries(no: str) -> Any:
    """One page of the contact's interaction log entries (a fragment for htmx)."""
    contact = db.get_or_404(Contact, no)
    page = page_arg("entries_page")
    if not wants_fragment():
        return redirect(url_for("contacts.show_contact", no=no, entries_page=page))
    return render_template("contacts/_entries.html", contact=contact, entries=_entries_page(contact, page))


def _relation_response(contact: Contact, kind: str, error: str = "") -> Any:
    if not wants_fragment():
        if error:
            flash(error, "error")
        return redirect(url_for("contacts.show_contact", no=contact.no) + f"#rel-{kind}")
    return render_template("contacts/_relation.html", **_relation_context(contact, kind, error)), 422 if error else 200


def _change_relation(no: str, kind: str, change: Callable[[Session, Contact], None]) -> Any:
    """Run a relation change and answer the relation's fragment (422 with the service's message)."""
    contact = db.get_or_404(Contact, no)
    if kind not in RELATIONS:
        abort(404)
    try:
        change(db.session, contact)
    except ServiceError as error:
        db.session.rollback()
        return _relation_response(contact, kind, error.message)
    db.session.commit()
    return _relation_response(contact, kind)


@bp.route("/<no>/relations/<kind>", methods=["POST"])
def add_contact_relation(no: str, kind: str) -> Any:
    """Link the contact to a mailing group, industry group, business relation or job responsibility."""
    code = request.form.get("code", "")
    return _change_relation(no, kind, lambda session, contact: add_relation(session, contact, kind, code))


@bp.route("/<no>/relations/<kind>/<code>", methods=["POST", "DELETE"])
def remove_contact_relation(no: str, kind: str, code: str) -> Any:
    """Unlink the contact from a group or relation."""
    return _change_relation(no, kind, lambda session, contact: remove_relation(session, contact, kind, code))


@bp.route("/<no>/profile/<int:question_id>", methods=["POST"])
def set_contact_profile_answer(no: str, question_id: int) -> Any:
    """Give (or clear) the contact's answer to a profile question."""
    contact = db.get_or_404(Contact, no)
    # Blank clears the answer; anything else that is not an id names no answer (0), which is refused.
    answer_id = (form_int("answer_id") or 0) if request.form.get("answer_id", "").strip() else None
    error = ""
    try:
        set_profile_answer(db.session, contact, question_id, answer_id)
    except ServiceError as service_error:
        db.session.rollback()
        contact, error = db.get_or_404(Contact, no), service_error.message
    else:
        db.session.commit()
    if not wants_fragment():
        if error:
            flash(error, "error")
        return redirect(url_for("contacts.show_contact", no=no) + "#profile")
    return render_template("contacts/_profile.html", **_profile_context(contact), error=error), 422 if error else 200


@bp.route("/<no>/privacy", methods=["POST"])
def set_contact_privacy(no: str) -> Response:
    """Set or clear the privacy blocked flag."""
    contact = db.get_or_404(Contact, no)
    blocked = request.form.get("blocked") == "1"
    set_privacy_blocked(db.session, contact, blocked)
    db.session.commit()
    flash(
        _("%(no)s is privacy blocked.", no=no) if blocked else _("%(no)s is no longer privacy blocked.", no=no),
        "success",
    )
    return redirect(url_for("contacts.show_contact", no=no))


@bp.route("/<no>/email-opt-out", methods=["POST"])
def set_contact_email_opt_out(no: str) -> Response:
    """Record that the contact wants no more e-mail (spec 5, consent), or wants it again."""
    db.get_or_404(Contact, no)
    opted_out = request.form.get("opted_out") == "1"
    set_email_opt_out(db.session, no, opted_out)
    db.session.commit()
    flash(
        _("%(no)s gets no more e-mail.", no=no) if opted_out else _("%(no)s may get e-mail again.", no=no),
        "success",
    )
    return redirect(url_for("contacts.show_contact", no=no))


def _confirmed(no: str, action: str, run: Callable[[Session, Contact], None], done: str, after: str) -> Any:
    """Ask first, then run the action and go to ``after``; a refusal goes back to the card with its message."""
    contact = db.get_or_404(Contact, no)
    form = ConfirmForm()
    if not form.validate_on_submit():
        return render_template("contacts/confirm.html", contact=contact, form=form, action=action)
    try:
        run(db.session, contact)
    except ServiceError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("contacts.show_contact", no=no))
    db.session.commit()
    flash(done, "success")
    return redirect(after)


@bp.route("/<no>/delete", methods=["GET", "POST"])
def delete_contact_view(no: str) -> Any:
    """Ask, then delete the contact; refused while it is on a segment line or has persons or history."""
    done = _("Contact %(no)s deleted.", no=no)
    return _confirmed(no, "delete", delete_contact, done, url_for("contacts.list_contacts"))


@bp.route("/<no>/anonymise", methods=["GET", "POST"])
def anonymise_contact_view(no: str) -> Any:
    """Ask, then erase the contact's personal data; its interaction history stays."""
    done = _("Contact %(no)s anonymised.", no=no)
    return _confirmed(no, "anonymise", anonymise_contact, done, url_for("contacts.show_contact", no=no))
