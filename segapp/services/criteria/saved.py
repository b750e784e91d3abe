"""Saved criteria: a segment's recipe kept under a code, checked against today's fields and codes, and replayed
on another segment action by action (spec 3.5)."""

from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy import delete, exists, func, select
from sqlalchemy.orm import Session, selectinload

from segapp.filter_syntax import Comparison, FilterError, Junction, Node, Range, parse
from segapp.filters import compile_filter
from segapp.models import (
    CriteriaActionType,
    SavedCriteria,
    SavedCriteriaAction,
    SavedCriteriaFilter,
    SegmentCriteriaAction,
)
from segapp.numbers import count_text
from segapp.services.criteria.describe import field_label
from segapp.services.criteria.fields import CriteriaField, criteria_table
from segapp.services.criteria.matching import OPTION_NAMES, ActionOptions, FieldFilter
from segapp.services.criteria.running import run_action
from segapp.services.criteria.undo import segment_actions
from segapp.services.errors import NotFound, ServiceError
from segapp.services.setup.reference import normalise_code

REPLAYABLE = (CriteriaActionType.ADD, CriteriaActionType.REDUCE, CriteriaActionType.REFINE)


class BrokenCriteria(ServiceError):
    """Saved criteria that name what no longer exists: ``problems`` says what, and nothing was run."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(_("These criteria cannot be reused: %(problems)s", problems=" ".join(problems)))
        self.problems = problems


def get_saved_criteria(session: Session, code: str) -> SavedCriteria:
    """The saved criteria with their actions and filters, or NotFound."""
    criteria = session.scalar(
        select(SavedCriteria)
        .where(SavedCriteria.code == code)
        .options(selectinload(SavedCriteria.actions).selectinload(SavedCriteriaAction.filters))
    )
    if criteria is None:
        raise NotFound(_("There are no saved criteria %(code)s.", code=code))
    return criteria


def save_criteria(
    session: Session, segment_no: str, code: str, description: str, *, user_id: int | None
) -> SavedCriteria:
    """Copy the segment's actions, filters, options and locale under a new code."""
    code = normalise_code(code)
    description = (description or "").strip()
    if len(description) > 100:
        raise ServiceError(_("A description has at most %(n)d characters.", n=100), field="description")
    if session.get(SavedCriteria, code) is not None:
        raise ServiceError(
            _("Saved criteria %(code)s already exist: choose another code, or delete those first.", code=code),
            field="code",
        )
    actions = segment_actions(session, segment_no)
    if not actions:
        raise ServiceError(_("This segment has no criteria actions to save."))
    criteria = SavedCriteria(code=code, description=description, user_id=user_id)
    criteria.actions = [
        SavedCriteriaAction(
            sequence_no=sequence_no,
            action_type=action.action_type,
            manual=action.manual,
            locale=action.locale,
            filters=[
                SavedCriteriaFilter(
                    group_no=item.group_no,
                    table_name=item.table_name,
                    field_name=item.field_name,
                    expression=item.expression,
                )
                for item in action.filters
            ],
            **{name: getattr(action, name) for name in OPTION_NAMES},
        )
        for sequence_no, action in enumerate(actions, start=1)
    ]
    session.add(criteria)
    session.flush()
    return criteria


def delete_saved_criteria(session: Session, code: str) -> None:
    """Delete saved criteria with their actions and filters."""
    criteria = get_saved_criteria(session, code)
    action_ids = select(SavedCriteriaAction.id).where(SavedCriteriaAction.criteria_code == code)
    session.execute(delete(SavedCriteriaFilter).where(SavedCriteriaFilter.action_id.in_(action_ids)))
    session.execute(delete(SavedCriteriaAction).where(SavedCriteriaAction.criteria_code == code))
    session.execute(delete(SavedCriteria).where(SavedCriteria.code == code))
    session.expunge(criteria)


def check_saved_criteria(session: Session, code: str) -> list[str]:
    """What the saved criteria name that no longer exists today (tables, fields, codes), or that no longer reads
    as a filter; empty when they can be reused. Nothing is run."""
    criteria = get_saved_criteria(session, code)
    problems: list[str] = []
    for action in criteria.actions:
        if action.action_type not in REPLAYABLE:
            problems.append(
                _("Action %(n)d reuses a registered segment, which cannot be replayed.", n=action.sequence_no)
            )
        for item in action.filters:
            problems.extend(_check_filter(session, action, item))
    return problems


