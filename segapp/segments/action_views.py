"""More actions on a segment (spec 3.8): export the line contacts, apply a mailing group, address labels."""

from collections.abc import Iterator
from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import Engine, Select

from segapp.captions import enum_caption
from segapp.exporting import CHUNK_ROWS, DOCX_TYPE, XLSX_TYPE, csv_chunks, excel_dialect, xlsx_chunks
from segapp.extensions import db
from segapp.forms import submit_form
from segapp.jobs.export_views import export_or_job
from segapp.models import CorrespondenceType
from segapp.numbers import count_text
from segapp.segments.action_forms import mailing_group_form
from segapp.segments.blueprint import bp
from segapp.segments.context import load_segment
from segapp.services.errors import ServiceError
from segapp.services.segments.labels import labels_docx, segment_labels
from segapp.services.segments.line_exports import LINE_EXPORT_COLUMNS, line_contacts_query
from segapp.services.segments.mailing_groups import apply_mailing_group


def _rows(engine: Engine, query: Select, captions: dict[Any, str]) -> Iterator[list[Any]]:
    """The export's rows read in chunks through a server-side cursor, enum values as the user's captions."""
    enum_at = [index for index, column in enumerate(LINE_EXPORT_COLUMNS) if column.enum]
    # Its own connection: the generator runs after the view has returned (while the response streams).
    with engine.connect() as connection:
        for row in connection.execution_options(yield_per=CHUNK_ROWS).execute(query):
            values = list(row)
            for index in enum_at:
                values[index] = captions.get(values[index], values[index])
            yield values


def _export(segment_no: str) -> tuple[list[str], Iterator[list[Any]]]:
    load_segment(segment_no)
    header = [str(column.label) for column in LINE_EXPORT_COLUMNS]
    captions = {member: enum_caption(CorrespondenceType, member) for member in CorrespondenceType}
    return header, _rows(db.engine, line_contacts_query(segment_no), captions)


def _download(response: Response, filename: str) -> Response:
    response.headers.set("Content-Disposition", "attachment", filename=filename)
    return response


def _export_job_params(segment_no: str, extension: str) -> dict[str, Any]:
    """What a background export of the segment's line contacts needs (above EXPORT_JOB_ROWS lines)."""
    return {
        "source": "segment_lines",
        "format": extension,
        "segment_no": segment_no,
        "filename": f"segment-{segment_no}-contacts.{extension}",
        "title": _("Export of the contacts of segment %(no)s", no=segment_no),
        "sheet": _("Segment %(no)s", no=segment_no),
    }


# GET streams the file, or (a large segment) asks whether to prepare it in the background; POST starts that job.
@bp.route("/<segment_no>/contacts.csv", methods=["GET", "POST"])
def export_line_contacts_csv(segment_no: str) -> Any:
    """The contacts of the segment's lines as CSV that Excel opens in columns in the user's language."""
    load_segment(segment_no)

    def stream() -> Response:
        header, rows = _export(segment_no)
        dialect = excel_dialect(str(get_locale() or ""))
        response = Response(csv_chunks(header, rows, dialect), mimetype="text/csv")
        return _download(response, f"segment-{segment_no}-contacts.csv")

    return export_or_job(
        _export_job_params(segment_no, "csv"),
        stream,
        back_url=url_for("segments.show_segment", segment_no=segment_no),
        owner=f"segment:{segment_no}",
    )


@bp.route("/<segment_no>/contacts.xlsx", methods=["GET", "POST"])
def export_line_contacts_xlsx(segment_no: str) -> Any:
    """The contacts of the segment's lines as an Excel workbook, streamed as the rows are read."""
    load_segment(segment_no)

    def stream() -> Response:
        header, rows = _export(segment_no)
        response = Response(xlsx_chunks(_("Segment %(no)s", no=segment_no), header, rows), mimetype=XLSX_TYPE)
        return _download(response, f"segment-{segment_no}-contacts.xlsx")

    return export_or_job(
        _export_job_params(segment_no, "xlsx"),
        stream,
        back_url=url_for("segments.show_segment", segment_no=segment_no),
        owner=f"segment:{segment_no}",
    )


@bp.get("/<segment_no>/labels.docx")
def address_labels(segment_no: str) -> Response:
    """Address labels of the line contacts: a Word document, A4 with three columns of 70 x 37 mm labels."""
    load_segment(segment_no)
    try:
        labels = segment_labels(db.session, segment_no)
    except ServiceError as error:
        flash(error.message, "error")
        return redirect(url_for("segments.show_segment", segment_no=segment_no))
    if not labels:
        flash(_("Segment %(no)s has no line with a contact: there is no label to print.", no=segment_no), "error")
        return redirect(url_for("segments.show_segment", segment_no=segment_no))
    response = Response(labels_docx(labels), mimetype=DOCX_TYPE)
    return _download(response, f"segment-{segment_no}-labels.docx")


@bp.route("/<segment_no>/mailing-group", methods=["GET", "POST"])
def apply_mailing_group_view(segment_no: str) -> Any:
    """Choose a mailing group and make every line contact a member (emptying the group first if asked)."""
    if not current_user.can_edit:
        abort(403)  # its POST is refused to viewers (segapp.auth.policy): neither is the form offered
    header = load_segment(segment_no)
    form = mailing_group_form(db.session)

    def apply() -> int:
        return apply_mailing_group(db.session, segment_no, form.mailing_group_code.data, bool(form.empty_first.data))

    if saved := submit_form(form, apply):
        message = count_text(
            "%(num)s contact added to mailing group %(code)s.",
            "%(num)s contacts added to mailing group %(code)s.",
            saved.value,
            code=form.mailing_group_code.data,
        )
        flash(message, "success")
        return redirect(url_for("segments.show_segment", segment_no=segment_no), code=303)
    status = 422 if request.method == "POST" else 200
    return render_template("segments/mailing_group.html", header=header, form=form), status
