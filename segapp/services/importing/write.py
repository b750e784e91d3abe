"""Pass 2 of an import: reserve the numbers, insert companies then persons, then update duplicates."""

from collections import defaultdict
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, update
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session

from segapp.models import Contact, ContactType, CorrespondenceType, NumberSeries
from segapp.models.base import utcnow
from segapp.models.contacts import SEARCH_FIELDS, contact_search_text
from segapp.services.contacts.records import apply_new_contact_defaults, refresh_search_text
from segapp.services.importing.known import Ref
from segapp.services.importing.plan import ImportPlan
from segapp.services.setup.number_series import next_numbers

INSERT_DEFAULTS: dict[str, Any] = {
    "no": "",
    "type": ContactType.COMPANY,
    "name": "",
    "first_name": "",
    "middle_name": "",
    "surname": "",
    "title": "",
    "salutation_code": None,
    "company_no": None,
    "company_name": "",
    "address": "",
    "address_2": "",
    "post_code": "",
    "city": "",
    "county": "",
    "country_code": None,
    "territory_code": None,
    "salesperson_code": None,
    "language_code": None,
    "correspondence_type": CorrespondenceType.BLANK,
    "email": "",
    "phone": "",
    "mobile": "",
    "job_title": "",
    "exclude_from_segment": False,
    "privacy_blocked": False,
    "email_opt_out": False,
    "email_opt_out_at": None,
    "anonymised": False,
}
CONTACT_COLUMNS = tuple(Contact.__table__.columns.keys())
COPY_STATEMENT = f"COPY contact ({', '.join(CONTACT_COLUMNS)}) FROM STDIN"
INSERT_STATEMENT = (
    f"INSERT INTO contact ({', '.join(CONTACT_COLUMNS)}) VALUES ({', '.join('?' for _ in CONTACT_COLUMNS)})"
)


def write_plan(session: Session, plan: ImportPlan) -> tuple[int, int]:
    """Write what pass 1 decided; the numbers of created and updated contacts."""
    numbers = plan.numbers
    if numbers.max_given:
        session.execute(
            update(NumberSeries)
            .where(NumberSeries.code == numbers.series, NumberSeries.next_number <= numbers.max_given)
            .values(next_number=numbers.max_given + 1)
        )
    reserved = next_numbers(session, numbers.series, numbers.count) if numbers.count else []

    def final(ref: Ref) -> str:
        return reserved[ref] if isinstance(ref, int) else ref

    created = updated = 0
    now = utcnow()
    defaults = {**INSERT_DEFAULTS, "created_at": now, "modified_at": now}
    for chunk in plan.companies.chunks():
        rows = []
        for row_number, ref, values in chunk:
            if row_number in plan.bad_rows:
                continue
            no = final(ref)
            company = {"no": no, "type": ContactType.COMPANY, "company_no": no, "company_name": values["name"]}
            rows.append({**defaults, **values, **company})
        created += _insert(session, rows)
    for chunk in plan.persons.chunks():
        rows = []
        for row_number, ref, values, company_no, company_name in chunk:
            if row_number in plan.bad_rows:
                continue
            link = plan.links.link(company_no, company_name, final)
            rows.append({**defaults, **values, "no": final(ref), "type": ContactType.PERSON, **link})
        created += _insert(session, rows)
    if created:
        # The rule of contacts made by hand, set-based over this import's rows (they share ``now``):
        # persons take their company's address and codes, and marketing setup's default language.
        apply_new_contact_defaults(session, Contact.created_at == now)
    for chunk in plan.updates.chunks():
        updated += _update(session, plan, chunk, final, now)
    return created, updated


def _stored_timestamp(dialect: Dialect, moment: datetime) -> Any:
    """The timestamp as the driver takes it for the created/modified columns (text on SQLite)."""
    # The dialect's own type (SQLite's DATETIME writes its fixed text format, as the ORM does): the generic
    # type has no processor, and sqlite3 would store "...+00:00", which no comparison with a stamp matches.
    process = Contact.__table__.c.created_at.type.dialect_impl(dialect).bind_processor(dialect)
    return process(moment) if process else moment


def _insert(session: Session, rows: list[dict[str, Any]]) -> int:
    """Insert complete rows at driver level (every column given, so no per-row defaults or type
    processing): COPY on PostgreSQL, else one executemany."""
    if not rows:
        return 0
    connection = session.connection()
    stamp = _stored_timestamp(connection.dialect, rows[0]["created_at"])
    values = []
    for row in rows:
        row["search_text"] = contact_search_text(row)
        row["type"], row["correspondence_type"] = str(row["type"]), str(row["correspondence_type"])
        row["created_at"] = row["modified_at"] = stamp
        # A new contact that opted out of e-mail did so at the import (set_email_opt_out keeps that time).
        row["email_opt_out_at"] = stamp if row["email_opt_out"] else None
        values.append(tuple([row[name] for name in CONTACT_COLUMNS]))
    if connection.dialect.name == "postgresql":
        with connection.connection.driver_connection.cursor().copy(COPY_STATEMENT) as copy:
            for row_values in values:
                copy.write_row(row_values)
    else:
        connection.exec_driver_sql(INSERT_STATEMENT, values)
    return len(rows)


def _update(session: Session, plan: ImportPlan, chunk: list[Any], final: Callable[[Ref], str], now: datetime) -> int:
    """Bulk UPDATE by primary key; rows with the same set of columns go together."""
    merged: dict[str, dict[str, Any]] = {}
    count = 0
    for row_number, target, row_type, values, company_no, company_name in chunk:
        if row_number in plan.bad_rows:
            continue
        count += 1
        no = final(target)
        changes = dict(values)
        if row_type == ContactType.COMPANY and "name" in changes:
            changes.update(company_name=changes["name"], company_no=no)
        elif row_type == ContactType.PERSON and (company_no or company_name):
            changes.update(plan.links.link(company_no, company_name, final))
        merged.setdefault(no, {"no": no}).update(changes)
    groups: dict[frozenset[str], list[dict[str, Any]]] = defaultdict(list)
    for changes in merged.values():
        groups[frozenset(changes)].append(changes)
    for group in groups.values():
        if len(group[0]) > 1:
            session.execute(update(Contact), group)
    # Bulk updates bypass the ORM events that keep the list's search column current.
    searched = [no for no, changes in merged.items() if set(SEARCH_FIELDS[1:]) & changes.keys()]
    for start in range(0, len(searched), 2000):
        refresh_search_text(session, Contact.no.in_(searched[start : start + 2000]))
    consent = [no for no, changes in merged.items() if "email_opt_out" in changes]
    for start in range(0, len(consent), 2000):
        _stamp_opt_out(session, Contact.no.in_(consent[start : start + 2000]), now)
    return count


def _stamp_opt_out(session: Session, where: ColumnElement[bool], now: datetime) -> None:
    """The time of the opt-out, as set_email_opt_out keeps it: the first opt-out's stays, opting in clears it."""
    session.execute(
        update(Contact)
        .where(where, Contact.email_opt_out.is_(True), Contact.email_opt_out_at.is_(None))
        .values(email_opt_out_at=now)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(Contact)
        .where(where, Contact.email_opt_out.is_(False), Contact.email_opt_out_at.is_not(None))
        .values(email_opt_out_at=None)
        .execution_options(synchronize_session=False)
    )