def _check_filter(session: Session, action: SavedCriteriaAction, item: SavedCriteriaFilter) -> list[str]:
    n = action.sequence_no
    table = criteria_table(item.table_name)
    if table is None:
        return [_("Action %(n)d: the table “%(table)s” no longer exists.", n=n, table=item.table_name)]
    field = table.field(item.field_name)
    if field is None:
        return [
            _(
                "Action %(n)d: the field “%(field)s” no longer exists in %(table)s.",
                n=n,
                field=item.field_name,
                table=table.label,
            )
        ]
    try:
        compile_filter(field.column, item.expression, locale=action.locale)
        tree = parse(item.expression, action.locale)
    except FilterError as error:
        label = field_label(item.table_name, item.field_name)
        return [
            _(
                "Action %(n)d: %(field)s “%(expression)s”: %(error)s",
                n=n,
                field=label,
                expression=item.expression,
                error=error.message,
            )
        ]
    missing = _missing_codes(session, field, tree)
    if not missing:
        return []
    return [
        count_text(
            "Action %(action)s: %(field)s %(codes)s no longer exists.",
            "Action %(action)s: %(field)s %(codes)s no longer exist.",
            len(missing),
            action=n,
            field=field_label(item.table_name, item.field_name),
            codes=", ".join(missing),
        )
    ]


def _referenced(field: CriteriaField) -> Any:
    """The column that holds today's codes of a code field, or None when the field holds no codes."""
    column = getattr(field.column, "expression", field.column)
    if not isinstance(getattr(column, "type", None), sa.String):
        return None
    keys = list(getattr(column, "foreign_keys", ()))
    if keys:
        return keys[0].column
    table = getattr(column, "table", None)
    if getattr(column, "primary_key", False) and table is not None and len(table.primary_key.columns) == 1:
        return column
    return None


def _plain_values(node: Node) -> list[str]:
    """The values an expression asks for by equality, without wildcards: the codes it names."""
    if isinstance(node, Junction):
        return [text for item in node.items for text in _plain_values(item)]
    if isinstance(node, Range):
        return []
    if isinstance(node, Comparison) and node.operator == "=" and not node.value.wildcards and not node.value.empty:
        return [node.value.text if node.value.quoted else node.value.text.upper()]
    return []


def _missing_codes(session: Session, field: CriteriaField, tree: Node) -> list[str]:
    reference = _referenced(field)
    if reference is None:
        return []
    wanted = sorted(set(_plain_values(tree)))
    if not wanted:
        return []
    found = set(session.scalars(select(reference).where(reference.in_(wanted))))
    return [code for code in wanted if code not in found]


def reuse_criteria(
    session: Session, segment_no: str, code: str, *, user_id: int | None, today: date | None = None
) -> list[SegmentCriteriaAction]:
    """Replay saved criteria on the segment, action by action, each read in the language it was written in.

    Refused with BrokenCriteria, and nothing run, when the check finds anything missing.
    """
    problems = check_saved_criteria(session, code)
    if problems:
        raise BrokenCriteria(problems)
    criteria = get_saved_criteria(session, code)
    done = []
    for action in criteria.actions:
        filters = [FieldFilter(f.group_no, f.table_name, f.field_name, f.expression) for f in action.filters]
        options = ActionOptions(**{name: getattr(action, name) for name in OPTION_NAMES})
        done.append(
            run_action(
                session,
                segment_no,
                action.action_type,
                filters,
                options,
                user_id=user_id,
                locale=action.locale,
                today=today,
            )
        )
    return done


def saved_criteria_query(search: str = "") -> sa.Select:
    """The saved criteria list: code, description, no. of actions, by code; ``search`` in code or description."""
    actions = (
        select(func.count())
        .where(SavedCriteriaAction.criteria_code == SavedCriteria.code)
        .correlate(SavedCriteria)
        .scalar_subquery()
    )
    query = select(SavedCriteria, actions.label("action_count")).order_by(SavedCriteria.code)
    text = search.strip()
    if text:
        query = query.where(
            SavedCriteria.code.icontains(text, autoescape=True)
            | SavedCriteria.description.icontains(text, autoescape=True)
        )
    return query


def has_actions(session: Session, segment_no: str) -> bool:
    """True when the segment already has criteria actions (reusing criteria then asks first)."""
    return bool(session.scalar(select(exists().where(SegmentCriteriaAction.segment_no == segment_no))))
