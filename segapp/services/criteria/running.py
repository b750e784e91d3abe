"""Add, reduce and refine the contacts of a segment by criteria (spec 3.4 "Precisely"), in a few statements.

An action is recorded first (filters, options, locale), then changes the lines with one INSERT … SELECT
(every column of a new line computed from its contact's row: the header's defaults and the rules of 3.2,
shared with a line added by hand through segments.rules) or with one DELETE after saving the lines to the
history. Its preview counts the same SQL. The view commits, then calls refresh_line_statistics.
"""

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from sqlalchemy import (
    Integer,
    Select,
    case,
    delete,
    exists,
    false,
    func,
    insert,
    literal,
    not_,
    select,
    text,
    union_all,
)
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import ColumnElement

from segapp.models import (
    Contact,
    ContactType,
    CriteriaActionType,
    InteractionTemplate,
    SegmentCriteriaAction,
    SegmentHeader,
    SegmentLine,
    SegmentLineHistory,
)
from segapp.services.criteria.matching import ActionOptions, FieldFilter, filled, match_condition
from segapp.services.documents.carrying import remove_documents_with_lines
from segapp.services.segments.actions import (
    HISTORY_COLUMNS,
    highest_saved_line_no,
    record_action,
    save_lines_to_history,
)
from segapp.services.segments.lines import LINE_NO_STEP
from segapp.services.segments.records import get_segment
from segapp.services.segments.rules import contact_values, header_line_values
from segapp.textfold import by_code_point

SAMPLE_SIZE = 5
# After a change of this many lines PostgreSQL's statistics of segment_line are refreshed at once
# (docs/benchmarks.md: a segment just filled is otherwise read with a plan made for an empty table).
LARGE_CHANGE = 1000
# PostgreSQL's work_mem for the transaction of a reduce or refine (its default is 4 MB).
MOVE_WORK_MEM = "128MB"
_ADD_OPTIONS = ("allow_existing_contacts", "expand_companies", "allow_related_companies", "ignore_exclusion")
_REMOVE_OPTIONS = ("entire_companies",)


@dataclass(frozen=True)
class ActionPreview:
    """What an action would do: lines added or removed, the line total after it, a few (no., name)."""

    changed: int
    total_after: int
    sample: list[tuple[str, str]]


def _options_of(action_type: CriteriaActionType, options: ActionOptions) -> dict[str, bool]:
    """The options that mean something for this action (the others are recorded as off)."""
    names = _ADD_OPTIONS if action_type == CriteriaActionType.ADD else _REMOVE_OPTIONS
    return {name: value for name, value in asdict(options).items() if name in names}


# --- which contacts an add brings ---------------------------------------------------------------

_CONTACT = Contact.__table__


def _brought(filters: Sequence[FieldFilter], options: ActionOptions, locale: str, today: date | None) -> Any:
    """The contact rows the match brings (before exclusion, privacy and existing lines are looked at): each
    matched contact, with *expand companies* every contact of its company, with *allow related companies*
    the company of each matched person. Disjoint branches of a UNION ALL, so that no contact comes twice and
    each branch is a plain (semi-)join the planner estimates well."""
    condition = match_condition(filters, locale=locale, today=today)
    if options.expand_companies:
        # A matched contact's company brings all its contacts, the company included (its company no. is its
        # own no.), which also covers the companies of matched persons.
        hit = select(Contact.company_no).where(condition, Contact.company_no.is_not(None)).correlate(None)
        rows: Any = union_all(
            select(_CONTACT).where(Contact.company_no.in_(hit)),
            select(_CONTACT).where(Contact.company_no.is_(None), condition),
        )
    elif options.allow_related_companies:
        hit = (
            select(Contact.company_no)
            .where(condition, Contact.type == ContactType.PERSON, Contact.company_no.is_not(None))
            .correlate(None)
        )
        unmatched = not_(match_condition(filters, locale=locale, today=today, correlated=True))
        rows = union_all(
            select(_CONTACT).where(condition),
            select(_CONTACT).where(Contact.type == ContactType.COMPANY, Contact.no.in_(hit), unmatched),
        )
    else:
        rows = select(_CONTACT).where(condition)
    return rows.subquery("brought")


