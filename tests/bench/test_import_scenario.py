"""The rows of the import scenario and how they are split into files."""

from bench.scenarios.importing import COLUMNS, MAPPING, import_files, import_rows


def test_rows_are_reproducible_and_have_unique_emails() -> None:
    rows = list(import_rows(500, seed=3))
    assert rows == list(import_rows(500, seed=3))
    assert len(rows) == 500 and all(len(row) == len(COLUMNS) for row in rows)
    emails = [row[COLUMNS.index("E-mail")] for row in rows]
    assert len(set(emails)) == 500
    assert set(MAPPING) == set(COLUMNS)


def test_more_rows_than_one_file_takes_come_as_several_files_in_order() -> None:
    rows = import_rows(25, seed=3)
    files = [list(f) for f in import_files(rows, 25, per_file=10)]
    assert [len(f) for f in files] == [10, 10, 5]
    assert [row[0] for f in files for row in f] == [row[0] for row in import_rows(25, seed=3)]
