"""Which contacts a set of filters matches (spec 3.4), as one SQL condition over the contact row.

Filter groups are ORed. Inside a group the contact fields apply to the contact row, and every other
table with filters is one EXISTS whose row must satisfy all of that table's filters at once (one
interaction log entry matching every field of its tab). Industry groups and business relations are
looked up on the contact's company (a company's company no. is its own no.).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import and_, exists, or_, select, true
from sqlalchemy.sql.elements import ColumnElement

from segapp.filters import FilterError, compile_filter
from segapp.models import Contact
from segapp.services.criteria.fields import CriteriaField, CriteriaTable, criteria_table
from segapp.services.errors import ServiceError


@dataclass(frozen=True)
class FieldFilter:
    """One filter expression on one field of one table, in an ORed group (numbered from 1)."""

    group_no: int
    table: str
    field: str
    expression: str


@dataclass(frozen=True)
class ActionOptions:
    """The options of an action (spec 3.4); add reads the first four, reduce and refine the last."""

    allow_existing_contacts: bool = False
    expand_companies: bool = False
    allow_related_companies: bool = False
    ignore_exclusion: bool = False
    entire_companies: bool = False


OPTION_NAMES = tuple(option.name for option in fields(ActionOptions))


class CriteriaError(ServiceError):
    """A filter that cannot be used: an unknown table or field, or an expression that is wrong at ``position``."""

    def __init__(self, message: str, *, group_no: int, table: str, field: str, position: int | None = None) -> None:
        super().__init__(message, field)
        self.group_no = group_no
        self.table = table
        self.position = position


def filled(filters: Iterable[FieldFilter]) -> list[FieldFilter]:
    """The filters that say something: a field left blank is no condition."""
    return [item for item in filters if item.expression.strip()]


def resolve(item: FieldFilter) -> tuple[CriteriaTable, CriteriaField]:
    """The table and field a filter names, or CriteriaError."""
    if not isinstance(item.group_no, int) or item.group_no < 1:
        raise CriteriaError(
            _("This filter group does not exist."), group_no=item.group_no, table=item.table, field=item.field
        )
    table = criteria_table(item.table)
    if table is None:
        raise CriteriaError(
            _("There is no table “%(table)s” to filter on.", table=item.table),
            group_no=item.group_no,
            table=item.table,
            field=item.field,
        )
    field = table.field(item.field)
    if field is None:
        raise CriteriaError(
            _("%(table)s has no field “%(field)s”.", table=table.label, field=item.field),
            group_no=item.group_no,
            table=item.table,
            field=item.field,
        )
    return table, field


def _condition(item: FieldFilter, field: CriteriaField, locale: str, today: date | None) -> ColumnElement[bool]:
    try:
        return compile_filter(field.column, item.expression, locale=locale, today=today)
    except FilterError as error:
        table = criteria_table(item.table)
        raise CriteriaError(
            _(
                "%(table)s, %(field)s: %(message)s",
                table=table.label if table else "",
                field=field.label,
                message=error.message,
            ),
            group_no=item.group_no,
            table=item.table,
            field=item.field,
            position=error.position,
        ) from None


def _group_condition(items: Sequence[FieldFilter], locale: str, today: date | None, alone: bool) -> ColumnElement[bool]:
    by_table: dict[str, tuple[CriteriaTable, list[ColumnElement[bool]]]] = {}
    for item in items:
        table, field = resolve(item)
        by_table.setdefault(table.key, (table, []))[1].append(_condition(item, field, locale, today))
    parts: list[ColumnElement[bool]] = []
    for table, conditions in by_table.values():
        if table.rows is None:
            parts.extend(conditions)
            continue
        owner = Contact.company_no if table.through_company else Contact.no
        if alone:
            # The same as EXISTS, but SQLite can then start from the table's matching rows (an index on the
            # filtered column) instead of probing them for every contact; PostgreSQL makes a semi-join of both.
            parts.append(owner.in_(select(table.contact_no).select_from(table.rows).where(*conditions)))
        else:
            # Inside an OR, PostgreSQL would hash an IN list only if it fits in work_mem, else re-run it for
            # every contact: a correlated EXISTS is an index probe per contact at worst.
            parts.append(exists(select(1).select_from(table.rows).where(table.contact_no == owner, *conditions)))
    return and_(*parts)


def match_condition(
    filters: Sequence[FieldFilter], *, locale: str, today: date | None = None, correlated: bool = False
) -> ColumnElement[bool]:
    """The condition on Contact that the filters set: every contact when no filter is filled in.

    ``correlated`` asks for EXISTS on every related table, for a condition that is negated or ORed with others.
    """
    groups: dict[int, list[FieldFilter]] = {}
    for item in filters:
        resolve(item)
        if item.expression.strip():
            groups.setdefault(item.group_no, []).append(item)
    if not groups:
        return true()
    alone = len(groups) == 1 and not correlated
    conditions = [_group_condition(groups[group_no], locale, today, alone) for group_no in sorted(groups)]
    return conditions[0] if len(conditions) == 1 else or_(*conditions)
