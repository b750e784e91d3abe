"""The printable letters job: one .docx per template version with every hard-copy letter, a .zip of one letter
per contact, the entries marked sent (or in error with the reason), resumable step by step."""

import io
import sqlite3
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import delete, select, update
from sqlalchemy.exc import OperationalError

from segapp.database import immediate_transactions
from segapp.models import (
    BackgroundJob,
    CorrespondenceType,
    InteractionLogEntry,
    JobFile,
    SegmentHeader,
    SegmentLine,
    SegmentLineDocument,
)
from segapp.services.documents import printable
from segapp.services.documents.printable_files import ZIP_KIND, ZIP_PREFIX, stream_zip
from segapp.services.jobs import job_file_content, job_file_ids, run_job_now, step_of
from segapp.services.registering.register import register_segment
from tests.documents.letters_support import add_template_document, docx_text, letter_template
from tests.sqlcount import count_statements

__all__ = ["add_template_document"]


def _register(db: Any, segment_no: str) -> BackgroundJob:
    result = register_segment(db.session, segment_no, None, send_documents=True, create_follow_up=False)
    db.session.commit()
    assert result.printable_job is not None
    return result.printable_job


def _outputs(db: Any, job: BackgroundJob) -> dict[str, bytes]:
    return {name: job_file_content(db.session, file_id) for file_id, name in job_file_ids(db.session, job)}


def _zip(db: Any, job: BackgroundJob) -> dict[str, bytes]:
    parts = [file_id for file_id, name in job_file_ids(db.session, job, ZIP_KIND) if name.startswith(ZIP_PREFIX)]
    data = b"".join(stream_zip(lambda file_id: job_file_content(db.session, file_id), parts))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _statuses(db: Any) -> list[tuple[str, str]]:
    rows = db.session.execute(
        select(InteractionLogEntry.contact_no, InteractionLogEntry.delivery_status).order_by(
            InteractionLogEntry.entry_no
        )
    ).all()
    return [(contact, str(status)) for contact, status in rows]


def test_one_document_per_template_version_and_a_zip_of_one_letter_per_contact(
    db: Any,
    make_registrable: Callable[..., SegmentHeader],
    add_template_document: Callable[..., Any],
) -> None:
    header = make_registrable(4)
    add_template_document("ITA")
    add_template_document("ENU")
    db.session.execute(
        SegmentLine.__table__.update()
        .where(SegmentLine.segment_no == header.no, SegmentLine.line_no == 30000)
        .values(language_code="ENU")
    )
    db.session.execute(
        SegmentLine.__table__.update()
        .where(SegmentLine.segment_no == header.no, SegmentLine.line_no == 40000)
        .values(correspondence_type=CorrespondenceType.BLANK)
    )
    db.session.add_all(
        [
            SegmentLineDocument(segment_no=header.no, line_no=10000, personal_text="A presto!"),
            SegmentLineDocument(
                segment_no=header.no, line_no=20000, file_name="mine.docx", content=letter_template("Caro Luca")
            ),
        ]
    )
    db.session.commit()
    job = _register(db, header.no)

    run_job_now(db.session, job.id)

    job = db.session.get(BackgroundJob, job.id)
    assert (job.state, job.total, job.done, job.errors) == ("done", 3, 3, 0)
    outputs = _outputs(db, job)
    logged = job.owner.split(":")[1]
    italian = outputs[f"letters-{logged}-LETTER-ITA-v1.docx"]
    english = outputs[f"letters-{logged}-LETTER-ENU-v1.docx"]
    assert sorted(outputs) == sorted([f"letters-{logged}-LETTER-ENU-v1.docx", f"letters-{logged}-LETTER-ITA-v1.docx"])
    italian_text = docx_text(italian)
    assert "Gentile Person 00001" in italian_text and "A presto!" in italian_text
    assert "Caro Luca" in italian_text  # the personalised letter, as it is
    assert italian_text.index("Person 00001") < italian_text.index("Caro Luca")
    assert "Dear Person 00003" in docx_text(english) and "Person 00001" not in docx_text(english)
    letters = _zip(db, job)
    assert len(letters) == 3 and all(name.endswith(".docx") for name in letters)
    by_contact = {name.split(" ")[1]: docx_text(data) for name, data in letters.items()}
    assert "Gentile Person 00001" in by_contact["R00001"]
    assert "Caro Luca" in by_contact["R00002"]
    assert "Dear Person 00003" in by_contact["R00003"]
    # Printed letters are handed over: sent; the line without correspondence type had nothing to deliver.
    assert _statuses(db) == [("R00001", "sent"), ("R00002", "sent"), ("R00003", "sent"), ("R00004", "")]
    # The chunks were only the assembly's.
    assert job_file_ids(db.session, job, "part") == []


def test_a_letter_without_a_document_is_that_entrys_error_and_the_others_are_printed(
    db: Any,
    make_registrable: Callable[..., SegmentHeader],
    add_template_document: Callable[..., Any],
) -> None:
    header = make_registrable(3)
    add_template_document("ITA")
    db.session.execute(
        SegmentLine.__table__.update()
        .where(SegmentLine.segment_no == header.no, SegmentLine.line_no == 20000)
        .values(language_code="DEU")
    )
    db.session.commit()
    job = _register(db, header.no)

    run_job_now(db.session, job.id)

    job = db.session.get(BackgroundJob, job.id)
    assert (job.state, job.done, job.errors) == ("done", 3, 1)
    assert _statuses(db) == [("R00001", "sent"), ("R00002", "error"), ("R00003", "sent")]
    error = db.session.scalars(
        select(InteractionLogEntry.delivery_error).where(InteractionLogEntry.contact_no == "R00002")
    ).one()
    assert "no Word document" in error
    assert sorted(name.split(" ")[1] for name in _zip(db, job)) == ["R00001", "R00003"]


