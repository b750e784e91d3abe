"""The entries of a registered segment to take, as ticked on a form (follow-up segment, reuse segment)."""

from flask import abort, request
from flask_babel import gettext as _

from segapp.captions import enum_choices
from segapp.models import Evaluation
from segapp.services.registering.follow_up import EntryOutcome


def outcome_from_form() -> EntryOutcome:
    """The ticked evaluations, attempt failed and delivery error (none ticked: every entry); 400 for an
    evaluation that is not one (the form offers only real ones)."""
    evaluations = set()
    for value in request.form.getlist("evaluation"):
        try:
            evaluations.add(Evaluation(value))
        except ValueError:
            abort(400)
    return EntryOutcome(
        evaluations=frozenset(evaluations),
        attempt_failed=request.form.get("attempt_failed") == "1",
        delivery_error=request.form.get("delivery_error") == "1",
    )


def evaluation_choices() -> list[tuple[str, str]]:
    """The evaluations the form offers, the blank one reading "(none)"."""
    return enum_choices(Evaluation, _("(none)"))
