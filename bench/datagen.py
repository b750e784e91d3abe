"""Reproducible, set-based generation of a realistic customer base of N contacts.

Every row comes from one INSERT ... SELECT over a number series (PostgreSQL's
generate_series, SQLite's recursive CTE or a temporary table filled by executemany);
each "random" choice is a multiplicative hash of the row number whose constants
come from the seed, so the same seed gives the same data on both databases.
Proportions: 1 contact in 8 is a company (12.5 %), 5 % of persons have no company,
~0.8 mailing-group memberships per contact, one industry group, business relation
and profile answer per company, a job responsibility for 70 % of persons, one
interaction log entry per contact on average.
"""

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import DateTime, Index, Table, func, literal_column, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from segapp.models import (
    Contact,
    ContactBusinessRelation,
    ContactIndustryGroup,
    ContactJobResponsibility,
    ContactMailingGroup,
    ContactProfileAnswer,
    InteractionLogEntry,
    NumberSeries,
    ProfileAnswer,
)
from segapp.models.contacts import SEARCH_FIELDS
from segapp.services import demo
from segapp.services.setup.number_series import CONTACT_SERIES
from segapp.textfold import folded

SEED = 20261123
NO_PREFIX = "CT"
NO_WIDTH = 8  # wide enough for 1,000,000 contacts plus an import of as many, so numbers sort as text
COMPANY_EVERY = 8
EXECUTEMANY_CHUNK = 50_000
SQLITE_CACHE_KB = 262_144

FEMALE_FIRST = [
    "Giulia",
    "Francesca",
    "Chiara",
    "Sara",
    "Elena",
    "Martina",
    "Federica",
    "Valentina",
    "Amelia",
    "Isla",
    "Ava",
    "Emily",
    "Sophie",
    "Grace",
    "Lily",
    "Chloe",
]
MALE_FIRST = [
    "Marco",
    "Luca",
    "Alessandro",
    "Matteo",
    "Davide",
    "Niccolò",
    "Giorgio",
    "Andrea",
    "Oliver",
    "George",
    "Harry",
    "Jack",
    "Thomas",
    "James",
    "William",
    "Henry",
]
LAST = demo.ITALIAN_LAST + demo.ENGLISH_LAST
CITIES = demo.ITALIAN_CITIES + demo.ENGLISH_CITIES
WORDS = demo.COMPANY_WORDS_IT + demo.COMPANY_WORDS_EN
STREETS = demo.STREETS_IT + demo.STREETS_EN
JOB_TITLES = [
    "Direttore acquisti",
    "Responsabile IT",
    "Amministratore",
    "Commerciale",
    "Purchasing manager",
    "IT manager",
    "Managing director",
    "Sales rep",
]
SALESPEOPLE = ["MR", "LB", "JS", "AV"]
TERRITORY_BY_CITY = {
    "Milano": "NORD",
    "Torino": "NORD",
    "Verona": "NORD",
    "Genova": "NORD",
    "Padova": "NORD",
    "Bologna": "NORD",
    "Roma": "CENTRO",
    "Firenze": "CENTRO",
    "Napoli": "SUD",
}


@dataclass
class GenerationReport:
    """Rows and seconds per generated table."""

    seconds: dict[str, float] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def total_seconds(self) -> float:
        """Time of the whole generation."""
        return sum(self.seconds.values())


