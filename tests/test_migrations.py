"""The committed migrations on a database of their own: upgrade, downgrade to nothing, upgrade again."""

from collections.abc import Iterator
from contextlib import AbstractContextManager, nullcontext
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, select, text

from segapp import create_app
from segapp.config import TestConfig
from segapp.extensions import db
from segapp.models import Base, MarketingSetup, NumberSeries
from segapp.models.contacts import contact_search_text
from segapp.scratch_database import scratch_postgresql_database
from segapp.textfold import fold
from tests.conftest import TEST_DATABASE_URL, _backends, _config_dict


@pytest.fixture(params=_backends())
def empty_app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    """The app on a new, empty database (not the session's) of each backend."""
    database: AbstractContextManager[str]
    if request.param == "sqlite":
        database = nullcontext("sqlite:///" + str(tmp_path / "migrations.db"))
    else:
        database = scratch_postgresql_database(TEST_DATABASE_URL, "segapp_migrations")
    with database as url:
        app = create_app(dict(_config_dict(TestConfig), SQLALCHEMY_DATABASE_URI=url))
        with app.app_context():
            try:
                yield app
            finally:
                db.session.remove()
                db.engine.dispose()


def _tables() -> set[str]:
    return set(inspect(db.engine).get_table_names()) - {"alembic_version"}


def _schema_differences() -> list:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)


def test_upgrade_downgrade_upgrade(empty_app: Flask) -> None:
    upgrade()
    assert _tables() == set(Base.metadata.tables)
    assert _schema_differences() == []
    series = db.session.scalars(select(NumberSeries.code).order_by(NumberSeries.code)).all()
    db.session.remove()
    downgrade(revision="base")
    assert _tables() == set()
    if db.engine.dialect.name == "postgresql":  # the enum types go with their tables
        assert db.session.scalars(text("SELECT typname FROM pg_type WHERE typtype = 'e'")).all() == []
        db.session.remove()
    upgrade()
    assert _schema_differences() == []
    assert db.session.scalars(select(NumberSeries.code).order_by(NumberSeries.code)).all() == series
    assert db.session.get(MarketingSetup, 1).segment_series_code == "SEGMENT"


def _insert_contact(values: dict[str, Any]) -> None:
    """A contact row as the schema of the current revision takes it (not through today's models)."""
    row = dict(values)
    for column in inspect(db.engine).get_columns("contact"):
        if column["name"] not in row and not column["nullable"]:
            row[column["name"]] = {bool: False, datetime: datetime.now(UTC)}.get(column["type"].python_type, "")
    columns = ", ".join(row)
    db.session.execute(text(f"INSERT INTO contact ({columns}) VALUES ({', '.join(':' + c for c in row)})"), row)


def test_the_search_column_is_refilled_with_the_one_fold(empty_app: Flask) -> None:
    # Rows folded the old ways (casefold in Python, the database's lower() after set-based updates).
    upgrade(revision="0004")
    rows = {"C1": "Straße GmbH", "C2": "İzmir ΑΘΗΝΑΪΚΟΣ", "C3": "ÀÒØ ЖУК"}
    for no, name in rows.items():
        _insert_contact({"no": no, "type": "company", "name": name, "search_text": f"{no} {name}".casefold()})
    db.session.commit()
    upgrade()
    stored = dict(db.session.execute(text("SELECT no, search_text FROM contact")).all())
    assert stored == {no: contact_search_text({"no": no, "name": name}) for no, name in rows.items()}
    assert fold("Straße") in stored["C1"]  # ß kept: "straße" finds it
