"""Scenario log: registering a segment of 20 % of the contacts, segapp's service vs the raw SQL writing the same rows.

The segment BENCH-LOG has a line for every fifth contact (by number), with date, salesperson MR, template LETTER
and, on every other line, the campaign BENCH-CMP: so the registered segment gets one campaign entry and an
interaction log entry per line. segapp's side is ``register_segment`` (checks, header lock, the writes, the
segment's deletion) and the commit; the baseline is the same rows written by hand in one transaction: the
registered segment (INSERT … RETURNING), the campaign entries (INSERT … SELECT grouped by campaign), the entries
(INSERT … SELECT of the lines with their contact), then the DELETEs of the lines and the header. Both sides must
write the same number of entries. Between runs the registered rows are deleted and the segment is made again,
outside the measured time.
"""

import time
from datetime import date
from typing import Any

from sqlalchemy import delete, select, text, update
from sqlalchemy.orm import Session

from bench.measure import Context, NotAvailable, Sample, Scenario, run_child
from bench.scenarios.web import create_segment
from segapp.extensions import db
from segapp.models import Campaign, CampaignEntry, InteractionLogEntry, LoggedSegment, SegmentHeader, SegmentLine

LOG_SEGMENT = "BENCH-LOG"
LOG_CAMPAIGN = "BENCH-CMP"
# Every fifth contact by number (r is the contact's rank), as in the issue: a segment of 20 % of N.
LINES_WHERE = "r % 5 = 0"
SERVICE = "segapp.services.registering.register"


# -- the two sides, each in a child process ------------------------------------------------------------------


def segapp_task(spec: dict[str, Any]) -> dict[str, Any]:
    """Child side: register_segment and the commit."""
    from segapp.services.registering.register import register_segment

    session = db.session
    session.execute(select(SegmentHeader.no).where(SegmentHeader.no == LOG_SEGMENT)).all()
    session.rollback()
    started = time.perf_counter()
    result = register_segment(
        session, LOG_SEGMENT, None, send_documents=False, create_follow_up=False, today=date(2026, 11, 27)
    )
    session.commit()
    return {"seconds": time.perf_counter() - started, "rows": result.entries}


_ENTRY_COLUMNS = (
    "contact_no, contact_company_no, date, time_of_interaction, description, information_flow, initiated_by, "
    "interaction_group_code, interaction_template_code, salesperson_code, campaign_no, campaign_entry_no, "
    "campaign_target, campaign_response, segment_no, segment_line_no, logged_segment_entry_no, evaluation, cost, "
    "duration, attempt_failed, correspondence_type, language_code, subject, send_word_doc_as_attachment, user_id, "
    "cancelled, delivery_status, delivery_error, created_at"
)


def baseline_statements(dialect: str, entry_no: int | None = None) -> dict[str, str]:
    """The raw statements; those after the first need the registered segment's entry no."""
    now = "CURRENT_TIMESTAMP"
    false = "false" if dialect == "postgresql" else "0"
    segment = f"'{LOG_SEGMENT}'"
    with_contact = f"l.segment_no = {segment} AND l.contact_no IS NOT NULL"
    statements = {
        "logged": (
            "INSERT INTO logged_segment (segment_no, description, creation_date, created_at, no_of_interactions, "
            f"cancelled) SELECT h.no, h.description, '2026-11-27', {now}, "
            f"(SELECT count(*) FROM segment_line l WHERE {with_contact}), {false} "
            f"FROM segment_header h WHERE h.no = {segment} RETURNING entry_no"
        )
    }
    if entry_no is None:
        return statements
    statements["campaign"] = (
        "INSERT INTO campaign_entry (campaign_no, description, date, segment_no, logged_segment_entry_no, "
        "salesperson_code, user_id, no_of_interactions, cost, duration, cancelled) "
        f"SELECT l.campaign_no, h.description, '2026-11-27', h.no, {entry_no}, h.salesperson_code, NULL, count(*), "
        f"coalesce(sum(l.cost), 0), coalesce(sum(l.duration), 0), {false} "
        f"FROM segment_line l JOIN segment_header h ON h.no = l.segment_no "
        f"WHERE {with_contact} AND l.campaign_no IS NOT NULL GROUP BY l.campaign_no, h.description, h.no, "
        "h.salesperson_code"
    )
    statements["entries"] = (
        f"INSERT INTO interaction_log_entry ({_ENTRY_COLUMNS}) "
        f"SELECT l.contact_no, l.contact_company_no, l.date, {now}, l.description, l.information_flow, "
        "l.initiated_by, l.interaction_group_code, l.interaction_template_code, l.salesperson_code, l.campaign_no, "
        "ce.entry_no, l.campaign_target, l.campaign_response, l.segment_no, l.line_no, "
        f"{entry_no}, l.evaluation, l.cost, l.duration, l.attempt_failed, "
        "CASE WHEN l.correspondence_type = 'email' AND coalesce(c.email, '') = '' THEN '' "
        "ELSE l.correspondence_type END, l.language_code, l.subject, l.send_word_doc_as_attachment, NULL, "
        f"{false}, '', '', {now} "
        "FROM segment_line l JOIN contact c ON c.no = l.contact_no "
        f"LEFT JOIN campaign_entry ce ON ce.logged_segment_entry_no = {entry_no} AND ce.campaign_no = l.campaign_no "
        f"WHERE l.segment_no = {segment} ORDER BY l.line_no"
    )
    statements["lines"] = f"DELETE FROM segment_line WHERE segment_no = {segment}"
    statements["header"] = f"DELETE FROM segment_header WHERE no = {segment}"
    return statements


