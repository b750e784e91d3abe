"""The posted criteria dialog read into filters and options, refusing a tampered form with a message.

Field names: ``f-<group>-<table>-<field>`` holds a filter expression (groups numbered from 1), ``opt-<option>`` an
option that is on, ``token`` the dialog's query-cancel token, ``confirm_all`` the user's yes to an add without any
filter. Anything else (the CSRF token, htmx's own values) is ignored.
"""

import re
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from segapp.models import CriteriaActionType
from segapp.services.criteria.fields import criteria_table
from segapp.services.criteria.matching import ActionOptions, FieldFilter

MAX_GROUPS = 10
MAX_VALUES = 400  # posted values of one dialog: far more than seven tabs of fields in ten groups need
MAX_EXPRESSION_CHARS = 1000  # a longer text is refused here; the filter parser refuses past 250 with its position

OPTION_LABELS: dict[str, Any] = {
    "allow_existing_contacts": _l("Allow existing contacts"),
    "expand_companies": _l("Expand companies"),
    "allow_related_companies": _l("Allow related companies"),
    "ignore_exclusion": _l("Ignore exclusion"),
    "entire_companies": _l("Entire companies"),
}
OPTION_HINTS: dict[str, Any] = {
    "allow_existing_contacts": _l("A contact already on a line gets another line."),
    "expand_companies": _l("Every match brings its company and all its persons."),
    "allow_related_companies": _l("Every matched person brings its company."),
    "ignore_exclusion": _l("Contacts marked “exclude from segment” are added too."),
    "entire_companies": _l("A match counts for every contact of its company."),
}
ACTION_OPTIONS: dict[CriteriaActionType, tuple[str, ...]] = {
    CriteriaActionType.ADD: (
        "allow_existing_contacts",
        "expand_companies",
        "allow_related_companies",
        "ignore_exclusion",
    ),
    CriteriaActionType.REDUCE: ("entire_companies",),
    CriteriaActionType.REFINE: ("entire_companies",),
}

_FILTER_NAME = re.compile(r"f-(\d{1,3})-([a-z_]{1,40})-([a-z0-9_]{1,60})")


def filter_input_name(group_no: int, table: str, field_name: str) -> str:
    """The name of a filter's input, as the form posts it."""
    return f"f-{group_no}-{table}-{field_name}"


@dataclass
class DialogInput:
    """What the dialog posted: its filters (blank ones included, to show them again), options and groups."""

    filters: list[FieldFilter] = field(default_factory=list)
    options: ActionOptions = field(default_factory=ActionOptions)
    groups: int = 1
    token: str = ""
    confirm_all: bool = False
    error: str = ""  # a tampered form: what is wrong with it


def read_dialog(form: MultiDict[str, str], action_type: CriteriaActionType) -> DialogInput:
    """Read the posted dialog; ``error`` says what is wrong when the form was not the one we sent."""
    result = DialogInput(token=form.get("token", "")[:100], confirm_all=form.get("confirm_all") == "1")
    if len(form) > MAX_VALUES:
        result.error = _("The form has too many values.")
        return result
    allowed = ACTION_OPTIONS[action_type]
    options: dict[str, bool] = {}
    for name, value in form.items(multi=True):
        if name.startswith("opt-"):
            option = name[4:]
            if option not in allowed:
                result.error = _("Unknown option: %(name)s.", name=option[:40])
                return result
            options[option] = value == "1"
        elif name.startswith("f-"):
            problem = _add_filter(result, name, value)
            if problem:
                result.error = problem
                return result
    result.options = ActionOptions(**options)
    result.groups = max([1, *(item.group_no for item in result.filters)])
    return result


def _add_filter(result: DialogInput, name: str, value: str) -> str:
    """Add the filter posted as ``name``; returns what is wrong with it ("" when nothing)."""
    match = _FILTER_NAME.fullmatch(name)
    if not match:
        return _("Unknown field: %(name)s.", name=name[:60])
    group_no, table_key, field_name = int(match.group(1)), match.group(2), match.group(3)
    if not 1 <= group_no <= MAX_GROUPS:
        return _("There can be at most %(num)s filter groups.", num=MAX_GROUPS)
    table = criteria_table(table_key)
    if table is None:
        return _("Unknown table: %(name)s.", name=table_key)
    if table.field(field_name) is None:
        return _("%(table)s has no field %(name)s.", table=table.label, name=field_name)
    if len(value) > MAX_EXPRESSION_CHARS:
        return _("A filter is too long.")
    if any(
        item.group_no == group_no and item.table == table_key and item.field == field_name for item in result.filters
    ):
        return _("A field was posted twice.")
    result.filters.append(FieldFilter(group_no, table_key, field_name, value))
    return ""


def shown_fields(dialog: DialogInput, group_no: int, table_key: str) -> list[Any]:
    """The fields a group's tab shows: the defaults, then those the user added (in the order posted)."""
    table = criteria_table(table_key)
    assert table is not None
    shown = list(table.default_fields)
    for item in dialog.filters:
        if item.group_no == group_no and item.table == table_key:
            extra = table.field(item.field)
            if extra is not None and extra not in shown:
                shown.append(extra)
    return shown
