"""Import contacts: check every row, then write all of them set-based, or nothing at all.

The steps, each in its module: read the file (``files``), map its columns and parse each row
(``rows``), look up what exists (``known``), decide each row (``plan``), write (``write``).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from segapp.models import ContactType
from segapp.numbers import show_number
from segapp.services.errors import ServiceError
from segapp.services.importing.files import HEAD_ROWS, HEAD_SCAN
from segapp.services.importing.known import KnownContacts
from segapp.services.importing.plan import ImportPlan, RowError
from segapp.services.importing.rows import ParsedRow, RowParser, field_positions, load_code_lookups
from segapp.services.importing.spool import Spool
from segapp.services.importing.write import write_plan
from segapp.textfold import fold

MAX_ROWS = 100_000
DUPLICATE_CHOICES = ("skip", "update")


@dataclass
class ImportOptions:
    """What the user chose on the mapping page."""

    mapping: dict[str, str]  # source column -> Contact field
    duplicates: str = "skip"  # "skip" or "update"
    skip_invalid_rows: bool = False  # False: any rejected row -> nothing imported


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


def _parser(session: Session, columns: list[str], mapping: dict[str, str]) -> RowParser:
    positions = field_positions(columns, mapping)
    return RowParser(positions, load_code_lookups(session, set(positions.values())))


def preview_rows(
    session: Session,
    columns: list[str],
    rows: Iterable[Sequence[str]],
    mapping: dict[str, str],
    limit: int = HEAD_ROWS,
) -> list[PreviewRow]:
    """The first ``limit`` non-blank rows parsed with the mapping (duplicates are not looked at)."""
    parser = _parser(session, columns, mapping)
    preview: list[PreviewRow] = []
    for row_number, row in enumerate(rows, start=2):
        if len(preview) >= limit or row_number > HEAD_SCAN:
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
    parser = _parser(session, columns, options.mapping)
    plan = ImportPlan(session, KnownContacts(), options.duplicates == "update")
    try:
        _read(session, parser, rows, plan)
        if plan.errors and not options.skip_invalid_rows:
            return ImportResult(0, 0, 0, plan.sorted_errors())
        created, updated = write_plan(session, plan)
        return ImportResult(created, updated, plan.skipped, plan.sorted_errors())
    finally:
        plan.close()


def _read(session: Session, parser: RowParser, rows: Iterable[Sequence[str]], plan: ImportPlan) -> None:
    """Check every row, look up the duplicates of all of them at once, then decide each row."""
    checked = Spool()
    nos: set[str] = set()
    emails: set[str] = set()
    names: set[str] = set()
    count = 0
    try:
        for row_number, row in enumerate(rows, start=2):
            if parser.is_blank(row):
                continue
            count += 1
            if count > MAX_ROWS:
                raise ServiceError(
                    _("The file has more than %(max)s rows: split it and import the parts.", max=show_number(MAX_ROWS)),
                    "file",
                )
            parsed = parser.parse(row_number, row)
            if parsed.errors:
                plan.errors.append(RowError(row_number, " ".join(parsed.errors)))
                continue
            checked.add(_pack(parsed))
            if parsed.no:
                nos.add(fold(parsed.no))
            if parsed.email_key:
                emails.add(parsed.email_key)
            if parsed.type == ContactType.COMPANY:
                names.add(parsed.name_key)
            elif parsed.company_name and not parsed.company_no:
                names.add(fold(parsed.company_name))
        if count == 0 and not plan.errors:
            raise ServiceError(_("The file has no rows to import."), "file")
        # One query per kind of key for the whole file: each may have to read the whole table.
        plan.known.look_up(session, nos, emails, names)
        for keys in (nos, emails, names):
            keys.clear()  # the decisions below keep what they need
        for chunk in checked.chunks():
            for packed in chunk:
                plan.decide(_unpack(packed))
    finally:
        checked.close()
    plan.resolve_companies()


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
