"""The printable letters of a registered segment (spec 5): its hard-copy entries merged into one .docx per
template version (a section per contact) and a .zip of one .docx per contact, as a background job.

The job's steps: *merge* takes the next ``STEP_LETTERS`` hard-copy entries (keyset on entry no., the cursor in
the job), merges them into a ``LetterBook`` chunk per template version and a zip of their own files, each stored
as a part of the job; *assemble* builds one version's .docx from its chunks, reading one chunk at a time; *pdf*
converts it where LibreOffice is installed; the last step marks the printed entries *sent*. Each step is bounded
and commits, so a job whose worker died resumes at its last step.
"""

import json
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from segapp import merge
from segapp.exporting import DOCX_TYPE
from segapp.models import (
    BackgroundJob,
    Contact,
    CorrespondenceType,
    DeliveryStatus,
    InteractionLogEntry,
    InteractionLogEntryFile,
    JobFile,
    TemplateDocument,
)
from segapp.services.documents.catalogue import FIELD_NAMES, letter_locale
from segapp.services.documents.printable_files import (
    BOOK_PREFIX,
    ZIP_KIND,
    assemble_book,
    letter_file_name,
    pdf_of,
    zip_part,
)
from segapp.services.jobs import (
    end_reading,
    job_cursor,
    job_kind,
    job_params,
    newest_job,
    save_job_file,
    set_job_cursor,
    start_job,
)

JOB_KIND = "printable_letters"
# Letters merged by one step: a few seconds of work, so that a worker's lease is renewed often.
STEP_LETTERS = 200
# Up to this many letters (2-3 s of merging) the request that registers runs the job at once; beyond, the workers.
INLINE_LETTERS = 100


def printable_owner(logged_entry_no: int) -> str:
    """The owner of a registered segment's jobs, as the jobs table records it."""
    return f"logged_segment:{logged_entry_no}"


def start_printable_letters(
    session: Session, logged_entry_no: int, total: int, *, user_id: int | None = None
) -> BackgroundJob:
    """A queued job producing the printable letters of the registered segment's ``total`` hard-copy entries
    (the caller commits, then enqueues it or runs it at once when it is small)."""
    return start_job(
        session,
        JOB_KIND,
        params={"logged_segment": logged_entry_no},
        total=total,
        user_id=user_id,
        owner=printable_owner(logged_entry_no),
    )


def printable_job(session: Session, logged_entry_no: int) -> BackgroundJob | None:
    """The newest printable letters job of a registered segment, if it had any."""
    return newest_job(session, printable_owner(logged_entry_no), JOB_KIND)


def runs_at_once(job: BackgroundJob) -> bool:
    """Whether the request may run the job itself (a few hundred letters) instead of leaving it to the workers."""
    return job.total <= INLINE_LETTERS


@dataclass(frozen=True)
class Template:
    """A template version as the merge needs it."""

    id: int
    content: bytes
    template_code: str
    language_code: str
    version: int

    @property
    def locale(self) -> str:
        """The locale its letters are merged in."""
        return letter_locale(self.language_code)


def load_templates(session: Session, ids: set[int]) -> dict[int, Template]:
    """The template versions of these ids, with their content (one statement)."""
    if not ids:
        return {}
    rows = session.execute(
        select(
            TemplateDocument.id,
            TemplateDocument.content,
            TemplateDocument.template_code,
            TemplateDocument.language_code,
            TemplateDocument.version,
        ).where(TemplateDocument.id.in_(ids))
    ).all()
    return {row.id: Template(*row) for row in rows}


def entry_values(merge_values: str | None) -> dict[str, str]:
    """An entry's merge values, every catalogue field present: one erased (anonymised) stays empty, a gap."""
    stored = json.loads(merge_values) if merge_values else {}
    return {**dict.fromkeys(FIELD_NAMES, ""), **{name: "" if v is None else str(v) for name, v in stored.items()}}


@job_kind(JOB_KIND)
def printable_letters_step(session: Session, job: BackgroundJob) -> bool:
    """One bounded step of the printable letters job; True when the job is finished."""
    cursor = job_cursor(job)
    phase = cursor.get("phase", "merge")
    if phase == "merge":
        if _merge_step(session, job, cursor):
            cursor["phase"] = "assemble"
            cursor["books"] = sorted(int(tid) for tid in cursor.get("counts", {}))
    elif phase == "assemble":
        books = cursor["books"]
        if books:
            _assemble_step(session, job, cursor, books.pop(0))
        else:
            cursor["phase"] = "finish"
    else:
        _mark_printed(session, job)
        set_job_cursor(job, cursor)
        return True
    set_job_cursor(job, cursor)
    return False


