"""Editing a segment header field by field, and carrying the changes to the lines (spec 3.3)."""

from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import and_, case, func, select, update
from sqlalchemy.orm import Session

from segapp.models import (
    InteractionTemplate,
    SegmentHeader,
    SegmentLine,
)
from segapp.services.errors import Conflict, ServiceError
from segapp.services.segments import field_values as fv
from segapp.services.segments.records import get_segment
from segapp.services.segments.rules import contact_rule_values, lines_of, same_template

# Header fields a user may edit, and how their value is read.
HEADER_FIELDS = {
    "description": "text100",
    "salesperson_code": "salesperson",
    "date": "date",
    "interaction_template_code": "template",
    "language_code": "language",
    "subject": "text250",
    "ignore_contact_corr_type": "bool",
    "correspondence_type": "option",
    "information_flow": "option",
    "initiated_by": "option",
    "unit_cost": "amount",
    "unit_duration": "amount",
    "send_word_docs_as_attachment": "bool",
    "campaign_no": "campaign",
    "campaign_target": "bool",
    "campaign_response": "bool",
}

# Header field -> the line columns it sets when the user says "update the lines too".
PROPAGATED = {
    "description": ("description",),
    "campaign_no": ("campaign_no", "campaign_target", "campaign_response"),
    "salesperson_code": ("salesperson_code",),
    "correspondence_type": ("correspondence_type",),
    "unit_cost": ("cost",),
    "unit_duration": ("duration",),
    "date": ("date",),
    "campaign_target": ("campaign_target",),
    "campaign_response": ("campaign_response",),
    "information_flow": ("information_flow",),
    "initiated_by": ("initiated_by",),
    "send_word_docs_as_attachment": ("send_word_doc_as_attachment",),
}
HEADER_FOR_LINE = {
    "cost": "unit_cost",
    "duration": "unit_duration",
    "send_word_doc_as_attachment": "send_word_docs_as_attachment",
}
# What a template change re-reads into the header (besides template, group, campaign no. and subject).
TEMPLATE_DEFAULTS = (
    "unit_cost",
    "unit_duration",
    "information_flow",
    "initiated_by",
    "campaign_target",
    "campaign_response",
    "correspondence_type",
    "ignore_contact_corr_type",
    "language_code",
)
TEMPLATE_SOURCE = {"correspondence_type": "correspondence_type", "language_code": "language_code"}
# Header field -> fields whose editability depends on it (shown again after it changes).
DEPENDENT_FIELDS = {"ignore_contact_corr_type": ("correspondence_type",)}


# Fields whose question also offers to update only the lines still equal to the old header value.
KEEP_EDITS = ("description", "subject", "salesperson_code", "unit_cost", "unit_duration", "date")


@dataclass
class HeaderChange:
    """The outcome of a header edit: what changed, and whether to ask about the lines.

    ``lines`` would follow the header; ``differ`` of them no longer carry the old header value (changed by
    hand) and would be overwritten; ``can_keep_edits`` offers to update only the other ones.
    """

    field: str
    changed: list[str] = dc_field(default_factory=list)
    ask: str = ""  # "", "fields", "template" or "subject"
    lines: int = 0
    differ: int = 0
    old_value: Any = None

    @property
    def can_keep_edits(self) -> bool:
        """True when updating only the lines still equal to the old value is a real third choice."""
        return self.field in KEEP_EDITS and 0 < self.differ < self.lines

    @property
    def dependent(self) -> list[str]:
        """The other fields to show again: those whose value changed, and those whose editability depends on it."""
        others = [name for name in self.changed if name != self.field]
        return others + [name for name in DEPENDENT_FIELDS.get(self.field, ()) if name not in others]


def parse_header_value(session: Session, field: str, value: Any) -> Any:
    """Read a submitted header value, or raise ServiceError with a message for the field."""
    kind = HEADER_FIELDS.get(field)
    if kind is None:
        raise ServiceError(_("This field cannot be changed."), field)
    return fv.parse_by_kind(session, kind, value, field)


def _header_values_for_template(header: SegmentHeader, template: InteractionTemplate | None) -> dict[str, Any]:
    values: dict[str, Any] = {"interaction_template_code": template.code if template else None, "subject": ""}
    if template is None:
        values["interaction_group_code"] = None
        return values
    values["interaction_group_code"] = template.interaction_group_code
    for name in TEMPLATE_DEFAULTS:
        values[name] = getattr(template, TEMPLATE_SOURCE.get(name, name))
    if template.campaign_no:
        values["campaign_no"] = template.campaign_no
    return values


