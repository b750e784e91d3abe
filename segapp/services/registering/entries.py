"""The interaction log entries page: filters, keyset pages, evaluation / attempt failed / cancel on many entries.

Every filter is an equality or a range on a column that has an index ending in entry_no (migration 0012), so a
page is read from that index in entry no. order, starting where the previous page stopped (keyset): page
20,000 of 1,000,000 entries costs what page 1 does. Nothing counts every match: the count stops at COUNT_CAP.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Select, func, select, update
from sqlalchemy.orm import Session

from segapp.dates import DateError, parse_date
from segapp.models import (
    Contact,
    DeliveryStatus,
    Evaluation,
    InteractionLogEntry,
    LoggedSegment,
)
from segapp.numbers import BIGINT_MAX, INT_MAX, to_int
from segapp.services.errors import ServiceError

COUNT_CAP = 10_000
# At most this many entries are changed by one request (a page holds far fewer).
MAX_SELECTED = 1000
# The query-string value of a filter on the blank evaluation or delivery status ("" means: any).
BLANK = "-"
CANCELLED_CHOICES = ("yes", "no")

_ENTRY = InteractionLogEntry


@dataclass(frozen=True)
class EntryFilter:
    """What the entries page is filtered on; built from the query string (``from_args``)."""

    contact: str = ""
    date_from: date | None = None
    date_to: date | None = None
    template: str = ""
    segment: str = ""
    campaign: str = ""
    registered: int | None = None
    evaluation: Evaluation | None = None
    delivery_status: DeliveryStatus | None = None
    cancelled: bool | None = None
    # The dates as typed (shown back in the form, kept in the links), and why one is not a date.
    typed: Mapping[str, str] = field(default_factory=dict, compare=False)
    errors: Mapping[str, str] = field(default_factory=dict, compare=False)

    @classmethod
    def from_args(cls, args: Mapping[str, str], locale: object = "en") -> "EntryFilter":
        """The filter of the request's arguments; a value that means nothing is ignored, a date that is not one
        is ignored and reported in ``errors``."""

        def code(name: str) -> str:
            return (args.get(name) or "").strip().upper()[:20]

        typed, errors, dates = {}, {}, {}
        for name in ("date_from", "date_to"):
            text = (args.get(name) or "").strip()[:40]
            typed[name] = text
            if text:
                try:
                    dates[name] = parse_date(text, locale=locale)
                except DateError as error:
                    errors[name] = error.message
        cancelled = (args.get("cancelled") or "").strip()
        return cls(
            contact=code("contact"),
            date_from=dates.get("date_from"),
            date_to=dates.get("date_to"),
            template=code("template"),
            segment=code("segment"),
            campaign=code("campaign"),
            registered=to_int(args.get("registered"), 1, INT_MAX),
            evaluation=_enum_arg(Evaluation, args.get("evaluation")),
            delivery_status=_enum_arg(DeliveryStatus, args.get("delivery_status")),
            cancelled={"yes": True, "no": False}.get(cancelled),
            typed=typed,
            errors=errors,
        )

    def args(self) -> dict[str, str]:
        """The query-string arguments of this filter (for links, the export and the way back after a change)."""
        values = {
            "contact": self.contact,
            "date_from": self.typed.get("date_from", "") or (self.date_from.isoformat() if self.date_from else ""),
            "date_to": self.typed.get("date_to", "") or (self.date_to.isoformat() if self.date_to else ""),
            "template": self.template,
            "segment": self.segment,
            "campaign": self.campaign,
            "registered": str(self.registered or ""),
            "evaluation": _enum_value(self.evaluation),
            "delivery_status": _enum_value(self.delivery_status),
            "cancelled": {True: "yes", False: "no", None: ""}[self.cancelled],
        }
        return {key: value for key, value in values.items() if value}

    @property
    def is_filtered(self) -> bool:
        """True when any filter is set."""
        return any(getattr(self, f.name) not in (None, "") for f in fields(self) if f.name not in ("typed", "errors"))

    def conditions(self) -> list[ColumnElement[bool]]:
        """The WHERE conditions of the filter, each on an indexed column."""
        conditions = []
        equal = (
            (_ENTRY.contact_no, self.contact or None),
            (_ENTRY.interaction_template_code, self.template or None),
            (_ENTRY.segment_no, self.segment or None),
            (_ENTRY.campaign_no, self.campaign or None),
            (_ENTRY.logged_segment_entry_no, self.registered),
            (_ENTRY.evaluation, self.evaluation),
            (_ENTRY.delivery_status, self.delivery_status),
            (_ENTRY.cancelled, self.cancelled),
        )
        conditions = [column == value for column, value in equal if value is not None]
        if self.date_from is not None:
            conditions.append(_ENTRY.date >= self.date_from)
        if self.date_to is not None:
            conditions.append(_ENTRY.date <= self.date_to)
        return conditions


def _enum_arg(enum_class: Any, value: str | None) -> Any:
    text = (value or "").strip()
    if text == BLANK:
        return enum_class("")
    if not text:
        return None
    try:
        return enum_class(text)
    except ValueError:
        return None


def _enum_value(member: Any) -> str:
    if member is None:
        return ""
    return member.value or BLANK


def entries_select(flt: EntryFilter) -> Select:
    """The filtered entries with their contact's name, newest entry first."""
    return (
        select(_ENTRY, Contact.name.label("contact_name"))
        .outerjoin(Contact, Contact.no == _ENTRY.contact_no)
        .where(*flt.conditions())
        .order_by(_ENTRY.entry_no.desc())
    )


