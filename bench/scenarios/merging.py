"""Scenario merge: the printable letters of a registered segment of min(N, 10,000) hard-copy lines, segapp's job vs
docx-mailmerge2 alone merging the same values, already in memory, into the same documents.

The segment BENCH-MERGE has a hard-copy line for each of the first ``lines`` contacts (by number) that is not
privacy blocked (register refuses those), template LETTER
in Italian; LETTER gets a one-page Word letter holding every catalogue field (one of them in the page header).
It is registered with *send documents* once, outside the clock. segapp's side runs the ``printable_letters`` job
to the end (``run_job_now``: its values read from the database step by step, a LetterBook chunk and a zip part per
step committed, the combined .docx assembled chunk by chunk, the entries marked sent). The baseline reads the
same entries' merge values first, then, timed: ``MailMerge.merge_templates`` of all of them into one document
(a section per letter, in memory) and one ``MailMerge.merge`` per letter into a zip — the same two outputs. Both
must produce the same number of letters. Between runs the job and its files are deleted and the entries set back
to pending, outside the clock.
"""

import io
import json
import time
import zipfile
from typing import Any

from sqlalchemy import delete, func, select, update

from bench.measure import Context, NotAvailable, Sample, Scenario, run_child
from bench.scenarios.web import create_segment
from segapp.extensions import db
from segapp.models import (
    BackgroundJob,
    CampaignEntry,
    Contact,
    CorrespondenceType,
    DeliveryStatus,
    InteractionLogEntry,
    LoggedSegment,
    SegmentHeader,
    SegmentLine,
    TemplateDocument,
)

MERGE_SEGMENT = "BENCH-MERGE"
MAX_LINES = 10_000
TEMPLATE_FILE = "bench-letter.docx"
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
BODY = (
    "Thank you for the interest you showed in our products at the fair. As promised, we send you the "
    "conditions we reserve for the customers who visited our stand, valid until the end of the season. "
    "Our salesperson will call you in the coming days to arrange a visit at a time that suits you."
)


def merge_lines(n: int) -> int:
    """The letters of a run at N contacts."""
    return min(n, MAX_LINES)


def bench_template() -> bytes:
    """A one-page letter with every catalogue field as a MERGEFIELD (the contact's name in the header too)."""
    from docx import Document
    from docx.oxml import parse_xml

    from segapp.services.documents.catalogue import FIELDS

    def field(paragraph: Any, name: str) -> None:
        paragraph._p.append(
            parse_xml(f'<w:fldSimple {W} w:instr=" MERGEFIELD {name} "><w:r><w:t>«{name}»</w:t></w:r></w:fldSimple>')
        )

    document = Document()
    field(document.sections[0].header.paragraphs[0], "ContactName")
    for merge_field in FIELDS:
        paragraph = document.add_paragraph(f"{merge_field.name}: ")
        field(paragraph, merge_field.name)
    for _ in range(3):
        document.add_paragraph(BODY)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# -- the two sides, each in a child process ------------------------------------------------------------------


def segapp_task(spec: dict[str, Any]) -> dict[str, Any]:
    """Child side: the printable letters job run to the end, committing after each step."""
    from segapp.services.documents import printable  # noqa: F401 - the job kind and the merge, loaded before the clock
    from segapp.services.jobs import run_job_now

    session = db.session
    session.execute(select(BackgroundJob.id).where(BackgroundJob.id == spec["job_id"])).all()
    session.rollback()
    started = time.perf_counter()
    job = run_job_now(session, spec["job_id"])
    seconds = time.perf_counter() - started
    if job.errors:
        raise RuntimeError(f"merge: {job.errors} letters failed: {job.message}")
    return {"seconds": seconds, "rows": job.done}


def baseline_task(spec: dict[str, Any]) -> dict[str, Any]:
    """Child side: the values read first, then docx-mailmerge2 alone: one combined document and a zip of letters."""
    from mailmerge import MailMerge

    session = db.session
    template = session.scalar(select(TemplateDocument.content).where(TemplateDocument.id == spec["template_id"]))
    values = [
        json.loads(text)
        for text in session.scalars(
            select(InteractionLogEntry.merge_values)
            .where(InteractionLogEntry.logged_segment_entry_no == spec["logged"])
            .order_by(InteractionLogEntry.entry_no)
        )
    ]
    session.rollback()
    started = time.perf_counter()
    with MailMerge(io.BytesIO(template)) as document:
        document.merge_templates(values, separator="nextPage_section")
        combined = io.BytesIO()
        document.write(combined)
    letters = io.BytesIO()
    with zipfile.ZipFile(letters, "w", zipfile.ZIP_STORED) as archive:
        for index, letter_values in enumerate(values):
            with MailMerge(io.BytesIO(template)) as document:
                document.merge(**letter_values)
                letter = io.BytesIO()
                document.write(letter)
            archive.writestr(f"{index:08d}.docx", letter.getvalue())
    return {"seconds": time.perf_counter() - started, "rows": len(values)}


# -- the registered segment, made once; the job made again between runs ----------------------------------------


