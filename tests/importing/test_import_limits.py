"""Crafted files that would tie up or kill a worker are refused with the reason, never read in full."""

import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from openpyxl import Workbook

from segapp.models import User
from segapp.services.errors import ServiceError
from segapp.services.importing import files
from segapp.services.importing.files import open_import_file

MB = 1024 * 1024


@pytest.fixture
def english(app: Any) -> Any:
    """A request in English, so that numbers in messages are formatted as a user sees them."""
    with app.test_request_context():
        yield


def _open(path: Path) -> Any:
    return open_import_file(path, path.name, 20 * MB)


def _refused(path: Path) -> str:
    with pytest.raises(ServiceError) as refused:
        list(_open(path).rows())
    return refused.value.message


def _xlsx(path: Path, rows: list[list[Any]], replace: dict[str, Callable[[bytes], bytes]] | None = None) -> Path:
    """A workbook made by openpyxl, then with some parts rewritten as a hostile tool would write them."""
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            data = source.read(name)
            if replace and name in replace:
                data = replace[name](data)
            target.writestr(name, data)
        for name, make in (replace or {}).items():
            if name not in source.namelist():
                target.writestr(name, make(b""))
    return path


def test_a_header_of_more_than_200_columns_is_refused(write_file: Callable[..., Path]) -> None:
    assert _open(write_file("ok.csv", ",".join(f"C{n}" for n in range(200)) + "\nx\n")).columns[-1] == "C199"
    for count in (201, 100_000):
        path = write_file("wide.csv", ",".join(f"C{n}" for n in range(count)) + "\nx\n")
        with pytest.raises(ServiceError, match="more than 200 columns"):
            _open(path)


def test_a_data_row_of_more_than_200_columns_is_refused(write_file: Callable[..., Path]) -> None:
    path = write_file("row.csv", "Name,City\nAcme,Milano\n" + "," * 100_000 + "\n")
    assert "more than 200 columns" in _refused(path)
    quoted = write_file("quoted.csv", 'Name,Notes\nAcme,"' + "a," * 500 + '"\n')
    assert list(_open(quoted).rows())[0][1] == "a," * 500  # delimiters inside quotes are text


def test_a_csv_cell_over_32767_characters_is_refused(english: None, write_file: Callable[..., Path]) -> None:
    fits = write_file("fits.csv", "Name,Notes\nAcme," + "x" * 32_767 + "\n")
    assert len(list(_open(fits).rows())[0][1]) == 32_767
    long = write_file("long.csv", "Name,Notes\nAcme,Milano\nBeta," + "x" * (MB + 1) + "\n")
    assert "Row 3 has a cell longer than 32,767 characters" in _refused(long)
    header = write_file("header.csv", "Name," + "x" * 40_000 + "\nAcme,\n")
    with pytest.raises(ServiceError, match="longer than 32,767"):
        _open(header)


def test_an_xlsx_cell_over_32767_characters_is_refused(english: None, tmp_path: Path) -> None:
    path = _xlsx(
        tmp_path / "long.xlsx",
        [["Name"], ["Acme"]],
        {"xl/worksheets/sheet1.xml": lambda d: d.replace(b">Acme<", b">" + b"y" * 40_000 + b"<")},
    )
    assert "Row 2 has a cell longer than 32,767" in _refused(path)


def test_an_xlsx_declaring_a_huge_dimension_is_read_by_its_real_cells(tmp_path: Path) -> None:
    path = _xlsx(
        tmp_path / "dimension.xlsx",
        [["Name", "City"], ["Acme", "Milano"]],
        {
            "xl/worksheets/sheet1.xml": lambda d: re.sub(
                rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', d
            )
        },
    )
    table = _open(path)
    assert table.columns == ["Name", "City"]
    assert list(table.rows()) == [["Acme", "Milano"]]


def test_an_xlsx_with_a_cell_beyond_column_200_is_refused(tmp_path: Path) -> None:
    path = _xlsx(
        tmp_path / "far.xlsx",
        [["Name"], ["Acme"]],
        {"xl/worksheets/sheet1.xml": lambda d: d.replace(b'r="A2"', b'r="XFD2"')},
    )
    with pytest.raises(ServiceError, match="more than 200 columns"):
        _open(path)


def _shared_strings(count: int) -> Callable[[bytes], bytes]:
    def make(_old: bytes) -> bytes:
        head = b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        return head + b"<si><t>x</t></si>" * count + b"</sst>"

    return make


def test_an_xlsx_with_more_shared_strings_than_cells_is_refused(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "strings.xlsx", [["Name"], ["Acme"]], {"xl/sharedStrings.xml": _shared_strings(1_000_001)})
    assert path.stat().st_size < 100_000
    with pytest.raises(ServiceError, match="table of texts has more entries"):
        _open(path)
    # As many as its cells is a normal workbook.
    fine = _xlsx(tmp_path / "fine.xlsx", [["Name"], ["Acme"]], {"xl/sharedStrings.xml": _shared_strings(2)})
    assert _open(fine).columns == ["Name"]


