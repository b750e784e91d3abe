"""Segment lines edited by hand: add by contact no., change a cell, delete (spec 3.2, 3.4)."""

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from segapp.models import (
    CriteriaActionType,
    InteractionTemplate,
    SegmentCriteriaAction,
    SegmentHeader,
    SegmentLine,
    SegmentLineHistory,
)
from segapp.services.criteria.undo import undo_actions
from segapp.services.documents.carrying import delete_line_documents
from segapp.services.errors import Conflict, NotFound, ServiceError
from segapp.services.segments import field_values as fv
from segapp.services.segments.actions import record_manual_add, record_manual_reduce
from segapp.services.segments.records import get_segment, lock_segment
from segapp.services.segments.rules import contact_rule_values, contact_values, header_line_values

LINE_NO_STEP = 10000

# Line cells a user may edit, and how their value is read.
LINE_FIELDS = {
    "contact_no": "contact",
    "correspondence_type": "option",
    "description": "text100",
    "salesperson_code": "salesperson",
    "interaction_template_code": "template",
    "language_code": "language",
    "subject": "text250",
    "evaluation": "option",
    "cost": "amount",
    "duration": "amount",
    "date": "date",
    "attempt_failed": "bool",
}


@dataclass
class LineResult:
    """A line after an edit, with a notice for the user (e.g. the contact is excluded from segments)."""

    line: SegmentLine
    notice: str = ""


def get_line(session: Session, segment_no: str, line_no: int) -> SegmentLine:
    """The line, or NotFound."""
    line = session.get(SegmentLine, (segment_no, line_no))
    if line is None:
        raise NotFound(_("This line no longer exists."))
    return line


def _next_line_no(session: Session, segment_no: str) -> int:
    # Past the numbers kept in the history too, so that a deleted line can always be put back in its place.
    last = session.scalar(select(func.max(SegmentLine.line_no)).where(SegmentLine.segment_no == segment_no))
    kept = session.scalar(
        select(func.max(SegmentCriteriaAction.highest_saved_line_no)).where(
            SegmentCriteriaAction.segment_no == segment_no
        )
    )
    return max(last or 0, kept or 0) + LINE_NO_STEP


def _exclusion_notice(contact: Any) -> str:
    if contact.exclude_from_segment:
        return _(
            "%(no)s %(name)s is marked exclude from segment; it was added because you typed it.",
            no=contact.no,
            name=contact.name,
        )
    return ""


def _template_of(session: Session, code: str | None) -> InteractionTemplate | None:
    return session.get(InteractionTemplate, code) if code else None


def _fill_from_contact(session: Session, header: SegmentHeader, segment_no: str, line_no: int) -> None:
    """Apply the header values and the contact rules of 3.2 to one line, in one UPDATE."""
    values = header_line_values(header)
    values.update(contact_values(header, _template_of(session, header.interaction_template_code)))
    session.execute(
        update(SegmentLine)
        .where(SegmentLine.segment_no == segment_no, SegmentLine.line_no == line_no)
        .values(**values)
        .execution_options(synchronize_session=False)
    )


class AlreadyOnSegment(ServiceError):
    """The contact already stands on a line of the segment: the user decides whether to add it again."""

    def __init__(self, message: str, contact: Any, line_no: int) -> None:
        super().__init__(message, "contact_no")
        self.contact = contact
        self.line_no = line_no


def _check_not_on_segment(session: Session, segment_no: str, contact: Any, except_line: int | None = None) -> None:
    """BC's *allow existing contacts* is off by default: a contact already on a line needs the user's yes."""
    query = select(SegmentLine.line_no).where(
        SegmentLine.segment_no == segment_no, SegmentLine.contact_no == contact.no
    )
    if except_line is not None:
        query = query.where(SegmentLine.line_no != except_line)
    line_no = session.scalar(query.order_by(SegmentLine.line_no).limit(1))
    if line_no is not None:
        raise AlreadyOnSegment(
            _(
                "%(no)s %(name)s is already on line %(line)s of this segment.",
                no=contact.no,
                name=contact.name,
                line=line_no,
            ),
            contact,
            line_no,
        )