def test_a_job_stopped_between_steps_resumes_where_it_was_and_gives_the_same_letters(
    db: Any,
    make_registrable: Callable[..., SegmentHeader],
    add_template_document: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(printable, "STEP_LETTERS", 2)
    header = make_registrable(5)
    add_template_document("ITA")
    job = _register(db, header.no)
    step = step_of(job.kind)
    # Two steps committed, then the worker dies: a new session picks the job up from the database.
    for _ in range(2):
        assert step(db.session, job) is False
        db.session.commit()
    assert job.done == 4
    db.session.expunge_all()

    run_job_now(db.session, job.id)

    job = db.session.get(BackgroundJob, job.id)
    assert (job.state, job.done, job.errors) == ("done", 5, 0)
    text = docx_text(next(iter(_outputs(db, job).values())))
    names = [f"Person {n:05d}" for n in range(1, 6)]
    assert [text.count(name) for name in names] == [1] * 5
    assert [text.index(name) for name in names] == sorted(text.index(name) for name in names)
    assert len(_zip(db, job)) == 5
    assert db.session.scalar(select(JobFile.id).where(JobFile.name.startswith("book-"))) is None


FAKE_SOFFICE = """#!/bin/sh
# LibreOffice's command line as segapp calls it: the last argument the .docx, --outdir the folder.
while [ $# -gt 1 ]; do
  if [ "$1" = "--outdir" ]; then outdir="$2"; fi
  shift
done
printf '%%PDF-1.4 of %s' "$(basename "$1")" > "$outdir/letters.pdf"
"""


def test_where_libreoffice_is_installed_each_document_gets_its_pdf(
    db: Any,
    make_registrable: Callable[..., SegmentHeader],
    add_template_document: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Any,
) -> None:
    soffice = tmp_path / "soffice"
    soffice.write_text(FAKE_SOFFICE)
    soffice.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}:/usr/bin:/bin")
    header = make_registrable(2)
    add_template_document("ITA")
    job = _register(db, header.no)
    run_job_now(db.session, job.id)
    outputs = _outputs(db, db.session.get(BackgroundJob, job.id))
    pdfs = [name for name in outputs if name.endswith(".pdf")]
    assert len(pdfs) == 1 and outputs[pdfs[0]] == b"%PDF-1.4 of letters.docx"
    assert pdfs[0].removesuffix(".pdf") + ".docx" in outputs


def test_without_libreoffice_there_is_no_pdf_and_the_job_is_done(
    db: Any,
    make_registrable: Callable[..., SegmentHeader],
    add_template_document: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Any,
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    header = make_registrable(1)
    add_template_document("ITA")
    job = _register(db, header.no)
    run_job_now(db.session, job.id)
    job = db.session.get(BackgroundJob, job.id)
    assert job.state == "done" and [name[-5:] for name in _outputs(db, job)] == [".docx"]


def _step_statements(db: Any, make_registrable: Callable[..., SegmentHeader], lines: int) -> list[str]:
    header = make_registrable(lines)
    job = _register(db, header.no)
    step = step_of(job.kind)
    with count_statements(db.engine) as counted:
        assert step(db.session, job) is False
        db.session.commit()
    assert job.done == lines
    return counted.statements


def test_a_merge_step_takes_the_same_statements_for_3_letters_as_for_150(
    db: Any,
    make_registrable: Callable[..., SegmentHeader],
    add_template_document: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(printable, "STEP_LETTERS", 150)
    add_template_document("ITA")
    small = _step_statements(db, make_registrable, 3)
    db.session.execute(delete(InteractionLogEntry))
    db.session.commit()
    large = _step_statements(db, make_registrable, 150)
    assert len(small) == len(large), (small, large)
    # entries, templates, the job read again after the reading's commit, the chunk and the zip part (a DELETE and
    # an INSERT each), the job
    assert len(small) == 8, "\n\n".join(small)


def _can_write_now(db: Any) -> bool:
    """Whether another connection (a user's save) can write at once, without waiting for the job's step."""
    if db.engine.dialect.name == "sqlite":
        other = sqlite3.connect(db.engine.url.database, timeout=0.05, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
            return True
        except sqlite3.OperationalError:
            return False
        finally:
            other.close()
    with db.engine.connect() as other:  # PostgreSQL: the rows the step reads and later marks
        other.exec_driver_sql("SET LOCAL lock_timeout = '50ms'")
        try:
            other.execute(update(InteractionLogEntry).values(contact_no=InteractionLogEntry.contact_no))
        except OperationalError:
            return False
        finally:
            other.rollback()
    return True


def test_a_user_can_save_while_letters_are_merged_and_their_pdf_is_made(
    db: Any,
    make_registrable: Callable[..., SegmentHeader],
    add_template_document: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The merge and LibreOffice take seconds: a step must not hold SQLite's write lock through them.
    header = make_registrable(3)
    add_template_document("ITA")
    job = _register(db, header.no)
    probes: list[tuple[str, bool]] = []
    merge_document = printable.merge.merge_document

    def merge_and_probe(*args: Any, **kwargs: Any) -> bytes:
        probes.append(("merge", _can_write_now(db)))
        return merge_document(*args, **kwargs)

    monkeypatch.setattr(printable.merge, "merge_document", merge_and_probe)
    monkeypatch.setattr(printable, "pdf_of", lambda content: probes.append(("pdf", _can_write_now(db))))
    with immediate_transactions():  # as the worker runs a job: on SQLite its transactions take the write lock
        job = run_job_now(db.session, job.id)
    assert probes == [("merge", True)] * 3 + [("pdf", True)]
    assert (job.state, job.done, job.errors) == ("done", 3, 0)
