"""The letter of a line through the test client: the dialog, its changes answering the dialog's body with the
grid's row, the download, the preview, refusals with their message; a viewer reads only; on both databases."""

from collections.abc import Callable
from io import BytesIO
from typing import Any

from sqlalchemy import func, select

from segapp.exporting import DOCX_TYPE
from segapp.models import Role, SegmentHeader, SegmentLineDocument
from segapp.services.documents.line_letters import letter_state
from tests.documents.letter_support import docx_text, letter_docx, store_template

HX = {"HX-Request": "true"}


def _url(header: SegmentHeader, line_no: int, tail: str) -> str:
    return f"/segments/{header.no}/lines/{line_no}/letter{tail}"


def test_the_dialog_shows_the_letters_source_text_and_preview(
    client: Any, login: Any, db: Any, make_registrable: Callable[..., SegmentHeader]
) -> None:
    login()
    header = make_registrable(lines=1)
    store_template(db)
    html = client.get(f"/segments/{header.no}/letter?line=10000", headers=HX).get_data(as_text=True)
    assert 'id="letter-dialog"' in html and "data-open" in html
    assert "Letter of line 10000 · R00001 Person 00001" in html
    assert "Merged from template LETTER, version 1 in ITA (letter-ita-v1.docx)." in html
    assert 'id="letter-personal-text"' in html and "/lines/10000/letter/preview" in html

    preview = client.get(_url(header, 10000, "/preview"), headers=HX).get_data(as_text=True)
    assert "<p>Gentile Person 00001,</p>" in preview
    assert "Empty in this letter: City, PersonalText." in preview