@dataclass(frozen=True)
class EntryPage:
    """One page of entries (rows of (entry, contact name)), and whether there are entries before or after it."""

    rows: list[Any]
    has_prev: bool
    has_next: bool
    total: int
    more: bool

    def prev_args(self) -> dict[str, int]:
        """The keyset of the page before: the entries just after (newer than) this page's first."""
        return {"before": self.rows[0][0].entry_no}

    def next_args(self) -> dict[str, int]:
        """The keyset of the page after: the entries just before (older than) this page's last."""
        return {"after": self.rows[-1][0].entry_no}


def count_entries(session: Session, flt: EntryFilter) -> tuple[int, bool]:
    """How many entries match, counted up to COUNT_CAP (and whether there are more): one statement that reads
    the newest COUNT_CAP + 1 matches from the same index as the page, never every match."""
    capped = (
        select(_ENTRY.entry_no)
        .where(*flt.conditions())
        .order_by(_ENTRY.entry_no.desc())
        .limit(COUNT_CAP + 1)
        .subquery()
    )
    found = session.scalar(select(func.count()).select_from(capped)) or 0
    return min(found, COUNT_CAP), found > COUNT_CAP


def page_select(flt: EntryFilter, per_page: int, after: int | None = None, before: int | None = None) -> Select:
    """The statement of a page: per_page + 1 entries (to know whether another page follows) older than entry
    no. ``after``, or newer than ``before`` (then in ascending order), or the newest ones."""
    query = entries_select(flt)
    if before is not None and after is None:
        query = query.where(_ENTRY.entry_no > before).order_by(None).order_by(_ENTRY.entry_no)
    elif after is not None:
        query = query.where(_ENTRY.entry_no < after)
    return query.limit(per_page + 1)


def fetch_entries(
    session: Session, flt: EntryFilter, per_page: int, after: int | None = None, before: int | None = None
) -> EntryPage:
    """One page of entries (keyset, see page_select) and the capped count: two statements."""
    backwards = before is not None and after is None
    rows = list(session.execute(page_select(flt, per_page, after, before)).all())
    if (after is not None or before is not None) and not rows:  # past the end, or a stale keyset: the first page
        return fetch_entries(session, flt, per_page)
    extra = len(rows) > per_page
    rows = rows[:per_page]
    if backwards:
        rows.reverse()
    total, more = count_entries(session, flt)
    return EntryPage(
        rows=rows,
        has_prev=extra if backwards else after is not None,
        has_next=True if backwards else extra,
        total=total,
        more=more,
    )


