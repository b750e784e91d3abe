"""Upload -> mapping (with htmx preview) -> run -> report, through the test client."""

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from segapp.models import Contact, Role, User

OUTLOOK = (
    "First Name;Last Name;Company;E-mail Address;Business City;Birthday\r\n"
    "Anna;Rossi;Acme;anna@acme.it;Milano;1990-01-01\r\n"
    "Niccolò;Bianchi;Acme;n@acme.it;Forlì;\r\n"
    ";;Beta SpA;info@beta.it;Roma;\r\n"
)


def _upload(client: FlaskClient, content: bytes, name: str = "contacts.csv") -> Any:
    return client.post(
        "/contacts/import", data={"file": (io.BytesIO(content), name)}, content_type="multipart/form-data"
    )


def _count(db: Any) -> int:
    db.session.rollback()  # end the test's read transaction, to see what the requests committed
    return db.session.scalar(select(func.count()).select_from(Contact))


def test_upload_map_preview_run_report(
    run_data: Callable[..., dict[str, str]],
    client: FlaskClient,
    login: Callable[..., User],
    db: Any,
    import_folder: Path,
) -> None:
    login()
    assert 'type="file"' in client.get("/contacts/import").get_data(as_text=True)
    response = _upload(client, OUTLOOK.encode("cp1252"))
    assert response.status_code == 302 and response.headers["Location"].endswith("/contacts/import/mapping")
    page = client.get("/contacts/import/mapping").get_data(as_text=True)
    assert 'data-fact="encoding">Windows-1252' in page and 'data-fact="delimiter">;' in page
    data = run_data(page)
    assert len(data.pop("upload")) == 32
    assert data == {
        "col_0": "first_name",
        "col_1": "surname",
        "col_2": "company_name",
        "col_3": "email",
        "col_4": "city",
        "col_5": "",
        "duplicates": "skip",
    }
    assert "Anna Rossi" in page and "Beta SpA" in page  # preview
    # Changing a select asks htmx for the preview fragment.
    fragment = client.get(
        "/contacts/import/preview", query_string=dict(data, col_4="", col_3="phone"), headers={"HX-Request": "true"}
    )
    html = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "<h1>" not in html and "Anna Rossi" in html and "Milano" not in html
    assert "not a valid e-mail" not in html
    both = client.get(
        "/contacts/import/preview", query_string=dict(data, col_4="email"), headers={"HX-Request": "true"}
    )
    assert "both go to" in both.get_data(as_text=True)
    # Run.
    report = client.post("/contacts/import/run", data=run_data(page))
    text = report.get_data(as_text=True)
    assert report.status_code == 200
    assert 'data-count="created">4<' in text and 'data-count="skipped">0<' in text
    assert _count(db) == 4
    # The file is gone after the run; the token no longer works.
    assert not list(import_folder.glob("*.upload"))
    again = client.post("/contacts/import/run", data=run_data(page))
    assert again.status_code == 302 and again.headers["Location"].endswith("/contacts/import")
    assert "no longer available" in client.get("/contacts/import").get_data(as_text=True)


def test_rejected_rows_import_nothing_and_are_listed_then_skip_invalid(
    run_data: Callable[..., dict[str, str]], client: FlaskClient, login: Callable[..., User], db: Any
) -> None:
    login()
    _upload(client, b"Name,Email\nGood,good@x.it\nBad,not-mail\n")
    page = client.get("/contacts/import/mapping").get_data(as_text=True)
    report = client.post("/contacts/import/run", data=run_data(page)).get_data(as_text=True)
    assert 'id="nothing-imported"' in report and "not-mail" in report and '<td class="num">3</td>' in report
    assert _count(db) == 0
    # The file is kept so the user can choose to skip the invalid rows.
    page = client.get("/contacts/import/mapping").get_data(as_text=True)
    report = client.post("/contacts/import/run", data=run_data(page, skip_invalid_rows="y")).get_data(as_text=True)
    assert 'data-count="created">1<' in report and 'data-count="rejected">1<' in report
    assert _count(db) == 1