class Sql:
    """The few SQL fragments that differ between SQLite and PostgreSQL."""

    def __init__(self, dialect: str, seed: int) -> None:
        self.dialect = dialect
        rng = random.Random(seed)
        # Odd multipliers near the golden ratio of 2**32, one per "random" choice.
        self._constants = [(rng.randrange(1 << 30, 1 << 32) | 1, rng.randrange(1 << 32)) for _ in range(64)]

    def h(self, column: str, slot: int, modulo: int) -> str:
        """A reproducible pseudo-random integer in [0, modulo) for each value of ``column``."""
        a, b = self._constants[slot]
        if modulo <= 4096:
            # High bits: the low bits of a multiplicative hash modulo 2**32 repeat with short periods.
            return f"(((({column}) * {a} + {b}) % 4294967296) / 65536 % {modulo})"
        return f"(((({column}) * {a} + {b}) % 2147483647) % {modulo})"

    def pick(self, index_sql: str, values: Sequence[object]) -> str:
        """CASE expression choosing ``values[index]``."""
        branches = " ".join(f"WHEN {n} THEN {self.literal(v)}" for n, v in enumerate(values))
        return f"(CASE {index_sql} {branches} END)"

    def choose(self, column: str, slot: int, values: Sequence[object]) -> str:
        """A pseudo-random choice among ``values`` for each value of ``column``."""
        return self.pick(self.h(column, slot, len(values)), values)

    def fold(self, expression: str) -> str:
        """``expression`` folded as segapp.textfold.fold folds text."""
        dialect = {"postgresql": postgresql.dialect(), "sqlite": sqlite.dialect()}[self.dialect]
        # Compiled around a placeholder: the dialect would escape the % of the expression itself.
        return str(folded(literal_column("EXPRESSION")).compile(dialect=dialect)).replace("EXPRESSION", expression)

    def literal(self, value: object) -> str:
        """A SQL literal for a Python value."""
        if value is None:
            return "NULL"
        if isinstance(value, bool):
            return ("TRUE" if value else "FALSE") if self.dialect == "postgresql" else str(int(value))
        if isinstance(value, int | float):
            return str(value)
        return "'" + str(value).replace("'", "''") + "'"

    def flag(self, condition: str) -> str:
        """A boolean column value from a condition."""
        return f"({condition})" if self.dialect == "postgresql" else f"(CASE WHEN {condition} THEN 1 ELSE 0 END)"

    def contact_no(self, column: str) -> str:
        """Contact number of row ``column``: CT00000001."""
        if self.dialect == "postgresql":
            return f"('{NO_PREFIX}' || lpad(CAST({column} AS TEXT), {NO_WIDTH}, '0'))"
        return f"('{NO_PREFIX}' || printf('%0{NO_WIDTH}d', {column}))"

    def day(self, offset_sql: str) -> str:
        """A date some days after 1 January 2024."""
        if self.dialect == "postgresql":
            return f"(DATE '2024-01-01' + CAST({offset_sql} AS INTEGER))"
        return f"date('2024-01-01', '+' || ({offset_sql}) || ' days')"

    def now(self) -> str:
        """The current timestamp in the form SQLAlchemy stores for this database."""
        if self.dialect == "postgresql":
            return "CURRENT_TIMESTAMP"
        return "strftime('%Y-%m-%d %H:%M:%f000', 'now')"

    def series_cte(self, n: int, table: str | None = None) -> str:
        """``WITH s(i)``: the integers 1..n."""
        if table is not None:
            return f"WITH s(i) AS (SELECT i FROM {table})"
        if self.dialect == "postgresql":
            return f"WITH s(i) AS (SELECT generate_series(CAST(1 AS BIGINT), {int(n)}))"
        return f"WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {int(n)})"


def _default_sql(sql: Sql, table: Table, column_name: str) -> str:
    column = table.c[column_name]
    default = column.default
    if default is None:
        return "NULL"
    if default.is_callable:
        if isinstance(column.type, DateTime):
            return sql.now()
        raise ValueError(f"{table.name}.{column_name} has a computed default: give its expression explicitly")
    value = default.arg
    return sql.literal(value.value if hasattr(value, "value") else value)


def insert_select(connection: Connection, sql: Sql, table: Table, values: dict[str, str], source: str) -> None:
    """INSERT INTO table SELECT: given expressions for some columns, the Python defaults for the rest."""
    connection.execute(text(insert_select_sql(sql, table, values, source)))


def insert_select_sql(sql: Sql, table: Table, values: dict[str, str], source: str) -> str:
    """The statement of :func:`insert_select`: ``source`` is a WITH clause (or nothing), a newline, FROM ...."""
    columns = [c.name for c in table.columns if c.name in values or not _is_autoincrement_pk(table, c.name)]
    exprs = [values.get(c) or _default_sql(sql, table, c) for c in columns]
    cte, _, rest = source.partition("\n")
    return f"{cte}\nINSERT INTO {table.name} ({', '.join(columns)})\nSELECT {', '.join(exprs)}\n{rest}"


def _is_autoincrement_pk(table: Table, name: str) -> bool:
    column = table.c[name]
    return bool(
        column.primary_key
        and len(table.primary_key.columns) == 1
        and column.autoincrement in (True, "auto")
        and column.type.python_type is int
    )