def _addable(segment_no: str, contact: Any, options: ActionOptions) -> ColumnElement[bool]:
    """Of the contacts brought, those that get a line: never privacy-blocked, not excluded unless the action
    ignores exclusion, not already on the segment unless it allows existing contacts."""
    condition = contact.privacy_blocked == false()
    if not options.ignore_exclusion:
        condition = condition & (contact.exclude_from_segment == false())
    if not options.allow_existing_contacts:
        on_segment = exists(select(1).where(SegmentLine.segment_no == segment_no, SegmentLine.contact_no == contact.no))
        condition = condition & not_(on_segment)
    return condition


def _line_order(contact: Any) -> list[ColumnElement[Any]]:
    """Company by company (name, no.), the company before its persons, persons by name, then no., by code point."""
    return [
        by_code_point(contact.company_name),
        by_code_point(func.coalesce(contact.company_no, "")),
        case((contact.type == ContactType.COMPANY, 0), else_=1),
        by_code_point(contact.name),
        by_code_point(contact.no),
    ]


# --- which lines a reduce or refine removes -----------------------------------------------------


def _widened(condition: ColumnElement[bool], options: ActionOptions) -> Any:
    """The contact nos. the match counts for: with *entire companies* every contact of a matching
    contact's company too."""
    if not options.entire_companies:
        return select(Contact.no).where(condition)
    # Disjoint: every contact of a company with a match (a matched contact's company includes it), and the
    # matched contacts without a company.
    companies = select(Contact.company_no).where(condition, Contact.company_no.is_not(None))
    member = aliased(Contact, name="member")
    return union_all(
        select(member.no).where(member.company_no.in_(companies)),
        select(Contact.no).where(Contact.company_no.is_(None), condition),
    )


def _removed_lines(
    segment_no: str, action_type: CriteriaActionType, condition: ColumnElement[bool], options: ActionOptions
) -> ColumnElement[bool]:
    """The lines a reduce (lines of matched contacts) or refine (lines of unmatched ones) removes; a line
    without a contact is no contact of the set and stays."""
    counted = _widened(condition, options)
    if action_type == CriteriaActionType.REDUCE:
        # The matched contacts as a set the lines are looked up in: SQLite then folds each contact once and finds
        # its lines through the contact index, instead of a correlated match per line of the segment.
        which = SegmentLine.contact_no.in_(counted)
    else:
        kept = counted.subquery("counted")
        which = not_(exists(select(1).select_from(kept).where(kept.c.no == SegmentLine.contact_no)))
    return (SegmentLine.segment_no == segment_no) & SegmentLine.contact_no.is_not(None) & which


# --- preview --------------------------------------------------------------------------------------


def _fenced(session: Session, matches: Select) -> Any:
    """``matches`` as a subquery that PostgreSQL plans on its own (OFFSET 0): the whole match, joins included,
    runs in parallel workers like a plain count, instead of a sort pushed below the joins into the leader."""
    if session.get_bind().dialect.name == "postgresql":
        matches = matches.offset(0)
    return matches.subquery("matches")


def preview_action(
    session: Session,
    segment_no: str,
    action_type: CriteriaActionType,
    filters: Sequence[FieldFilter],
    options: ActionOptions,
    *,
    locale: str,
    today: date | None = None,
) -> ActionPreview:
    """The exact number of lines the action would add or remove, the total after it and a few contacts."""
    _check_type(action_type)
    get_segment(session, segment_no)
    filters = filled(filters)
    lines_now = select(func.count()).where(SegmentLine.segment_no == segment_no).scalar_subquery()
    # One statement: the count of every match (a window) beside the first few in line order, so the match (folds,
    # related tables) is evaluated once, not once for the count and again for the sample.
    if action_type == CriteriaActionType.ADD:
        brought = _brought(filters, options, locale, today)
        where = _addable(segment_no, brought.c, options)
        matches = _fenced(session, select(brought.c.no, brought.c.name, *_line_order(brought.c)).where(where))
        order = list(matches.c)[2:]
        sign = 1
    else:
        condition = match_condition(filters, locale=locale, today=today)
        where = _removed_lines(segment_no, action_type, condition, options)
        matches = _fenced(
            session,
            select(SegmentLine.contact_no.label("no"), Contact.name, SegmentLine.line_no)
            .join(Contact, Contact.no == SegmentLine.contact_no)
            .where(where),
        )
        order = [matches.c.line_no]
        sign = -1
    sample = select(matches.c.no, matches.c.name).order_by(*order)
    rows = session.execute(sample.add_columns(func.count().over(), lines_now).limit(SAMPLE_SIZE)).all()
    if not rows:
        return ActionPreview(0, session.scalar(select(lines_now)) or 0, [])
    changed, total = rows[0][2], rows[0][3]
    return ActionPreview(changed, total + sign * changed, [(no, name) for no, name, _count, _total in rows])


