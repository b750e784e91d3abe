"""The add / reduce / refine contacts dialogs: filters by table, options, live preview, apply."""

from pathlib import Path
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from segapp.criteria.blueprint import bp
from segapp.criteria.forms import (
    ACTION_OPTIONS,
    MAX_GROUPS,
    OPTION_HINTS,
    OPTION_LABELS,
    DialogInput,
    filter_input_name,
    read_dialog,
    shown_fields,
)
from segapp.database import reads_only
from segapp.extensions import db
from segapp.htmx import wants_fragment
from segapp.models import CriteriaActionType, SegmentHeader
from segapp.numbers import count_text
from segapp.query_cancel import (
    QueryStopped,
    new_token,
    prune,
    stop_queries,
    stoppable_query,
    valid_token,
)
from segapp.request_values import int_arg
from segapp.segments.context import load_segment, totals_context
from segapp.services.criteria.fields import CRITERIA_TABLES
from segapp.services.criteria.matching import CriteriaError, filled
from segapp.services.criteria.running import preview_action, refresh_line_statistics, run_action
from segapp.services.errors import ServiceError

ACTIONS: dict[str, CriteriaActionType] = {
    "add": CriteriaActionType.ADD,
    "reduce": CriteriaActionType.REDUCE,
    "refine": CriteriaActionType.REFINE,
}
TITLES: dict[CriteriaActionType, Any] = {
    CriteriaActionType.ADD: _l("Add contacts"),
    CriteriaActionType.REDUCE: _l("Reduce contacts"),
    CriteriaActionType.REFINE: _l("Refine contacts"),
}
ENDPOINTS = {
    CriteriaActionType.ADD: "criteria.add_contacts",
    CriteriaActionType.REDUCE: "criteria.reduce_contacts",
    CriteriaActionType.REFINE: "criteria.refine_contacts",
}
PREVIEW_SECONDS = 10.0  # a preview still counting after this gives up (the apply has no such limit)
TOKEN_FILES_KEPT_SECONDS = 86_400


@bp.route("/<segment_no>/criteria/add", methods=["GET", "POST"])
def add_contacts(segment_no: str) -> Any:
    """The Add contacts dialog (GET) or its apply (POST)."""
    return _dialog_or_apply(segment_no, CriteriaActionType.ADD)


@bp.route("/<segment_no>/criteria/reduce", methods=["GET", "POST"])
def reduce_contacts(segment_no: str) -> Any:
    """The Reduce contacts dialog (GET) or its apply (POST)."""
    return _dialog_or_apply(segment_no, CriteriaActionType.REDUCE)


@bp.route("/<segment_no>/criteria/refine", methods=["GET", "POST"])
def refine_contacts(segment_no: str) -> Any:
    """The Refine contacts dialog (GET) or its apply (POST)."""
    return _dialog_or_apply(segment_no, CriteriaActionType.REFINE)


@bp.get("/<segment_no>/criteria/<action>/group")
def filter_group(segment_no: str, action: str) -> str:
    """Another filter group ("Or…") of a dialog: every table's tab with its default fields."""
    header = load_segment(segment_no)
    action_type = _action_type(action)
    group_no = int_arg("group", 0, 0, MAX_GROUPS + 1)
    if not 2 <= group_no <= MAX_GROUPS:
        return render_template("criteria/_dialog_message.html", message=_too_many_groups()), 422
    return render_template("criteria/_filter_group.html", group_no=group_no, **_dialog_context(header, action_type))