def test_an_xlsx_with_more_than_the_shared_string_limit_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(files, "MAX_SHARED_STRINGS", 3)
    rows = [["Name"]] + [[f"Company {n}"] for n in range(5)]  # 6 cells
    with pytest.raises(ServiceError, match="than 3"):
        _open(_xlsx(tmp_path / "many.xlsx", rows, {"xl/sharedStrings.xml": _shared_strings(4)}))


def test_an_xlsx_unpacking_to_more_than_the_limit_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _xlsx(tmp_path / "bomb.xlsx", [["Name"], ["Acme"]], {"xl/media/padding.bin": lambda _d: b"\0" * MB})
    assert path.stat().st_size < 10_000
    monkeypatch.setattr(files, "MAX_UNPACKED", MB)
    with pytest.raises(ServiceError, match="unpacks to more than 1 MB"):
        _open(path)


def _upload(client: FlaskClient, content: bytes, name: str = "contacts.csv") -> Any:
    return client.post(
        "/contacts/import", data={"file": (io.BytesIO(content), name)}, content_type="multipart/form-data"
    )


def test_a_long_field_is_a_refusal_on_every_page_not_a_server_error(
    client: FlaskClient, login: Callable[..., User], run_data: Callable[..., dict[str, str]]
) -> None:
    login()
    # In the first rows: refused at the upload.
    response = _upload(client, b"Name,Notes\nAcme," + b"x" * (MB + 1) + b"\n")
    assert response.status_code == 422 and "Row 2 has a cell longer than 32,767" in response.get_data(as_text=True)
    # Further down: the mapping and its preview work, the run says which row.
    rows = b"".join(b"Company %d,\n" % n for n in range(20))
    assert _upload(client, b"Name,Notes\n" + rows + b"Acme," + b"x" * (MB + 1) + b"\n").status_code == 302
    mapping = client.get("/contacts/import/mapping")
    assert mapping.status_code == 200 and "Company 9" in mapping.get_data(as_text=True)
    preview = client.get("/contacts/import/preview", query_string={"col_0": "name"}, headers={"HX-Request": "true"})
    assert preview.status_code == 200 and "Company 0" in preview.get_data(as_text=True)
    run = client.post("/contacts/import/run", data=run_data(mapping.get_data(as_text=True)))
    assert run.status_code == 422 and "Row 22 has a cell longer than 32,767" in run.get_data(as_text=True)


def test_the_mapping_page_does_not_read_the_whole_file_again(
    client: FlaskClient, login: Callable[..., User], monkeypatch: pytest.MonkeyPatch
) -> None:
    login()
    workbook = Workbook()
    for row in [["Name", "City"]] + [["Acme", "Milano"]] * 5000:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert _upload(client, buffer.getvalue(), "contacts.xlsx").status_code == 302

    def no_second_read(*_args: Any) -> None:
        raise AssertionError("the file was checked again")

    for name in ("detect_encoding", "_decodes", "_csv_rows", "_xlsx_rows", "check_xlsx_parts"):
        monkeypatch.setattr(files, name, no_second_read)
    page = client.get("/contacts/import/mapping")
    assert page.status_code == 200 and "Acme" in page.get_data(as_text=True)
    preview = client.get("/contacts/import/preview", query_string={"col_0": "name"}, headers={"HX-Request": "true"})
    assert preview.status_code == 200 and "Acme" in preview.get_data(as_text=True)


def test_an_xlsx_row_of_more_than_200_cells_is_refused_before_openpyxl_reads_it(tmp_path: Path) -> None:
    cells = b'<c r="A2" t="inlineStr"><is><t>x</t></is></c>' * 201
    path = _xlsx(
        tmp_path / "row.xlsx",
        [["Name"], ["Acme"]],
        {"xl/worksheets/sheet1.xml": lambda d: re.sub(rb'(<row r="2"[^>]*>)', rb"\1" + cells, d)},
    )
    with pytest.raises(ServiceError, match="more than 200 columns"):
        _open(path)


def test_a_shared_string_table_under_another_name_is_counted_too(tmp_path: Path) -> None:
    """openpyxl finds the table by its content type, whatever the part's name."""

    def declare(types: bytes) -> bytes:
        override = (
            b'<Override PartName="/xl/texts.xml" '
            b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        )
        return types.replace(b"</Types>", override + b"</Types>")

    path = _xlsx(
        tmp_path / "renamed.xlsx",
        [["Name"], ["Acme"]],
        {"[Content_Types].xml": declare, "xl/texts.xml": _shared_strings(1000)},
    )
    with pytest.raises(ServiceError, match="table of texts has more entries"):
        _open(path)


def test_the_first_rows_are_kept_for_the_preview_unless_they_hold_too_much_text(
    write_file: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_file("head.csv", "Name\n\n" + "".join(f"Company {n}\n" for n in range(30)))
    table = _open(path)
    assert table.head == [[]] + [[f"Company {n}"] for n in range(10)]
    assert list(table.first_rows()) == table.head
    monkeypatch.setattr(files, "HEAD_CHARACTERS", 50)
    table = _open(path)
    assert table.head is None and len(list(table.first_rows())) == 31  # read from the file instead
