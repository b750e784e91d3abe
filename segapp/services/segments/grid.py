"""The lines grid: one page of lines with their contact, sorted and filtered by the database."""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from segapp.models import Contact, ContactType, SegmentLine, TemplateDocument

PAGE_SIZE = 25  # a screenful: the first render of a large segment costs what a small one does
SORTS = {
    "line": (SegmentLine.line_no,),
    "contact_no": (SegmentLine.contact_no, SegmentLine.line_no),
    "name": (Contact.name, SegmentLine.line_no),
    "company": (Contact.company_name, Contact.name, SegmentLine.line_no),
    "city": (Contact.city, SegmentLine.line_no),
}


@dataclass(frozen=True)
class GridRow:
    """A line with what the grid shows of its contact."""

    line: SegmentLine
    company_name: str
    contact_name: str
    city: str
    phone: str
    email: str
    has_document: bool


@dataclass(frozen=True)
class GridPage:
    """One page of rows, and whether there are more after it (no count of all lines)."""

    rows: list[GridRow]
    has_more: bool
    next_offset: int


def grid_page(
    session: Session,
    segment_no: str,
    offset: int = 0,
    sort: str = "line",
    descending: bool = False,
    search: str = "",
    limit: int = PAGE_SIZE,
) -> GridPage:
    """``limit`` lines from ``offset`` in the chosen order; the filter matches contact no., name or city."""
    query = _rows_query().where(SegmentLine.segment_no == segment_no)
    text = search.strip()
    if text:
        query = query.where(
            SegmentLine.contact_no.istartswith(text, autoescape=True)
            | Contact.name.icontains(text, autoescape=True)
            | Contact.city.istartswith(text, autoescape=True)
        )
    order: Any = SORTS.get(sort, SORTS["line"])
    query = query.order_by(*[c.desc() if descending else c.asc() for c in order])
    rows = session.execute(query.offset(max(offset, 0)).limit(limit + 1)).all()
    grid_rows = [_grid_row(row) for row in rows[:limit]]
    return GridPage(grid_rows, len(rows) > limit, max(offset, 0) + limit)


def grid_row(session: Session, segment_no: str, line_no: int) -> GridRow | None:
    """One row of the grid, after an edit."""
    row = session.execute(
        _rows_query().where(SegmentLine.segment_no == segment_no, SegmentLine.line_no == line_no)
    ).first()
    return _grid_row(row) if row is not None else None


def _rows_query() -> Any:
    has_document = exists().where(
        TemplateDocument.template_code == SegmentLine.interaction_template_code,
        TemplateDocument.language_code == SegmentLine.language_code,
    )
    return select(
        SegmentLine,
        Contact.company_name,
        Contact.name,
        Contact.type,
        Contact.city,
        Contact.phone,
        Contact.email,
        has_document.label("has_document"),
    ).outerjoin(Contact, Contact.no == SegmentLine.contact_no)


def _grid_row(row: Any) -> GridRow:
    line, company, name, kind, city, phone, email, doc = row
    return GridRow(
        line, company or "", name if kind == ContactType.PERSON else "", city or "", phone or "", email or "", bool(doc)
    )
