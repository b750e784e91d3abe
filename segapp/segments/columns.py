"""What the segment page shows: header sections, grid columns and the captions of option values."""

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from segapp.captions import YES_NO, enum_caption, enum_choices
from segapp.services.segments.field_values import OPTION_ENUMS, edit_value
from segapp.templating import show_date, show_decimal


@dataclass(frozen=True)
class Column:
    """A field on the page: name, label, how it is edited (kind) and the datalist it completes from."""

    name: str
    label: Any
    kind: str = "text"  # text, amount, date, bool, option, code, readonly
    datalist: str = ""


@dataclass(frozen=True)
class Section:
    """A FastTab of the header: its key (remembered per user when closed), title, fields, and the fields
    its summary line shows when it is closed."""

    key: str
    title: Any
    columns: list[Column]
    summary: tuple[str, ...]


HEADER_SECTIONS: list[Section] = [
    Section(
        "general",
        _l("General"),
        [
            Column("no", _l("No."), "readonly"),
            Column("description", _l("Description")),
            Column("salesperson_code", _l("Salesperson"), "code", "salesperson-options"),
            Column("date", _l("Date"), "date"),
        ],
        ("no", "description", "salesperson_code", "date"),
    ),
    Section(
        "interaction",
        _l("Interaction"),
        [
            Column("interaction_template_code", _l("Interaction template"), "code", "template-options"),
            Column("interaction_group_code", _l("Interaction group"), "readonly"),
            Column("language_code", _l("Language (default)"), "code", "language-options"),
            Column("subject", _l("Subject (default)")),
            Column("ignore_contact_corr_type", _l("Ignore contact correspondence type"), "bool"),
            Column("correspondence_type", _l("Correspondence type (default)"), "option"),
            Column("information_flow", _l("Information flow"), "option"),
            Column("initiated_by", _l("Initiated by"), "option"),
            Column("unit_cost", _l("Unit cost"), "amount"),
            Column("unit_duration", _l("Unit duration (min.)"), "amount"),
            Column("send_word_docs_as_attachment", _l("Send Word documents as attachment"), "bool"),
        ],
        ("interaction_template_code", "language_code", "subject", "correspondence_type", "unit_cost"),
    ),
    Section(
        "campaign",
        _l("Campaign"),
        [
            Column("campaign_no", _l("Campaign no."), "code", "campaign-options"),
            Column("campaign_target", _l("Campaign target"), "bool"),
            Column("campaign_response", _l("Campaign response"), "bool"),
        ],
        ("campaign_no", "campaign_target", "campaign_response"),
    ),
]
SECTION_KEYS = tuple(section.key for section in HEADER_SECTIONS)
HEADER_COLUMNS = {column.name: column for section in HEADER_SECTIONS for column in section.columns}

GRID_COLUMNS: list[Column] = [
    Column("contact_no", _l("Contact no."), "code", "contact-options"),
    Column("company_name", _l("Company name"), "readonly"),
    Column("contact_name", _l("Contact name"), "readonly"),
    Column("correspondence_type", _l("Correspondence type"), "option"),
    Column("description", _l("Description")),
    Column("salesperson_code", _l("Salesperson"), "code", "salesperson-options"),
    Column("interaction_template_code", _l("Interaction template"), "code", "template-options"),
    Column("language_code", _l("Language"), "code", "language-options"),
    Column("subject", _l("Subject")),
    Column("evaluation", _l("Evaluation"), "option"),
    Column("cost", _l("Cost"), "amount"),
    Column("duration", _l("Duration"), "amount"),
    Column("date", _l("Date"), "date"),
    Column("attempt_failed", _l("Attempt failed"), "bool"),
    Column("phone", _l("Phone"), "readonly"),
    Column("email", _l("E-mail"), "readonly"),
    Column("document", _l("Document"), "readonly"),
]


def display_value(column: Column, value: Any) -> str:
    """The value as the page shows it."""
    if column.kind == "option":
        return enum_caption(OPTION_ENUMS[column.name], value)
    if column.kind == "bool":
        return str(YES_NO["1"]) if value else ""
    if column.kind == "amount":
        return show_decimal(value)
    if column.kind == "date":
        return show_date(value)
    return "" if value is None else str(value)


def options_of(column: Column) -> list[tuple[str, str]]:
    """(value, caption) pairs of an option or yes/no column, for a select."""
    if column.kind == "bool":
        return [(value, str(caption)) for value, caption in YES_NO.items()]
    return enum_choices(OPTION_ENUMS[column.name], blank="")


def grid_context(segment_no: str) -> dict[str, Any]:
    """Helpers the line fragments need."""
    return {"segment_no": segment_no, "grid_columns": GRID_COLUMNS}


def template_helpers() -> dict[str, Any]:
    """Formatting helpers for the segment templates (a blueprint context processor)."""
    return {"display_value": display_value, "edit_value": edit_value, "options_of": options_of}