def test_duplicates_updated_through_the_page(
    run_data: Callable[..., dict[str, str]],
    client: FlaskClient,
    login: Callable[..., User],
    db: Any,
    make_contact: Callable[..., Contact],
) -> None:
    login()
    make_contact("Acme", email="info@acme.it", city="Pisa")
    _upload(client, b"Name,Email,City\nAcme,INFO@acme.it,Milano\n")
    page = client.get("/contacts/import/mapping").get_data(as_text=True)
    report = client.post("/contacts/import/run", data=run_data(page, duplicates="update")).get_data(as_text=True)
    assert 'data-count="updated">1<' in report
    db.session.rollback()
    assert db.session.scalar(select(Contact.city)) == "Milano"


def test_missing_name_column_is_refused_at_run(
    run_data: Callable[..., dict[str, str]], client: FlaskClient, login: Callable[..., User], db: Any
) -> None:
    login()
    _upload(client, b"City,Email\nMilano,a@b.it\n")
    page = client.get("/contacts/import/mapping").get_data(as_text=True)
    assert "data-preview-error" in page
    response = client.post("/contacts/import/run", data=run_data(page))
    assert response.status_code == 422 and 'id="import-error"' in response.get_data(as_text=True)
    assert _count(db) == 0


def test_broken_uploads_are_refused_with_the_reason(
    client: FlaskClient, login: Callable[..., User], app: Flask, import_folder: Path
) -> None:
    login()
    response = _upload(client, b"%PDF-1.4", "scan.pdf")
    assert response.status_code == 422 and "Only CSV and Excel" in response.get_data(as_text=True)
    response = _upload(client, bytes(range(256)) * 50, "junk.csv")
    assert response.status_code == 422 and "not readable text" in response.get_data(as_text=True)
    app.config["IMPORT_MAX_MB"] = 0.001
    try:
        response = _upload(client, b"Name\n" + b"Acme\n" * 1000)
    finally:
        app.config.pop("IMPORT_MAX_MB")
    assert response.status_code == 422 and "too large" in response.get_data(as_text=True)
    assert not list(import_folder.glob("*.upload"))
    assert client.post("/contacts/import", data={}).status_code == 422


def test_missing_token_gives_a_message(client: FlaskClient, login: Callable[..., User]) -> None:
    login()
    response = client.get("/contacts/import/mapping")
    assert response.status_code == 302
    fragment = client.get("/contacts/import/preview", headers={"HX-Request": "true"})
    assert fragment.status_code == 409 and "upload it again" in fragment.get_data(as_text=True)


def test_viewer_sees_no_upload_form(client: FlaskClient, login: Callable[..., User]) -> None:
    login("vera", role=Role.VIEWER)
    page = client.get("/contacts/import").get_data(as_text=True)
    assert 'type="file"' not in page
    assert _upload(client, b"Name\nAcme\n").status_code == 403


def test_xlsx_upload_shows_no_encoding_and_imports(
    run_data: Callable[..., dict[str, str]], client: FlaskClient, login: Callable[..., User], db: Any
) -> None:
    from openpyxl import Workbook

    login()
    workbook = Workbook()
    workbook.active.append(["Ragione sociale", "Città", "CAP"])
    workbook.active.append(["Acme S.r.l.", "Milano", 20100])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert _upload(client, buffer.getvalue(), "aziende.xlsx").status_code == 302
    page = client.get("/contacts/import/mapping").get_data(as_text=True)
    assert 'data-fact="format">Excel .xlsx' in page and 'data-fact="encoding"' not in page
    assert "20100" in page
    report = client.post("/contacts/import/run", data=run_data(page)).get_data(as_text=True)
    assert 'data-count="created">1<' in report
    db.session.rollback()
    acme = db.session.scalars(select(Contact)).one()
    assert (acme.name, acme.city, acme.post_code) == ("Acme S.r.l.", "Milano", "20100")


def test_mapping_page_in_italian(client: FlaskClient, login: Callable[..., User]) -> None:
    login(language="it")
    _upload(client, "Nome\tCognome\nAnna\tRossi\n".encode("utf-16"), "contatti.txt")
    page = client.get("/contacts/import/mapping").get_data(as_text=True)
    assert "Set di caratteri" in page and 'data-fact="delimiter">Tabulazione' in page and "UTF-16" in page
    assert "Anna Rossi" in page and "Persona" in page
