"""Import contacts: check every row, then write all of them set-based, or nothing at all."""

import json
import pickle
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from typing import IO, Any, Union

from flask_babel import gettext as _
from sqlalchemy import String, bindparam, func, select, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session, aliased

from segapp.models import Contact, ContactType, CorrespondenceType, NumberSeries
from segapp.models.base import utcnow
from segapp.models.contacts import SEARCH_FIELDS, contact_search_text
from segapp.services.contacts.records import refresh_search_text
from segapp.services.errors import ServiceError
from segapp.services.import_files import ImportFile, open_import_file  # noqa: F401  (the reading half)
from segapp.services.import_rows import (
    COMPANY_ADDRESS_FIELDS,
    FIELD_LABELS,  # noqa: F401
    ParsedRow,
    RowParser,
    field_positions,
    load_code_lookups,
)
from segapp.services.setup.number_series import CONTACT_SERIES, next_numbers, series_for

MAX_ROWS = 100_000
LOOKUP_CHUNK = 100_000  # keys per look-up query (one query for a whole file)
WRITE_CHUNK = 5_000
DUPLICATE_CHOICES = ("skip", "update")
# A contact created by this import is known by its position in the numbers reserved at the end
# (an int) until then; a contact that exists, or whose no. the file gives, by its no. (a str).
Ref = Union[int, str]
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
    "anonymised": False,
}

CONTACT_COLUMNS = tuple(Contact.__table__.columns.keys())
COPY_STATEMENT = f"COPY contact ({', '.join(CONTACT_COLUMNS)}) FROM STDIN"
INSERT_STATEMENT = (
    f"INSERT INTO contact ({', '.join(CONTACT_COLUMNS)}) VALUES ({', '.join('?' for _ in CONTACT_COLUMNS)})"
)


@dataclass
class ImportOptions:
    """What the user chose on the mapping page."""

    mapping: dict[str, str]  # source column -> Contact field
    duplicates: str = "skip"  # "skip" or "update"
    skip_invalid_rows: bool = False  # False: any rejected row -> nothing imported


@dataclass
class RowError:
    """A rejected row: its number in the file (the header is row 1) and why."""

    row_number: int
    message: str


@dataclass
class ImportResult:
    """What an import did."""

    created: int
    updated: int
    skipped: int
    errors: list[RowError] = field(default_factory=list)


@dataclass
class PreviewRow:
    """A row as it will be imported, or the reasons it will be refused."""

    row_number: int
    type: ContactType
    values: dict[str, Any]
    company: str
    errors: list[str]


def preview_rows(
    session: Session, columns: list[str], rows: Iterable[Sequence[str]], mapping: dict[str, str], limit: int = 10
) -> list[PreviewRow]:
    """The first ``limit`` non-blank rows parsed with the mapping (duplicates are not looked at)."""
    positions = field_positions(columns, mapping)
    parser = RowParser(positions, load_code_lookups(session, set(positions.values())))
    preview: list[PreviewRow] = []
    for row_number, row in enumerate(rows, start=2):
        if len(preview) >= limit:
            break
        if parser.is_blank(row):
            continue
        parsed = parser.parse(row_number, row)
        company = parsed.company_no or parsed.company_name
        preview.append(PreviewRow(row_number, parsed.type, parsed.values, company, parsed.errors))
    return preview


def import_contacts(
    session: Session, columns: list[str], rows: Iterable[Sequence[str]], options: ImportOptions
) -> ImportResult:
    """Import the rows; with errors and ``skip_invalid_rows`` off nothing is written. Never commits."""
    if options.duplicates not in DUPLICATE_CHOICES:
        raise ServiceError(_("Choose whether duplicates are skipped or updated."), "duplicates")
    positions = field_positions(columns, options.mapping)
    parser = RowParser(positions, load_code_lookups(session, set(positions.values())))
    run = _ImportRun(session, parser, options)
    try:
        run.read(rows)
        if run.errors and not options.skip_invalid_rows:
            return ImportResult(0, 0, 0, run.sorted_errors())
        return run.write()
    finally:
        run.close()


class _Spool:
    """Checked rows kept in a temporary file, so memory does not grow with the number of rows."""

    def __init__(self) -> None:
        self.file: IO[bytes] = tempfile.TemporaryFile()
        self.buffer: list[Any] = []

    def add(self, item: Any) -> None:
        self.buffer.append(item)
        if len(self.buffer) >= WRITE_CHUNK:
            self._flush()

    def _flush(self) -> None:
        if self.buffer:
            pickle.dump(self.buffer, self.file, protocol=pickle.HIGHEST_PROTOCOL)
            self.buffer = []

    def chunks(self) -> Iterator[list[Any]]:
        self._flush()
        self.file.seek(0)
        while True:
            try:
                yield pickle.load(self.file)
            except EOFError:
                return

    def close(self) -> None:
        self.file.close()


