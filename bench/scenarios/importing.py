"""Scenario import: N contacts through segapp's import service vs a raw bulk insert of the same rows."""

import importlib.util
import random
import time
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

from sqlalchemy import delete, insert, update
from sqlalchemy.engine import Connection

from bench.datagen import NO_PREFIX, NO_WIDTH
from bench.measure import Context, NotAvailable, Sample, Scenario, run_child
from segapp.extensions import db
from segapp.models import Contact, ContactType, NumberSeries
from segapp.services.setup.number_series import CONTACT_SERIES, format_number

IMPORT_MODULE = "segapp.services.importing.run"
COLUMNS = ["Name", "Address", "Post code", "City", "E-mail", "Phone"]
MAPPING = {
    "Name": "name",
    "Address": "address",
    "Post code": "post_code",
    "City": "city",
    "E-mail": "email",
    "Phone": "phone",
}
CHUNK = 5_000
CITIES = [("Milano", "20121"), ("Roma", "00184"), ("Torino", "10121"), ("London", "EC1A 1BB"), ("Leeds", "LS1 4AP")]
WORDS = ["Officine", "Tessuti", "Logistica", "Engineering", "Foods", "Software"]


def import_rows(n: int, seed: int) -> Iterator[list[str]]:
    """The N rows of the file being imported, streamed; none duplicates a generated contact's e-mail."""
    rng = random.Random(seed)
    for k in range(1, n + 1):
        city, post_code = rng.choice(CITIES)
        yield [
            f"{rng.choice(WORDS)} Import {k} S.r.l.",
            f"Via Nuova {rng.randint(1, 300)}",
            post_code,
            city,
            f"import{k}@example.org",
            f"+39 02 {rng.randint(1000000, 9999999)}",
        ]


def import_files(rows: Iterator[list[str]], n: int, per_file: int) -> Iterator[Iterable[list[str]]]:
    """The rows as consecutive files of at most ``per_file`` rows, each still streamed."""
    for _first in range(0, n, per_file):
        yield islice(rows, per_file)


def segapp_task(spec: dict[str, Any]) -> float:
    """Child side: import the rows with segapp's service and commit."""
    from segapp.services.importing import run as contact_import

    # The service takes at most MAX_ROWS rows in one go (spec: 100,000): larger N come as several files.
    per_file = getattr(contact_import, "MAX_ROWS", None) or spec["n"]
    created = 0
    started = time.perf_counter()
    for file_rows in import_files(import_rows(spec["n"], spec["seed"]), spec["n"], per_file):
        result = contact_import.import_contacts(
            db.session, COLUMNS, file_rows, contact_import.ImportOptions(mapping=dict(MAPPING), duplicates="skip")
        )
        db.session.commit()
        if result.errors:
            raise RuntimeError(f"import refused rows: {result.errors[:5]}")
        created += result.created
    seconds = time.perf_counter() - started
    if created != spec["n"]:
        raise RuntimeError(f"import created {created} of {spec['n']}")
    return seconds


def baseline_task(spec: dict[str, Any]) -> float:
    """Child side: reserve the numbers in one UPDATE, then a bulk insert of the same rows in chunks."""
    n = spec["n"]
    started = time.perf_counter()
    with db.engine.begin() as connection:
        prefix, width, after = connection.execute(
            update(NumberSeries)
            .where(NumberSeries.code == CONTACT_SERIES)
            .values(next_number=NumberSeries.next_number + n)
            .returning(NumberSeries.prefix, NumberSeries.width, NumberSeries.next_number)
        ).one()
        _bulk_insert(connection, import_rows(n, spec["seed"]), prefix, width, after - n)
    return time.perf_counter() - started


def _bulk_insert(connection: Connection, rows: Iterator[list[str]], prefix: str, width: int, first: int) -> None:
    number = first
    table = Contact.__table__
    while chunk := list(islice(rows, CHUNK)):
        values = []
        for name, address, post_code, city, email, phone in chunk:
            no = format_number(prefix, width, number)
            number += 1
            values.append(
                {
                    "no": no,
                    "type": ContactType.COMPANY,
                    "name": name,
                    "company_no": no,
                    "company_name": name,
                    "address": address,
                    "post_code": post_code,
                    "city": city,
                    "email": email,
                    "phone": phone,
                }
            )
        connection.execute(insert(table), values)


class ImportScenario(Scenario):
    """import: segapp's import service vs raw bulk insert; each side in its own process (peak RSS)."""

    name = "import"

    def check(self, ctx: Context) -> None:
        """The import service must exist."""
        if importlib.util.find_spec(IMPORT_MODULE) is None:
            raise NotAvailable(IMPORT_MODULE)

    def run_segapp(self, ctx: Context) -> Sample:
        """The import service in a child process."""
        return run_child("import_segapp", ctx)

    def run_baseline(self, ctx: Context) -> Sample:
        """The bulk insert in a child process."""
        return run_child("import_baseline", ctx)

    def reset(self, ctx: Context) -> None:
        """Delete the imported contacts and give the numbers back."""
        last_generated = format_number(NO_PREFIX, NO_WIDTH, ctx.n)
        with ctx.app.app_context(), db.engine.begin() as connection:
            connection.execute(delete(Contact).where(Contact.no > last_generated, Contact.no.like(NO_PREFIX + "%")))
            connection.execute(
                update(NumberSeries).where(NumberSeries.code == CONTACT_SERIES).values(next_number=ctx.n + 1)
            )
        if ctx.db == "postgresql":
            # Each round starts from a table without the previous round's dead rows.
            with ctx.app.app_context(), db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                c.exec_driver_sql("VACUUM ANALYZE contact")
