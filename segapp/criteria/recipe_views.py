"""The segment's recipe: the criteria view, go back, save criteria, reuse criteria, the saved criteria list."""

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from segapp.criteria.blueprint import bp
from segapp.extensions import db
from segapp.htmx import wants_fragment
from segapp.models import SegmentCriteriaAction, SegmentHeader, SegmentLine, User
from segapp.numbers import count_text
from segapp.paging import paginate_rows
from segapp.request_values import form_int, int_arg, page_arg
from segapp.segments.context import load_segment, totals_context
from segapp.services.criteria.describe import describe_action
from segapp.services.criteria.running import refresh_line_statistics
from segapp.services.criteria.saved import (
    BrokenCriteria,
    check_saved_criteria,
    delete_saved_criteria,
    get_saved_criteria,
    has_actions,
    reuse_criteria,
    save_criteria,
    saved_criteria_query,
)
from segapp.services.criteria.undo import GoBackResult, actions_to_undo, go_back, go_back_effect, segment_actions
from segapp.services.errors import NotFound, ServiceError

SAVED_PER_PAGE = 25
INT_MAX = 2**31 - 1


def _user_names(user_ids: set[int | None]) -> dict[int, str]:
    ids = [i for i in user_ids if i is not None]
    if not ids:
        return {}
    rows = db.session.execute(select(User.id, User.full_name, User.username).where(User.id.in_(ids)))
    return {user_id: full_name or username for user_id, full_name, username in rows}


def _action_rows(actions: list[SegmentCriteriaAction]) -> list[dict[str, Any]]:
    """What the criteria view shows of each action: its words, effect, user and time."""
    users = _user_names({action.user_id for action in actions})
    return [
        {
            "sequence_no": action.sequence_no,
            "manual": action.manual,
            "description": describe_action(action),
            "lines_added": action.lines_added,
            "lines_removed": action.lines_removed,
            "user": users.get(action.user_id or 0, ""),
            "when": format_datetime(action.created_at, "short") if action.created_at else "",
        }
        for action in actions
    ]


@bp.get("/<segment_no>/criteria")
def show_criteria(segment_no: str) -> str:
    """The criteria view: the segment's actions in order, in plain words, each with "go back to here"."""
    header = load_segment(segment_no)
    return render_template(
        "criteria/criteria_view.html",
        header=header,
        rows=_action_rows(segment_actions(db.session, segment_no)),
        **totals_context(segment_no),
    )


def _to_sequence_no() -> int | None:
    value = request.values.get("to_sequence_no")
    if value in (None, ""):
        return None
    return int_arg("to_sequence_no", 0, 1, INT_MAX) if request.method == "GET" else form_int("to_sequence_no", 1)


@bp.route("/<segment_no>/criteria/go-back", methods=["GET", "POST"], endpoint="go_back")
def go_back_view(segment_no: str) -> Any:
    """Go back (Alt+Shift+B): GET asks, naming the actions it will undo; POST undoes them and commits once."""
    header = load_segment(segment_no)
    to_sequence_no = _to_sequence_no()
    if request.method == "POST":
        return _go_back(header, to_sequence_no)
    actions = actions_to_undo(db.session, segment_no, to_sequence_no)
    removed, restored = go_back_effect(db.session, segment_no, actions)
    context = {
        "header": header,
        "to_sequence_no": to_sequence_no,
        "rows": _action_rows(actions),
        "will_remove": removed,
        "will_restore": restored,
    }
    if wants_fragment():
        return render_template("criteria/_go_back_dialog.html", **context)
    return render_template("criteria/go_back.html", **context)


def _go_back(header: SegmentHeader, to_sequence_no: int | None) -> Response:
    try:
        result = go_back(db.session, header.no, to_sequence_no=to_sequence_no)
    except NotFound as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("criteria.show_criteria", segment_no=header.no), code=303)
    db.session.commit()
    refresh_line_statistics(db.session, result.lines_restored)  # like an add: lines came back
    flash(went_back_message(result), "success" if result.actions_undone else "warning")
    for note in result.notes:
        flash(note, "warning")
    target = request.form.get("next") == "criteria"
    endpoint = "criteria.show_criteria" if target else "segments.show_segment"
    return redirect(url_for(endpoint, segment_no=header.no), code=303)