@bp.post("/<segment_no>/criteria/<action>/preview", endpoint="preview_action")
@reads_only
def preview_action_view(segment_no: str, action: str) -> Any:
    """The live preview: how many contacts the action adds or removes, the total after, a few names."""
    load_segment(segment_no)
    action_type = _action_type(action)
    dialog = read_dialog(request.form, action_type)
    if dialog.error:
        return render_template("criteria/_preview.html", error=dialog.error), 422
    if not valid_token(dialog.token):
        return render_template("criteria/_preview.html", error=_("This dialog is out of date: open it again.")), 422
    user_locale = _locale()
    db.session.rollback()  # the access check's transaction: the count runs in a deferred (read) one of its own
    try:
        with stoppable_query(db.session.connection(), dialog.token, folder=_token_folder(), timeout=_preview_seconds()):
            preview = preview_action(
                db.session, segment_no, action_type, filled(dialog.filters), dialog.options, locale=user_locale
            )
    except QueryStopped as stopped:
        db.session.rollback()
        if stopped.superseded:
            return "", 204  # a newer preview of the same dialog is on its way
        return render_template("criteria/_preview.html", slow=True, action_type=action_type), 200
    except CriteriaError as error:
        db.session.rollback()
        return render_template("criteria/_preview.html", field_error=_field_error(error, dialog)), 422
    finally:
        db.session.rollback()
    return render_template(
        "criteria/_preview.html", preview=preview, action_type=action_type, no_filter=not filled(dialog.filters)
    ), 200


@bp.post("/<segment_no>/criteria/<action>/preview/stop")
@reads_only
def stop_preview(segment_no: str, action: str) -> tuple[str, int]:
    """The dialog was closed: its preview still counting on the server stops."""
    load_segment(segment_no)
    _action_type(action)
    token = request.form.get("token", "")
    if valid_token(token):
        stop_queries(db.session.connection(), token, folder=_token_folder())
    db.session.rollback()
    return "", 204


def _dialog_or_apply(segment_no: str, action_type: CriteriaActionType) -> Any:
    header = load_segment(segment_no)
    if not current_user.can_edit:
        abort(403)
    if request.method == "POST":
        return _apply(header, action_type)
    prune(_token_folder(), TOKEN_FILES_KEPT_SECONDS)
    context = _dialog_context(header, action_type)
    if wants_fragment():
        return render_template("criteria/_dialog.html", **context)
    return render_template("criteria/dialog_page.html", **context)


def _apply(header: SegmentHeader, action_type: CriteriaActionType) -> Any:
    """Run the action, commit once, then refresh the planner's statistics; answer the totals and the message."""
    dialog = read_dialog(request.form, action_type)
    if dialog.error:
        return _refused(header, action_type, dialog, message=dialog.error)
    if valid_token(dialog.token):
        stop_queries(db.session.connection(), dialog.token, folder=_token_folder())  # its preview stops counting
    user_locale = _locale()
    if not filled(dialog.filters) and action_type != CriteriaActionType.REFINE and not dialog.confirm_all:
        preview = preview_action(db.session, header.no, action_type, [], dialog.options, locale=user_locale)
        db.session.rollback()
        return _refused(header, action_type, dialog, confirm=preview.changed)
    try:
        action = run_action(
            db.session,
            header.no,
            action_type,
            filled(dialog.filters),
            dialog.options,
            user_id=current_user.id,
            locale=user_locale,
        )
    except CriteriaError as error:
        db.session.rollback()
        return _refused(header, action_type, dialog, field_error=_field_error(error, dialog))
    except ServiceError as error:
        db.session.rollback()
        return _refused(header, action_type, dialog, message=error.message)
    message = _done_message(action_type, action.lines_added, action.lines_removed)
    db.session.commit()
    # Only an add leaves the planner's statistics far behind (docs/benchmarks.md): after a reduce the
    # estimates err on the safe side, and autovacuum's own ANALYZE follows; the extra 0.3-1 s is not worth it.
    refresh_line_statistics(db.session, action.lines_added)
    if not wants_fragment():
        flash(message, "success")
        return redirect(url_for("segments.show_segment", segment_no=header.no), code=303)
    response = current_app.make_response(
        render_template("criteria/_applied.html", message=message, **totals_context(header.no))
    )
    response.headers["HX-Trigger"] = "criteriaApplied"
    return response