def baseline_task(spec: dict[str, Any]) -> dict[str, Any]:
    """Child side: the raw statements in one transaction and the commit."""
    session: Session = db.session
    dialect = session.get_bind().dialect.name
    session.execute(select(SegmentHeader.no).where(SegmentHeader.no == LOG_SEGMENT)).all()
    session.rollback()
    started = time.perf_counter()
    entry_no = session.execute(text(baseline_statements(dialect)["logged"])).scalar_one()
    statements = baseline_statements(dialect, entry_no)
    session.execute(text(statements["campaign"]))
    rows = session.execute(text(statements["entries"])).rowcount
    session.execute(text(statements["lines"]))
    session.execute(text(statements["header"]))
    session.commit()
    return {"seconds": time.perf_counter() - started, "rows": rows}


# -- the segment, made again between runs --------------------------------------------------------------------


def make_log_segment(ctx: Context) -> None:
    """The campaign if missing, and BENCH-LOG: a line for every fifth contact, every other line in the campaign."""
    with ctx.app.app_context():
        if db.session.get(Campaign, LOG_CAMPAIGN) is None:
            db.session.add(Campaign(no=LOG_CAMPAIGN, description="Benchmark campaign"))
            db.session.commit()
        db.session.remove()
    create_segment(ctx.app, LOG_SEGMENT, LINES_WHERE)
    with ctx.app.app_context(), db.engine.begin() as connection:
        connection.execute(
            update(SegmentLine)
            .where(SegmentLine.segment_no == LOG_SEGMENT, SegmentLine.line_no % 20000 == 0)
            .values(campaign_no=LOG_CAMPAIGN)
        )
        connection.execute(
            update(SegmentHeader).where(SegmentHeader.no == LOG_SEGMENT).values(campaign_no=LOG_CAMPAIGN)
        )
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql("ANALYZE segment_line")


def remove_registered(ctx: Context) -> None:
    """What a run wrote: the entries, campaign entries and registered segment of BENCH-LOG, and the segment if
    it is still there."""
    with ctx.app.app_context(), db.engine.begin() as connection:
        registered = select(LoggedSegment.entry_no).where(LoggedSegment.segment_no == LOG_SEGMENT)
        connection.execute(
            delete(InteractionLogEntry).where(InteractionLogEntry.logged_segment_entry_no.in_(registered))
        )
        connection.execute(delete(CampaignEntry).where(CampaignEntry.logged_segment_entry_no.in_(registered)))
        connection.execute(delete(LoggedSegment).where(LoggedSegment.segment_no == LOG_SEGMENT))
        connection.execute(delete(SegmentLine).where(SegmentLine.segment_no == LOG_SEGMENT))
        connection.execute(delete(SegmentHeader).where(SegmentHeader.no == LOG_SEGMENT))
    if ctx.db == "postgresql":
        with ctx.app.app_context(), db.engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
                "VACUUM ANALYZE interaction_log_entry, campaign_entry, logged_segment, segment_line"
            )


class LogScenario(Scenario):
    """log: register a segment of 20 % of the contacts vs the INSERT … SELECTs and DELETEs that write the same."""

    name = "log"

    def check(self, ctx: Context) -> None:
        """register_segment must exist."""
        try:
            __import__(SERVICE)
        except ImportError as error:
            raise NotAvailable(SERVICE) from error

    def prepare(self, ctx: Context) -> None:
        """Nothing left from an earlier run; the segment."""
        remove_registered(ctx)
        make_log_segment(ctx)
        ctx.state["log"] = {"segapp": []}

    def run_segapp(self, ctx: Context) -> Sample:
        """register_segment in a child process."""
        sample = run_child("log_segapp", ctx)
        ctx.state["log"]["segapp"].append(sample)
        return sample

    def run_baseline(self, ctx: Context) -> Sample:
        """The raw statements in a child process; the same number of entries as segapp wrote."""
        sample = run_child("log_baseline", ctx)
        done = ctx.state["log"]["segapp"][-1].rows
        if sample.rows != done:
            raise RuntimeError(f"log: segapp wrote {done} entries, the baseline {sample.rows}")
        return sample

    def reset(self, ctx: Context) -> None:
        """The registered rows gone, the segment made again."""
        remove_registered(ctx)
        make_log_segment(ctx)

    def finish(self, ctx: Context) -> None:
        """Remove what the scenario made."""
        remove_registered(ctx)

    def extra(self, ctx: Context) -> dict[str, Any]:
        """The entries of the last run."""
        runs = ctx.state["log"]["segapp"]
        return {"rows": runs[-1].rows if runs else None}