def _key_list(session: Session, keys: list[str]) -> Any:
    """The keys as a one-column SELECT of a single parameter: the statement text stays the same size."""
    if session.get_bind().dialect.name == "postgresql":
        return select(func.unnest(bindparam("keys", keys, type_=ARRAY(String()))))
    return select(func.json_each(bindparam("keys", json.dumps(keys))).table_valued("value").c.value)


def _lower_in(session: Session, column: Any, keys: Any) -> Any:
    """``lower(column)`` is one of the keys. SQLite: find the stored values by reading only the column's
    index (far smaller than the table), then match rows by the index. PostgreSQL: one hash semi-join
    over the table, because the nested form made its planner take a plan that grew with the table
    (40 s for 100,000 keys against 1,000,000 contacts, against 0.6 s for this one)."""
    if session.get_bind().dialect.name == "postgresql":
        return func.lower(column).in_(keys)
    other = aliased(Contact)
    stored = getattr(other, column.key)
    return column.in_(select(stored).where(func.lower(stored).in_(keys)))


def _stored_timestamp(dialect: Dialect, moment: datetime) -> Any:
    """The timestamp as the driver takes it for the created/modified columns (text on SQLite)."""
    process = Contact.__table__.c.created_at.type.bind_processor(dialect)
    return process(moment) if process else moment


def _pack(parsed: ParsedRow) -> tuple[Any, ...]:
    """A checked row as a plain tuple (quick to pickle)."""
    return (
        parsed.row_number,
        parsed.type,
        parsed.values,
        parsed.company_no,
        parsed.company_name,
        parsed.no,
        parsed.email_key,
        parsed.name_key,
    )


def _unpack(packed: tuple[Any, ...]) -> ParsedRow:
    row_number, row_type, values, company_no, company_name, no, email_key, name_key = packed
    return ParsedRow(row_number, row_type, values, company_no, company_name, [], no, email_key, name_key)