def went_back_message(result: GoBackResult) -> str:
    """ "Went back: Add contacts: city Milano; 120 lines removed, 3 restored", or that there was nothing to undo."""
    if not result.actions_undone:
        return _("There is nothing to go back from: the segment has no criteria actions.")
    undone = result.descriptions[0]
    if result.actions_undone > 1:
        undone = count_text(
            "%(first)s and %(num)s action after it",
            "%(first)s and the %(num)s actions after it",
            result.actions_undone - 1,
            first=result.descriptions[-1],
        )
    return _(
        "Went back: %(undone)s; %(removed)s, %(restored)s.",
        undone=undone,
        removed=count_text("%(num)s line removed", "%(num)s lines removed", result.lines_removed),
        restored=count_text("%(num)s restored", "%(num)s restored", result.lines_restored),
    )


@bp.get("/<segment_no>/criteria/why")
def why_line(segment_no: str) -> tuple[str, int]:
    """Why is this contact here: the action that brought the line in, in plain words (a status fragment)."""
    load_segment(segment_no)
    line_no = int_arg("line", 0, 0, 2**63 - 1)
    line = db.session.get(SegmentLine, (segment_no, line_no))
    if line is None:
        return render_template("criteria/_why.html", text=_("This line no longer exists."), line=None), 200
    action = db.session.get(SegmentCriteriaAction, line.criteria_action_id) if line.criteria_action_id else None
    return render_template("criteria/_why.html", text=why_text(line, action), line=line), 200


def why_text(line: SegmentLine, action: SegmentCriteriaAction | None) -> str:
    """The line's reason to be on the segment, as a sentence."""
    contact = line.contact_no or _("(no contact)")
    if action is None:
        return _(
            "Line %(line)s, %(contact)s: the action that brought it in was undone or is no longer known.",
            line=line.line_no,
            contact=contact,
        )
    users = _user_names({action.user_id})
    when = format_datetime(action.created_at, "short") if action.created_at else ""
    details = ", ".join(
        part for part in (_("action %(n)s", n=action.sequence_no), users.get(action.user_id or 0, ""), when) if part
    )
    if action.manual:
        return _(
            "Line %(line)s, %(contact)s: typed by hand (%(details)s).",
            line=line.line_no,
            contact=contact,
            details=details,
        )
    return _(
        "Line %(line)s, %(contact)s: brought in by %(description)s (%(details)s).",
        line=line.line_no,
        contact=contact,
        description=describe_action(action),
        details=details,
    )


# ---- Save criteria -------------------------------------------------------------------------------------


@bp.route("/<segment_no>/criteria/save", methods=["GET", "POST"], endpoint="save_criteria")
def save_criteria_view(segment_no: str) -> Any:
    """Save criteria: the segment's actions under a code and description (a dialog on the segment page)."""
    header = load_segment(segment_no)
    values = {"code": request.form.get("code", ""), "description": request.form.get("description", "")}
    error = None
    if request.method == "POST":
        try:
            saved = save_criteria(
                db.session, segment_no, values["code"], values["description"], user_id=current_user.id
            )
        except ServiceError as refused:
            db.session.rollback()
            error = refused
        else:
            message = count_text(
                "Criteria saved as %(code)s (%(num)s action).",
                "Criteria saved as %(code)s (%(num)s actions).",
                len(saved.actions),
                code=saved.code,
            )
            db.session.commit()
            if wants_fragment():
                return render_template("criteria/_save_dialog.html", header=header, done=message)
            flash(message, "success")
            return redirect(url_for("segments.show_segment", segment_no=segment_no), code=303)
    context = {"header": header, "values": values, "error": error, "done": None}
    status = 422 if error else 200
    if wants_fragment():
        return render_template("criteria/_save_dialog.html", **context), status
    return render_template("criteria/save.html", **context), status