def _check_type(action_type: CriteriaActionType) -> None:
    if action_type not in (CriteriaActionType.ADD, CriteriaActionType.REDUCE, CriteriaActionType.REFINE):
        raise ValueError(f"not a criteria action: {action_type}")


# --- the actions ----------------------------------------------------------------------------------


def _record(
    session: Session,
    segment_no: str,
    action_type: CriteriaActionType,
    filters: Sequence[FieldFilter],
    options: ActionOptions,
    user_id: int | None,
    locale: str,
) -> SegmentCriteriaAction:
    rows = [(item.group_no, item.table, item.field, item.expression) for item in filters]
    return record_action(
        session, segment_no, action_type, user_id, rows, locale=locale, **_options_of(action_type, options)
    )


def add_contacts(
    session: Session,
    segment_no: str,
    filters: Sequence[FieldFilter],
    options: ActionOptions,
    *,
    user_id: int | None,
    locale: str,
    today: date | None = None,
) -> SegmentCriteriaAction:
    """Add a line for every contact the filters bring (spec 3.4), ordered company by company."""
    header = get_segment(session, segment_no)
    filters = filled(filters)
    brought = _brought(filters, options, locale, today)
    action = _record(session, segment_no, CriteriaActionType.ADD, filters, options, user_id, locale)
    last = session.scalar(select(func.max(SegmentLine.line_no)).where(SegmentLine.segment_no == segment_no)) or 0
    values = _new_line_values(session, header, brought.c, action.id, last)
    source = select(*(value.label(key) for key, value in values.items())).where(
        _addable(segment_no, brought.c, options)
    )
    added = session.execute(
        insert(SegmentLine).from_select(list(values), source).execution_options(preserve_rowcount=True)
    ).rowcount
    action.lines_added = added or 0
    session.flush()
    return action


def _new_line_values(
    session: Session, header: SegmentHeader, contact: Any, action_id: int, last: int
) -> dict[str, Any]:
    """Every column of a new line as an expression over its contact's row: the number in line order, the
    header's defaults and the contact rules of 3.2, the same rules as a line added by hand."""
    template = (
        session.get(InteractionTemplate, header.interaction_template_code) if header.interaction_template_code else None
    )
    line = SegmentLine.__table__.c
    values: dict[str, Any] = {
        "segment_no": literal(header.no, line.segment_no.type),
        "line_no": literal(last, line.line_no.type)
        + LINE_NO_STEP * func.row_number().over(order_by=_line_order(contact)),
        "contact_no": contact.no,
        "criteria_action_id": literal(action_id, Integer),
        "version": literal(1, Integer),
    }
    values.update({key: literal(value, line[key].type) for key, value in header_line_values(header).items()})
    values.update(contact_values(header, template, contact))
    return values


def _remove(
    session: Session,
    segment_no: str,
    action_type: CriteriaActionType,
    filters: Sequence[FieldFilter],
    options: ActionOptions,
    user_id: int | None,
    locale: str,
    today: date | None,
) -> SegmentCriteriaAction:
    get_segment(session, segment_no)
    filters = filled(filters)
    condition = match_condition(filters, locale=locale, today=today)
    action = _record(session, segment_no, action_type, filters, options, user_id, locale)
    where = _removed_lines(segment_no, action_type, condition, options)
    # One UPDATE of the action at the flush: how many lines went, and the highest number the history now keeps.
    action.lines_removed, action.highest_saved_line_no = _move_to_history(session, segment_no, action.id, where)
    remove_documents_with_lines(session, segment_no, action.id)
    session.flush()
    return action


