"""Go back: undo the last criteria actions of a segment, putting removed lines back exactly as they were (spec 3.5)."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, Select, and_, delete, exists, func, insert, literal, or_, select, union_all
from sqlalchemy.orm import Session, aliased, selectinload

from segapp.models import (
    Campaign,
    Contact,
    InteractionGroup,
    InteractionTemplate,
    Language,
    Salesperson,
    SegmentCriteriaAction,
    SegmentCriteriaFilter,
    SegmentHeader,
    SegmentLine,
    SegmentLineHistory,
)
from segapp.numbers import count_text
from segapp.services.criteria.describe import describe_action
from segapp.services.errors import NotFound
from segapp.services.segments.actions import HISTORY_COLUMNS

# How many missing codes a note names before it only counts the rest.
NAMED_IN_NOTE = 5

History = aliased(SegmentLineHistory, name="h")

# The codes a history line names that may have been deleted since: (column, the table's key column).
# A line whose contact is gone is left out; any other code that is gone is restored empty.
_REFERENCES: tuple[tuple[str, Any], ...] = (
    ("salesperson_code", Salesperson.code),
    ("interaction_template_code", InteractionTemplate.code),
    ("interaction_group_code", InteractionGroup.code),
    ("language_code", Language.code),
    ("campaign_no", Campaign.no),
)


@dataclass
class GoBackResult:
    """What a go back did: the actions undone (described, last first), the lines removed and restored, and notes
    naming what could not be restored as it was."""

    actions_undone: int
    lines_removed: int
    lines_restored: int
    notes: list[str] = field(default_factory=list)
    descriptions: list[str] = field(default_factory=list)


def go_back(session: Session, segment_no: str, *, to_sequence_no: int | None = None) -> GoBackResult:
    """Undo the segment's last action, or every action from ``to_sequence_no`` on, in one set of statements."""
    lock_segment(session, segment_no)
    actions = actions_to_undo(session, segment_no, to_sequence_no)
    if to_sequence_no is not None and not actions:
        raise NotFound(_("That criteria action is no longer there: someone may have gone back past it already."))
    return undo_actions(session, segment_no, actions)


def actions_to_undo(
    session: Session, segment_no: str, to_sequence_no: int | None = None
) -> list[SegmentCriteriaAction]:
    """The actions a go back would undo, last first: the last one, or those from ``to_sequence_no`` on (none
    when that action is no longer there)."""
    query = _actions_query(segment_no).order_by(SegmentCriteriaAction.sequence_no.desc())
    if to_sequence_no is None:
        return list(session.scalars(query.limit(1)))
    actions = list(session.scalars(query.where(SegmentCriteriaAction.sequence_no >= to_sequence_no)))
    if not actions or actions[-1].sequence_no != to_sequence_no:
        return []
    return actions


def segment_actions(session: Session, segment_no: str) -> list[SegmentCriteriaAction]:
    """The segment's actions in order, with their filters."""
    return list(session.scalars(_actions_query(segment_no).order_by(SegmentCriteriaAction.sequence_no)))


def lock_segment(session: Session, segment_no: str) -> None:
    """Lock the segment's header for this transaction, or NotFound."""
    # The header lock (as record_action takes it) makes two users going back at once undo one action each.
    locked = session.execute(select(SegmentHeader.no).where(SegmentHeader.no == segment_no).with_for_update())
    if locked.first() is None:
        raise NotFound(_("This segment no longer exists."))


def _actions_query(segment_no: str) -> Select:
    return (
        select(SegmentCriteriaAction)
        .where(SegmentCriteriaAction.segment_no == segment_no)
        .options(selectinload(SegmentCriteriaAction.filters))
    )


def go_back_effect(session: Session, segment_no: str, actions: Sequence[SegmentCriteriaAction]) -> tuple[int, int]:
    """How many lines going back over these actions would remove and restore (two counts, nothing changed)."""
    if not actions:
        return 0, 0
    ids = [action.id for action in actions]
    removed = session.scalar(select(func.count()).where(_lines_to_remove(segment_no, ids))) or 0
    restored = session.scalar(select(func.count()).select_from(_restore_select(ids, len(ids) > 1).subquery())) or 0
    return removed, restored


def _lines_to_remove(segment_no: str, ids: list[int]) -> ColumnElement[bool]:
    """The lines the actions brought in, and the lines edited in place since (they go back to what they were)."""
    return and_(
        SegmentLine.segment_no == segment_no,
        or_(
            SegmentLine.criteria_action_id.in_(ids),
            SegmentLine.line_no.in_(
                select(SegmentLineHistory.line_no).where(
                    SegmentLineHistory.action_id.in_(ids), SegmentLineHistory.segment_no == segment_no
                )
            ),
        ),
    )


