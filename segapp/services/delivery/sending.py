"""The send job of a registered segment (spec 5): its pending e-mail entries sent over SMTP, a message per address
(per contact when the registered segment asks), as a background job with a progress bar.

A step claims a batch of entries (services.delivery.claims), reads what their messages need in one SELECT, and
sends them over one connection: each message's entries are marked *sending* and committed before its SMTP call,
and *sent* or *error* with the next message's commit, so a message costs one commit. Contacts who opted out
meanwhile are skipped (error). The step is bounded in messages and in time (throttling to the configured rate
included), so that the job's lease is renewed between steps.
"""

import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from flask import current_app, has_app_context
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from sqlalchemy import Row, func, select, update
from sqlalchemy.orm import Session

from segapp.models import (
    BackgroundJob,
    Contact,
    CorrespondenceType,
    DeliveryStatus,
    InteractionLogEntry,
    InteractionLogEntryFile,
    LoggedSegment,
    Salesperson,
    TemplateDocument,
)
from segapp.models.base import utcnow
from segapp.services.delivery.claims import (
    claim_entries,
    expire_delivery_claims,
    give_back_sending,
    mark_error,
    mark_sent,
    mark_window_sending,
    release_entries,
)
from segapp.services.delivery.consent import unsubscribe_url
from segapp.services.delivery.letters import compile_letter, html_text, slow_docx
from segapp.services.delivery.messages import build_email, new_message_id, valid_address
from segapp.services.delivery.settings import MailSettings, mail_settings
from segapp.services.delivery.smtp import MailConnection, SmtpFailure
from segapp.services.documents.catalogue import letter_locale
from segapp.services.documents.preview import docx_html
from segapp.services.documents.printable import entry_values, printable_owner
from segapp.services.jobs import checkpoint, job_cursor, job_kind, job_params, newest_job, set_job_cursor, start_job
from segapp.services.jobs.runner import lease_duration

JOB_KIND = "send_email"
# Messages of one step, and how long it may go on: a step ends well within the job's lease, which is renewed
# between steps (the SMTP timeout, under the lease too, bounds the last call).
STEP_MESSAGES = 1000
STEP_SECONDS = 20.0
# Within a step the job's lease is renewed at a message's commit this often (and a cancelled job noticed).
RENEW_SECONDS = 2.0
# Messages whose entries are marked *sending* in one commit (SMTP_SENDING_WINDOW): each entry is still committed
# *sending* before its own SMTP call, with one synchronous commit per window instead of per message; a worker
# killed mid-window leaves at most the window's entries *unknown*. Throttled sending makes windows of about
# WINDOW_SECONDS; a window still running after WINDOW_HOLD_SECONDS (a slow server) gives back its messages not
# yet called, so that no entry waits *sending* near its lease.
DEFAULT_WINDOW = 20
WINDOW_SECONDS = 1.0
WINDOW_HOLD_SECONDS = 20.0

ENTRY = InteractionLogEntry


def _pending_emails(logged_entry_no: int) -> Any:
    return (
        (ENTRY.logged_segment_entry_no == logged_entry_no)
        & (ENTRY.correspondence_type == CorrespondenceType.EMAIL)
        & (ENTRY.delivery_status == DeliveryStatus.PENDING)
    )


def start_sending(session: Session, logged_entry_no: int, *, user_id: int | None) -> BackgroundJob | None:
    """A queued job sending every pending e-mail entry of the registered segment; None when there is none. The
    caller commits, then ``enqueue(job.id)``."""
    pending = session.scalar(select(func.count()).select_from(ENTRY).where(_pending_emails(logged_entry_no)))
    if not pending:
        return None
    logged = session.get(LoggedSegment, logged_entry_no)
    per_contact = bool(logged.email_per_contact) if logged is not None else False
    return start_job(
        session,
        JOB_KIND,
        # The entries' error reasons are written in the language of the user who sent (as exports are).
        params={"logged_segment": logged_entry_no, "per_contact": per_contact, "locale": str(get_locale() or "en")},
        total=int(pending),
        user_id=user_id,
        owner=printable_owner(logged_entry_no),
    )


def sending_job(session: Session, logged_entry_no: int) -> BackgroundJob | None:
    """The newest send job of the registered segment, if it had any."""
    return newest_job(session, printable_owner(logged_entry_no), JOB_KIND)


def _worker(job: BackgroundJob) -> str:
    """Who claims the entries: the worker holding the job (its thread), and the job."""
    return f"{getattr(job, 'claimed_by', 'inline')}#{job.id}"[:100]


