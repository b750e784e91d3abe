"""A probe table with one column of each kind of value, on a plain engine per backend (no Flask app)."""

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa

from segapp.filters import compile_filter
from segapp.models import CorrespondenceType
from segapp.models.base import enum_column
from tests.conftest import scratch_database

TODAY = date(2026, 11, 23)

metadata = sa.MetaData()
probe = sa.Table(
    "filter_probe",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(100)),
    sa.Column("code", sa.String(20), info={"code": True}),
    sa.Column("qty", sa.Integer),
    sa.Column("amount", sa.Numeric(18, 2)),
    sa.Column("day", sa.Date),
    sa.Column("stamp", sa.DateTime(timezone=True)),
    sa.Column("corr", enum_column(CorrespondenceType, "filter_probe_corr")),
    sa.Column("plain", sa.Enum("A", "B", name="filter_probe_plain")),
    sa.Column("flag", sa.Boolean),
)


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


H, E, BLANK = CorrespondenceType.HARD_COPY, CorrespondenceType.EMAIL, CorrespondenceType.BLANK
COLUMNS = ("name", "code", "qty", "amount", "day", "stamp", "corr", "plain", "flag")
# Row 3 holds the blank value of each kind that has one (text, code, option); row 4 is all NULL.
ROWS = [
    (1, "Milano", "MI", 5, "10.50", date(2026, 11, 23), _utc("2026-11-23 00:00:00"), H, "A", True),
    (2, "NICCOLÒ Rossi", "RM", 1500, "1200.00", date(2026, 2, 28), _utc("2026-02-28 12:00:00"), E, "B", False),
    (3, "", "", 0, "0", date(2026, 1, 1), _utc("2026-01-01 12:00:00"), BLANK, "A", False),
    (4, None, None, None, None, None, None, None, None, None),
    (5, "100%_off\\", "A_B", -3, "-0.50", date(2025, 12, 31), _utc("2025-12-31 23:59:59.999999"), H, "B", True),
    (6, "D'Amico & Co", "TO", 200, "2.05", date(2026, 11, 24), _utc("2026-11-24 00:00:00"), E, "A", True),
    (7, "milano", "M", 1200, "1200.01", date(2026, 3, 1), _utc("2026-03-01 12:00:00"), BLANK, "B", False),
    (8, "Hansen", "MZ", 1000, "10.49", date(2026, 11, 22), _utc("2026-11-22 23:59:59"), H, "A", True),
    (9, "Hanson", "AB", 1999, "10.51", date(2026, 12, 1), _utc("2026-12-01 12:00:00"), E, "B", False),
    (10, "J & V", "A1B", 2500, "99.99", date(2027, 1, 1), _utc("2027-01-01 00:00:00"), H, "A", True),
    (11, "Zürich", "ZZ", 2501, "100", date(2024, 2, 29), _utc("2024-02-29 12:00:00"), E, "B", False),
]
ALL = frozenset(row[0] for row in ROWS)


class Probe:
    """The probe table on one engine: ``probe.matches("name", "Milano")`` is the set of matching ids."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self.table = probe

    def condition(self, column: str, expression: str, **options: Any) -> sa.ColumnElement[bool]:
        return compile_filter(self.table.c[column], expression, today=TODAY, **options)

    def ids(self, condition: sa.ColumnElement[bool]) -> set[int]:
        with self.engine.connect() as connection:
            return set(connection.scalars(sa.select(self.table.c.id).where(condition)))

    def matches(self, column: str, expression: str, **options: Any) -> set[int]:
        return self.ids(self.condition(column, expression, **options))


@pytest.fixture(scope="session")
def probe_engine(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Probe]:
    """The probe table, filled, on a plain ``create_engine`` engine of this session's backend, in a
    database of its own (the session's database holds exactly the migrated schema)."""
    with scratch_database(sa.make_url(database_url).get_backend_name(), tmp_path_factory) as url:
        yield from _filled_probe(sa.create_engine(url))


def _filled_probe(engine: sa.Engine) -> Iterator[Probe]:
    metadata.create_all(engine)
    rows = [dict(zip(("id", *COLUMNS), row, strict=True)) for row in ROWS]
    for row in rows:
        row["amount"] = None if row["amount"] is None else Decimal(row["amount"])
    with engine.begin() as connection:
        connection.execute(probe.insert(), rows)
    try:
        yield Probe(engine)
    finally:
        engine.dispose()


@pytest.fixture
def matches(probe_engine: Probe) -> Callable[..., set[int]]:
    """``matches("name", "Milano")``: the ids of the probe rows the expression selects."""
    return probe_engine.matches
