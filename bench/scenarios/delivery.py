"""Scenario delivery: the e-mails of a registered segment sent to an SMTP server on loopback, segapp's send job vs a
plain ``smtplib`` loop sending the same messages over one connection.

The segment BENCH-MAIL has an e-mail line for each of the first min(N, 10,000) contacts (by number) that are not
privacy blocked (register refuses those) and whose address segapp sends to (the generated data has some non-ASCII
local parts, which ``valid_address`` refuses: each would be an entry in error), template LETTER in Italian with the merge scenario's one-page letter
(every catalogue field), the letter as the HTML body (the header's default). It is registered with *send
documents* once, outside the clock. Every contact has an address of its own, so there is a message per entry.

The mail server is ``bench.smtp_sink`` (aiosmtpd accepting and discarding) in a process of its own, started
afresh for each run outside the clock; both sides send to it with no rate limit and no TLS, and after each run it
must have received one message per entry. segapp's side runs the ``send_email`` job to the end (``run_job_now``:
the claims, each entry marked *sending* and committed before its SMTP call, *sent* after, the job's progress);
the baseline reads the same entries' values first, then, timed: the letter compiled once and, per entry, its HTML
and text joined, ``build_email`` and ``smtplib.SMTP.send_message`` over one connection — the same messages.
Between runs the job is deleted and the entries put back to *pending*, outside the clock.
"""

import json
import smtplib
import statistics
import time
from typing import Any

from flask import current_app
from sqlalchemy import delete, func, select, update

from bench.measure import Context, NotAvailable, Sample, Scenario, run_child
from bench.scenarios.merging import bench_template
from bench.scenarios.web import create_segment
from bench.smtp_sink import SinkProcess
from segapp.extensions import db
from segapp.models import (
    BackgroundJob,
    CampaignEntry,
    Contact,
    CorrespondenceType,
    DeliveryStatus,
    InteractionLogEntry,
    LoggedSegment,
    Salesperson,
    SegmentHeader,
    SegmentLine,
    TemplateDocument,
)

MAIL_SEGMENT = "BENCH-MAIL"
MAX_LINES = 10_000
TEMPLATE_FILE = "bench-mail-letter.docx"
SENDER = "news@bench.example.com"


def mail_lines(n: int) -> int:
    """The contacts whose lines the segment gets at N contacts (less the privacy-blocked ones)."""
    return min(n, MAX_LINES)


def mail_config(port: int) -> dict[str, str]:
    """The mail server settings of both sides (the environment's, which win over the setup page): the sink."""
    return {
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(port),
        "SMTP_SECURITY": "none",
        "SMTP_USER": "",
        "SMTP_SENDER_EMAIL": SENDER,
        "SMTP_SENDER_NAME": "Bench",
        "SMTP_SENDER_DOMAINS": "",
        "SMTP_EMAILS_PER_MINUTE": "0",
    }


# -- the two sides, each in a child process ------------------------------------------------------------------


def segapp_task(spec: dict[str, Any]) -> dict[str, Any]:
    """Child side: the send job run to the end, with its status writes and commits."""
    from segapp.services.delivery import sending  # noqa: F401 - the job kind, loaded before the clock
    from segapp.services.jobs import run_job_now

    current_app.config.update(mail_config(spec["port"]))
    session = db.session
    session.execute(select(BackgroundJob.id).where(BackgroundJob.id == spec["job_id"])).all()
    session.rollback()
    started = time.perf_counter()
    job = run_job_now(session, spec["job_id"])
    seconds = time.perf_counter() - started
    if job.errors or job.state != "done":
        reasons = session.execute(
            select(InteractionLogEntry.delivery_error, func.count())
            .where(
                InteractionLogEntry.logged_segment_entry_no == spec["logged"],
                InteractionLogEntry.delivery_status != DeliveryStatus.SENT,
            )
            .group_by(InteractionLogEntry.delivery_error)
        ).all()
        raise RuntimeError(f"delivery: job {job.state}, {job.errors} errors {job.message}: {reasons}")
    sent = session.scalar(
        select(func.count())
        .select_from(InteractionLogEntry)
        .where(
            InteractionLogEntry.logged_segment_entry_no == spec["logged"],
            InteractionLogEntry.delivery_status == DeliveryStatus.SENT,
        )
    )
    return {"seconds": seconds, "rows": sent}


