"""Views of the company and person cards: relations, profile answers, history, delete, anonymise."""

from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select
from werkzeug.wrappers import Response

from segapp.contacts.blueprint import bp
from segapp.contacts.forms import ConfirmForm
from segapp.extensions import db
from segapp.htmx import wants_fragment
from segapp.models import (
    BusinessRelation,
    Contact,
    ContactType,
    IndustryGroup,
    InteractionLogEntry,
    JobResponsibility,
    MailingGroup,
    SegmentHeader,
    SegmentLine,
)
from segapp.services.contacts.records import (
    RELATIONS,
    add_relation,
    anonymise_contact,
    answers_by_question,
    delete_contact,
    profile_answer_ids,
    questionnaires_for,
    relation_codes,
    remove_relation,
    set_privacy_blocked,
    set_profile_answer,
)
from segapp.services.errors import ServiceError

ENTRIES_PER_PAGE = 20
PERSONS_LIMIT = 200
REFERENCE_TABLES: dict[str, Any] = {
    "mailing_group": MailingGroup,
    "industry_group": IndustryGroup,
    "business_relation": BusinessRelation,
    "job_responsibility": JobResponsibility,
}


def _relation_kinds(contact: Contact) -> list[str]:
    index = 3 if contact.type == ContactType.COMPANY else 4
    return [kind for kind, spec in RELATIONS.items() if spec[index]]


def _relation_context(contact: Contact, kind: str, error: str = "") -> dict[str, Any]:
    table = REFERENCE_TABLES[kind]
    linked = relation_codes(db.session, contact, kind)
    taken = {code for code, _description in linked}
    options = [
        (code, description)
        for code, description in db.session.execute(select(table.code, table.description).order_by(table.code))
        if code not in taken
    ]
    return dict(contact=contact, kind=kind, linked=linked, options=options, error=error)


def _entries_page(contact: Contact, page: int) -> Any:
    return db.paginate(
        select(InteractionLogEntry)
        .where(InteractionLogEntry.contact_no == contact.no)
        .order_by(InteractionLogEntry.date.desc(), InteractionLogEntry.entry_no.desc()),
        page=page,
        per_page=ENTRIES_PER_PAGE,
        error_out=False,
    )


def _profile_context(contact: Contact) -> dict[str, Any]:
    questionnaires = questionnaires_for(db.session, contact)
    question_ids = [q.id for questionnaire in questionnaires for q in questionnaire.questions]
    return dict(
        contact=contact,
        questionnaires=questionnaires,
        answers=answers_by_question(db.session, question_ids),
        chosen=profile_answer_ids(db.session, contact),
    )


def _page_arg(name: str) -> int:
    value = request.args.get(name, "1")
    return int(value) if value.isdigit() and 0 < int(value) < 1_000_000 else 1


@bp.route("/<no>")
def show_contact(no: str) -> str:
    """The card of a company or a person with its relations, persons, history and segments."""
    contact = db.get_or_404(Contact, no)
    persons, persons_total = [], 0
    if contact.type == ContactType.COMPANY:
        persons = list(
            db.session.scalars(
                select(Contact)
                .where(Contact.company_no == contact.no, Contact.type == ContactType.PERSON)
                .order_by(Contact.name, Contact.no)
                .limit(PERSONS_LIMIT)
            )
        )
        persons_total = db.session.scalar(
            select(func.count())
            .select_from(Contact)
            .where(Contact.company_no == contact.no, Contact.type == ContactType.PERSON)
        )
    segments = db.session.execute(
        select(SegmentHeader.no, SegmentHeader.description, func.count(SegmentLine.line_no))
        .join(SegmentLine, SegmentLine.segment_no == SegmentHeader.no)
        .where(SegmentLine.contact_no == contact.no)
        .group_by(SegmentHeader.no, SegmentHeader.description)
        .order_by(SegmentHeader.no)
    ).all()
    company = (
        db.session.get(Contact, contact.company_no)
        if contact.type == ContactType.PERSON and contact.company_no
        else None
    )
    return render_template(
        "contacts/card.html",
        contact=contact,
        company=company,
        persons=persons,
        persons_total=persons_total,
        segments=segments,
        entries=_entries_page(contact, _page_arg("entries_page")),
        relations=[_relation_context(contact, kind) for kind in _relation_kinds(contact)],
        profile=_profile_context(contact),
        confirm_form=ConfirmForm(),
        segment_links="segments.show_segment" in current_app.view_functions,
    )


