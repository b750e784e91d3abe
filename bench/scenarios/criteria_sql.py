"""The data conditions and the baselines of the criteria scenarios: one raw SQL statement each (two for go back).

The same predicates as segapp's (the same fold; a related table as segapp writes it: an IN list of its rows in a
single group, an EXISTS inside ORed groups) on the same data; see bench/scenarios/criteria.py.
"""

from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from bench.datagen import Sql, insert_select_sql
from segapp.models import SegmentHeader, SegmentLine
from segapp.services import demo
from segapp.services.segments.actions import HISTORY_COLUMNS
from segapp.services.segments.rules import header_line_values
from segapp.textfold import fold

ADD_SEGMENT = "BENCH-CR-ADD"
ALL_SEGMENT = "BENCH-CR-ALL"
LINE_STEP = 10000
MATCH_CITIES = ("Milano", "Roma", "Torino", "Napoli", "Bologna")
MATCH_GROUPS = ("NEWS", "XMAS")
KEEP_CITIES = tuple(city for city, _post_code, _county in demo.ITALIAN_CITIES)
KEEP_GROUPS = ("NEWS",)
# (group, table, field, expression) as the dialog sends them.
MATCH = (
    (1, "contact", "city", "|".join(MATCH_CITIES)),
    (1, "mailing_group", "mailing_group_code", "|".join(MATCH_GROUPS)),
)
KEEP = (
    (1, "contact", "city", "|".join(KEEP_CITIES)),
    (2, "mailing_group", "mailing_group_code", "|".join(KEEP_GROUPS)),
)


def _any_of(expression: str, values: tuple[str, ...], sql: Sql) -> str:
    """``expression = v1 OR expression = v2 ...``, as compile_filter writes ``v1|v2``."""
    return "(" + " OR ".join(f"{expression} = {sql.literal(value)}" for value in values) + ")"


def _city_in(sql: Sql, cities: tuple[str, ...]) -> str:
    return _any_of(sql.fold("c.city"), tuple(fold(city) for city in cities), sql)


def _in_groups(sql: Sql, groups: tuple[str, ...]) -> str:
    """A membership of the contact, as segapp writes a related table inside ORed groups: an EXISTS."""
    return (
        "EXISTS (SELECT 1 FROM contact_mailing_group m WHERE m.contact_no = c.no "
        f"AND {_any_of('m.mailing_group_code', groups, sql)})"
    )


def _member_of(sql: Sql, groups: tuple[str, ...]) -> str:
    """The same, as segapp writes the related table of a single group: the contact no. IN the table's rows."""
    return f"c.no IN (SELECT m.contact_no FROM contact_mailing_group m WHERE {_any_of('m.mailing_group_code', groups, sql)})"


def match_sql(sql: Sql) -> str:
    """MATCH over contact c (one group)."""
    return f"{_city_in(sql, MATCH_CITIES)} AND {_member_of(sql, MATCH_GROUPS)}"


def keep_sql(sql: Sql) -> str:
    """KEEP over contact c: its two groups ORed."""
    return f"(({_city_in(sql, KEEP_CITIES)}) OR ({_in_groups(sql, KEEP_GROUPS)}))"


def addable_sql(sql: Sql, segment_no: str) -> str:
    """MATCH, less privacy-blocked and excluded contacts and those already on the segment (default options)."""
    no = sql.literal(False)
    return (
        f"{match_sql(sql)} AND c.privacy_blocked = {no} AND c.exclude_from_segment = {no} "
        f"AND NOT EXISTS (SELECT 1 FROM segment_line l WHERE l.segment_no = {sql.literal(segment_no)} "
        "AND l.contact_no = c.no)"
    )


def preview_statement(sql: Sql) -> str:
    """The count of the contacts an add of MATCH would bring to BENCH-CR-ADD."""
    return f"SELECT count(*) FROM contact c WHERE {addable_sql(sql, ADD_SEGMENT)}"


def _date_literal(sql: Sql, value: Any) -> str:
    if value is None:
        return "NULL"
    return f"DATE '{value.isoformat()}'" if sql.dialect == "postgresql" else f"'{value.isoformat()}'"


