"""A criteria action in plain words, with its filters and options (spec 3.5):
"Add contacts: city Milano|Roma and mailing group NEWS — expand companies"."""

from collections.abc import Iterable
from itertools import groupby
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from segapp.models import CriteriaActionType, SavedCriteriaAction, SegmentCriteriaAction
from segapp.numbers import count_text
from segapp.services.criteria.fields import criteria_table

ACTION_LABELS = {
    CriteriaActionType.ADD: _l("Add contacts"),
    CriteriaActionType.REDUCE: _l("Reduce contacts"),
    CriteriaActionType.REFINE: _l("Refine contacts"),
    CriteriaActionType.REUSE_SEGMENT: _l("Reuse segment"),
}

# The options as the description names them, in the dialog's order.
OPTION_LABELS = {
    "allow_existing_contacts": _l("allow existing contacts"),
    "expand_companies": _l("expand companies"),
    "allow_related_companies": _l("allow related companies"),
    "ignore_exclusion": _l("ignore exclusion"),
    "entire_companies": _l("entire companies"),
}


def describe_action(action: SegmentCriteriaAction | SavedCriteriaAction) -> str:
    """The action in plain words, translated: what it does, on which filters, with which options."""
    if action.manual:
        return _describe_manual(action)
    label = str(ACTION_LABELS[action.action_type])
    if action.action_type == CriteriaActionType.REUSE_SEGMENT:
        return _describe_reuse(action)
    text = _("%(action)s: %(filters)s", action=label, filters=describe_filters(action.filters))
    options = describe_options(action)
    if options:
        text = _("%(text)s — %(options)s", text=text, options=options)
    return text


def describe_options(action: Any) -> str:
    """The options that are on, comma-separated ("expand companies, ignore exclusion"), or empty."""
    return ", ".join(str(label) for name, label in OPTION_LABELS.items() if getattr(action, name, False))


def describe_filters(filters: Iterable[Any]) -> str:
    """Filter groups ORed, each group's tables ANDed ("(city Milano and industry group RETAIL) or mailing group
    NEWS"); no filter at all is every contact."""
    groups = [
        _describe_group(list(rows)) for _group, rows in groupby(sorted(filters, key=_order), key=lambda f: f.group_no)
    ]
    if not groups:
        return _("every contact")
    if len(groups) == 1:
        return groups[0][0]
    word = _("or")
    return f" {word} ".join(f"({text})" if parts > 1 else text for text, parts in groups)


def _order(row: Any) -> tuple[int, int]:
    return (row.group_no, row.id or 0)


def _describe_group(filters: list[Any]) -> tuple[str, int]:
    """The group's filters table by table, and how many parts it has."""
    word = _("and")
    parts = []
    for table_name, rows in groupby(filters, key=lambda f: f.table_name):
        rows = list(rows)
        table = criteria_table(table_name)
        fields = [f"{field_label(table_name, row.field_name)} {row.expression}" for row in rows]
        if table is None or table.key == "contact" or len(table.fields) == 1:
            parts.extend(fields)
        else:
            joined = f" {word} ".join(fields)
            parts.append(_("%(table)s with %(fields)s", table=_lower(str(table.label)), fields=joined))
    return f" {word} ".join(parts), len(parts)


def field_label(table_name: str, field_name: str) -> str:
    """The field's label as a description writes it ("city"); a table or field that no longer exists by its name."""
    table = criteria_table(table_name)
    field = table.field(field_name) if table is not None else None
    if field is None:
        return f"{table_name}.{field_name}"
    return _lower(str(field.label))


def _lower(label: str) -> str:
    # "City" reads "city" inside a sentence; "VAT registration no." keeps its capitals.
    if len(label) > 1 and label[1].isupper():
        return label
    return label[:1].lower() + label[1:]


def manual_contact_no(action: Any) -> str:
    """The contact no. a manual action names (its only filter, "no. = X"), unquoted."""
    expression = action.filters[0].expression if action.filters else ""
    if len(expression) > 1 and expression.startswith("'") and expression.endswith("'"):
        return expression[1:-1].replace("''", "'")
    return expression


def _describe_reuse(action: Any) -> str:
    """ "Reuse segment SEG00012 (40 lines)", then the outcome its entries were chosen by, if any ("evaluation
    positive or attempt failed Yes"): the filters name the registered segment's no. and the conditions."""
    filters = list(action.filters)
    segment_no = next((row.expression for row in filters if row.field_name == "segment_no"), None)
    if segment_no is None:
        segment_no = str(getattr(action, "source_logged_segment_entry_no", None) or "?")
    text = count_text(
        "Reuse segment %(segment)s (%(num)s line)",
        "Reuse segment %(segment)s (%(num)s lines)",
        getattr(action, "lines_added", 0) or 0,
        segment=segment_no,
    )
    conditions = [row for row in filters if row.field_name != "segment_no"]
    if conditions:
        word = _("or")
        outcome = f" {word} ".join(
            f"{field_label(row.table_name, row.field_name)} {row.expression}" for row in conditions
        )
        text = _("%(text)s: only entries with %(outcome)s", text=text, outcome=outcome)
    return text


def _describe_manual(action: Any) -> str:
    contact_no = manual_contact_no(action)
    if action.action_type == CriteriaActionType.ADD:
        return _("Typed contact no. %(no)s on a line", no=contact_no)
    return _("Deleted the line of contact no. %(no)s, or typed over it", no=contact_no)