@bp.route("/<no>/entries")
def contact_entries(no: str) -> Any:
    """One page of the contact's interaction log entries (a fragment for htmx)."""
    contact = db.get_or_404(Contact, no)
    page = _page_arg("entries_page")
    if not wants_fragment():
        return redirect(url_for("contacts.show_contact", no=no, entries_page=page))
    return render_template("contacts/_entries.html", contact=contact, entries=_entries_page(contact, page))


def _relation_response(contact: Contact, kind: str, error: str = "") -> Any:
    if not wants_fragment():
        if error:
            flash(error, "error")
        return redirect(url_for("contacts.show_contact", no=contact.no) + f"#rel-{kind}")
    return render_template("contacts/_relation.html", **_relation_context(contact, kind, error)), 422 if error else 200


@bp.route("/<no>/relations/<kind>", methods=["POST"])
def add_contact_relation(no: str, kind: str) -> Any:
    """Link the contact to a mailing group, industry group, business relation or job responsibility."""
    contact = db.get_or_404(Contact, no)
    if kind not in REFERENCE_TABLES:
        abort(404)
    try:
        add_relation(db.session, contact, kind, request.form.get("code", ""))
    except ServiceError as error:
        db.session.rollback()
        return _relation_response(db.get_or_404(Contact, no), kind, error.message)
    db.session.commit()
    return _relation_response(contact, kind)


@bp.route("/<no>/relations/<kind>/<code>", methods=["POST", "DELETE"])
def remove_contact_relation(no: str, kind: str, code: str) -> Any:
    """Unlink the contact from a group or relation."""
    contact = db.get_or_404(Contact, no)
    if kind not in REFERENCE_TABLES:
        abort(404)
    try:
        remove_relation(db.session, contact, kind, code)
    except ServiceError as error:
        db.session.rollback()
        return _relation_response(db.get_or_404(Contact, no), kind, error.message)
    db.session.commit()
    return _relation_response(contact, kind)


@bp.route("/<no>/profile/<int:question_id>", methods=["POST"])
def set_contact_profile_answer(no: str, question_id: int) -> Any:
    """Give (or clear) the contact's answer to a profile question."""
    contact = db.get_or_404(Contact, no)
    raw = request.form.get("answer_id", "")
    error = ""
    try:
        set_profile_answer(db.session, contact, question_id, int(raw) if raw.isdigit() else None)
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


@bp.route("/<no>/delete", methods=["GET", "POST"])
def delete_contact_view(no: str) -> Any:
    """Ask, then delete the contact; refused while it is on a segment line or has persons or history."""
    contact = db.get_or_404(Contact, no)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            delete_contact(db.session, contact)
        except ServiceError as error:
            db.session.rollback()
            flash(error.message, "error")
            return redirect(url_for("contacts.show_contact", no=no))
        db.session.commit()
        flash(_("Contact %(no)s deleted.", no=no), "success")
        return redirect(url_for("contacts.list_contacts"))
    return render_template("contacts/confirm.html", contact=contact, form=form, action="delete")


@bp.route("/<no>/anonymise", methods=["GET", "POST"])
def anonymise_contact_view(no: str) -> Any:
    """Ask, then erase the contact's personal data; its interaction history stays."""
    contact = db.get_or_404(Contact, no)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            anonymise_contact(db.session, contact)
        except ServiceError as error:
            db.session.rollback()
            flash(error.message, "error")
            return redirect(url_for("contacts.show_contact", no=no))
        db.session.commit()
        flash(_("Contact %(no)s anonymised.", no=no), "success")
        return redirect(url_for("contacts.show_contact", no=no))
    return render_template("contacts/confirm.html", contact=contact, form=form, action="anonymise")
