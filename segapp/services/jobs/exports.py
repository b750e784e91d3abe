"""Large exports as background jobs: a segment's line contacts, the filtered interaction log entries.

Each step reads the next chunk of rows by keyset (line no. up, entry no. down) and keeps it as a part file of CSV
lines or sheet XML; the last step puts the file together (header first, in the language of the user who asked).
Above ``EXPORT_JOB_ROWS`` rows the views start such a job instead of streaming the file in the request.
"""

from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any

from flask import current_app, has_app_context
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from segapp.captions import enum_caption
from segapp.exporting import (
    XLSX_TYPE,
    csv_header_text,
    csv_rows_text,
    excel_dialect,
    xlsx_from_row_xml,
    xlsx_rows_xml,
)
from segapp.models import (
    BackgroundJob,
    CorrespondenceType,
    DeliveryStatus,
    Evaluation,
    InteractionLogEntry,
    JobFile,
    SegmentLine,
)
from segapp.services.jobs.kinds import (
    job_cursor,
    job_file_ids,
    job_kind,
    job_params,
    save_job_file,
    set_job_cursor,
    start_job,
)
from segapp.services.registering.entries import EXPORT_COLUMNS, EntryFilter, export_select
from segapp.services.segments.line_exports import LINE_EXPORT_COLUMNS, line_contacts_query

KIND = "export"
CHUNK_ROWS = 5000
DEFAULT_THRESHOLD = 5000
MEDIA_TYPES = {"csv": "text/csv", "xlsx": XLSX_TYPE}
SOURCES = ("segment_lines", "entries")


def export_threshold() -> int:
    """Above this many rows an export runs as a job (``EXPORT_JOB_ROWS``)."""
    if has_app_context():
        return int(current_app.config.get("EXPORT_JOB_ROWS") or DEFAULT_THRESHOLD)
    return DEFAULT_THRESHOLD


def _chunk_rows() -> int:
    if has_app_context():
        return int(current_app.config.get("EXPORT_JOB_CHUNK_ROWS") or CHUNK_ROWS)
    return CHUNK_ROWS


def _query(params: dict[str, Any]) -> Select:
    """The export's rows in keyset order, without the keyset condition."""
    if params["source"] == "segment_lines":
        return line_contacts_query(params["segment_no"])
    return export_select(EntryFilter.from_args(params.get("filter", {}), locale=params.get("locale", "en")))


def export_row_count(params: dict[str, Any]) -> Select:
    """SELECT of the number of rows the export would write."""
    return select(func.count()).select_from(_query(params).order_by(None).subquery())


def _after(params: dict[str, Any], query: Select, after: int | None) -> Select:
    if after is None:
        return query
    if params["source"] == "segment_lines":
        return query.where(SegmentLine.line_no > after)
    return query.where(InteractionLogEntry.entry_no < after)


def _header_and_captions(params: dict[str, Any]) -> tuple[list[str], dict[Any, str]]:
    """The header and the enum captions in the language of the user who asked (read inside force_locale)."""
    if params["source"] == "segment_lines":
        header = [str(column.label) for column in LINE_EXPORT_COLUMNS]
        enums: tuple[type, ...] = (CorrespondenceType,)
    else:
        header = [str(label) for _name, label in EXPORT_COLUMNS]
        enums = (Evaluation, DeliveryStatus)
    captions = {member: enum_caption(enum_class, member) for enum_class in enums for member in enum_class}
    return header, captions


def _captioned(rows: Sequence[Sequence[Any]], captions: dict[Any, str]) -> list[list[Any]]:
    return [[captions.get(value, value) if _is_enum(value) else value for value in row] for row in rows]


def _is_enum(value: Any) -> bool:
    return isinstance(value, CorrespondenceType | Evaluation | DeliveryStatus)


def start_export(
    session: Session, params: dict[str, Any], *, total: int, user_id: int | None, owner: str = ""
) -> BackgroundJob:
    """A queued export job (``params``: source, format, locale, file name, title; segment_no or filter)."""
    if params.get("source") not in SOURCES or params.get("format") not in MEDIA_TYPES:
        raise ValueError(f"unknown export {params.get('source')!r} / {params.get('format')!r}")
    return start_job(session, KIND, params=params, total=total, user_id=user_id, owner=owner)


@job_kind(KIND)
def export_step(session: Session, job: BackgroundJob) -> bool:
    """Write the next chunk of rows as a part; once there are none left, the file."""
    params = job_params(job)
    cursor = job_cursor(job)
    with force_locale(params.get("locale", "en")):
        header, captions = _header_and_captions(params)
        query = _after(params, _query(params), cursor.get("after")).limit(_chunk_rows())
        rows = _captioned(session.execute(query).all(), captions)
        if not rows:
            _assemble(session, job, params, header)
            return True
        part = len(job_file_ids(session, job, kind="part"))
        if params["format"] == "csv":
            text = csv_rows_text(rows, excel_dialect(params.get("locale", "en")))
        else:
            text = xlsx_rows_xml(rows, cursor.get("written", 0) + 2, len(header))
        save_job_file(session, job, f"part-{part:06d}", text.encode(), media_type="text/plain", kind="part")
        set_job_cursor(job, {"after": rows[-1][0], "written": cursor.get("written", 0) + len(rows)})
        job.done = cursor.get("written", 0) + len(rows)
        job.total = max(job.total, job.done)
    return False


def _parts(session: Session, job: BackgroundJob) -> Iterator[str]:
    """The job's parts in order, one at a time."""
    for file_id, _name in job_file_ids(session, job, kind="part"):
        yield session.execute(select(JobFile.content).where(JobFile.id == file_id)).scalar_one().decode()


def _assemble(session: Session, job: BackgroundJob, params: dict[str, Any], header: list[str]) -> None:
    """The export's file from its parts, as the job's output."""
    if params["format"] == "csv":
        text = csv_header_text(header, excel_dialect(params.get("locale", "en"))) + "".join(_parts(session, job))
        content = text.encode()
    else:
        title = params.get("sheet") or _("Export")
        content = b"".join(xlsx_from_row_xml(title, header, _parts(session, job)))
    name = params.get("filename") or f"export-{date.today().isoformat()}.{params['format']}"
    save_job_file(session, job, name, content, media_type=MEDIA_TYPES[params["format"]])
    job.total = job.done