def _contact_values(sql: Sql) -> dict[str, str]:
    """Expressions for a contact row of the source with columns i (row), co (1 = company), b (its base row)."""
    italian = f"({sql.h('b', 1, 10)} < 7)"
    city_index = (
        f"(CASE WHEN {italian} THEN {sql.h('b', 2, len(demo.ITALIAN_CITIES))} "
        f"ELSE {len(demo.ITALIAN_CITIES)} + {sql.h('b', 2, len(demo.ENGLISH_CITIES))} END)"
    )
    company_name = (
        f"({sql.choose('b', 3, WORDS)} || ' ' || {sql.choose('b', 4, LAST)} || ' ' || "
        f"(CASE WHEN {italian} THEN 'S.r.l.' ELSE 'Ltd' END))"
    )
    female = f"({sql.h('i', 5, 2)} = 0)"
    first = f"(CASE WHEN {female} THEN {sql.choose('i', 6, FEMALE_FIRST)} ELSE {sql.choose('i', 6, MALE_FIRST)} END)"
    last = sql.choose("i", 7, LAST)
    is_company = "co = 1"
    has_company = "b <> i OR co = 1"
    values = {
        "no": sql.contact_no("i"),
        "type": f"(CASE WHEN {is_company} THEN 'company' ELSE 'person' END)",
        "name": f"(CASE WHEN {is_company} THEN {company_name} ELSE {first} || ' ' || {last} END)",
        "first_name": f"(CASE WHEN {is_company} THEN '' ELSE {first} END)",
        "surname": f"(CASE WHEN {is_company} THEN '' ELSE {last} END)",
        "salutation_code": f"(CASE WHEN {is_company} THEN 'C' WHEN {female} THEN 'F' ELSE 'M' END)",
        "company_no": f"(CASE WHEN {has_company} THEN {sql.contact_no('b')} END)",
        "company_name": f"(CASE WHEN {has_company} THEN {company_name} ELSE '' END)",
        "address": f"({sql.choose('b', 8, STREETS)} || ' ' || ({sql.h('b', 9, 200)} + 1))",
        "post_code": sql.pick(city_index, [c[1] for c in CITIES]),
        "city": sql.pick(city_index, [c[0] for c in CITIES]),
        "county": sql.pick(city_index, [c[2] for c in CITIES]),
        "country_code": f"(CASE WHEN {italian} THEN 'IT' ELSE 'GB' END)",
        "territory_code": sql.pick(city_index, [TERRITORY_BY_CITY.get(c[0], "UK") for c in CITIES]),
        "salesperson_code": sql.choose("b", 10, SALESPEOPLE),
        "language_code": f"(CASE WHEN {italian} THEN 'ITA' ELSE 'ENU' END)",
        "correspondence_type": sql.choose("i", 11, ["email", "email", "hard_copy", ""]),
        "email": f"(CASE WHEN {is_company} THEN 'info' ELSE lower({first}) END) || '.' || i || '@c' || b || '.example.com'",
        "phone": f"('+39 02 ' || (1000000 + {sql.h('b', 12, 8999999)}))",
        "mobile": f"(CASE WHEN {is_company} THEN '' ELSE '+39 3' || (100000000 + {sql.h('i', 13, 899999999)}) END)",
        "job_title": f"(CASE WHEN {is_company} THEN '' ELSE {sql.choose('i', 14, JOB_TITLES)} END)",
        "exclude_from_segment": sql.flag(f"{sql.h('i', 15, 50)} = 0"),
        "privacy_blocked": sql.flag(f"{sql.h('i', 16, 100)} = 0"),
    }
    # Contact.search_text (see contact_search_text): the one fold, computed in SQL.
    values["search_text"] = sql.fold(" || ' ' || ".join(f"({values[k]})" for k in SEARCH_FIELDS))
    return values


def _contact_source(sql: Sql, series: str) -> str:
    """Rows i with co (1 for a company) and b (the company row of a person, else i)."""
    return (
        f"{series}\nFROM (SELECT i, CASE WHEN i % {COMPANY_EVERY} = 1 THEN 1 ELSE 0 END AS co, "
        f"CASE WHEN i % {COMPANY_EVERY} = 1 OR {sql.h('i', 17, 20)} = 0 THEN i "
        f"ELSE i - ((i - 1) % {COMPANY_EVERY}) END AS b FROM s) AS src"
    )


