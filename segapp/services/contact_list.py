"""The contact list: search, filters and sorting as one query, paged without counting everything."""

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, exists, func, select
from sqlalchemy.orm import Session

from segapp.models import Contact, ContactMailingGroup, ContactType

# Counting stops here: "10,000+" is all a user needs, and it keeps every keystroke cheap.
COUNT_CAP = 10_000
MAX_SEARCH_TERMS = 5

SORTS: dict[str, Any] = {
    "no": Contact.no,
    "name": Contact.name,
    "company_name": Contact.company_name,
    "city": Contact.city,
    "post_code": Contact.post_code,
    "salesperson": Contact.salesperson_code,
}


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


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
            "q": self.search, "type": self.type, "company": self.company, "city": self.city,
            "salesperson": self.salesperson, "mailing_group": self.mailing_group,
            "sort": self.sort, "desc": "1" if self.desc else "",
        }
        values.update(changes)
        return {key: value for key, value in values.items() if value and not (key == "sort" and value == "no")}

    @property
    def is_filtered(self) -> bool:
        """True when any search or filter is set."""
        return any((self.search, self.type, self.company, self.city, self.salesperson, self.mailing_group))


def contact_select(flt: ContactFilter) -> Select[tuple[Contact]]:
    """The contacts matching the filter, in the requested order (ties broken by no.)."""
    query = select(Contact)
    for term in flt.search.casefold().split()[:MAX_SEARCH_TERMS]:
        query = query.where(Contact.search_text.like(f"%{_like_escape(term)}%", escape="\\"))
    if flt.type:
        query = query.where(Contact.type == ContactType(flt.type))
    if flt.company:
        query = query.where(Contact.company_no == flt.company)
    if flt.city:
        query = query.where(Contact.city == flt.city)
    if flt.salesperson:
        query = query.where(Contact.salesperson_code == flt.salesperson)
    if flt.mailing_group:
        query = query.where(exists().where(
            ContactMailingGroup.contact_no == Contact.no,
            ContactMailingGroup.mailing_group_code == flt.mailing_group,
        ))
    column = SORTS[flt.sort]
    if flt.desc:
        return query.order_by(column.desc(), Contact.no.desc())
    return query.order_by(column, Contact.no)


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


def capped_count(session: Session, flt: ContactFilter) -> tuple[int, bool]:
    """How many contacts match, counting at most COUNT_CAP + 1 of them."""
    inner = contact_select(flt).with_only_columns(Contact.no).order_by(None).limit(COUNT_CAP + 1).subquery()
    total = session.scalar(select(func.count()).select_from(inner)) or 0
    return min(total, COUNT_CAP), total > COUNT_CAP


def fetch_page(session: Session, flt: ContactFilter, page: int, per_page: int) -> ContactPage:
    """One page of matching contacts, reading one row more to know whether a next page exists."""
    page = max(1, page)
    rows = list(session.scalars(contact_select(flt).offset((page - 1) * per_page).limit(per_page + 1)))
    total, more = capped_count(session, flt)
    return ContactPage(items=rows[:per_page], page=page, per_page=per_page, has_next=len(rows) > per_page, total=total, more=more)