def entry_numbers(values: Iterable[str]) -> list[int]:
    """The entry nos. a form posted (checkboxes), malformed ones left out; refused past MAX_SELECTED."""
    numbers = sorted({n for value in values if (n := to_int(value, 1, BIGINT_MAX)) is not None})
    if not numbers:
        raise ServiceError(_("Select at least one entry."))
    if len(numbers) > MAX_SELECTED:
        raise ServiceError(_("Select at most %(max)s entries at a time.", max=MAX_SELECTED))
    return numbers


def set_entries_outcome(
    session: Session, entry_nos: list[int], evaluation: Evaluation | None, attempt_failed: bool | None
) -> int:
    """Set the evaluation and/or attempt failed of the entries (one UPDATE); the number of entries changed."""
    values: dict[str, Any] = {}
    if evaluation is not None:
        values["evaluation"] = evaluation
    if attempt_failed is not None:
        values["attempt_failed"] = attempt_failed
    if not values:
        raise ServiceError(_("Choose an evaluation or attempt failed to set."))
    return _update(session, entry_nos, values)


def cancel_entries(session: Session, entry_nos: list[int]) -> int:
    """Cancel the entries (one UPDATE); the number of entries changed."""
    return _update(session, entry_nos, {"cancelled": True})


def uncancel_entries(session: Session, entry_nos: list[int]) -> int:
    """Un-cancel the entries (one check, one UPDATE). Refused, with nothing changed, when one belongs to a
    cancelled registered segment: that one comes back only with its registered segment."""
    blocked = session.scalars(
        select(LoggedSegment.segment_no)
        .join(_ENTRY, _ENTRY.logged_segment_entry_no == LoggedSegment.entry_no)
        .where(_ENTRY.entry_no.in_(entry_nos), LoggedSegment.cancelled)
        .distinct()
        .order_by(LoggedSegment.segment_no)
    ).all()
    if blocked:
        raise ServiceError(
            _(
                "An entry of a cancelled registered segment cannot be un-cancelled alone: un-cancel registered "
                "segment %(segments)s instead.",
                segments=", ".join(blocked),
            )
        )
    return _update(session, entry_nos, {"cancelled": False})


def _update(session: Session, entry_nos: list[int], values: dict[str, Any]) -> int:
    changed = session.execute(
        update(_ENTRY)
        .where(_ENTRY.entry_no.in_(entry_nos))
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    session.expire_all()
    return changed


EVALUATION_UNCHANGED = ""
ATTEMPT_FAILED_CHOICES = {"yes": True, "no": False}


def outcome_from_form(evaluation: str | None, attempt_failed: str | None) -> tuple[Evaluation | None, bool | None]:
    """The bulk form's evaluation ("" unchanged, "-" blank, or a value) and attempt failed ("", "yes", "no")."""
    return _enum_arg(Evaluation, evaluation), ATTEMPT_FAILED_CHOICES.get((attempt_failed or "").strip())


# The export's columns: (attribute of the entry, or "contact_name"; header in the user's language).
EXPORT_COLUMNS: tuple[tuple[str, Any], ...] = (
    ("entry_no", _l("Entry no.")),
    ("date", _l("Date")),
    ("contact_no", _l("Contact no.")),
    ("contact_name", _l("Contact name")),
    ("description", _l("Description")),
    ("interaction_template_code", _l("Template")),
    ("interaction_group_code", _l("Interaction group")),
    ("salesperson_code", _l("Salesperson")),
    ("segment_no", _l("Segment no.")),
    ("campaign_no", _l("Campaign")),
    ("correspondence_type", _l("Correspondence type")),
    ("evaluation", _l("Evaluation")),
    ("attempt_failed", _l("Attempt failed")),
    ("delivery_status", _l("Delivery status")),
    ("cost", _l("Cost")),
    ("duration", _l("Duration")),
    ("cancelled", _l("Cancelled")),
)


def export_select(flt: EntryFilter) -> Select:
    """The filtered entries as the export's columns, newest first."""
    columns = [Contact.name if name == "contact_name" else getattr(_ENTRY, name) for name, _label in EXPORT_COLUMNS]
    return entries_select(flt).with_only_columns(*columns)