def generate(
    engine: Engine, n: int, seed: int = SEED, sqlite_series: str = "cte", progress: Callable[[str], None] | None = None
) -> GenerationReport:
    """Load the reference data, then N contacts and their relations; returns rows and seconds per table."""
    sql = Sql(engine.dialect.name, seed)
    report = GenerationReport()
    say = progress or (lambda _message: None)

    started = time.perf_counter()
    with Session(engine) as session, session.begin():
        demo._load_reference_data(session)
        session.execute(
            update(NumberSeries)
            .where(NumberSeries.code == CONTACT_SERIES)
            .values(prefix=NO_PREFIX, width=NO_WIDTH, next_number=n + 1)
        )
        answers = list(session.scalars(select(ProfileAnswer.id).order_by(ProfileAnswer.id)))
    report.seconds["reference data"] = time.perf_counter() - started

    with engine.begin() as connection:
        fast = _bulk_load_settings(connection)
        series = _series(connection, sql, n, sqlite_series, report)
        steps = _steps(sql, n, series, answers)
        dropped = _drop_secondary_indexes(connection, {table for _label, table, _v, _s in steps})
        for label, table, values, source in steps:
            started = time.perf_counter()
            insert_select(connection, sql, table, values, source)
            report.seconds[label] = report.seconds.get(label, 0.0) + time.perf_counter() - started
        started = time.perf_counter()
        for index in dropped:
            index.create(connection)
        report.seconds["indexes"] = time.perf_counter() - started
        if fast:
            connection.exec_driver_sql("SET LOCAL session_replication_role = origin")
        if sql.dialect == "sqlite":
            connection.exec_driver_sql("PRAGMA cache_size = -2000")
        if "bench_series" in series:
            connection.exec_driver_sql("DROP TABLE bench_series")
        for label, table, _values, _source in steps:
            report.rows[label] = connection.scalar(select(func.count()).select_from(table))
    for label, rows in report.rows.items():
        say(f"  {label}: {rows} rows in {report.seconds[label]:.1f} s")
    started = time.perf_counter()
    _analyze(engine)
    report.seconds["analyze"] = time.perf_counter() - started
    return report


