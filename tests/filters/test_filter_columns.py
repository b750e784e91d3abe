"""Filters on the app's own model attributes, and on a plain engine in a fresh interpreter."""

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from segapp.filters import compile_filter
from segapp.models import Contact, ContactType, InteractionLogEntry, SegmentLine

ROOT = Path(__file__).resolve().parents[2]


def _nos(db: Any, condition: sa.ColumnElement[bool]) -> set[str]:
    return set(db.session.scalars(sa.select(Contact.no).where(condition)))


def test_orm_attributes_option_captions_of_both_languages(db: Any, make_contact: Callable[..., Contact]) -> None:
    acme = make_contact("Acme", no="C1")
    make_contact("Ann Lee", company=acme, no="P1")
    assert _nos(db, compile_filter(Contact.type, "Società|Persona")) == {"C1", "P1"}
    assert _nos(db, compile_filter(Contact.type, "Company")) == {"C1"}
    assert _nos(db, compile_filter(Contact.type, "persona", locale="it")) == {"P1"}
    assert _nos(db, compile_filter(Contact.type, "<>person")) == {"C1"}


def test_keys_are_codes_compared_upper_case(db: Any, make_contact: Callable[..., Contact]) -> None:
    acme = make_contact("Acme", no="C1")
    make_contact("Ann Lee", company=acme, no="P1")
    make_contact("Bob", no="C10")
    make_contact("Eve", type=ContactType.PERSON, no="P2")
    assert _nos(db, compile_filter(Contact.no, "c1")) == {"C1"}  # primary key
    assert _nos(db, compile_filter(Contact.no, "c1*")) == {"C1", "C10"}
    assert _nos(db, compile_filter(Contact.company_no, "c1")) == {"C1", "P1"}  # foreign key
    assert _nos(db, compile_filter(Contact.company_no, "''")) == {"P2"}  # a person of no company


def test_numbers_without_a_foreign_key_are_marked_as_codes() -> None:
    for column in (
        InteractionLogEntry.segment_no,
        InteractionLogEntry.contact_company_no,
        SegmentLine.contact_company_no,
    ):
        compiled = compile_filter(column, "sg0*").compile()
        assert "fold" not in str(compiled) and "lower" not in str(compiled)
        assert "SG0%" in compiled.params.values()


def test_kind_of_value_comes_from_the_column() -> None:
    sql = str(compile_filter(Contact.name, "Acme"))
    assert "folded" in sql or "segapp_fold" in sql or "lower" in sql
    assert "folded" not in str(compile_filter(Contact.no, "C1"))  # codes are not folded: they are upper-case
    assert "IN" in str(compile_filter(Contact.type, "Company"))
    assert str(compile_filter(SegmentLine.date, "t")).count(":") == 1  # one bound date


def test_values_are_bound_parameters_only() -> None:
    expression = "x'; DROP TABLE contact; --|'Robert''); DELETE FROM contact;--'"
    compiled = compile_filter(Contact.name, expression).compile()
    assert "DROP" not in str(compiled) and "DELETE" not in str(compiled)
    assert set(compiled.params.values()) == {"x'; drop table contact; --", "Robert'); DELETE FROM contact;--"}


def test_importing_filters_is_enough_for_a_plain_sqlite_engine(tmp_path: Path) -> None:
    script = f"""
import sqlalchemy as sa
from segapp.filters import compile_filter
engine = sa.create_engine("sqlite:///{tmp_path / "plain.db"}")
table = sa.Table("t", sa.MetaData(), sa.Column("name", sa.String(50)))
table.metadata.create_all(engine)
with engine.begin() as connection:
    connection.execute(table.insert(), [{{"name": "NICCOLÒ"}}, {{"name": "Nico"}}, {{"name": "Milano"}}])
    print(connection.scalar(sa.select(sa.func.count()).where(compile_filter(table.c.name, "*niccolò*|mil*"))))
"""
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env={"PYTHONPATH": str(ROOT)}, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "2"


def test_a_column_type_without_filters_is_a_programming_error() -> None:
    with pytest.raises(TypeError):
        compile_filter(sa.Column("blob", sa.LargeBinary), "x")
