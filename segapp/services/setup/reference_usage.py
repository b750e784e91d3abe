"""Where a reference row is used: found from the foreign keys of the metadata, one count per column."""

from collections.abc import Callable

from babel.lists import format_list
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import ColumnElement, Table, and_, func, select
from sqlalchemy.orm import Session

from segapp.models import Base
from segapp.numbers import count_text
from segapp.services.errors import ServiceError

# Child rows that belong to their parent and go with it (their own usage still counts).
OWNED_CHILDREN = frozenset(
    {
        ("salutation_formula", "salutation_code"),
        ("interaction_template_language", "template_code"),
        ("template_document", "template_code"),
        ("profile_question", "questionnaire_code"),
        ("profile_answer", "question_id"),
    }
)

# How a referencing table is named in "used by ..."; n is the number of rows.
USAGE_LABELS: dict[str, Callable[[int], str]] = {
    "contact": lambda n: count_text("%(num)s contact", "%(num)s contacts", n),
    "contact_mailing_group": lambda n: count_text("%(num)s contact", "%(num)s contacts", n),
    "contact_industry_group": lambda n: count_text("%(num)s contact", "%(num)s contacts", n),
    "contact_business_relation": lambda n: count_text("%(num)s contact", "%(num)s contacts", n),
    "contact_job_responsibility": lambda n: count_text("%(num)s contact", "%(num)s contacts", n),
    "contact_profile_answer": lambda n: count_text("%(num)s contact profile", "%(num)s contact profiles", n),
    "campaign": lambda n: count_text("%(num)s campaign", "%(num)s campaigns", n),
    "campaign_entry": lambda n: count_text("%(num)s campaign entry", "%(num)s campaign entries", n),
    "app_user": lambda n: count_text("%(num)s user", "%(num)s users", n),
    "segment_header": lambda n: count_text("%(num)s segment", "%(num)s segments", n),
    "segment_line": lambda n: count_text("%(num)s segment line", "%(num)s segment lines", n),
    "interaction_log_entry": lambda n: count_text(
        "%(num)s interaction log entry", "%(num)s interaction log entries", n
    ),
    "interaction_template": lambda n: count_text("%(num)s interaction template", "%(num)s interaction templates", n),
    "interaction_template_language": lambda n: count_text(
        "%(num)s interaction template language", "%(num)s interaction template languages", n
    ),
    "template_document": lambda n: count_text(
        "%(num)s version of a template's Word document", "%(num)s versions of templates' Word documents", n
    ),
    "salutation_formula": lambda n: count_text("%(num)s salutation formula", "%(num)s salutation formulas", n),
    "marketing_setup": lambda n: count_text("the marketing setup", "the marketing setup", n),
    "company_information": lambda n: count_text("the company information", "the company information", n),
}


def _default_label(table: str) -> Callable[[int], str]:
    return lambda n: count_text("%(num)s row of %(table)s", "%(num)s rows of %(table)s", n, table=table)


def usage_counts(session: Session, table: Table, condition: ColumnElement[bool]) -> dict[str, int]:
    """Rows referencing the rows of ``table`` that match ``condition``, counted per referencing table."""
    counts: dict[str, int] = {}
    for child in Base.metadata.sorted_tables:
        for fk in child.foreign_keys:
            if fk.column.table is not table:
                continue
            child_condition = fk.parent.in_(select(fk.column).where(condition))
            if (child.name, fk.parent.name) in OWNED_CHILDREN:
                for name, number in usage_counts(session, child, child_condition).items():
                    counts[name] = counts.get(name, 0) + number
                continue
            number = session.scalar(select(func.count()).select_from(child).where(child_condition)) or 0
            if number:
                counts[child.name] = counts.get(child.name, 0) + number
    return counts


def describe_usage(counts: dict[str, int]) -> str:
    """``{"contact": 12, "campaign": 1}`` in words: "12 contacts and 1 campaign"."""
    # Several tables may read the same ("contacts"): add them up under one label.
    grouped: dict[str, tuple[Callable[[int], str], int]] = {}
    for table, number in counts.items():
        text_of = USAGE_LABELS.get(table, _default_label(table))
        key = text_of(2)
        grouped[key] = (text_of, grouped.get(key, (text_of, 0))[1] + number)
    ranked = sorted(grouped.values(), key=lambda pair: -pair[1])  # most used first
    parts = [text_of(number) for text_of, number in ranked]
    return format_list(parts, locale=str(get_locale() or "en"))


def ensure_deletable(session: Session, row: object, thing: str, name: str) -> None:
    """Refuse to delete ``row`` while other rows refer to it, naming where it is used."""
    table = row.__table__  # type: ignore[attr-defined]
    condition = _primary_key_condition(table, row)
    counts = usage_counts(session, table, condition)
    if counts:
        raise ServiceError(
            _(
                "%(thing)s %(name)s is used by %(usage)s, so it cannot be deleted.",
                thing=thing,
                name=name,
                usage=describe_usage(counts),
            )
        )


def _primary_key_condition(table: Table, row: object) -> ColumnElement[bool]:
    return and_(*(column == getattr(row, column.key) for column in table.primary_key.columns))