def _bulk_load_settings(connection: Connection) -> bool:
    """SQLite: a bigger page cache. PostgreSQL: no JIT for these cheap expressions; a superuser also skips the foreign-key
    triggers (the generated rows are consistent by construction). True when the triggers are off."""
    if connection.dialect.name != "postgresql":
        # Random lookups of a million-row primary key (foreign-key checks) want more than the default 2 MB cache.
        connection.exec_driver_sql(f"PRAGMA cache_size = -{SQLITE_CACHE_KB}")
        return False
    connection.exec_driver_sql("SET LOCAL jit = off")
    connection.exec_driver_sql("SET LOCAL maintenance_work_mem = '256MB'")  # index builds sort in memory
    superuser = connection.scalar(text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user"))
    if superuser:
        connection.exec_driver_sql("SET LOCAL session_replication_role = replica")
    return bool(superuser)


def _drop_secondary_indexes(connection: Connection, tables: set[Table]) -> list[Index]:
    """Drop the non-unique indexes of the loaded tables: building them once afterwards is much cheaper."""
    dropped = [index for table in tables for index in table.indexes if not index.unique]
    for index in dropped:
        index.drop(connection)
    return sorted(dropped, key=lambda index: index.name or "")


def _series(connection: Connection, sql: Sql, n: int, sqlite_series: str, report: GenerationReport) -> str:
    """The ``WITH s(i)`` clause; on SQLite optionally a temporary table filled by executemany."""
    if sql.dialect != "sqlite" or sqlite_series == "cte":
        return sql.series_cte(n)
    started = time.perf_counter()
    connection.exec_driver_sql("CREATE TEMP TABLE bench_series (i INTEGER PRIMARY KEY)")
    raw = connection.connection.driver_connection
    for first in range(1, n + 1, EXECUTEMANY_CHUNK):
        raw.executemany(
            "INSERT INTO bench_series (i) VALUES (?)",
            ((i,) for i in range(first, min(first + EXECUTEMANY_CHUNK, n + 1))),
        )
    report.seconds["series (executemany)"] = time.perf_counter() - started
    return sql.series_cte(n, table="bench_series")


def _steps(sql: Sql, n: int, series: str, answers: list[int]) -> list[tuple[str, Table, dict[str, str], str]]:
    contacts = f"{series}\nFROM s"
    companies = f"{series}\nFROM s WHERE i % {COMPANY_EVERY} = 1"
    persons = f"{series}\nFROM s WHERE i % {COMPANY_EVERY} <> 1"
    steps: list[tuple[str, Table, dict[str, str], str]] = [
        ("contact", Contact.__table__, _contact_values(sql), _contact_source(sql, series)),
    ]
    for slot, (group, percent) in enumerate((("NEWS", 30), ("XMAS", 30), ("EVENTS", 20))):
        steps.append(
            (
                "contact_mailing_group",
                ContactMailingGroup.__table__,
                {"contact_no": sql.contact_no("i"), "mailing_group_code": sql.literal(group)},
                f"{contacts} WHERE {sql.h('i', 20 + slot, 100)} < {percent}",
            )
        )
    industries = ["RETAIL", "MANUF", "FOOD", "SERVICES"]
    steps.append(
        (
            "contact_industry_group",
            ContactIndustryGroup.__table__,
            {"contact_no": sql.contact_no("i"), "industry_group_code": sql.choose("i", 23, industries)},
            companies,
        )
    )
    steps.append(
        (
            "contact_industry_group",
            ContactIndustryGroup.__table__,
            {
                "contact_no": sql.contact_no("i"),
                "industry_group_code": sql.pick(f"(({sql.h('i', 23, 4)} + 1) % 4)", industries),
            },
            f"{companies} AND {sql.h('i', 24, 5)} = 0",
        )
    )
    steps.append(
        (
            "contact_business_relation",
            ContactBusinessRelation.__table__,
            {
                "contact_no": sql.contact_no("i"),
                "business_relation_code": sql.choose("i", 25, ["CUST", "CUST", "PROS", "SUPP"]),
            },
            companies,
        )
    )
    steps.append(
        (
            "contact_job_responsibility",
            ContactJobResponsibility.__table__,
            {
                "contact_no": sql.contact_no("i"),
                "job_responsibility_code": sql.choose("i", 26, ["CEO", "PURCH", "SALES", "IT"]),
            },
            f"{persons} AND {sql.h('i', 27, 10)} < 7",
        )
    )
    if answers:
        steps.append(
            (
                "contact_profile_answer",
                ContactProfileAnswer.__table__,
                {"contact_no": sql.contact_no("i"), "answer_id": sql.choose("i", 28, answers)},
                companies,
            )
        )
    steps.append(
        (
            "interaction_log_entry",
            InteractionLogEntry.__table__,
            _log_values(sql),
            f"{series}\nFROM (SELECT i, j, CASE WHEN j % {COMPANY_EVERY} = 1 OR {sql.h('j', 17, 20)} = 0 "
            f"THEN j ELSE j - ((j - 1) % {COMPANY_EVERY}) END AS b "
            f"FROM (SELECT i, {sql.h('i', 30, n)} + 1 AS j FROM s) AS picked) AS src",
        )
    )
    return steps


def _log_values(sql: Sql) -> dict[str, str]:
    """Expressions for an interaction log entry i about contact j (company row b)."""
    letter = f"({sql.h('i', 31, 3)} = 0)"
    return {
        "contact_no": sql.contact_no("j"),
        "contact_company_no": f"(CASE WHEN b <> j OR j % {COMPANY_EVERY} = 1 THEN {sql.contact_no('b')} END)",
        "date": sql.day(sql.h("i", 32, 730)),
        "description": f"(CASE WHEN {letter} THEN 'Sales letter' ELSE 'Trade fair invitation' END)",
        "information_flow": "'outbound'",
        "initiated_by": "'us'",
        "interaction_group_code": f"(CASE WHEN {letter} THEN 'LETTER' ELSE 'EMAIL' END)",
        "interaction_template_code": f"(CASE WHEN {letter} THEN 'LETTER' ELSE 'INVITE' END)",
        "salesperson_code": sql.choose("b", 10, SALESPEOPLE),
        "correspondence_type": f"(CASE WHEN {letter} THEN 'hard_copy' ELSE 'email' END)",
        "language_code": "'ITA'",
        "subject": f"(CASE WHEN {letter} THEN 'La nostra offerta' ELSE 'Invito alla fiera' END)",
        "evaluation": sql.choose("i", 33, ["", "", "positive", "neutral", "negative"]),
        "cost": f"(CASE WHEN {letter} THEN 1.20 ELSE 0.10 END)",
        "duration": f"(CASE WHEN {letter} THEN 5 ELSE 1 END)",
        "delivery_status": f"(CASE WHEN {letter} THEN '' ELSE 'sent' END)",
    }


def _analyze(engine: Engine) -> None:
    """Fresh planner statistics, as a database in use would have."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("ANALYZE")
    else:
        with engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")


def count_contacts(engine: Engine) -> int:
    """Number of contacts in the database."""
    with engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(Contact.__table__))
