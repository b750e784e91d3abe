"""What the database already holds for an import: contacts by no. and by e-mail, companies by name.

Keys are compared folded (:mod:`segapp.textfold`) on both engines, so that "SOCIETÀ" finds
"Società" on SQLite as on PostgreSQL.
"""

import json
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import Any, Union

from sqlalchemy import String, bindparam, func, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session, aliased

from segapp.models import Contact, ContactType
from segapp.services.importing.rows import ParsedRow
from segapp.textfold import by_code_point, fold, folded

LOOKUP_CHUNK = 100_000  # keys per look-up query (one query for a whole file)
# A contact created by this import is known by its position in the numbers reserved at the end
# (an int) until then; a contact that exists, or whose no. the file gives, by its no. (a str).
Ref = Union[int, str]


def _chunked(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _key_list(session: Session, keys: list[str]) -> Any:
    """The keys as a one-column SELECT of a single parameter: the statement text stays the same size."""
    if session.get_bind().dialect.name == "postgresql":
        return select(func.unnest(bindparam("keys", keys, type_=ARRAY(String()))))
    return select(func.json_each(bindparam("keys", json.dumps(keys))).table_valued("value").c.value)


def folded_in(session: Session, column: Any, keys: Any) -> Any:
    """``fold(column)`` is one of the keys. SQLite: find the stored values by reading only the column's
    index (far smaller than the table), then match rows by the index. PostgreSQL: one hash semi-join
    over the table, because the nested form made its planner take a plan that grew with the table
    (40 s for 100,000 keys against 1,000,000 contacts, against 0.6 s for this one)."""
    if session.get_bind().dialect.name == "postgresql":
        return by_code_point(folded(column)).in_(keys)
    other = aliased(Contact)
    stored = getattr(other, column.key)
    return column.in_(select(stored).where(folded(stored).in_(keys)))


def in_keys(session: Session, statement: Callable[[Any], Any], keys: set[str]) -> Iterator[Any]:
    """Rows of ``statement(keys)``, the keys sent as one parameter (an array, or JSON for SQLite)."""
    for chunk in _chunked(sorted(keys), LOOKUP_CHUNK):
        yield from session.execute(statement(_key_list(session, chunk)))


def companies_by_no(session: Session, nos: set[str]) -> dict[str, tuple[str, str]]:
    """Folded company no. -> (its no. as stored, name), for the folded nos. that are companies in the database."""
    found = in_keys(
        session,
        lambda keys: select(Contact.no, Contact.name).where(
            Contact.type == ContactType.COMPANY, folded_in(session, Contact.no, keys)
        ),
        nos,
    )
    return {fold(no): (no, name) for no, name in found}


class KnownContacts:
    """Contacts by key: those of the database, then those the file creates, row by row."""

    def __init__(self) -> None:
        self.by_no: dict[str, Ref] = {}  # folded no.: numbers match whatever their case
        self.by_email: dict[str, Ref] = {}  # folded e-mail
        self.companies_by_name: dict[str, tuple[Ref, str]] = {}  # folded name -> (ref, name)
        self.company_names_by_no: dict[str, str] = {}  # folded company nos. the file gives -> name

    def look_up(self, session: Session, nos: set[str], emails: set[str], names: set[str]) -> None:
        """Load what the database holds for these keys: one query per kind of key for the whole file."""
        for (no,) in in_keys(session, lambda keys: select(Contact.no).where(folded_in(session, Contact.no, keys)), nos):
            self.by_no[fold(no)] = no
        email_of = folded(Contact.email)
        for email, no in in_keys(
            session,
            lambda keys: (
                select(email_of, func.min(Contact.no)).where(folded_in(session, Contact.email, keys)).group_by(email_of)
            ),
            emails,
        ):
            self.by_email[email] = no
        for key, no, name in in_keys(
            session,
            lambda keys: (
                select(folded(Contact.name), Contact.no, Contact.name)
                .where(Contact.type == ContactType.COMPANY, folded_in(session, Contact.name, keys))
                .order_by(Contact.no)
            ),
            names,
        ):
            self.companies_by_name.setdefault(key, (no, name))

    def duplicate_of(self, parsed: ParsedRow) -> Ref | None:
        """The contact this row duplicates (same no., same e-mail, or a company of the same name)."""
        if parsed.no and fold(parsed.no) in self.by_no:
            return self.by_no[fold(parsed.no)]
        if parsed.email_key and parsed.email_key in self.by_email:
            return self.by_email[parsed.email_key]
        if parsed.type == ContactType.COMPANY and parsed.name_key in self.companies_by_name:
            return self.companies_by_name[parsed.name_key][0]
        return None

    def add(self, parsed: ParsedRow, ref: Ref) -> None:
        """A row the file creates: later rows find it as a duplicate or as their company."""
        if parsed.no:
            self.by_no[fold(parsed.no)] = ref
        if parsed.email_key:
            self.by_email.setdefault(parsed.email_key, ref)
        if parsed.type == ContactType.COMPANY:
            self.companies_by_name.setdefault(parsed.name_key, (ref, parsed.values["name"]))
            if parsed.no:
                self.company_names_by_no[fold(parsed.no)] = parsed.values["name"]