# ---- Reuse criteria ------------------------------------------------------------------------------------


def _saved_page(search: str) -> Any:
    return paginate_rows(db.session, saved_criteria_query(search), page_arg(), SAVED_PER_PAGE)


@bp.route("/<segment_no>/criteria/reuse", methods=["GET", "POST"], endpoint="reuse_criteria")
def reuse_criteria_view(segment_no: str) -> Any:
    """Reuse criteria: pick saved criteria, see their actions and what is missing today, and replay them."""
    header = load_segment(segment_no)
    code = (request.values.get("code") or "").strip()
    if not code:
        search = request.args.get("q", "")
        page = _saved_page(search)
        template = "criteria/_saved_rows.html" if wants_fragment() else "criteria/reuse_pick.html"
        return render_template(template, header=header, page=page, rows=page.items, search=search, picking=True)
    try:
        criteria = get_saved_criteria(db.session, code)
    except NotFound as error:
        flash(error.message, "error")
        return redirect(url_for("criteria.reuse_criteria", segment_no=segment_no), code=303)
    if request.method == "POST":
        return _reuse(header, code)
    return render_template(
        "criteria/reuse.html",
        header=header,
        criteria=criteria,
        steps=[describe_action(action) for action in criteria.actions],
        problems=check_saved_criteria(db.session, code),
        has_actions=has_actions(db.session, segment_no),
    )


def _reuse(header: SegmentHeader, code: str) -> Response:
    if has_actions(db.session, header.no) and request.form.get("confirmed") != "1":
        flash(_("This segment already has criteria actions: confirm to add the saved ones after them."), "error")
        return redirect(url_for("criteria.reuse_criteria", segment_no=header.no, code=code), code=303)
    try:
        done = reuse_criteria(db.session, header.no, code, user_id=current_user.id)
    except BrokenCriteria as broken:
        db.session.rollback()
        flash(broken.message, "error")
        return redirect(url_for("criteria.reuse_criteria", segment_no=header.no, code=code), code=303)
    except ServiceError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("criteria.reuse_criteria", segment_no=header.no, code=code), code=303)
    added = sum(action.lines_added for action in done)
    removed = sum(action.lines_removed for action in done)
    db.session.commit()
    refresh_line_statistics(db.session, added + removed)
    flash(
        _(
            "Reused %(code)s: %(actions)s; %(added)s, %(removed)s.",
            code=code,
            actions=count_text("%(num)s action run", "%(num)s actions run", len(done)),
            added=count_text("%(num)s line added", "%(num)s lines added", added),
            removed=count_text("%(num)s removed", "%(num)s removed", removed),
        ),
        "success",
    )
    return redirect(url_for("segments.show_segment", segment_no=header.no), code=303)


# ---- The saved criteria list ---------------------------------------------------------------------------


@bp.get("/saved-criteria")
def list_saved_criteria() -> str:
    """The saved criteria: search, pages, each with its actions in plain words and delete."""
    search = request.args.get("q", "")
    page = _saved_page(search)
    template = "criteria/_saved_rows.html" if wants_fragment() else "criteria/saved_list.html"
    return render_template(template, page=page, rows=page.items, search=search, picking=False, header=None)


@bp.route("/saved-criteria/<code>/delete", methods=["GET", "POST"], endpoint="delete_saved_criteria")
def delete_saved_criteria_view(code: str) -> Any:
    """Delete saved criteria, after a confirmation."""
    try:
        criteria = get_saved_criteria(db.session, code)
    except NotFound as error:
        flash(error.message, "error")
        return redirect(url_for("criteria.list_saved_criteria"), code=303)
    if request.method == "GET":
        steps = [describe_action(action) for action in criteria.actions]
        return render_template("criteria/confirm_delete_saved.html", criteria=criteria, steps=steps)
    delete_saved_criteria(db.session, code)
    db.session.commit()
    flash(_("Saved criteria %(code)s were deleted.", code=code), "success")
    return redirect(url_for("criteria.list_saved_criteria"), code=303)