def update_header_field(
    session: Session, segment_no: str, field: str, value: Any, expected_version: int
) -> HeaderChange:
    """Validate and save one header field, apply the 3.3 rules, and say which lines would follow."""
    header = get_segment(session, segment_no)
    parsed = parse_header_value(session, field, value)
    if header.version != expected_version:
        raise Conflict(
            _(
                "Someone else changed this segment in the meantime. The current values are shown; check them and try again."
            ),
            field,
        )
    if field == "correspondence_type" and not header.ignore_contact_corr_type:
        raise ServiceError(
            _("The correspondence type can be changed only when the contact's correspondence type is ignored."),
            field,
        )
    old_value = getattr(header, field)
    if field == "interaction_template_code":
        values = _header_values_for_template(header, parsed)
    else:
        values = {field: parsed}
    if field == "campaign_no" and parsed is None:
        values.update(campaign_target=False, campaign_response=False)
    changed = [name for name, new in values.items() if getattr(header, name) != new]
    result = session.execute(
        update(SegmentHeader)
        .where(SegmentHeader.no == segment_no, SegmentHeader.version == expected_version)
        .values(**values, version=SegmentHeader.version + 1)
    )
    if result.rowcount != 1:
        raise Conflict(_("Someone else changed this segment in the meantime."), field)
    session.expire(header)
    change = HeaderChange(field=field, changed=changed, old_value=old_value)
    if field in changed:
        _ask_about_lines(session, header, change)
    return change


def _ask_about_lines(session: Session, header: SegmentHeader, change: HeaderChange) -> None:
    if change.field == "interaction_template_code":
        change.ask = "template"
    elif change.field == "subject":
        change.ask = "subject"
    elif change.field in PROPAGATED:
        change.ask = "fields"
    else:
        return
    where = _target_lines(header, change.field)
    differs = _line_column(change.field).is_distinct_from(change.old_value)
    change.lines, change.differ = session.execute(
        select(func.count(), func.count(case((differs, 1)))).select_from(SegmentLine).where(where)
    ).one()
    if not change.lines:
        change.ask = ""


def _line_column(field: str) -> Any:
    """The line column compared with the old header value (the first one a header field sets)."""
    if field in ("interaction_template_code", "subject"):
        return getattr(SegmentLine, field)
    return getattr(SegmentLine, PROPAGATED[field][0])


def _target_lines(header: SegmentHeader, field: str) -> Any:
    """The lines a header change would update: all for the template, else those of the header's template
    (and, for the subject, of the header's language)."""
    if field == "interaction_template_code":
        return lines_of(header.no)
    if field == "subject":
        language = (
            SegmentLine.language_code.is_(None)
            if header.language_code is None
            else SegmentLine.language_code == header.language_code
        )
        return lines_of(header.no, same_template(header.interaction_template_code), language)
    return lines_of(header.no, same_template(header.interaction_template_code))


def old_header_value(field: str, text: str) -> Any:
    """The old header value as the question sent it back (its edit text), typed like the line column."""
    kind = HEADER_FIELDS.get(field)
    text = (text or "").strip()
    if kind == "amount":
        return fv.parse_amount(text, field)
    if kind == "date":
        return fv.parse_date(text, field)
    if kind in ("salesperson", "template", "language", "campaign"):
        return text.upper() or None
    return text


def apply_header_to_lines(
    session: Session, segment_no: str, field: str, old_value: Any = None, only_unchanged: bool = False
) -> int:
    """The user's yes: one set-based UPDATE carrying the header change to the lines; returns rows changed.

    With ``only_unchanged`` (fields of KEEP_EDITS) only the lines still equal to ``old_value`` follow.
    """
    header = get_segment(session, segment_no)
    if field == "interaction_template_code":
        template = (
            session.get(InteractionTemplate, header.interaction_template_code)
            if header.interaction_template_code
            else None
        )
        values: dict[str, Any] = {
            "interaction_template_code": header.interaction_template_code,
            "interaction_group_code": header.interaction_group_code,
            "cost": header.unit_cost,
            "duration": header.unit_duration,
            "information_flow": header.information_flow,
            "initiated_by": header.initiated_by,
            "campaign_target": header.campaign_target,
            "campaign_response": header.campaign_response,
        }
        if template is not None and template.campaign_no:
            values["campaign_no"] = header.campaign_no
        values.update(contact_rule_values(header, template))
    elif field == "subject":
        values = {"subject": header.subject}
    elif field in PROPAGATED:
        values = {column: getattr(header, HEADER_FOR_LINE.get(column, column)) for column in PROPAGATED[field]}
    else:
        raise ServiceError(_("This field is not carried to the lines."), field)
    where = _target_lines(header, field)
    if only_unchanged:
        if field not in KEEP_EDITS:
            raise ServiceError(_("This field is not carried to the lines."), field)
        where = and_(where, _line_column(field).is_not_distinct_from(old_value))
    result = session.execute(
        update(SegmentLine)
        .where(where)
        .values(**values, version=SegmentLine.version + 1)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0