def test_saving_the_personal_text_answers_the_body_and_the_lines_row(
    client: Any, login: Any, db: Any, make_registrable: Callable[..., SegmentHeader]
) -> None:
    login()
    header = make_registrable(lines=1)
    store_template(db)
    response = client.put(
        _url(header, 10000, "/text"), data={"personal_text": "Ci vediamo in fiera", "start": ""}, headers=HX
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Personal text saved." in html and "Ci vediamo in fiera</textarea>" in html
    assert '<tr id="line-10000"' in html and 'hx-swap-oob="true"' in html and ">Personal text</td>" in html

    # Someone else's change meanwhile: 409, their text named as the one saved, the user's typing kept.
    response = client.put(_url(header, 10000, "/text"), data={"personal_text": "Mio", "start": ""}, headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Someone else changed the personal text to “Ci vediamo in fiera” in the meantime." in html
    assert "Mio</textarea>" in html
    assert 'name="start" value="Ci vediamo in fiera"' in html
    db.session.rollback()
    assert letter_state(db.session, header.no, 10000).personal_text == "Ci vediamo in fiera"
    # Saving again, having seen theirs, writes the user's text.
    response = client.put(
        _url(header, 10000, "/text"), data={"personal_text": "Mio", "start": "Ci vediamo in fiera"}, headers=HX
    )
    assert response.status_code == 200
    db.session.rollback()
    assert letter_state(db.session, header.no, 10000).personal_text == "Mio"


def test_download_merges_the_letter_or_says_why_there_is_none(
    client: Any, login: Any, db: Any, make_registrable: Callable[..., SegmentHeader]
) -> None:
    login()
    header = make_registrable(lines=1)
    response = client.get(_url(header, 10000, ".docx"))
    assert response.status_code == 422
    assert "Interaction template LETTER has no Word document yet" in response.get_data(as_text=True)
    dialog = client.get(f"/segments/{header.no}/letter?line=10000", headers=HX).get_data(as_text=True)
    assert 'data-letter-state="none"' in dialog and 'id="letter-download"' not in dialog

    store_template(db)
    response = client.get(_url(header, 10000, ".docx"))
    assert response.status_code == 200 and response.mimetype == DOCX_TYPE
    assert f"{header.no}-10000-R00001.docx" in response.headers["Content-Disposition"]
    assert docx_text(response.data)[0] == "Gentile Person 00001,"


def test_an_uploaded_letter_personalises_the_line_and_a_bad_file_is_refused(
    client: Any, login: Any, db: Any, make_registrable: Callable[..., SegmentHeader]
) -> None:
    login()
    header = make_registrable(lines=1)
    store_template(db)
    bad = client.post(
        _url(header, 10000, "/personalised"),
        data={"token": "", "file": (BytesIO(b"MZ not a docx"), "virus.exe")},
        headers=HX,
        content_type="multipart/form-data",
    )
    assert bad.status_code == 422
    assert "This file is not a Word document (.docx)." in bad.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(SegmentLineDocument)) == 0

    edited = letter_docx("Caro Mario, modificata in Word")
    response = client.post(
        _url(header, 10000, "/personalised"),
        data={"token": "", "file": (BytesIO(edited), "mario.docx")},
        headers=HX,
        content_type="multipart/form-data",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "The line is personalised" in html and 'data-letter-state="personalised"' in html
    assert '<span class="mark-personalised">Personalised</span>' in html  # the grid's row, out of band
    assert client.get(_url(header, 10000, ".docx")).data == edited

    db.session.rollback()
    token = letter_state(db.session, header.no, 10000).token
    response = client.delete(_url(header, 10000, "/personalised") + f"?token={token}", headers=HX)
    assert response.status_code == 200 and 'data-letter-state="inherited"' in response.get_data(as_text=True)
    assert docx_text(client.get(_url(header, 10000, ".docx")).data)[0] == "Gentile Person 00001,"


def test_without_script_the_letter_is_a_page_and_its_forms_come_back_to_it(
    client: Any, login: Any, db: Any, make_registrable: Callable[..., SegmentHeader]
) -> None:
    login()
    header = make_registrable(lines=1)
    store_template(db)
    page = client.get(f"/segments/{header.no}/letter?line=10000").get_data(as_text=True)
    assert "<h1>" in page and "<p>Gentile Person 00001,</p>" in page and "hx-put" not in page
    response = client.post(_url(header, 10000, "/text"), data={"personal_text": "Via form", "start": ""})
    assert response.status_code == 303 and response.headers["Location"].endswith("/letter?line=10000")
    assert "Personal text saved." in client.get(response.headers["Location"]).get_data(as_text=True)

    response = client.post(
        _url(header, 10000, "/personalised"),
        data={"token": "", "file": (BytesIO(letter_docx("A mano")), "a.docx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<p>A mano</p>" in page and "/letter/personalised/remove" in page
    db.session.rollback()
    token = letter_state(db.session, header.no, 10000).token
    response = client.post(_url(header, 10000, "/personalised/remove"), data={"token": token})
    assert response.status_code == 303
    assert "<p>Gentile Person 00001,</p>" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_a_missing_line_is_a_404_with_a_message(
    client: Any, login: Any, make_registrable: Callable[..., SegmentHeader]
) -> None:
    login()
    header = make_registrable(lines=1)
    for response in (
        client.get(f"/segments/{header.no}/letter?line=99", headers=HX),
        client.get(_url(header, 99, ".docx")),
        client.get(_url(header, 99, "/preview"), headers=HX),
        client.put(_url(header, 99, "/text"), data={"personal_text": "x", "start": ""}, headers=HX),
    ):
        assert response.status_code == 404
        assert "This line no longer exists." in response.get_data(as_text=True)


def test_a_viewer_reads_the_letter_but_changes_nothing(
    client: Any, login: Any, db: Any, make_registrable: Callable[..., SegmentHeader]
) -> None:
    login("vera", role=Role.VIEWER)
    header = make_registrable(lines=1)
    store_template(db)
    dialog = client.get(f"/segments/{header.no}/letter?line=10000", headers=HX).get_data(as_text=True)
    assert "readonly" in dialog and 'id="letter-upload"' not in dialog and 'id="letter-save-text"' not in dialog
    assert client.get(_url(header, 10000, ".docx")).status_code == 200
    response = client.put(_url(header, 10000, "/text"), data={"personal_text": "x", "start": ""}, headers=HX)
    assert response.status_code == 403
