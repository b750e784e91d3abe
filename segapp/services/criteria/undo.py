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
    SegmentLine,
    SegmentLineHistory,
)
from segapp.numbers import count_text
from segapp.services.criteria.describe import describe_action
from segapp.services.documents.carrying import documents_follow_go_back
from segapp.services.errors import NotFound
from segapp.services.segments.actions import HISTORY_COLUMNS
from segapp.services.segments.records import lock_segment

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


@dataclass(frozen=True)
class _Scope:
    """The actions being undone. Only manual edits change a line in place (its contact retyped or cleared) or
    leave a line without the action that brought it in; criteria runs only add and remove whole lines. So the
    extra conditions for those cases are only needed, and only paid for, when a manual edit is undone."""

    ids: list[int]
    manual: bool

    @property
    def several(self) -> bool:
        """More than one action: a line one of them brought in and another removed stays out."""
        return len(self.ids) > 1


def _scope(actions: Sequence[SegmentCriteriaAction]) -> _Scope:
    return _Scope([action.id for action in actions], any(action.manual for action in actions))


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
    scope = _scope(actions)
    removed = session.scalar(select(func.count()).where(_lines_to_remove(segment_no, scope))) or 0
    restored = session.scalar(select(func.count()).select_from(_restore_select(scope).subquery())) or 0
    return removed, restored


def _lines_to_remove(segment_no: str, scope: _Scope) -> ColumnElement[bool]:
    """The lines the actions brought in, and (after manual edits) the lines edited in place since: they go back
    to what they were."""
    brought = SegmentLine.criteria_action_id.in_(scope.ids)
    if scope.manual:
        edited = SegmentLine.line_no.in_(
            select(SegmentLineHistory.line_no).where(
                SegmentLineHistory.action_id.in_(scope.ids), SegmentLineHistory.segment_no == segment_no
            )
        )
        brought = or_(brought, edited)
    return and_(SegmentLine.segment_no == segment_no, brought)


def undo_actions(session: Session, segment_no: str, actions: Sequence[SegmentCriteriaAction]) -> GoBackResult:
    """Undo these actions of the segment (the caller has locked it): their lines go, the lines they removed
    come back, and the actions are deleted with their history."""
    if not actions:
        return GoBackResult(0, 0, 0)
    descriptions = [describe_action(action) for action in actions]
    scope = _scope(actions)
    ids = scope.ids
    notes, to_restore = _code_notes(session, scope)
    # The lines' documents first: they are found through the lines and the history this then changes.
    documents_follow_go_back(session, segment_no, ids, _lines_to_remove(segment_no, scope), History, _restored(scope))
    removed = session.execute(
        delete(SegmentLine).where(_lines_to_remove(segment_no, scope)).execution_options(synchronize_session=False)
    ).rowcount
    # SQLAlchemy reports the rows an INSERT … SELECT inserted only when asked to.
    restored = session.execute(
        insert(SegmentLine)
        .from_select(HISTORY_COLUMNS, _restore_select(scope))
        .execution_options(preserve_rowcount=True),
    ).rowcount
    if (restored or 0) < to_restore:
        notes.insert(0, _contact_note(session, scope))
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


def _restorable(scope: _Scope) -> ColumnElement[bool]:
    """The history rows to put back: those of the undone actions, one per line no., never a line that an undone
    action itself had brought in."""
    ids = scope.ids
    condition = History.action_id.in_(ids)
    if not scope.several:
        return condition
    condition = and_(condition, or_(History.criteria_action_id.is_(None), History.criteria_action_id.not_in(ids)))
    if not scope.manual:
        # A line removed twice was brought back in between by an undone action: the filter above drops it.
        return condition
    earlier = aliased(SegmentLineHistory, name="h_earlier")
    earlier_action = aliased(SegmentCriteriaAction, name="a_earlier")
    this_action = aliased(SegmentCriteriaAction, name="a_this")
    # A cleared line (no action) can be removed twice: the earliest removal holds it as it was before them all.
    removed_earlier = exists().where(
        earlier.segment_no == History.segment_no,
        earlier.line_no == History.line_no,
        earlier.action_id.in_(ids),
        earlier_action.id == earlier.action_id,
        this_action.id == History.action_id,
        earlier_action.sequence_no < this_action.sequence_no,
    )
    return and_(condition, ~removed_earlier)


def _restore_select(scope: _Scope) -> Select:
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
    return query.where(_restored(scope))


def _restored(scope: _Scope) -> ColumnElement[bool]:
    """The history rows that come back as lines: the restorable ones, but those of contacts deleted since."""
    contact_there = exists().where(Contact.no == History.contact_no)
    return and_(_restorable(scope), or_(History.contact_no.is_(None), contact_there))


def _code_notes(session: Session, scope: _Scope) -> tuple[list[str], int]:
    """Notes on the codes the lines to restore name that are gone, and how many lines there are to restore.

    One pass over those history lines groups them by their codes (a handful of combinations); one small query
    then looks the codes up."""
    columns = [getattr(History, column) for column, _key in _REFERENCES]
    rows = session.execute(select(*columns, func.count()).where(_restorable(scope)).group_by(*columns)).all()
    wanted = {
        column: sorted({row[i] for row in rows if row[i] is not None}) for i, (column, _key) in enumerate(_REFERENCES)
    }
    lookups = [
        select(literal(column).label("kind"), key.label("code")).where(key.in_(wanted[column]))
        for column, key in _REFERENCES
        if wanted[column]
    ]
    found = {tuple(row) for row in session.execute(union_all(*lookups))} if lookups else set()
    notes = []
    for column, _key in _REFERENCES:
        missing = [code for code in wanted[column] if (column, code) not in found]
        if missing:
            notes.append(_note(column, missing[:NAMED_IN_NOTE], len(missing)))
    return notes, sum(row[-1] for row in rows)


def _contact_note(session: Session, scope: _Scope) -> str:
    """The note on the contacts that are gone, whose lines were left out (only asked when lines were)."""
    missing = (
        select(History.contact_no.label("code"))
        .where(_restorable(scope), History.contact_no.is_not(None), ~exists().where(Contact.no == History.contact_no))
        .distinct()
        .subquery()
    )
    rows = session.execute(
        select(missing.c.code, func.count().over()).order_by(missing.c.code).limit(NAMED_IN_NOTE)
    ).all()
    return _note("contact_no", [code for code, _total in rows], rows[0][1]) if rows else ""


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
