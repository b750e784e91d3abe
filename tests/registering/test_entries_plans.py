"""The entries page reads an index, never the whole interaction log: EXPLAIN of the statements it runs, for the
default order and for each filter, on both databases, over 20,000 entries written set-based and ANALYZEd so
that the planners choose as they would at 1,000,000."""

from datetime import date
from typing import Any

import pytest
from sqlalchemy import Integer, String, case, cast, event, func, insert, literal, select, text

from segapp.models import Contact, ContactType, InteractionLogEntry, LoggedSegment
from segapp.services.registering.entries import EntryFilter, fetch_entries
from tests.registering.registered_support import make_segment, reference

__all__ = ["make_segment", "reference"]

ENTRIES = 20_000
CONTACTS = 200
REGISTERED = 100


def _fill(db: Any) -> None:
    """ENTRIES entries over CONTACTS contacts and REGISTERED registered segments, one INSERT … SELECT each."""
    s = db.session
    numbers = select(literal(1, Integer).label("i")).cte("numbers", recursive=True)
    numbers = numbers.union_all(select(numbers.c.i + 1).where(numbers.c.i < ENTRIES))
    i = numbers.c.i
    contact_no = cast(1000 + i % CONTACTS, String(20))
    s.execute(
        insert(Contact).from_select(
            ["no", "type", "name", "company_no", "company_name", "search_text"],
            select(
                contact_no, literal(ContactType.COMPANY.value), contact_no, contact_no, contact_no, contact_no
            ).where(i <= CONTACTS),
        )
    )
    s.execute(
        insert(LoggedSegment).from_select(
            ["entry_no", "segment_no", "description", "creation_date", "created_at", "no_of_interactions", "cancelled"],
            select(
                i,
                literal("SEGX") + cast(i, String(20)),
                literal(""),
                literal(date(2025, 1, 1)),
                func.current_timestamp(),
                literal(ENTRIES // REGISTERED),
                i == 7,
            ).where(i <= REGISTERED),
        )
    )
    if s.get_bind().dialect.name == "sqlite":
        day = func.date("2025-01-01", literal("+") + cast(i % 365, String(5)) + literal(" days"))
    else:
        day = literal(date(2025, 1, 1)) + cast(i % 365, Integer)
    registered = i % REGISTERED + 1
    values = {
        "contact_no": contact_no,
        "date": day,
        "description": literal(""),
        "information_flow": literal(""),
        "initiated_by": literal(""),
        "interaction_template_code": case((i % 10 == 0, "CALL"), else_="LETTER"),
        "campaign_no": case((i % 50 == 0, "CP2"), else_="CP1"),
        "campaign_target": i < 0,
        "campaign_response": i < 0,
        "segment_no": literal("SEGX") + cast(registered, String(20)),
        "logged_segment_entry_no": registered,
        "evaluation": case((i % 7 == 0, "positive"), (i % 7 == 1, "negative"), else_=""),
        "cost": literal(0),
        "duration": literal(0),
        "attempt_failed": i % 11 == 0,
        "correspondence_type": literal(""),
        "subject": literal(""),
        "send_word_doc_as_attachment": i < 0,
        "cancelled": registered == 7,
        "delivery_status": case((i % 200 == 0, "error"), else_=""),
        "delivery_error": literal(""),
        "created_at": func.current_timestamp(),
    }
    s.execute(insert(InteractionLogEntry).from_select(list(values), select(*values.values())))
    s.commit()
    with db.engine.begin() as connection:
        connection.execute(
            text("ANALYZE interaction_log_entry" if db.engine.dialect.name == "postgresql" else "ANALYZE")
        )


FILTERS = {
    "default order": EntryFilter(),
    "contact": EntryFilter(contact="1042"),
    "date from and to": EntryFilter(date_from=date(2025, 3, 1), date_to=date(2025, 3, 7)),
    "template": EntryFilter(template="CALL"),
    "segment": EntryFilter(segment="SEGX42"),
    "campaign": EntryFilter(campaign="CP2"),
    "registered segment": EntryFilter(registered=42),
    "evaluation": EntryFilter(evaluation="negative"),
    "delivery status": EntryFilter(delivery_status="error"),
    "cancelled": EntryFilter(cancelled=True),
    "not cancelled": EntryFilter(cancelled=False),
}


def _statements(db: Any, flt: EntryFilter, after: int | None) -> list[tuple[str, Any]]:
    """The statements (as sent to the driver, with their parameters) that reading the page runs."""
    sent: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        sent.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        page = fetch_entries(db.session, flt, 50, after=after)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert page.rows, "the filter matches no entry: the plan would prove nothing"
    return sent


def _plan(db: Any, statement: str, parameters: Any) -> list[str]:
    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        return [row[-1] for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)]
    return [row[0] for row in connection.exec_driver_sql("EXPLAIN " + statement, parameters)]


def _reads_an_index(plan: list[str], sqlite: bool, filtered: bool) -> bool:
    table = [line for line in plan if "interaction_log_entry" in line]
    if sqlite:
        # SQLite: SEARCH by an index or by the primary key, or a SCAN of a covering index; never a SCAN of the
        # table, which reads every entry. Except without a filter: SQLite's table is the entry_no b-tree, and
        # "SCAN interaction_log_entry" with no sort walks it from the newest entry and stops at the LIMIT.
        def indexed(line: str) -> bool:
            if not filtered and line == "SCAN interaction_log_entry":
                return not any("TEMP B-TREE" in other for other in plan)
            return "USING" in line and (" INDEX " in line or "INTEGER PRIMARY KEY" in line)

        return bool(table) and all(indexed(line) for line in table)
    return (
        bool(table)
        and not any("Seq Scan on interaction_log_entry" in line for line in plan)
        and any("pk_interaction_log_entry" in line or "ix_interaction_log_entry" in line for line in plan)
    )


@pytest.fixture
def filled(db: Any, reference: dict[str, Any]) -> Any:
    _fill(db)
    return db


@pytest.mark.parametrize("page", ["first", "later"])
def test_every_filter_reads_its_page_from_an_index(filled: Any, page: str) -> None:
    db = filled
    sqlite = db.engine.dialect.name == "sqlite"
    newest = db.session.scalar(select(func.max(InteractionLogEntry.entry_no)))
    failures = {}
    for name, flt in FILTERS.items():
        after = None if page == "first" else newest - 5_000
        for statement, parameters in _statements(db, flt, after):
            plan = _plan(db, statement, parameters)
            if not _reads_an_index(plan, sqlite, flt.is_filtered):
                failures[name] = (statement, plan)
    assert failures == {}