def _move_to_history(session: Session, segment_no: str, action_id: int, where: ColumnElement[bool]) -> tuple[int, Any]:
    """Delete the lines matching ``where``, saved in the action's history exactly as they were; how many, and the
    highest line no. saved (a value, or on SQLite a subquery for the action's UPDATE).

    The match (folds, related tables) runs once. PostgreSQL: one statement, the DELETE … RETURNING feeding the
    INSERT into the history. SQLite, which has no DELETE inside a WITH: the INSERT … SELECT into the history, then
    the DELETE of the lines just saved, found through the history's action index.
    """
    if session.get_bind().dialect.name == "postgresql":
        # The match's hash and the moved lines on their way to the history stay in memory for this transaction
        # only: with the default 4 MB, a reduce of 200,000 lines wrote and read back 85 MB of temporary files
        # (docs/benchmarks.md, "reduce at 1,000,000").
        session.execute(text(f"SET LOCAL work_mem = '{MOVE_WORK_MEM}'"))
        lines = SegmentLine.__table__
        moved = delete(lines).where(where).returning(*(lines.c[key] for key in HISTORY_COLUMNS)).cte("moved")
        source = select(*(moved.c[key] for key in HISTORY_COLUMNS), literal(action_id, Integer))
        saved = insert(SegmentLineHistory).from_select([*HISTORY_COLUMNS, "action_id"], source).cte("saved")
        count, highest = session.execute(
            select(func.count(), func.max(moved.c.line_no)).select_from(moved).add_cte(saved)
        ).one()
        return count, highest
    save_lines_to_history(session, action_id, where)
    saved = select(SegmentLineHistory.line_no).where(SegmentLineHistory.action_id == action_id)
    removed = session.execute(
        delete(SegmentLine)
        .where(SegmentLine.segment_no == segment_no, SegmentLine.line_no.in_(saved))
        .execution_options(synchronize_session=False)
    ).rowcount
    return removed or 0, highest_saved_line_no(action_id)


def reduce_contacts(
    session: Session,
    segment_no: str,
    filters: Sequence[FieldFilter],
    options: ActionOptions,
    *,
    user_id: int | None,
    locale: str,
    today: date | None = None,
) -> SegmentCriteriaAction:
    """Remove every line whose contact matches (with *entire companies*, any contact of a matching company)."""
    return _remove(session, segment_no, CriteriaActionType.REDUCE, filters, options, user_id, locale, today)


def refine_contacts(
    session: Session,
    segment_no: str,
    filters: Sequence[FieldFilter],
    options: ActionOptions,
    *,
    user_id: int | None,
    locale: str,
    today: date | None = None,
) -> SegmentCriteriaAction:
    """Keep only the lines whose contact matches (with *entire companies*, any contact of a matching company)."""
    return _remove(session, segment_no, CriteriaActionType.REFINE, filters, options, user_id, locale, today)


def run_action(
    session: Session,
    segment_no: str,
    action_type: CriteriaActionType,
    filters: Sequence[FieldFilter],
    options: ActionOptions,
    *,
    user_id: int | None,
    locale: str,
    today: date | None = None,
) -> SegmentCriteriaAction:
    """Run an add, reduce or refine."""
    _check_type(action_type)
    if action_type == CriteriaActionType.ADD:
        return add_contacts(session, segment_no, filters, options, user_id=user_id, locale=locale, today=today)
    return _remove(session, segment_no, action_type, filters, options, user_id, locale, today)


def refresh_line_statistics(session: Session, lines_changed: int) -> None:
    """After a large change has been committed: refresh PostgreSQL's statistics of segment_line, outside
    any transaction of the session (a no-op on SQLite, which plans without them)."""
    bind = session.get_bind()
    engine = bind.engine if isinstance(bind, Connection) else bind
    if engine.dialect.name != "postgresql" or lines_changed < LARGE_CHANGE:
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("ANALYZE segment_line"))
