"""The template card's documents through the client: upload, the fields and warnings shown, download, versions,
delete, the starter; who may do what."""

import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from segapp.merge import template_fields
from segapp.models import InteractionLogEntry, Role, TemplateDocument, User
from segapp.services.documents.catalogue import FIELD_NAMES
from tests.documents.docx_files import docx_with_fields, macro_enabled_docx
from tests.sqlcount import count_statements

CARD = "/setup/interaction-templates/LETTER/edit"


@pytest.fixture
def admin(client: FlaskClient, login: Callable[..., User], reference: Any) -> FlaskClient:
    """The client signed in as an administrator, with template LETTER (rows ITA and ENU)."""
    login("admin", role=Role.ADMIN, full_name="Ada Admin")
    return client


def _post_file(client: FlaskClient, data: bytes, language: str = "ITA", name: str = "lettera.docx") -> Any:
    return client.post(
        f"/documents/templates/LETTER/{language}/upload",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def _text(response: Any) -> str:
    return response.get_data(as_text=True)


def _section(html: str, language: str) -> str:
    """The card's part for one language's document."""
    start = html.index(f'id="document-{language}"')
    return html[start : html.index("</article>", start)]


def test_an_uploaded_document_shows_its_fields_with_unknown_ones_flagged(admin: FlaskClient) -> None:
    response = _post_file(admin, docx_with_fields("ContactName", "Nickname"))
    assert response.status_code == 302 and response.headers["Location"].endswith(f"{CARD}#document-ITA")

    html = _text(admin.get(response.headers["Location"]))

    assert "Version 1 of the document in ITA is uploaded." in html
    italian = _section(html, "ITA")
    assert "version 1, lettera.docx" in italian
    assert re.search(r"<li><code>ContactName</code> <span class=\"muted\">Contact name</span></li>", italian)
    assert re.search(r'<li class="unknown"><code>Nickname</code> <span class="badge">unknown field</span>', italian)
    assert "Nickname is not a field segapp knows" in italian
    assert "Ada Admin" in italian
    assert "No document yet" in _section(html, "ENU")
    # The languages table says which rows have a document.
    assert '<a href="#document-ITA">Version 1 · 1 warning</a>' in html
    assert '<a href="#document-ENU">None: upload</a>' in html


def test_a_refused_file_answers_422_with_the_reason_at_its_language(admin: FlaskClient, db: Any) -> None:
    response = _post_file(admin, macro_enabled_docx(), language="ENU")

    assert response.status_code == 422
    english = _section(_text(response), "ENU")
    assert 'id="document-file-ENU-error"' in english and "contains macros (.docm)" in english
    assert 'aria-invalid="true"' in english and "autofocus" in english
    assert "document-file-ITA-error" not in _text(response)
    db.session.rollback()
    assert db.session.scalars(select(TemplateDocument)).all() == []


def test_no_file_chosen_is_a_message_not_an_error_page(admin: FlaskClient) -> None:
    response = admin.post("/documents/templates/LETTER/ITA/upload", data={}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Choose a Word document (.docx) to upload." in _section(_text(response), "ITA")


def test_a_file_over_the_cap_is_refused_without_reading_it_all(admin: FlaskClient, app: Any) -> None:
    app.config["MAX_DOCUMENT_BYTES"] = 1000
    try:
        response = _post_file(admin, docx_with_fields("City"))
    finally:
        app.config["MAX_DOCUMENT_BYTES"] = 5 * 1024 * 1024
    assert response.status_code == 422
    assert "The file is larger than 1,000 bytes" in _section(_text(response), "ITA")


def test_a_version_downloads_as_uploaded(admin: FlaskClient, db: Any) -> None:
    data = docx_with_fields("City")
    _post_file(admin, data, name="città.docx")
    document_id = db.session.scalar(select(TemplateDocument.id))

    response = admin.get(f"/documents/versions/{document_id}/download")

    assert response.status_code == 200 and response.data == data
    assert response.mimetype.endswith("wordprocessingml.document")
    assert "attachment" in response.headers["Content-Disposition"] and "citt" in response.headers["Content-Disposition"]
    assert admin.get("/documents/versions/999999/download").status_code == 404


def test_old_versions_are_listed_and_deleted_from_the_card(
    admin: FlaskClient, db: Any, make_registrable: Callable[..., Any]
) -> None:
    make_registrable(lines=1)
    for _ in range(7):
        _post_file(admin, docx_with_fields("City"))
    ids = db.session.scalars(select(TemplateDocument.id).order_by(TemplateDocument.version)).all()
    db.session.add(InteractionLogEntry(contact_no="R00001", template_document_id=ids[0]))
    db.session.commit()

    italian = _section(_text(admin.get(CARD)), "ITA")

    assert italian.count('aria-label="Download version') == 5  # the newest five; the others on the versions page
    assert "All 7 versions" in italian and "Delete the unused old versions (5)" in italian
    page = _text(admin.get("/documents/templates/LETTER/ITA/versions"))
    assert page.count("/download") == 7
    assert page.count("/delete") == 5  # not the newest, not the one an entry uses
    response = admin.post(f"/documents/versions/{ids[1]}/delete", data={"back": "versions"})
    assert response.headers["Location"].endswith("/documents/templates/LETTER/ITA/versions?page=1")
    refused = admin.post(f"/documents/versions/{ids[0]}/delete", follow_redirects=True)
    assert "Version 1 is kept: interaction log entries refer to it." in _text(refused)
    done = admin.post("/documents/templates/LETTER/ITA/delete-unused", follow_redirects=True)
    assert "Old versions deleted: 4." in _text(done)
    db.session.rollback()
    assert db.session.scalars(select(TemplateDocument.version).order_by(TemplateDocument.version)).all() == [1, 7]


def test_the_starter_holds_every_catalogue_field_in_the_letters_language(admin: FlaskClient) -> None:
    response = admin.get("/documents/starter?language=ITA")

    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == "attachment; filename=segapp-starter-ITA.docx"
    assert template_fields(response.data) == set(FIELD_NAMES)


def test_users_download_but_only_administrators_change_documents(
    client: FlaskClient, login: Callable[..., User], reference: Any, db: Any
) -> None:
    db.session.add(TemplateDocument(template_code="LETTER", language_code="ITA", version=1, content=b"x"))
    db.session.commit()
    document_id = db.session.scalar(select(TemplateDocument.id))
    login("user", role=Role.USER)

    assert client.get(f"/documents/versions/{document_id}/download").status_code == 200
    assert client.get("/documents/starter").status_code == 200
    assert _post_file(client, docx_with_fields("City")).status_code == 403
    assert client.post(f"/documents/versions/{document_id}/delete").status_code == 403
    card = _text(client.get(CARD))
    assert 'id="document-ITA"' in card and "/upload" not in card


def test_the_card_of_a_template_with_documents_can_be_deleted(admin: FlaskClient, db: Any) -> None:
    _post_file(admin, docx_with_fields("City"))
    response = admin.post("/setup/interaction-templates/CALL/delete")  # no documents: unchanged behaviour
    assert response.status_code == 302
    response = admin.post("/setup/interaction-templates/LETTER/delete", follow_redirects=True)
    assert response.status_code == 200
    db.session.rollback()
    assert db.session.scalars(select(TemplateDocument)).all() == []


def test_the_card_costs_the_same_statements_for_one_version_and_for_many(admin: FlaskClient, db: Any) -> None:
    def statements() -> int:
        with count_statements(db.engine) as counted:
            assert admin.get(CARD).status_code == 200
        return counted.count

    _post_file(admin, docx_with_fields("City"))
    _post_file(admin, docx_with_fields("City"), language="ENU")
    few = statements()
    for _ in range(8):
        _post_file(admin, docx_with_fields("City", "Nickname"))
    assert statements() == few


def test_removing_a_language_whose_document_entries_use_says_so(
    admin: FlaskClient, db: Any, make_registrable: Callable[..., Any]
) -> None:
    make_registrable(lines=1)
    _post_file(admin, docx_with_fields("City"))
    db.session.add(
        InteractionLogEntry(contact_no="R00001", template_document_id=db.session.scalar(select(TemplateDocument.id)))
    )
    db.session.commit()
    card = _text(admin.get(CARD))
    assert 'hx-confirm="Remove this language from the template, with its Word document versions?"' in card

    response = admin.post("/setup/interaction-templates/LETTER/languages/ITA/delete", follow_redirects=True)

    assert "The Word document of language ITA is used by interaction log entries" in _text(response)
    db.session.rollback()
    assert db.session.scalar(select(TemplateDocument.language_code)) == "ITA"
    assert 'id="document-ITA"' in _text(admin.get(CARD))