def undo_actions(session: Session, segment_no: str, actions: Sequence[SegmentCriteriaAction]) -> GoBackResult:
    """Undo these actions of the segment (the caller has locked it): their lines go, the lines they removed
    come back, and the actions are deleted with their history."""
    if not actions:
        return GoBackResult(0, 0, 0)
    descriptions = [describe_action(action) for action in actions]
    ids = [action.id for action in actions]
    several = len(ids) > 1
    notes = _notes(session, ids, several)
    removed = session.execute(
        delete(SegmentLine).where(_lines_to_remove(segment_no, ids)).execution_options(synchronize_session=False)
    ).rowcount
    # SQLAlchemy reports the rows an INSERT … SELECT inserted only when asked to.
    restored = session.execute(
        insert(SegmentLine)
        .from_select(HISTORY_COLUMNS, _restore_select(ids, several))
        .execution_options(preserve_rowcount=True),
    ).rowcount
    session.execute(delete(SegmentLineHistory).where(SegmentLineHistory.action_id.in_(ids)))
    session.execute(delete(SegmentCriteriaFilter).where(SegmentCriteriaFilter.action_id.in_(ids)))
    session.execute(
        delete(SegmentCriteriaAction)
        .where(SegmentCriteriaAction.id.in_(ids))
        .execution_options(synchronize_session=False)
    )
    for action in actions:
        session.expunge(action)
    session.expire_all()
    return GoBackResult(len(ids), removed or 0, restored or 0, notes, descriptions)


def _restorable(ids: list[int], several: bool) -> ColumnElement[bool]:
    """The history rows to put back: those of the undone actions, one per line no., never a line that an undone
    action itself had brought in."""
    condition = History.action_id.in_(ids)
    if not several:
        return condition
    earlier = aliased(SegmentLineHistory, name="h_earlier")
    earlier_action = aliased(SegmentCriteriaAction, name="a_earlier")
    this_action = aliased(SegmentCriteriaAction, name="a_this")
    # Of the undone actions, the earliest to remove a line holds the line as it was before them all.
    removed_earlier = exists().where(
        earlier.segment_no == History.segment_no,
        earlier.line_no == History.line_no,
        earlier.action_id.in_(ids),
        earlier_action.id == earlier.action_id,
        this_action.id == History.action_id,
        earlier_action.sequence_no < this_action.sequence_no,
    )
    return and_(
        condition,
        or_(History.criteria_action_id.is_(None), History.criteria_action_id.not_in(ids)),
        ~removed_earlier,
    )


def _restore_select(ids: list[int], several: bool) -> Select:
    """The lines to put back, each code that no longer exists emptied, lines of deleted contacts left out."""
    references = {column: aliased(key.class_, name="ref_" + column) for column, key in _REFERENCES}
    action = aliased(SegmentCriteriaAction, name="ref_action")
    columns: list[Any] = []
    for key in HISTORY_COLUMNS:
        if key in references:
            columns.append(getattr(references[key], dict(_REFERENCES)[key].key))
        elif key == "criteria_action_id":
            # The action that brought the line in, if it is still there.
            columns.append(action.id)
        else:
            columns.append(getattr(History, key))
    query = select(*columns).select_from(History)
    for column, key in _REFERENCES:
        target = references[column]
        query = query.outerjoin(target, getattr(target, key.key) == getattr(History, column))
    query = query.outerjoin(action, action.id == History.criteria_action_id)
    contact_there = exists().where(Contact.no == History.contact_no)
    return query.where(_restorable(ids, several), or_(History.contact_no.is_(None), contact_there))


def _notes(session: Session, ids: list[int], several: bool) -> list[str]:
    """One note per kind of code that is gone, naming the first few (one statement)."""
    parts = []
    checks = [("contact_no", Contact.no), *_REFERENCES]
    for column, key in checks:
        value = getattr(History, column)
        missing = (
            select(value.label("code"))
            .where(_restorable(ids, several), value.is_not(None), ~exists().where(key == value))
            .distinct()
            .subquery()
        )
        parts.append(
            select(
                literal(column).label("kind"),
                missing.c.code,
                func.count().over().label("total"),
            )
            .select_from(missing)
            .order_by(missing.c.code)
            .limit(NAMED_IN_NOTE)
            .subquery()
        )
    query = union_all(*(select(part) for part in parts))
    found: dict[str, tuple[list[str], int]] = {}
    for kind, code, total in session.execute(query):
        names, _total = found.setdefault(kind, ([], total))
        names.append(code)
    return [_note(kind, *found[kind]) for kind, _key in checks if kind in found]


def _named(names: list[str], total: int) -> str:
    shown = ", ".join(names)
    if total > len(names):
        return _("%(names)s and %(more)s more", names=shown, more=total - len(names))
    return shown


def _note(kind: str, names: list[str], total: int) -> str:
    named = _named(names, total)
    notes = {
        "contact_no": lambda: count_text(
            "Contact %(names)s no longer exists: its line was left out.",
            "Contacts %(names)s no longer exist: their lines were left out.",
            total,
            names=named,
        ),
        "salesperson_code": lambda: count_text(
            "Salesperson %(names)s no longer exists: lines were restored without it.",
            "Salespeople %(names)s no longer exist: lines were restored without them.",
            total,
            names=named,
        ),
        "interaction_template_code": lambda: count_text(
            "Interaction template %(names)s no longer exists: lines were restored without it.",
            "Interaction templates %(names)s no longer exist: lines were restored without them.",
            total,
            names=named,
        ),
        "interaction_group_code": lambda: count_text(
            "Interaction group %(names)s no longer exists: lines were restored without it.",
            "Interaction groups %(names)s no longer exist: lines were restored without them.",
            total,
            names=named,
        ),
        "language_code": lambda: count_text(
            "Language %(names)s no longer exists: lines were restored without it.",
            "Languages %(names)s no longer exist: lines were restored without them.",
            total,
            names=named,
        ),
        "campaign_no": lambda: count_text(
            "Campaign %(names)s no longer exists: lines were restored without it.",
            "Campaigns %(names)s no longer exist: lines were restored without them.",
            total,
            names=named,
        ),
    }
    return notes[kind]()