def add_line(
    session: Session, segment_no: str, contact_no: str, user_id: int | None = None, allow_existing: bool = False
) -> LineResult:
    """A new line for a contact, filled by 3.2; recorded as an add action "no. = X".

    A contact already on the segment raises AlreadyOnSegment unless ``allow_existing`` (the user's yes),
    which the action records so that a replay adds it again too.
    """
    header = get_segment(session, segment_no)
    contact = fv.find_contact(session, contact_no)
    if not allow_existing:
        _check_not_on_segment(session, segment_no, contact)
    action = record_manual_add(session, segment_no, contact.no, user_id, allow_existing)
    line_no = _next_line_no(session, segment_no)
    session.execute(
        insert(SegmentLine).values(
            segment_no=segment_no, line_no=line_no, contact_no=contact.no, criteria_action_id=action.id, version=1
        )
    )
    _fill_from_contact(session, header, segment_no, line_no)
    return LineResult(get_line(session, segment_no, line_no), _exclusion_notice(contact))


def parse_line_value(session: Session, field: str, value: Any) -> Any:
    """Read a submitted cell value, or raise ServiceError with a message for the cell."""
    kind = LINE_FIELDS.get(field)
    if kind is None:
        raise ServiceError(_("This field cannot be changed."), field)
    return fv.parse_by_kind(session, kind, value, field)


def _conflict(field: str) -> Conflict:
    return Conflict(
        _("Someone else changed this line in the meantime. The current value is shown; check it and try again."),
        field,
    )


def _field_conflict(field: str, current: Any) -> Conflict:
    shown = fv.edit_value(current)
    return Conflict(
        _(
            "Someone else changed this to “%(value)s” in the meantime. Your text is kept: Enter saves it, Esc keeps theirs.",
            value=shown,
        )
        if shown
        else _("Someone else cleared this in the meantime. Your text is kept: Enter saves it, Esc keeps theirs."),
        field,
    )


# Cell edits that rewrite several fields of the line: guarded by the row version, not by the one field.
SEVERAL_FIELDS = {"contact_no", "interaction_template_code"}


def update_line_field(
    session: Session,
    segment_no: str,
    line_no: int,
    field: str,
    value: Any,
    expected_version: int,
    user_id: int | None = None,
    start: str | None = None,
    allow_existing: bool = False,
) -> LineResult:
    """Validate and save one cell. With ``start`` (the value the edit started from) a one-field edit is a
    compare-and-set on that field; contact and template changes, and edits without ``start``, need the
    line's version. Either way a stale edit is a Conflict and nothing changes."""
    header = get_segment(session, segment_no)
    line = get_line(session, segment_no, line_no)
    parsed = parse_line_value(session, field, value)
    if start is not None and field not in SEVERAL_FIELDS:
        _compare_and_set(session, line, field, start, parsed)
        return LineResult(get_line(session, segment_no, line_no))
    if line.version != expected_version:
        raise _conflict(field)
    if field == "contact_no":
        return _change_contact(session, header, line, parsed, user_id, allow_existing)
    values: dict[str, Any] = {field: parsed}
    if field == "interaction_template_code":
        values = _template_values(header, parsed)
    _versioned_update(session, line, expected_version, values)
    return LineResult(get_line(session, segment_no, line_no))


def _compare_and_set(session: Session, line: SegmentLine, field: str, start: str, parsed: Any) -> None:
    """Set ``field`` if it still holds ``start`` (as the grid shows it), whatever else changed on the line.

    The write is conditional on the version just read, so a change of this field between the read and
    the write is never overwritten; a change of another field only makes it read again.
    """
    column = getattr(SegmentLine, field)
    this_line = (SegmentLine.segment_no == line.segment_no, SegmentLine.line_no == line.line_no)
    for _attempt in range(5):
        found = session.execute(select(column, SegmentLine.version).where(*this_line)).one_or_none()
        if found is None:
            raise NotFound(_("This line no longer exists."))
        current, version = found
        if fv.edit_value(current) != start:
            raise _field_conflict(field, current)
        written = session.execute(
            update(SegmentLine)
            .where(*this_line, SegmentLine.version == version)
            .values({field: parsed, "version": SegmentLine.version + 1})
            .execution_options(synchronize_session=False)
        )
        if written.rowcount == 1:
            session.expire(line)
            return
    raise _conflict(field)


