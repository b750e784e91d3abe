"""Migration 0006: the campaign series starts at 1 where it was never used, on both databases."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from segapp import create_app
from segapp.config import TestConfig
from segapp.extensions import db
from segapp.scratch_database import scratch_postgresql_database
from tests.conftest import TEST_DATABASE_URL, _backends, _config_dict


@contextmanager
def _fresh_database(backend: str, tmp_path: Path) -> Iterator[str]:
    if backend == "sqlite":
        yield "sqlite:///" + str(tmp_path / "migrate.db")
    else:
        with scratch_postgresql_database(TEST_DATABASE_URL, "segapp_migrate") as url:
            yield url


def _next_campaign_number() -> int:
    number = db.session.execute(text("SELECT next_number FROM number_series WHERE code = 'CAMPAIGN'")).scalar_one()
    db.session.remove()  # the next migration step runs on a connection of its own
    return number


@pytest.mark.parametrize("backend", _backends())
@pytest.mark.parametrize(("demo_campaign", "expected"), [(False, 1), (True, 2)])
def test_the_campaign_series_starts_at_1_unless_cp0001_exists(
    backend: str, demo_campaign: bool, expected: int, tmp_path: Path
) -> None:
    with _fresh_database(backend, tmp_path) as url:
        app = create_app(dict(_config_dict(TestConfig), SQLALCHEMY_DATABASE_URI=url))
        with app.app_context():
            upgrade(revision="0005")
            assert _next_campaign_number() == 2
            if demo_campaign:
                db.session.execute(
                    text(
                        "INSERT INTO campaign (no, description, status, notes) VALUES ('CP0001', 'Fair', 'active', '')"
                    )
                )
                db.session.commit()
            upgrade(revision="0006")
            assert _next_campaign_number() == expected
            downgrade(revision="0005")
            assert _next_campaign_number() == 2
            db.session.remove()
            db.engine.dispose()