def baseline_task(spec: dict[str, Any]) -> dict[str, Any]:
    """Child side: the entries' values read first; then the letter compiled, and each message built and sent with
    smtplib over one connection."""
    from segapp.services.delivery.consent import unsubscribe_url
    from segapp.services.delivery.letters import compile_letter
    from segapp.services.delivery.messages import build_email
    from segapp.services.delivery.settings import mail_settings
    from segapp.services.documents.catalogue import letter_locale

    current_app.config.update(mail_config(spec["port"]))
    session = db.session
    settings = mail_settings(session)
    template = session.scalar(select(TemplateDocument.content).where(TemplateDocument.id == spec["template_id"]))
    entry = InteractionLogEntry
    rows = session.execute(
        select(
            entry.contact_no,
            entry.subject,
            entry.language_code,
            entry.merge_values,
            Contact.name,
            Contact.email,
            Salesperson.name.label("salesperson_name"),
            Salesperson.email.label("salesperson_email"),
        )
        .join(Contact, Contact.no == entry.contact_no)
        .outerjoin(Salesperson, Salesperson.code == entry.salesperson_code)
        .where(entry.logged_segment_entry_no == spec["logged"])
        .order_by(entry.entry_no)
    ).all()
    values = [json.loads(row.merge_values) for row in rows]
    session.rollback()
    build = 0.0
    started = time.perf_counter()
    letter = compile_letter(template)
    if letter is None:
        raise RuntimeError("delivery: the benchmark letter does not compile")
    with smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout) as smtp:
        for row, letter_values in zip(rows, values, strict=True):
            building = time.perf_counter()
            locale = letter_locale(row.language_code)
            merged = letter.values(letter_values, locale)
            message = build_email(
                settings,
                to_address=row.email,
                to_name=row.name,
                subject=row.subject,
                salesperson_name=row.salesperson_name or "",
                salesperson_email=row.salesperson_email or "",
                unsubscribe_url=unsubscribe_url(row.contact_no),
                html=letter.html_body(merged),
                text=letter.text_body(merged),
                locale=locale,
            )
            build += time.perf_counter() - building
            smtp.send_message(message)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "rows": len(rows), "detail": {"build_s": round(build, 3)}}


# -- the registered segment, made once; the job made again between runs ----------------------------------------


def _remove(ctx: Context) -> None:
    """What an earlier run left: its jobs, entries, registered segment, segment and template version."""
    with ctx.app.app_context(), db.engine.begin() as connection:
        registered = select(LoggedSegment.entry_no).where(LoggedSegment.segment_no == MAIL_SEGMENT)
        owners = [f"logged_segment:{no}" for no in connection.scalars(registered)]
        jobs = BackgroundJob.owner.in_(owners) | BackgroundJob.owner.like(f"%{MAIL_SEGMENT}%")
        connection.execute(delete(BackgroundJob).where(jobs))
        connection.execute(
            delete(InteractionLogEntry).where(InteractionLogEntry.logged_segment_entry_no.in_(registered))
        )
        connection.execute(delete(CampaignEntry).where(CampaignEntry.logged_segment_entry_no.in_(registered)))
        connection.execute(delete(LoggedSegment).where(LoggedSegment.segment_no == MAIL_SEGMENT))
        connection.execute(delete(SegmentLine).where(SegmentLine.segment_no == MAIL_SEGMENT))
        connection.execute(delete(SegmentHeader).where(SegmentHeader.no == MAIL_SEGMENT))
        connection.execute(delete(TemplateDocument).where(TemplateDocument.file_name == TEMPLATE_FILE))