def _template_values(header: SegmentHeader, template: InteractionTemplate | None) -> dict[str, Any]:
    """A template typed on a line brings its group, cost, duration and direction, and the 3.2 rules."""
    if template is None:
        return {"interaction_template_code": None, "interaction_group_code": None}
    values: dict[str, Any] = {
        "interaction_template_code": template.code,
        "interaction_group_code": template.interaction_group_code,
        "cost": template.unit_cost,
        "duration": template.unit_duration,
        "information_flow": template.information_flow,
        "initiated_by": template.initiated_by,
    }
    values.update(contact_rule_values(header, template))
    return values


def _versioned_update(session: Session, line: SegmentLine, expected_version: int, values: dict[str, Any]) -> None:
    result = session.execute(
        update(SegmentLine)
        .where(
            SegmentLine.segment_no == line.segment_no,
            SegmentLine.line_no == line.line_no,
            SegmentLine.version == expected_version,
        )
        .values(**values, version=SegmentLine.version + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise _conflict(next(iter(values)))
    session.expire(line)


def _change_contact(
    session: Session, header: SegmentHeader, line: SegmentLine, contact: Any, user_id: int | None, allow_existing: bool
) -> LineResult:
    """Typing, changing or clearing the contact of a line, recorded as reduce and/or add actions."""
    old = line.contact_no
    new = contact.no if contact is not None else None
    if old == new:
        return LineResult(line)
    if new is not None and not allow_existing:
        _check_not_on_segment(session, line.segment_no, contact, line.line_no)
    expected = line.version
    values: dict[str, Any] = {"contact_no": new}
    if old is not None:
        record_manual_reduce(session, line.segment_no, line.line_no, old, user_id)
    if new is None:
        values.update(contact_company_no=None, criteria_action_id=None)
    else:
        values["criteria_action_id"] = record_manual_add(session, line.segment_no, new, user_id, allow_existing).id
    _versioned_update(session, line, expected, values)
    if new is not None:
        _fill_from_contact(session, header, line.segment_no, line.line_no)
    session.expire(line)
    return LineResult(get_line(session, line.segment_no, line.line_no), _exclusion_notice(contact) if contact else "")


def delete_line(
    session: Session, segment_no: str, line_no: int, expected_version: int, user_id: int | None = None
) -> SegmentCriteriaAction | None:
    """Delete the line as the user saw it (its version); a line with a contact is recorded as a reduce action
    (returned), the line kept in its history."""
    line = get_line(session, segment_no, line_no)
    if line.version != expected_version:
        raise _conflict("contact_no")
    action = None
    if line.contact_no:
        action = record_manual_reduce(session, segment_no, line_no, line.contact_no, user_id)
    deleted = session.execute(
        delete(SegmentLine)
        .where(
            SegmentLine.segment_no == segment_no,
            SegmentLine.line_no == line_no,
            SegmentLine.version == expected_version,
        )
        .execution_options(synchronize_session=False)
    )
    if deleted.rowcount != 1:
        raise _conflict("contact_no")
    if action is None:
        delete_line_documents(session, segment_no, line_no)
    session.expunge(line)
    return action


def undo_line_delete(session: Session, segment_no: str, action_id: int) -> int:
    """Put a deleted line back exactly as it was (Ctrl+Z): go back over that one delete, which is forgotten.

    Returns the line no. Refused when the delete is no longer there (already undone) or its line cannot come back.
    """
    lock_segment(session, segment_no)
    action = session.get(SegmentCriteriaAction, action_id)
    if (
        action is None
        or action.segment_no != segment_no
        or not action.manual
        or action.action_type != CriteriaActionType.REDUCE
    ):
        raise NotFound(_("This line was already put back, or its delete can no longer be undone."))
    line_no = session.scalar(select(SegmentLineHistory.line_no).where(SegmentLineHistory.action_id == action_id))
    if line_no is None:
        raise NotFound(_("This line was already put back, or its delete can no longer be undone."))
    if session.get(SegmentLine, (segment_no, line_no)) is not None:
        raise ServiceError(_("Line %(no)d is in use again, so the deleted line cannot be put back.", no=line_no))
    result = undo_actions(session, segment_no, [action])
    if not result.lines_restored:
        raise ServiceError(" ".join(result.notes))
    return line_no