def _entry_rows(session: Session, entry_nos: list[int]) -> list[Row]:
    """What the messages of the claimed entries need (one SELECT)."""
    return list(
        session.execute(
            select(
                ENTRY.entry_no,
                ENTRY.contact_no,
                ENTRY.subject,
                ENTRY.language_code,
                ENTRY.send_word_doc_as_attachment.label("attach"),
                ENTRY.template_document_id,
                ENTRY.merge_values,
                ENTRY.cancelled,
                Contact.name,
                Contact.email,
                Contact.email_opt_out,
                Salesperson.name.label("salesperson_name"),
                Salesperson.email.label("salesperson_email"),
                InteractionLogEntryFile.content.label("file"),
            )
            .outerjoin(Contact, Contact.no == ENTRY.contact_no)
            .outerjoin(Salesperson, Salesperson.code == ENTRY.salesperson_code)
            .outerjoin(InteractionLogEntryFile, InteractionLogEntryFile.entry_no == ENTRY.entry_no)
            .where(ENTRY.entry_no.in_(entry_nos))
            .order_by(ENTRY.entry_no)
        )
    )


def _templates(session: Session, rows: list[Row]) -> dict[int, bytes]:
    ids = {row.template_document_id for row in rows if row.template_document_id and row.file is None}
    if not ids:
        return {}
    query = select(TemplateDocument.id, TemplateDocument.content).where(TemplateDocument.id.in_(ids))
    return {row.id: row.content for row in session.execute(query)}


@dataclass(frozen=True)
class _JobRef:
    """What a checkpoint needs of the job, read once: the job's object belongs to the runner's session, which
    the sending loop leaves alone (reading it after a commit would begin a transaction there)."""

    id: int
    claimed_by: str
    # The job's counts when the step began: the progress bar moves at each renewal, from these.
    done: int = 0
    errors: int = 0


@dataclass
class _Step:
    """One step's sending: the writes that wait for the next commit, and what it counted."""

    session: Session
    job: _JobRef
    worker: str
    settings: MailSettings
    templates: dict[int, bytes]
    sent: list[int] = field(default_factory=list)
    errors: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    handled: int = 0
    failed: int = 0
    renewed: float = field(default_factory=time.monotonic)
    next_at: float = 0.0  # when the throttle lets the next message go (time.monotonic)
    lease: timedelta = field(default_factory=lease_duration)

    def fail(self, entry_nos: list[int], reason: str) -> None:
        """These entries are in error (written with the next commit)."""
        self.errors[reason].extend(entry_nos)
        self.handled += len(entry_nos)
        self.failed += len(entry_nos)

    def flush(self) -> None:
        """Write the outcomes waiting for a commit."""
        if self.sent:
            mark_sent(self.session, self.sent, self.worker)
            self.sent = []
        self.flush_errors()

    def flush_errors(self) -> None:
        """Write the errors waiting for a commit (a statement per reason)."""
        for reason, entry_nos in self.errors.items():
            mark_error(self.session, entry_nos, self.worker, reason)
        self.errors.clear()

    def renew_if_due(self) -> None:
        """Every few seconds, between two messages: record what was sent, then renew the job's lease; a job
        cancelled or taken over meanwhile stops here (JobLeaseLost), before its next message."""
        if time.monotonic() - self.renewed < RENEW_SECONDS:
            return
        self.flush()
        # The progress so far, for the bar that the user watches (the step's end writes the same counts again).
        self.session.execute(
            update(BackgroundJob)
            .where(BackgroundJob.id == self.job.id, BackgroundJob.worker == self.job.claimed_by)
            .values(done=self.job.done + self.handled, errors=self.job.errors + self.failed)
        )
        self.session.commit()
        checkpoint(self.session, self.job)  # type: ignore[arg-type] - it reads the job's id and holder
        self.renewed = time.monotonic()


def _groups(rows: list[Row], per_contact: bool) -> Iterator[list[Row]]:
    """The messages: entries sharing an address together (in entry order), unless one per contact is asked."""
    groups: dict[Any, list[Row]] = {}
    for row in rows:
        key = row.entry_no if per_contact else (row.email or "").strip().lower() or ("entry", row.entry_no)
        groups.setdefault(key, []).append(row)
    return iter(sorted(groups.values(), key=lambda group: group[0].entry_no))


def _skip_reason(row: Row) -> str:
    """Why an entry's message is not sent at all ("" when it is)."""
    if row.cancelled:
        return _("The interaction log entry was cancelled before its e-mail was sent.")
    if row.email_opt_out:
        return _("The contact opted out of e-mail.")
    address = (row.email or "").strip()
    if not address:
        return _("Contact %(no)s has no e-mail address.", no=row.contact_no)
    if not valid_address(address):
        return _("Contact %(no)s's e-mail address %(address)s is not valid.", no=row.contact_no, address=address)
    return ""