def _chunked(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


class _ImportRun:
    """One import: pass 1 reads and decides every row, pass 2 writes."""

    def __init__(self, session: Session, parser: RowParser, options: ImportOptions) -> None:
        self.session = session
        self.parser = parser
        self.update_duplicates = options.duplicates == "update"
        self.errors: list[RowError] = []
        self.bad_rows: set[int] = set()
        self.skipped = 0
        self.new_count = 0
        self.max_given: int = 0
        self.by_no: dict[str, Ref] = {}
        self.by_email: dict[str, Ref] = {}
        self.companies_by_name: dict[str, tuple[Ref, str]] = {}
        self.companies_by_no: dict[str, str] = {}  # company no. given in the file -> name
        self.wanted_names: dict[str, dict[str, Any]] = {}  # persons' company names -> new company values
        self.wanted_nos: dict[str, list[int]] = defaultdict(list)  # persons' company nos. -> row numbers
        self.company_of_no: dict[str, tuple[Ref, str]] = {}
        self.company_of_name: dict[str, tuple[Ref, str]] = {}
        self.companies, self.persons, self.updates = _Spool(), _Spool(), _Spool()
        self.series = series_for(session, CONTACT_SERIES)
        self.prefix, self.width = session.execute(
            select(NumberSeries.prefix, NumberSeries.width).where(NumberSeries.code == self.series)
        ).one_or_none() or ("", 0)

    def close(self) -> None:
        for spool in (self.companies, self.persons, self.updates):
            spool.close()

    def sorted_errors(self) -> list[RowError]:
        return sorted(self.errors, key=lambda e: e.row_number)

    # Pass 1 -------------------------------------------------------------------------------
    def read(self, rows: Iterable[Sequence[str]]) -> None:
        """Check every row, look up the duplicates of all of them at once, then decide and spool each row."""
        parsed_rows = _Spool()
        nos: set[str] = set()
        emails: set[str] = set()
        names: set[str] = set()
        count = 0
        try:
            for row_number, row in enumerate(rows, start=2):
                if self.parser.is_blank(row):
                    continue
                count += 1
                if count > MAX_ROWS:
                    raise ServiceError(
                        _("The file has more than %(max)d rows: split it and import the parts.", max=MAX_ROWS), "file"
                    )
                parsed = self.parser.parse(row_number, row)
                if parsed.errors:
                    self.errors.append(RowError(row_number, " ".join(parsed.errors)))
                    continue
                parsed_rows.add(_pack(parsed))
                if parsed.no:
                    nos.add(parsed.no)
                if parsed.email_key:
                    emails.add(parsed.email_key)
                if parsed.type == ContactType.COMPANY:
                    names.add(parsed.name_key)
                elif parsed.company_name and not parsed.company_no:
                    names.add(parsed.company_name.lower())
            if count == 0 and not self.errors:
                raise ServiceError(_("The file has no rows to import."), "file")
            # One query per kind of key for the whole file: each may have to read the whole table.
            self._look_up(nos, emails, names)
            for keys in (nos, emails, names):
                keys.clear()  # the decisions below keep what they need
            for chunk in parsed_rows.chunks():
                for packed in chunk:
                    self._decide_row(_unpack(packed))
        finally:
            parsed_rows.close()
        self._resolve_company_nos()
        self._resolve_company_names()

    def _look_up(self, nos: set[str], emails: set[str], names: set[str]) -> None:
        """What the database already holds: the given nos., the e-mails and the company names (lower case)."""
        for (no,) in self._in_keys(lambda keys: select(Contact.no).where(Contact.no.in_(keys)), nos):
            self.by_no[no] = no
        email_of = func.lower(Contact.email)
        for email, no in self._in_keys(
            lambda keys: (
                select(email_of, func.min(Contact.no))
                .where(_lower_in(self.session, Contact.email, keys))
                .group_by(email_of)
            ),
            emails,
        ):
            self.by_email[email] = no
        for key, no, name in self._in_keys(
            lambda keys: (
                select(func.lower(Contact.name), Contact.no, Contact.name)
                .where(Contact.type == ContactType.COMPANY, _lower_in(self.session, Contact.name, keys))
                .order_by(Contact.no)
            ),
            names,
        ):
            self.companies_by_name.setdefault(key, (no, name))

    def _in_keys(self, statement: Any, keys: set[str]) -> Iterator[Any]:
        """Rows of ``statement(keys)``, the keys sent as one parameter (an array, or JSON for SQLite)."""
        for chunk in _chunked(sorted(keys), LOOKUP_CHUNK):
            yield from self.session.execute(statement(_key_list(self.session, chunk)))

    def _duplicate_of(self, parsed: ParsedRow) -> Ref | None:
        if parsed.no and parsed.no in self.by_no:
            return self.by_no[parsed.no]
        if parsed.email_key and parsed.email_key in self.by_email:
            return self.by_email[parsed.email_key]
        if parsed.type == ContactType.COMPANY and parsed.name_key in self.companies_by_name:
            return self.companies_by_name[parsed.name_key][0]
        return None

    def _decide_row(self, parsed: ParsedRow) -> None:
        target = self._duplicate_of(parsed)
        if target is not None and not self.update_duplicates:
            self.skipped += 1
            return
        if target is not None:
            values = {k: v for k, v in parsed.values.items() if k != "no"}
            self.updates.add((parsed.row_number, target, parsed.type, values, parsed.company_no, parsed.company_name))
            self._want_company(parsed)
            return
        ref: Ref = parsed.no or self._new_ref()
        if parsed.no:
            self._note_given_no(parsed.no)
            self.by_no[parsed.no] = ref
        if parsed.email_key:
            self.by_email.setdefault(parsed.email_key, ref)
        if parsed.type == ContactType.COMPANY:
            self.companies_by_name.setdefault(parsed.name_key, (ref, parsed.values["name"]))
            if parsed.no:
                self.companies_by_no[parsed.no] = parsed.values["name"]
            self.companies.add((parsed.row_number, ref, parsed.values))
        else:
            self.persons.add((parsed.row_number, ref, parsed.values, parsed.company_no, parsed.company_name))
            self._want_company(parsed)

    def _want_company(self, parsed: ParsedRow) -> None:
        if parsed.company_no:
            self.wanted_nos[parsed.company_no].append(parsed.row_number)
        elif parsed.company_name:
            self.wanted_names.setdefault(
                parsed.company_name.lower(),
                {
                    "name": parsed.company_name,
                    **{k: parsed.values[k] for k in COMPANY_ADDRESS_FIELDS if k in parsed.values},
                },
            )

    def _new_ref(self) -> int:
        self.new_count += 1
        return self.new_count - 1

    def _note_given_no(self, no: str) -> None:
        """Remember the highest number of our series the file gives, so the series can skip past it."""
        digits = no[len(self.prefix) :]
        if self.prefix and no.startswith(self.prefix) and digits.isdigit() and len(digits) == self.width:
            self.max_given = max(self.max_given, int(digits))

    def _resolve_company_nos(self) -> None:
        """Persons' company nos. must name a company of the file or of the database."""
        missing = {no for no in self.wanted_nos if no not in self.companies_by_no}
        found = dict(
            self._in_keys(
                lambda keys: select(Contact.no, Contact.name).where(
                    Contact.type == ContactType.COMPANY, Contact.no.in_(keys)
                ),
                missing,
            )
        )
        for no in self.wanted_nos:
            if no in self.companies_by_no:
                self.company_of_no[no] = (self.by_no[no], self.companies_by_no[no])
            elif no in found:
                self.company_of_no[no] = (no, found[no])
            else:
                for row_number in self.wanted_nos[no]:
                    self.bad_rows.add(row_number)
                    self.errors.append(RowError(row_number, _("There is no company with no. %(no)s.", no=no)))

    def _resolve_company_names(self) -> None:
        """Persons' company names link to a company of the file or the database (looked up with the
        file's keys), else a new company."""
        for key, values in self.wanted_names.items():
            if key not in self.companies_by_name:
                ref = self._new_ref()
                self.companies_by_name[key] = (ref, values["name"])
                self.companies.add((0, ref, values))
            self.company_of_name[key] = self.companies_by_name[key]
        self.wanted_names.clear()

    # Pass 2 -------------------------------------------------------------------------------
    def write(self) -> ImportResult:
        """Reserve the numbers in one go, insert companies then persons, then update duplicates."""
        if self.max_given:
            self.session.execute(
                update(NumberSeries)
                .where(NumberSeries.code == self.series, NumberSeries.next_number <= self.max_given)
                .values(next_number=self.max_given + 1)
            )
        numbers = next_numbers(self.session, self.series, self.new_count) if self.new_count else []

        def final(ref: Ref) -> str:
            return numbers[ref] if isinstance(ref, int) else ref

        created = updated = 0
        now = utcnow()
        defaults = {**INSERT_DEFAULTS, "created_at": now, "modified_at": now}
        for chunk in self.companies.chunks():
            rows = []
            for row_number, ref, values in chunk:
                if row_number in self.bad_rows:
                    continue
                no = final(ref)
                rows.append(
                    {
                        **defaults,
                        **values,
                        "no": no,
                        "type": ContactType.COMPANY,
                        "company_no": no,
                        "company_name": values["name"],
                    }
                )
            created += self._insert(rows)
        for chunk in self.persons.chunks():
            rows = []
            for row_number, ref, values, company_no, company_name in chunk:
                if row_number in self.bad_rows:
                    continue
                link = self._company_link(company_no, company_name, final)
                rows.append({**defaults, **values, "no": final(ref), "type": ContactType.PERSON, **link})
            created += self._insert(rows)
        for chunk in self.updates.chunks():
            updated += self._update(chunk, final)
        return ImportResult(created, updated, self.skipped, self.sorted_errors())

    def _company_link(self, company_no: str, company_name: str, final: Any) -> dict[str, Any]:
        if company_no:
            ref, name = self.company_of_no[company_no]
        elif company_name:
            ref, name = self.company_of_name[company_name.lower()]
        else:
            return {"company_no": None, "company_name": ""}
        return {"company_no": final(ref), "company_name": name}

    def _insert(self, rows: list[dict[str, Any]]) -> int:
        """Insert complete rows at driver level (every column given, so no per-row defaults or type
        processing): COPY on PostgreSQL, else one executemany."""
        if not rows:
            return 0
        connection = self.session.connection()
        stamp = _stored_timestamp(connection.dialect, rows[0]["created_at"])
        values = []
        for row in rows:
            row["search_text"] = contact_search_text(row)
            row["type"], row["correspondence_type"] = str(row["type"]), str(row["correspondence_type"])
            row["created_at"] = row["modified_at"] = stamp
            values.append(tuple([row[name] for name in CONTACT_COLUMNS]))
        if connection.dialect.name == "postgresql":
            with connection.connection.driver_connection.cursor().copy(COPY_STATEMENT) as copy:
                for row_values in values:
                    copy.write_row(row_values)
        else:
            connection.exec_driver_sql(INSERT_STATEMENT, values)
        return len(rows)

    def _update(self, chunk: list[Any], final: Any) -> int:
        """Bulk UPDATE by primary key; rows with the same set of columns go together."""
        merged: dict[str, dict[str, Any]] = {}
        count = 0
        for row_number, target, row_type, values, company_no, company_name in chunk:
            if row_number in self.bad_rows:
                continue
            count += 1
            no = final(target)
            changes = dict(values)
            if row_type == ContactType.COMPANY and "name" in changes:
                changes.update(company_name=changes["name"], company_no=no)
            elif row_type == ContactType.PERSON and (company_no or company_name):
                changes.update(self._company_link(company_no, company_name, final))
            merged.setdefault(no, {"no": no}).update(changes)
        groups: dict[frozenset[str], list[dict[str, Any]]] = defaultdict(list)
        for changes in merged.values():
            groups[frozenset(changes)].append(changes)
        for group in groups.values():
            if len(group[0]) > 1:
                self.session.execute(update(Contact), group)
        # Bulk updates bypass the ORM events that keep the list's search column current.
        searched = [no for no, changes in merged.items() if set(SEARCH_FIELDS[1:]) & changes.keys()]
        for start in range(0, len(searched), 2000):
            refresh_search_text(self.session, Contact.no.in_(searched[start : start + 2000]))
        return count