def _refused(
    header: SegmentHeader,
    action_type: CriteriaActionType,
    dialog: DialogInput,
    *,
    message: str = "",
    field_error: dict[str, Any] | None = None,
    confirm: int | None = None,
) -> Any:
    """The apply did not run: a message, an expression's error at its field, or the question before adding all."""
    status = 200 if confirm is not None else 422
    if not wants_fragment():
        context = _dialog_context(header, action_type, dialog)
        context.update(message=message, field_error=field_error, confirm=confirm)
        return render_template("criteria/dialog_page.html", **context), status
    body = render_template(
        "criteria/_preview.html",
        error=message,
        field_error=field_error,
        confirm=confirm,
        action_type=action_type,
    )
    response = current_app.make_response((body, status))
    response.headers["HX-Retarget"] = "#criteria-preview"
    response.headers["HX-Reswap"] = "innerHTML"
    return response


def _done_message(action_type: CriteriaActionType, added: int, removed: int) -> str:
    if action_type == CriteriaActionType.ADD:
        return count_text("%(num)s contact added.", "%(num)s contacts added.", added)
    return count_text("%(num)s line removed.", "%(num)s lines removed.", removed)


def _field_error(error: CriteriaError, dialog: DialogInput) -> dict[str, Any]:
    """Where an expression went wrong, for the dialog to show at its field: the input, the text split at it."""
    name = filter_input_name(error.group_no, error.table, error.field or "")
    typed = next(
        (
            item.expression
            for item in dialog.filters
            if (item.group_no, item.table, item.field) == (error.group_no, error.table, error.field)
        ),
        "",
    )
    position = error.position
    at = min(position, len(typed)) if position is not None else None
    return {
        "input": name,
        "message": error.message,
        "position": position,
        "before": typed[:at] if at is not None else typed,
        "at": typed[at : at + 1] if at is not None else "",
        "after": typed[at + 1 :] if at is not None else "",
    }


def _dialog_context(
    header: SegmentHeader, action_type: CriteriaActionType, dialog: DialogInput | None = None
) -> dict[str, Any]:
    dialog = dialog or DialogInput(token=new_token())
    if not valid_token(dialog.token):
        dialog.token = new_token()
    slug = action_type.value
    values = {filter_input_name(item.group_no, item.table, item.field): item.expression for item in dialog.filters}
    return {
        "header": header,
        "action_type": action_type,
        "action": slug,
        "title": TITLES[action_type],
        "tables": CRITERIA_TABLES,
        "dialog": dialog,
        "values": values,
        "shown_fields": shown_fields,
        "input_name": filter_input_name,
        "options": [
            (name, OPTION_LABELS[name], OPTION_HINTS[name], getattr(dialog.options, name))
            for name in ACTION_OPTIONS[action_type]
        ],
        "apply_url": url_for(ENDPOINTS[action_type], segment_no=header.no),
        "preview_url": url_for("criteria.preview_action", segment_no=header.no, action=slug),
        "group_url": url_for("criteria.filter_group", segment_no=header.no, action=slug),
        "stop_url": url_for("criteria.stop_preview", segment_no=header.no, action=slug),
        "max_groups": MAX_GROUPS,
        "message": "",
        "field_error": None,
        "confirm": None,
    }


def _action_type(action: str) -> CriteriaActionType:
    if action not in ACTIONS:
        abort(404)
    return ACTIONS[action]


def _too_many_groups() -> str:
    return _("There can be at most %(num)s filter groups.", num=MAX_GROUPS)


def _locale() -> str:
    return str(get_locale() or "en")


def _token_folder() -> Path:
    return Path(current_app.config.get("QUERY_TOKEN_FOLDER") or Path(current_app.instance_path) / "query-tokens")


def _preview_seconds() -> float:
    return float(current_app.config.get("CRITERIA_PREVIEW_SECONDS", PREVIEW_SECONDS))