def _body(step: _Step, row: Row, locale: str) -> dict[str, Any]:
    """The letter of the message: attached, or as HTML with its text (compiled once per template version)."""
    if row.file is not None:
        if row.attach:
            return {"attachment": row.file}
        html = str(docx_html(row.file))
        return {"html": html, "text": html_text(html)}
    template = step.templates.get(row.template_document_id) if row.template_document_id else None
    if template is None:
        raise _NoLetter(_("The template has no Word document in the letter's language."))
    values = entry_values(row.merge_values)
    compiled = compile_letter(template)
    if compiled is None:
        letter = slow_docx(template, values, locale)
        if row.attach:
            return {"attachment": letter}
        html = str(docx_html(letter))
        return {"html": html, "text": html_text(html)}
    merged = compiled.values(values, locale)
    if row.attach:
        return {"attachment": compiled.docx(merged)}
    return {"html": compiled.html_body(merged), "text": compiled.text_body(merged)}


class _NoLetter(Exception):
    """The entry has no letter to send."""


@dataclass
class _Message:
    """A message built and ready to go: its entries, address and Message-ID."""

    entry_nos: list[int]
    address: str
    message_id: str
    message: Any


def _prepare(step: _Step, group: list[Row]) -> _Message | None:
    """The group's message built, or None when its letter cannot be made (its entries' error, kept)."""
    first = group[0]
    locale = letter_locale(first.language_code)
    address = (first.email or "").strip()
    entry_nos = [row.entry_no for row in group]
    try:
        body = _body(step, first, locale)
    except _NoLetter as no_letter:
        step.fail(entry_nos, str(no_letter))
        return None
    except Exception as error:  # noqa: BLE001 - a letter that does not merge is its entries' error
        step.fail(entry_nos, _("The letter could not be merged: %(error)s", error=str(error) or type(error).__name__))
        return None
    message_id = new_message_id(step.settings.sender_email)
    message = build_email(
        step.settings,
        to_address=address,
        to_name=(first.name or "") if len(group) == 1 else "",  # an address shared by contacts: no one name
        subject=first.subject or "",
        salesperson_name=first.salesperson_name or "",
        salesperson_email=first.salesperson_email or "",
        unsubscribe_url=unsubscribe_url(first.contact_no),
        locale=locale,
        message_id=message_id,
        **body,
    )
    return _Message(entry_nos, address, message_id, message)


def _send_window(step: _Step, connection: MailConnection, window: list[_Message], interval: float) -> None:
    """A window's messages: their entries *sending* in one commit (with the previous window's *sent*), then each
    sent in turn, throttled, the outcomes kept for the next commit. A window that runs past WINDOW_HOLD_SECONDS
    (a slow server) gives its messages not yet called back as pending: an entry waits *sending* only for a call
    about to be made."""
    if not window:
        return
    step.renew_if_due()
    try:
        connection.open()
    except SmtpFailure as failure:
        for message in window:
            step.fail(message.entry_nos, failure.reason)
        return
    step.flush_errors()
    held = set(
        mark_window_sending(
            step.session,
            step.worker,
            sent=step.sent,
            messages=[(message.entry_nos, message.message_id) for message in window],
            lease_until=utcnow() + step.lease,
        )
    )
    step.sent = []
    step.session.commit()
    marked_at = time.monotonic()
    for index, message in enumerate(window):
        mine = [entry_no for entry_no in message.entry_nos if entry_no in held]
        if not mine:
            continue  # another worker took them over (this one's claim had lapsed): not ours to send
        if interval:
            wait = step.next_at - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            step.next_at = max(step.next_at, time.monotonic()) + interval
        if index and time.monotonic() - marked_at > WINDOW_HOLD_SECONDS:
            rest = [entry_no for later in window[index:] for entry_no in later.entry_nos if entry_no in held]
            step.flush()
            give_back_sending(step.session, rest, step.worker)
            step.session.commit()
            return
        step.handled += len(mine)
        try:
            connection.send(message.message, [message.address])
        except SmtpFailure as failure:
            step.errors[failure.reason].extend(mine)
            step.failed += len(mine)
            continue
        step.sent.extend(mine)


def _fail_all_pending(session: Session, logged_entry_no: int, reason: str) -> int:
    """No mail server: every pending e-mail entry of the registered segment is in error (retry sends them)."""
    result = session.execute(
        update(ENTRY)
        .where(_pending_emails(logged_entry_no), ENTRY.delivery_worker == "")
        .values(delivery_status=DeliveryStatus.ERROR, delivery_error=reason)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)


