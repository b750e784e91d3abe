"""The contact list: search, filters and sorting as one query, paged without counting everything."""

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Boolean, ColumnElement, Select, exists, literal, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from segapp.like import like_escape
from segapp.models import Contact, ContactMailingGroup, ContactType
from segapp.textfold import fold

# Counting stops here: "10,000+" is all a user needs, and it keeps every keystroke cheap.
COUNT_CAP = 10_000
MAX_SEARCH_TERMS = 5
# Up to this many matches, the page is read by their nos. (known from the count).
IN_LIST_LIMIT = 1000
# A filtered page is first looked for among this many contacts in sort order (see _page_of_many).
WALK_LIMIT = 20_000

# Sort key of the query string -> attribute of Contact.
SORTS: dict[str, str] = {
    "no": "no",
    "name": "name",
    "company_name": "company_name",
    "city": "city",
    "post_code": "post_code",
    "salesperson": "salesperson_code",
}


class folded_contains(FunctionElement):  # noqa: N801 - a SQL function name
    """``column`` contains ``term`` (both already case-folded), the fastest way on each engine."""

    type = Boolean()
    inherit_cache = True
    name = "folded_contains"


@compiles(folded_contains)
def _contains_like(element: folded_contains, compiler: SQLCompiler, **kw: Any) -> str:
    # PostgreSQL: LIKE '%term%' is answered by the trigram index on search_text.
    column, pattern, _term = element.clauses
    return f"{compiler.process(column, **kw)} LIKE {compiler.process(pattern, **kw)} ESCAPE '\\'"


@compiles(folded_contains, "sqlite")
def _contains_instr(element: folded_contains, compiler: SQLCompiler, **kw: Any) -> str:
    # SQLite scans the table either way; instr() is about three times faster than LIKE.
    column, _pattern, term = element.clauses
    return f"instr({compiler.process(column, **kw)}, {compiler.process(term, **kw)}) > 0"


def search_condition(term: str, entity: Any = Contact) -> ColumnElement[bool]:
    """The contact's search text contains this word (folded here, in Python, as the column is)."""
    term = fold(term)
    return folded_contains(entity.search_text, literal(f"%{like_escape(term)}%"), literal(term))


@dataclass
class ContactFilter:
    """What the user asked the list for; built from the query string."""

    search: str = ""
    type: str = ""
    company: str = ""
    city: str = ""
    salesperson: str = ""
    mailing_group: str = ""
    sort: str = "no"
    desc: bool = False

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> "ContactFilter":
        """Read the filter from request arguments, ignoring values that make no sense."""

        def text(name: str, length: int = 100) -> str:
            return (args.get(name) or "").strip()[:length]

        contact_type = text("type")
        sort = text("sort")
        return cls(
            search=text("q", 200),
            type=contact_type if contact_type in {t.value for t in ContactType} else "",
            company=text("company", 20).upper(),
            city=text("city", 50),
            salesperson=text("salesperson", 20).upper(),
            mailing_group=text("mailing_group", 20).upper(),
            sort=sort if sort in SORTS else "no",
            desc=args.get("desc") == "1",
        )

    def args(self, **changes: Any) -> dict[str, str]:
        """Query-string arguments for this filter, with some changed (for links)."""
        values = {
            "q": self.search,
            "type": self.type,
            "company": self.company,
            "city": self.city,
            "salesperson": self.salesperson,
            "mailing_group": self.mailing_group,
            "sort": self.sort,
            "desc": "1" if self.desc else "",
        }
        values.update(changes)
        return {key: value for key, value in values.items() if value and not (key == "sort" and value == "no")}

    @property
    def is_filtered(self) -> bool:
        """True when any search or filter is set."""
        return any((self.search, self.type, self.company, self.city, self.salesperson, self.mailing_group))