def _remove(ctx: Context) -> None:
    """What an earlier run left: its jobs, entries, registered segment, segment and template version."""
    with ctx.app.app_context(), db.engine.begin() as connection:
        registered = select(LoggedSegment.entry_no).where(LoggedSegment.segment_no == MERGE_SEGMENT)
        owners = [f"logged_segment:{no}" for no in connection.scalars(registered)]
        if owners:
            connection.execute(delete(BackgroundJob).where(BackgroundJob.owner.in_(owners)))
        connection.execute(
            delete(InteractionLogEntry).where(InteractionLogEntry.logged_segment_entry_no.in_(registered))
        )
        connection.execute(delete(CampaignEntry).where(CampaignEntry.logged_segment_entry_no.in_(registered)))
        connection.execute(delete(LoggedSegment).where(LoggedSegment.segment_no == MERGE_SEGMENT))
        connection.execute(delete(SegmentLine).where(SegmentLine.segment_no == MERGE_SEGMENT))
        connection.execute(delete(SegmentHeader).where(SegmentHeader.no == MERGE_SEGMENT))
        connection.execute(delete(TemplateDocument).where(TemplateDocument.file_name == TEMPLATE_FILE))


def _register(ctx: Context) -> dict[str, Any]:
    """The template version, the segment of hard-copy lines, registered with send: its entry no. and job."""
    from segapp.services.registering.register import register_segment

    create_segment(ctx.app, MERGE_SEGMENT, f"r <= {merge_lines(ctx.n)}")
    with ctx.app.app_context():
        session = db.session
        # Left out: the privacy-blocked contacts, whose lines register refuses.
        blocked = select(Contact.no).where(Contact.privacy_blocked.is_(True))
        session.execute(
            delete(SegmentLine).where(SegmentLine.segment_no == MERGE_SEGMENT, SegmentLine.contact_no.in_(blocked))
        )
        lines = session.scalar(
            select(func.count()).select_from(SegmentLine).where(SegmentLine.segment_no == MERGE_SEGMENT)
        )
        session.execute(
            update(SegmentLine)
            .where(SegmentLine.segment_no == MERGE_SEGMENT)
            .values(correspondence_type=CorrespondenceType.HARD_COPY, language_code="ITA")
        )
        content = bench_template()
        version = session.scalar(
            select(func.coalesce(func.max(TemplateDocument.version), 0)).where(
                TemplateDocument.template_code == "LETTER", TemplateDocument.language_code == "ITA"
            )
        )
        template = TemplateDocument(
            template_code="LETTER",
            language_code="ITA",
            version=version + 1,
            file_name=TEMPLATE_FILE,
            size=len(content),
            content=content,
        )
        session.add(template)
        session.commit()
        result = register_segment(session, MERGE_SEGMENT, None, send_documents=True, create_follow_up=False)
        session.commit()
        if result.printable_job is None or result.printable_job.total != lines:
            raise RuntimeError(f"merge: expected a job of {lines} letters")
        state = {
            "logged": result.logged_segment.entry_no,
            "template_id": template.id,
            "job_id": result.printable_job.id,
            "lines": lines,
        }
        db.session.remove()
    return state


def _new_job(ctx: Context, state: dict[str, Any]) -> None:
    """The last job and its files gone, the entries pending again, a new job."""
    from segapp.services.documents.printable import printable_owner, start_printable_letters

    with ctx.app.app_context():
        session = db.session
        session.execute(delete(BackgroundJob).where(BackgroundJob.owner == printable_owner(state["logged"])))
        session.execute(
            update(InteractionLogEntry)
            .where(InteractionLogEntry.logged_segment_entry_no == state["logged"])
            .values(delivery_status=DeliveryStatus.PENDING, delivery_error="")
        )
        state["job_id"] = start_printable_letters(session, state["logged"], state["lines"]).id
        session.commit()
        db.session.remove()


class MergeScenario(Scenario):
    """merge: the printable letters job of min(N, 10,000) hard-copy entries vs docx-mailmerge2 alone."""

    name = "merge"

    def check(self, ctx: Context) -> None:
        """The job needs merge-core's LetterBook."""
        from segapp import merge

        if not hasattr(merge, "LetterBook"):
            raise NotAvailable("segapp.merge.LetterBook")

    def prepare(self, ctx: Context) -> None:
        """The template version and the registered segment with its job."""
        _remove(ctx)
        ctx.state["merge"] = {**_register(ctx), "segapp": []}

    def run_segapp(self, ctx: Context) -> Sample:
        """The job in a child process."""
        state = ctx.state["merge"]
        sample = run_child("merge_segapp", ctx, job_id=state["job_id"])
        if sample.rows != state["lines"]:
            raise RuntimeError(f"merge: segapp produced {sample.rows} letters of {state['lines']}")
        state["segapp"].append(sample)
        return sample

    def run_baseline(self, ctx: Context) -> Sample:
        """docx-mailmerge2 in a child process; the same number of letters."""
        state = ctx.state["merge"]
        sample = run_child("merge_baseline", ctx, logged=state["logged"], template_id=state["template_id"])
        if sample.rows != state["lines"]:
            raise RuntimeError(f"merge: the baseline produced {sample.rows} letters of {state['lines']}")
        return sample

    def reset(self, ctx: Context) -> None:
        """A new job over the same entries."""
        _new_job(ctx, ctx.state["merge"])

    def finish(self, ctx: Context) -> None:
        """Remove what the scenario made."""
        _remove(ctx)

    def extra(self, ctx: Context) -> dict[str, Any]:
        """The letters (lines) of the run."""
        return {"lines": ctx.state["merge"]["lines"], "rows": ctx.state["merge"]["lines"]}