def _register(ctx: Context) -> dict[str, Any]:
    """The template version, the segment of e-mail lines, registered with send: its entry no., job and size."""
    from segapp.services.delivery.messages import valid_address
    from segapp.services.registering.register import register_segment

    create_segment(ctx.app, MAIL_SEGMENT, f"r <= {mail_lines(ctx.n)}")
    with ctx.app.app_context():
        session = db.session
        on_segment = select(SegmentLine.contact_no).where(SegmentLine.segment_no == MAIL_SEGMENT)
        contacts = session.execute(
            select(Contact.no, Contact.email, Contact.privacy_blocked).where(Contact.no.in_(on_segment))
        ).all()
        # Left out: privacy-blocked contacts (register refuses them) and addresses the job would put in error
        # (the generated names give some non-ASCII local parts, such as niccolò.24@…, which need SMTPUTF8).
        unsendable = [no for no, email, blocked in contacts if blocked or not valid_address(email or "")]
        session.execute(
            delete(SegmentLine).where(SegmentLine.segment_no == MAIL_SEGMENT, SegmentLine.contact_no.in_(unsendable))
        )
        session.execute(
            update(SegmentLine)
            .where(SegmentLine.segment_no == MAIL_SEGMENT)
            .values(
                correspondence_type=CorrespondenceType.EMAIL, language_code="ITA", send_word_doc_as_attachment=False
            )
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
        result = register_segment(session, MAIL_SEGMENT, None, send_documents=True, create_follow_up=False)
        session.commit()
        job = result.email_job
        if job is None or job.total != result.entries:
            raise RuntimeError(f"delivery: expected a send job of {result.entries} e-mails")
        state = {
            "logged": result.logged_segment.entry_no,
            "template_id": template.id,
            "job_id": job.id,
            "messages": result.entries,
        }
        db.session.remove()
    return state


def _new_job(ctx: Context, state: dict[str, Any]) -> None:
    """The last job gone, the entries pending again with no trace of the last run, a new send job."""
    from segapp.services.delivery.sending import start_sending

    with ctx.app.app_context():
        session = db.session
        session.execute(delete(BackgroundJob).where(BackgroundJob.id == state["job_id"]))
        session.execute(
            update(InteractionLogEntry)
            .where(InteractionLogEntry.logged_segment_entry_no == state["logged"])
            .values(
                delivery_status=DeliveryStatus.PENDING,
                delivery_error="",
                delivery_worker="",
                delivery_lease_until=None,
                delivery_attempts=0,
                delivered_at=None,
                delivery_message_id="",
            )
        )
        job = start_sending(session, state["logged"], user_id=None)
        if job is None:
            raise RuntimeError("delivery: no send job after putting the entries back to pending")
        state["job_id"] = job.id
        session.commit()
        db.session.remove()


def _run_with_sink(ctx: Context, side: str, **params: Any) -> Sample:
    """One side in a child process, sending to a fresh sink; the sink must have received a message per entry."""
    state = ctx.state["delivery"]
    sink = SinkProcess()
    try:
        sample = run_child(f"delivery_{side}", ctx, port=sink.port, logged=state["logged"], **params)
    finally:
        received = sink.stop()
    if sample.rows != state["messages"] or received["messages"] != state["messages"]:
        raise RuntimeError(
            f"delivery: {side} handled {sample.rows} entries and the server received {received['messages']} "
            f"messages, of {state['messages']}"
        )
    sample.detail = {**sample.detail, "received_mb": round(received["bytes"] / 1024 / 1024, 1)}
    return sample


class DeliveryScenario(Scenario):
    """delivery: the send job of min(N, 10,000) e-mail entries vs an smtplib loop, both to aiosmtpd on loopback."""

    name = "delivery"

    def check(self, ctx: Context) -> None:
        """The send job needs delivery-core's sending module."""
        try:
            from segapp.services.delivery import sending
        except ImportError as error:
            raise NotAvailable("segapp.services.delivery.sending") from error
        if not hasattr(sending, "start_sending"):
            raise NotAvailable("segapp.services.delivery.sending.start_sending")

    def prepare(self, ctx: Context) -> None:
        """The template version and the registered segment with its send job."""
        ctx.app.config.update(mail_config(25))  # registering starts the job; no message leaves before a run
        _remove(ctx)
        ctx.state["delivery"] = {**_register(ctx), "baselines": []}

    def run_segapp(self, ctx: Context) -> Sample:
        """The send job in a child process."""
        return _run_with_sink(ctx, "segapp", job_id=ctx.state["delivery"]["job_id"])

    def run_baseline(self, ctx: Context) -> Sample:
        """The smtplib loop in a child process."""
        sample = _run_with_sink(ctx, "baseline", template_id=ctx.state["delivery"]["template_id"])
        ctx.state["delivery"]["baselines"].append(sample)
        return sample

    def reset(self, ctx: Context) -> None:
        """A new job over the same entries."""
        _new_job(ctx, ctx.state["delivery"])

    def finish(self, ctx: Context) -> None:
        """Remove what the scenario made."""
        _remove(ctx)

    def extra(self, ctx: Context) -> dict[str, Any]:
        """The messages of each run, and the baseline's median time building them (the rest is smtplib)."""
        state = ctx.state["delivery"]
        builds = [sample.detail["build_s"] for sample in state["baselines"]]
        return {"messages": state["messages"], "rows": state["messages"], "baseline_build_s": statistics.median(builds)}