def contact_select(flt: ContactFilter, small: bool = False, entity: Any = Contact) -> Select[tuple[Contact]]:
    """The contacts matching the filter, in the requested order (ties broken by no.).

    ``small`` says that few contacts match: then sorting them beats walking the sort column's
    index, which may pass over most of the table before it meets the matches. ``entity`` is
    Contact or an alias of it over a subquery.
    """
    query = select(entity)
    for term in flt.search.split()[:MAX_SEARCH_TERMS]:
        query = query.where(search_condition(term, entity))
    if flt.type:
        query = query.where(entity.type == ContactType(flt.type))
    if flt.company:
        query = query.where(entity.company_no == flt.company)
    if flt.city:
        query = query.where(entity.city == flt.city)
    if flt.salesperson:
        query = query.where(entity.salesperson_code == flt.salesperson)
    if flt.mailing_group:
        query = query.where(
            exists().where(
                ContactMailingGroup.contact_no == entity.no,
                ContactMailingGroup.mailing_group_code == flt.mailing_group,
            )
        )
    column, no = getattr(entity, SORTS[flt.sort]), entity.no
    if small:
        column = column.concat("")  # an expression: no index walk
    if flt.desc:
        return query.order_by(column.desc(), no.desc())
    return query.order_by(column, no)


@dataclass
class ContactPage:
    """One page of the list; ``total`` is exact up to COUNT_CAP, ``more`` says there are more."""

    items: list[Contact]
    page: int
    per_page: int
    has_next: bool
    total: int
    more: bool = field(default=False)

    @property
    def has_prev(self) -> bool:
        """True after the first page."""
        return self.page > 1

    @property
    def prev_num(self) -> int:
        """The previous page number."""
        return self.page - 1

    @property
    def next_num(self) -> int:
        """The next page number."""
        return self.page + 1

    @property
    def pages(self) -> int | None:
        """Number of pages, None when the count was capped."""
        return None if self.more else max(1, math.ceil(self.total / self.per_page))


def capped_numbers(session: Session, flt: ContactFilter) -> list[str]:
    """The nos. of the matching contacts, at most COUNT_CAP + 1 of them, in no particular order."""
    query = contact_select(flt).with_only_columns(Contact.no).order_by(None).limit(COUNT_CAP + 1)
    return list(session.scalars(query))


def fetch_page(session: Session, flt: ContactFilter, page: int, per_page: int) -> ContactPage:
    """One page of matching contacts, reading one row more to know whether a next page exists."""
    page = max(1, page)
    numbers = capped_numbers(session, flt)
    total, more = min(len(numbers), COUNT_CAP), len(numbers) > COUNT_CAP
    offset, limit = (page - 1) * per_page, per_page + 1
    rows: list[Contact] = []
    if not more and total <= offset:
        pass
    elif not flt.is_filtered:
        rows = list(session.scalars(contact_select(flt).offset(offset).limit(limit)))
    elif not more and total <= IN_LIST_LIMIT:
        # Few matches, and we already know them: read them by no. instead of searching again
        # (on SQLite a substring search is a full scan).
        query = contact_select(ContactFilter(sort=flt.sort, desc=flt.desc), small=True).where(Contact.no.in_(numbers))
        rows = list(session.scalars(query.offset(offset).limit(limit)))
    else:
        rows = _page_of_many(session, flt, offset, limit, more)
    return ContactPage(
        items=rows[:per_page], page=page, per_page=per_page, has_next=len(rows) > per_page, total=total, more=more
    )


def _page_of_many(session: Session, flt: ContactFilter, offset: int, limit: int, more: bool) -> list[Contact]:
    """A page of a filtered list with many matches.

    Walking the sort column's index and filtering is fast when matches are spread out, and
    very slow when they cluster late in the sort order (searching "zanetti" sorted by name).
    So look only at the first WALK_LIMIT contacts in sort order: if they hold the whole page,
    it is the right page; otherwise sort all matches (one scan, bounded).
    """
    if more:
        window = aliased(
            Contact, contact_select(ContactFilter(sort=flt.sort, desc=flt.desc)).limit(WALK_LIMIT).subquery()
        )
        query = contact_select(flt, small=True, entity=window)
        rows = list(session.scalars(query.offset(offset).limit(limit)))
        if len(rows) == limit:
            return rows
    return list(session.scalars(contact_select(flt, small=True).offset(offset).limit(limit)))