@job_kind(JOB_KIND)
def send_email_step(session: Session, job: BackgroundJob) -> bool:
    """One bounded step of the send job; True when the job is finished."""
    params = job_params(job)
    with force_locale(params.get("locale", "en")):
        return _step(session, job, params)


def _step(session: Session, job: BackgroundJob, params: dict[str, Any]) -> bool:
    logged = int(params["logged_segment"])
    worker = _worker(job)
    now = utcnow()
    expire_delivery_claims(session, now)
    settings = mail_settings(session)
    if not settings.configured:
        failed = _fail_all_pending(
            session, logged, _("No mail server or sender is set: an administrator sets it in Marketing setup.")
        )
        job.done += failed
        job.errors += failed
        return True
    limit = step_size(settings.emails_per_minute)
    claimed = claim_entries(
        session,
        logged,
        worker,
        limit=limit,
        lease_until=now + lease_duration(),
        by_address=not params.get("per_contact", False),
        now=now,
    )
    if not claimed:
        return True
    rows = _entry_rows(session, claimed)
    templates = _templates(session, rows)
    # The throttle goes on from the previous step's last message (wall clock: the next step may run elsewhere).
    next_at = time.monotonic() + max(0.0, float(job_cursor(job).get("next_at", 0)) - time.time())
    ref = _JobRef(job.id, getattr(job, "claimed_by", "inline"), job.done, job.errors)
    checkpoint(session, job)  # the claim is committed before anything is sent
    # The messages' writes go through one connection held for the step: a session on the engine would check a
    # connection out (and ping it) after each message's commit.
    with session.get_bind().connect() as connection, Session(bind=connection) as own:
        step = _Step(own, ref, worker, settings, templates, next_at=next_at)
        done = _send_batch(step, rows, bool(params.get("per_contact", False)))
        own.commit()
    # From the counts the step began with: the renewals wrote the progress to the row meanwhile.
    job.done = ref.done + step.handled
    job.errors = ref.errors + step.failed
    set_job_cursor(job, {"next_at": time.time() + max(0.0, step.next_at - time.monotonic())})
    return done and len(claimed) < limit


def step_size(emails_per_minute: int) -> int:
    """Entries a step claims: STEP_MESSAGES, or what the throttle lets go within a step's STEP_SECONDS (a claim
    sorts the registered segment's pending entries by address, so a step claims no more than it can send)."""
    if not emails_per_minute:
        return STEP_MESSAGES
    return max(1, min(STEP_MESSAGES, int(emails_per_minute / 60 * STEP_SECONDS) + 1))


def window_size(emails_per_minute: int) -> int:
    """Messages marked *sending* in one commit: SMTP_SENDING_WINDOW (20), fewer when throttled so that a window
    holds about WINDOW_SECONDS of sending; 1 marks each message alone just before its call."""
    configured = int(current_app.config.get("SMTP_SENDING_WINDOW") or DEFAULT_WINDOW) if has_app_context() else 1
    size = max(1, configured)
    if emails_per_minute:
        size = min(size, max(1, int(emails_per_minute / 60 * WINDOW_SECONDS)))
    return size


def _send_batch(step: _Step, rows: list[Row], per_contact: bool) -> bool:
    """Send the batch's messages over one connection, throttled, a window at a time; False when the step's time
    ran out first (the rest is let go for the next step)."""
    deadline = time.monotonic() + STEP_SECONDS
    rate = step.settings.emails_per_minute
    interval = 60.0 / rate if rate else 0.0
    size = window_size(rate)
    groups = list(_groups(rows, per_contact))
    window: list[_Message] = []
    with MailConnection(step.settings) as connection:
        for index, group in enumerate(groups):
            skipped = [row for row in group if _skip_reason(row)]
            for row in skipped:
                step.fail([row.entry_no], _skip_reason(row))
            group = [row for row in group if row not in skipped]
            if not group:
                continue
            # When the window's messages, throttled, would go past the step's deadline: send those, stop here.
            projected = max(step.next_at, time.monotonic()) + len(window) * interval
            if projected > deadline:
                _send_window(step, connection, window, interval)
                _release_rest(step, groups[index:])
                return False
            message = _prepare(step, group)
            if message is not None:
                window.append(message)
            if len(window) >= size:
                _send_window(step, connection, window, interval)
                window = []
        _send_window(step, connection, window, interval)
        step.flush()
    return True


def _release_rest(step: _Step, groups: list[list[Row]]) -> None:
    """The step's time is over: write what waits, and let go of the entries not sent."""
    step.flush()
    rest = [row.entry_no for group in groups for row in group if not _skip_reason(row)]
    if rest:
        release_entries(step.session, rest, step.worker)