def add_statement(sql: Sql, header: SegmentHeader, template_type: str) -> str:
    """The INSERT ... SELECT of the lines an add of MATCH brings to BENCH-CR-ADD, filled as segapp fills them:
    header values, the contact's company, language and correspondence type and the subject of spec 3.2
    (template LETTER has ITA and ENU), ordered by company and numbered after the last line as in spec 3.4."""
    segment = sql.literal(ADD_SEGMENT)
    values: dict[str, str] = {}
    for column, value in header_line_values(header).items():
        if column == "date":
            values[column] = _date_literal(sql, value)
        else:
            values[column] = sql.literal(getattr(value, "value", value) if value is not None else None)
    if header.salesperson_code is None:
        raise ValueError("the benchmark segment has a salesperson")
    language = (
        f"(CASE WHEN tl.language_code IS NOT NULL THEN c.language_code ELSE {sql.literal(header.language_code)} END)"
    )
    values.update(
        {
            "segment_no": segment,
            "line_no": f"((SELECT COALESCE(MAX(line_no), 0) FROM segment_line WHERE segment_no = {segment}) "
            f"+ c.r * {LINE_STEP})",
            "contact_no": "c.no",
            "contact_company_no": "c.company_no",
            "correspondence_type": f"COALESCE(NULLIF(c.correspondence_type, ''), {sql.literal(template_type)})",
            "language_code": language,
            "subject": f"(CASE WHEN {language} = {sql.literal(header.language_code)} THEN {sql.literal(header.subject)} "
            "ELSE COALESCE(tl.subject, '') END)",
        }
    )
    by_code_point = ' COLLATE "C"' if sql.dialect == "postgresql" else ""
    order = (
        f"c.company_name{by_code_point}, COALESCE(c.company_no, ''){by_code_point}, "
        "CASE WHEN c.type = 'company' THEN 0 ELSE 1 END, "
        f"c.name{by_code_point}, c.no{by_code_point}"
    )
    source = (
        "\nFROM (SELECT c.no, c.company_no, c.correspondence_type, c.language_code, "
        f"ROW_NUMBER() OVER (ORDER BY {order}) AS r FROM contact c WHERE {addable_sql(sql, ADD_SEGMENT)}) AS c "
        "LEFT JOIN interaction_template_language tl "
        f"ON tl.template_code = {sql.literal(header.interaction_template_code)} AND tl.language_code = c.language_code"
    )
    return insert_select_sql(sql, SegmentLine.__table__, values, source)


def reduce_statement(sql: Sql) -> str:
    """Delete the lines of BENCH-CR-ALL whose contact matches MATCH."""
    return (
        f"DELETE FROM segment_line WHERE segment_no = {sql.literal(ALL_SEGMENT)} "
        f"AND contact_no IN (SELECT c.no FROM contact c WHERE {match_sql(sql)})"
    )


def refine_statement(sql: Sql) -> str:
    """Delete the lines of BENCH-CR-ALL whose contact does not match KEEP."""
    return (
        f"DELETE FROM segment_line WHERE segment_no = {sql.literal(ALL_SEGMENT)} "
        f"AND NOT EXISTS (SELECT 1 FROM contact c WHERE c.no = segment_line.contact_no AND {keep_sql(sql)})"
    )


def go_back_statements(sql: Sql, added_by: list[int], removed_by: list[int]) -> tuple[str, str]:
    """Delete the lines the undone actions added; put back from the history the lines they removed."""
    columns = ", ".join(HISTORY_COLUMNS)
    return (
        f"DELETE FROM segment_line WHERE segment_no = {sql.literal(ALL_SEGMENT)} "
        f"AND criteria_action_id IN ({', '.join(str(int(i)) for i in added_by)})",
        f"INSERT INTO segment_line ({columns}) SELECT {columns} FROM segment_line_history "
        f"WHERE action_id IN ({', '.join(str(int(i)) for i in removed_by)})",
    )


def run_baseline(session: Session, spec: dict[str, Any]) -> Any:
    """Run the baseline of ``spec["scenario"]``; what it did (a count, rows changed)."""
    sql = Sql(session.get_bind().dialect.name, 0)
    name = spec["scenario"]
    if name == "preview":
        return session.scalar(text(preview_statement(sql)))
    if name == "add":
        header = session.get(SegmentHeader, ADD_SEGMENT)
        template_type = spec["template_correspondence_type"]
        return session.execute(text(add_statement(sql, header, template_type))).rowcount
    if name in ("reduce", "refine"):
        statement = reduce_statement(sql) if name == "reduce" else refine_statement(sql)
        return session.execute(text(statement)).rowcount
    removal, restore = go_back_statements(sql, spec["added_by"], spec["removed_by"])
    return [session.execute(text(removal)).rowcount, session.execute(text(restore)).rowcount]
