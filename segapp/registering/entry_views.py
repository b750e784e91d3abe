"""The interaction log entries page (spec 3.7): filters, keyset pages, evaluation / attempt failed / cancel on the
selected entries, export of the filtered entries to CSV and Excel."""

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import Engine, Select, select
from sqlalchemy.orm import Session

from segapp.captions import enum_caption, enum_choices
from segapp.exporting import CHUNK_ROWS, XLSX_TYPE, csv_chunks, excel_dialect, xlsx_chunks
from segapp.extensions import db
from segapp.htmx import wants_fragment
from segapp.jobs.export_views import export_or_job
from segapp.models import Campaign, DeliveryStatus, Evaluation, InteractionTemplate
from segapp.numbers import count_text
from segapp.registering.blueprint import bp
from segapp.registering.delivery_views import mark_failed
from segapp.registering.keyset import keyset_args
from segapp.services.delivery.manual import MAX_REASON
from segapp.services.errors import ServiceError
from segapp.services.registering.entries import (
    BLANK,
    EXPORT_COLUMNS,
    EntryFilter,
    cancel_entries,
    entry_numbers,
    export_select,
    fetch_entries,
    outcome_from_form,
    set_entries_outcome,
    uncancel_entries,
)

PER_PAGE = 50


def _filter(values: Any) -> EntryFilter:
    return EntryFilter.from_args(values, locale=get_locale())


def _choices() -> dict[str, Any]:
    """The filter form's lists: templates, campaigns, evaluations and delivery statuses."""
    return {
        "templates": db.session.execute(
            select(InteractionTemplate.code, InteractionTemplate.description).order_by(InteractionTemplate.code)
        ).all(),
        "campaigns": db.session.execute(select(Campaign.no, Campaign.description).order_by(Campaign.no)).all(),
        "delivery_statuses": _with_blank(enum_choices(DeliveryStatus, _("(none)"))),
    }


def _with_blank(choices: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The blank member's value is "" (which means "any" in a filter): it is asked for as BLANK."""
    return [(value or BLANK, label) for value, label in choices]


@bp.get("/interaction-log-entries")
def list_entries() -> Any:
    """The interaction log entries, newest first, filtered, a page at a time (keyset)."""
    flt = _filter(request.args)
    after, before = keyset_args()
    entries = fetch_entries(db.session, flt, PER_PAGE, after, before)
    status = 422 if flt.errors else 200
    context = {
        "flt": flt,
        "entries": entries,
        "evaluations": _with_blank(enum_choices(Evaluation, _("(none)"))),
        "max_reason": MAX_REASON,
    }
    if wants_fragment():
        return render_template("registering/_entry_table.html", **context), status
    return render_template("registering/entries.html", **_choices(), **context), status


def _back() -> Response:
    """To the entries page with the filter the change was made from."""
    flt = _filter(request.form)
    return redirect(url_for("registering.list_entries", **flt.args()), code=303)


def _change(run: Callable[[Session, list[int]], int], done: Callable[[int], str]) -> Response:
    try:
        changed = run(db.session, entry_numbers(request.form.getlist("entry")))
    except ServiceError as error:
        db.session.rollback()
        flash(error.message, "error")
        return _back()
    db.session.commit()
    flash(done(changed), "success")
    return _back()


@bp.post("/interaction-log-entries/outcome")
def set_outcome() -> Response:
    """Set the evaluation and/or attempt failed of the selected entries (one UPDATE)."""
    evaluation, attempt_failed = outcome_from_form(request.form.get("set_evaluation"), request.form.get("set_attempt"))
    return _change(
        lambda session, nos: set_entries_outcome(session, nos, evaluation, attempt_failed),
        lambda n: count_text("%(num)s entry updated.", "%(num)s entries updated.", n),
    )


@bp.post("/interaction-log-entries/cancel")
def cancel_selected() -> Response:
    """Cancel the selected entries."""
    return _change(cancel_entries, lambda n: count_text("%(num)s entry cancelled.", "%(num)s entries cancelled.", n))


@bp.post("/interaction-log-entries/uncancel")
def uncancel_selected() -> Response:
    """Un-cancel the selected entries (not those of a cancelled registered segment)."""
    return _change(
        uncancel_entries, lambda n: count_text("%(num)s entry un-cancelled.", "%(num)s entries un-cancelled.", n)
    )


@bp.post("/interaction-log-entries/mark-failed")
def mark_selected_failed() -> Response:
    """Mark the selected entries' delivery as failed, with the reason a person read (a bounce, a returned letter)."""
    ok, message = mark_failed(request.form.getlist("entry"), request.form.get("reason"))
    flash(message, "success" if ok else "error")
    return _back()


# ---- Export ----------------------------------------------------------------------------------------------


def _rows(engine: Engine, query: Select, captions: dict[Any, str]) -> Iterator[list[Any]]:
    """The filtered entries, read in chunks through a server-side cursor on a connection of their own (the
    response streams after the view has returned); evaluations and delivery statuses as their captions."""
    with engine.connect() as connection:
        for row in connection.execution_options(yield_per=CHUNK_ROWS).execute(query):
            yield [captions[value] if isinstance(value, Evaluation | DeliveryStatus) else value for value in row]


def _export(extension: str) -> tuple[list[str], Iterator[list[Any]], str]:
    flt = _filter(request.args)
    header = [str(label) for _name, label in EXPORT_COLUMNS]
    # Translated now: the rows are written after the request has ended.
    captions: dict[Any, str] = {
        member: enum_caption(enum_class, member) for enum_class in (Evaluation, DeliveryStatus) for member in enum_class
    }
    filename = f"interaction-log-entries-{date.today().isoformat()}.{extension}"
    return header, _rows(db.engine, export_select(flt), captions), filename


def _export_job_params(extension: str) -> dict[str, Any]:
    """What a background export of the filtered entries needs (above EXPORT_JOB_ROWS entries)."""
    flt = _filter(request.args)
    return {
        "source": "entries",
        "format": extension,
        "filter": flt.args(),
        "filename": f"interaction-log-entries-{date.today().isoformat()}.{extension}",
        "title": _("Export of interaction log entries"),
        "sheet": _("Interaction log entries"),
    }


def _export_or_job(extension: str, stream: Callable[[], Response]) -> Any:
    return export_or_job(
        _export_job_params(extension),
        stream,
        back_url=url_for("registering.list_entries", **_filter(request.args).args()),
        owner="interaction_log_entries",
    )


# GET streams the file, or (many entries) asks whether to prepare it in the background; POST starts that job.
@bp.route("/interaction-log-entries/export.csv", methods=["GET", "POST"])
def export_entries_csv() -> Any:
    """The filtered entries as CSV that Excel opens in columns in the user's language."""

    def stream() -> Response:
        header, rows, filename = _export("csv")
        dialect = excel_dialect(str(get_locale() or ""))
        response = Response(csv_chunks(header, rows, dialect), mimetype="text/csv")
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    return _export_or_job("csv", stream)


@bp.route("/interaction-log-entries/export.xlsx", methods=["GET", "POST"])
def export_entries_xlsx() -> Any:
    """The filtered entries as an Excel workbook, streamed as the rows are read."""

    def stream() -> Response:
        header, rows, filename = _export("xlsx")
        response = Response(xlsx_chunks(_("Interaction log entries"), header, rows), mimetype=XLSX_TYPE)
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    return _export_or_job("xlsx", stream)
