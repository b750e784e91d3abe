"""100,000 rows in one import, set-based: it must finish in reasonable time on both databases."""

import time
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select

from segapp.models import Contact, ContactType
from segapp.services.importing.run import ImportOptions, import_contacts

ROWS = 100_000
COLUMNS = [
    "Company",
    "First Name",
    "Last Name",
    "E-mail Address",
    "Business City",
    "Business Postal Code",
    "Mobile Phone",
]
MAPPING = {
    "Company": "company_name",
    "First Name": "first_name",
    "Last Name": "surname",
    "E-mail Address": "email",
    "Business City": "city",
    "Business Postal Code": "post_code",
    "Mobile Phone": "mobile",
}


def _rows(count: int) -> Iterator[list[str]]:
    for n in range(count):
        # One company in ten rows; the other nine are its persons.
        company = f"Company {n // 10}"
        if n % 10 == 0:
            yield [company, "", "", f"info{n}@example.com", "Milano", "20100", ""]
        else:
            yield [company, f"First{n}", f"Last{n}", f"p{n}@example.com", "Milano", "20100", f"333 {n}"]


@pytest.mark.slow
def test_one_hundred_thousand_rows_in_one_import(db: Any, backend: str) -> None:
    started = time.perf_counter()
    result = import_contacts(db.session, COLUMNS, _rows(ROWS), ImportOptions(MAPPING))
    db.session.commit()
    elapsed = time.perf_counter() - started
    print(f"\n{backend}: {ROWS} rows imported in {elapsed:.1f} s")
    assert (result.created, result.updated, result.skipped, result.errors) == (ROWS, 0, 0, [])
    counts = dict(db.session.execute(select(Contact.type, func.count()).group_by(Contact.type)).all())
    assert counts == {ContactType.COMPANY: ROWS // 10, ContactType.PERSON: ROWS - ROWS // 10}
    linked = db.session.scalar(
        select(func.count())
        .select_from(Contact)
        .where(Contact.type == ContactType.PERSON, Contact.company_no.is_not(None))
    )
    assert linked == ROWS - ROWS // 10
    assert elapsed < 120