def _merge_step(session: Session, job: BackgroundJob, cursor: dict[str, Any]) -> bool:
    """Merge the next entries; True when none is left."""
    logged = job_params(job)["logged_segment"]
    rows = session.execute(
        select(
            InteractionLogEntry.entry_no,
            InteractionLogEntry.contact_no,
            InteractionLogEntry.template_document_id,
            InteractionLogEntry.merge_values,
            Contact.name,
            InteractionLogEntryFile.content.label("file"),
        )
        .outerjoin(Contact, Contact.no == InteractionLogEntry.contact_no)
        .outerjoin(InteractionLogEntryFile, InteractionLogEntryFile.entry_no == InteractionLogEntry.entry_no)
        .where(
            InteractionLogEntry.logged_segment_entry_no == logged,
            InteractionLogEntry.correspondence_type == CorrespondenceType.HARD_COPY,
            InteractionLogEntry.delivery_status == DeliveryStatus.PENDING,
            InteractionLogEntry.entry_no > cursor.get("after", 0),
        )
        .order_by(InteractionLogEntry.entry_no)
        .limit(STEP_LETTERS)
    ).all()
    if not rows:
        return True
    templates = load_templates(session, {row.template_document_id for row in rows if row.template_document_id})
    end_reading(session)  # the merge below takes seconds and needs no database
    letters: dict[int, list[tuple[int, dict[str, str] | bytes]]] = defaultdict(list)
    files: list[tuple[int, str, bytes]] = []
    failed: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        template = templates.get(row.template_document_id) if row.template_document_id else None
        if template is None:
            failed[_("The template has no Word document in the letter's language.")].append(row.entry_no)
            continue
        letter: dict[str, str] | bytes = row.file if row.file is not None else entry_values(row.merge_values)
        try:
            single = (
                letter
                if isinstance(letter, bytes)
                else merge.merge_document(template.content, letter, locale=template.locale)
            )
        except Exception as error:  # noqa: BLE001 - one letter's failure is that entry's error, not the job's
            failed[_("The letter could not be merged: %(error)s", error=str(error) or type(error).__name__)].append(
                row.entry_no
            )
            continue
        letters[template.id].append((row.entry_no, letter))
        files.append((row.entry_no, letter_file_name(row.entry_no, row.contact_no, row.name), single))
    counts: dict[str, int] = cursor.setdefault("counts", {})
    for template_id, book_letters in letters.items():
        first = counts.get(str(template_id), 0)
        chunk, bad = _book_chunk(templates[template_id], book_letters, first)
        for entry_no, message in bad:
            failed[message].append(entry_no)
        if chunk is not None:
            save_job_file(
                session, job, f"{BOOK_PREFIX}{template_id:010d}-{first:07d}", chunk, media_type="", kind="part"
            )
            counts[str(template_id)] = first + len(book_letters) - len(bad)
    failed_nos = {entry_no for nos in failed.values() for entry_no in nos}
    kept = [(name, data) for entry_no, name, data in files if entry_no not in failed_nos]
    if kept:
        step_no = cursor.get("step", 0)
        save_job_file(session, job, f"zip-{step_no:06d}", zip_part(kept), media_type="application/zip", kind=ZIP_KIND)
        cursor["step"] = step_no + 1
    _mark_failed(session, failed)
    job.done += len(rows)
    job.errors += len(failed_nos)
    cursor["after"] = rows[-1].entry_no
    return len(rows) < STEP_LETTERS


def _book_chunk(
    template: Template, letters: list[tuple[int, dict[str, str] | bytes]], first: int
) -> tuple[bytes | None, list[tuple[int, str]]]:
    """The chunk of these letters, and the letters that could not go in (found one by one when the chunk fails)."""
    book = merge.LetterBook(template.content, locale=template.locale)
    try:
        return book.chunk([letter for _no, letter in letters], first_index=first), []
    except Exception:  # noqa: BLE001 - find the letters at fault, keep the others
        pass
    good: list[dict[str, str] | bytes] = []
    bad: list[tuple[int, str]] = []
    for entry_no, letter in letters:
        try:
            book.chunk([letter], first_index=first + len(good))
        except Exception as error:  # noqa: BLE001
            bad.append(
                (entry_no, _("The letter could not be merged: %(error)s", error=str(error) or type(error).__name__))
            )
        else:
            good.append(letter)
    return (book.chunk(good, first_index=first) if good else None), bad


def _mark_failed(session: Session, failed: dict[str, list[int]]) -> None:
    """The entries whose letter could not be produced: delivery status error, with the reason."""
    for message, entry_nos in failed.items():
        session.execute(
            update(InteractionLogEntry)
            .where(InteractionLogEntry.entry_no.in_(entry_nos))
            .values(delivery_status=DeliveryStatus.ERROR, delivery_error=message)
            .execution_options(synchronize_session=False)
        )


def _assemble_step(session: Session, job: BackgroundJob, cursor: dict[str, Any], template_id: int) -> None:
    """One template version's .docx from its chunks (and its PDF where LibreOffice is installed); its chunks
    are then deleted."""
    template = load_templates(session, {template_id})[template_id]
    prefix = f"{BOOK_PREFIX}{template_id:010d}-"
    part_ids = session.scalars(
        select(JobFile.id)
        .where(JobFile.job_id == job.id, JobFile.kind == "part", JobFile.name.startswith(prefix))
        .order_by(JobFile.name)
    ).all()
    book = merge.LetterBook(template.content, locale=template.locale)
    content = assemble_book(session, book, part_ids)
    logged = job_params(job)["logged_segment"]
    end_reading(session)  # LibreOffice's PDF takes seconds and needs no database
    pdf = pdf_of(content)
    stem = f"letters-{logged}-{template.template_code}-{template.language_code}-v{template.version}"
    save_job_file(session, job, f"{stem}.docx", content, media_type=DOCX_TYPE)
    if pdf is not None:
        save_job_file(session, job, f"{stem}.pdf", pdf, media_type="application/pdf")
    session.execute(delete(JobFile).where(JobFile.id.in_(part_ids)))


def _mark_printed(session: Session, job: BackgroundJob) -> None:
    """The hard-copy entries whose letters are in the printable output are *sent* (handed over for printing);
    those that failed keep their error."""
    logged = job_params(job)["logged_segment"]
    session.execute(
        update(InteractionLogEntry)
        .where(
            InteractionLogEntry.logged_segment_entry_no == logged,
            InteractionLogEntry.correspondence_type == CorrespondenceType.HARD_COPY,
            InteractionLogEntry.delivery_status == DeliveryStatus.PENDING,
        )
        .values(delivery_status=DeliveryStatus.SENT)
        .execution_options(synchronize_session=False)
    )
