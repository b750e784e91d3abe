"""Through the test client: registering with *send* gives the printable letters on the registered segment (at once
when few, else a progress that polls), their downloads, an entry's letter produced again, and anonymising's gaps."""

import io
import json
import re
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from segapp.models import (
    Contact,
    InteractionLogEntry,
    InteractionLogEntryFile,
    LoggedSegment,
    SegmentHeader,
    SegmentLineDocument,
)
from segapp.registering import register_views
from segapp.services.contacts.records import anonymise_contact
from segapp.services.documents import printable
from segapp.services.jobs import run_job_now
from tests.documents.letters_support import add_template_document, docx_text, letter_template

__all__ = ["add_template_document"]
HX = {"HX-Request": "true"}


def _register(client: FlaskClient, db: Any, segment_no: str) -> int:
    response = client.post(f"/segments/{segment_no}/register", data={"send_documents": "1"}, headers=HX)
    assert response.status_code == 200, response.get_data(as_text=True)
    return db.session.scalars(select(LoggedSegment.entry_no)).one()


def _entries(db: Any) -> list[InteractionLogEntry]:
    return list(db.session.scalars(select(InteractionLogEntry).order_by(InteractionLogEntry.entry_no)))


def test_a_few_letters_are_ready_on_the_registered_segment_with_their_downloads(
    client: FlaskClient,
    db: Any,
    login: Callable[..., Any],
    make_registrable: Callable[..., SegmentHeader],
    add_template_document: Callable[..., Any],
) -> None:
    login()
    header = make_registrable(2)
    add_template_document("ITA")
    entry_no = _register(client, db, header.no)

    page = client.get(f"/registered-segments/{entry_no}").get_data(as_text=True)

    assert "Done: 2 of 2 letters." in page and "hx-trigger" not in page.split('id="printable-letters"')[1][:200]
    links = re.findall(rf'href="(/registered-segments/{entry_no}/letters/\d+)"', page)
    assert len(links) == 1
    document = client.get(links[0])
    assert document.status_code == 200 and "attachment" in document.headers["Content-Disposition"]
    text = docx_text(document.data)
    assert "Gentile Person 00001" in text and "Gentile Person 00002" in text
    archive = client.get(f"/registered-segments/{entry_no}/letters.zip")
    assert archive.status_code == 200
    with zipfile.ZipFile(io.BytesIO(archive.data)) as letters:
        assert [name.split(" ")[1] for name in sorted(letters.namelist())] == ["R00001", "R00002"]
    # Another registered segment's file is not served from this one.
    assert client.get(f"/registered-segments/{entry_no}/letters/999999").status_code == 404


def test_many_letters_show_a_progress_that_polls_until_the_workers_are_done(
    client: FlaskClient,
    db: Any,
    login: Callable[..., Any],
    make_registrable: Callable[..., SegmentHeader],
    add_template_document: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(printable, "INLINE_LETTERS", 1)
    handed_over: list[int] = []
    # The workers have not taken it yet: the job is handed to the queue, not run.
    monkeypatch.setattr(register_views, "enqueue", handed_over.append)
    login()
    header = make_registrable(3)
    add_template_document("ITA")
    entry_no = _register(client, db, header.no)

    page = client.get(f"/registered-segments/{entry_no}").get_data(as_text=True)
    assert "Waiting to start: 3 letters." in page
    assert f'hx-get="/registered-segments/{entry_no}/letters"' in page and "<progress" in page
    assert client.get(f"/registered-segments/{entry_no}/letters.zip").status_code == 404

    running = client.get(f"/registered-segments/{entry_no}/letters", headers=HX)
    assert "HX-Trigger" not in running.headers
    job = printable.printable_job(db.session, entry_no)
    assert handed_over == [job.id]
    run_job_now(db.session, job.id)
    finished = client.get(f"/registered-segments/{entry_no}/letters", headers=HX)
    fragment = finished.get_data(as_text=True)
    assert "Done: 3 of 3 letters." in fragment and "hx-trigger" not in fragment
    # The page then reloads its entries, now sent.
    assert finished.headers["HX-Trigger"] == "printable-letters-finished"
    assert 'hx-trigger="printable-letters-finished from:body, job-finished from:body"' in page
    assert f"/registered-segments/{entry_no}/letters.zip" in fragment


def test_an_entrys_letter_is_produced_again_from_its_version_and_values_or_its_own_file(
    client: FlaskClient,
    db: Any,
    login: Callable[..., Any],
    make_registrable: Callable[..., SegmentHeader],
    add_template_document: Callable[..., Any],
) -> None:
    login()
    header = make_registrable(3)
    add_template_document("ITA")
    db.session.add_all(
        [
            SegmentLineDocument(segment_no=header.no, line_no=10000, personal_text="Ci vediamo in fiera."),
            SegmentLineDocument(
                segment_no=header.no, line_no=20000, file_name="mine.docx", content=letter_template("Caro Luca")
            ),
        ]
    )
    db.session.commit()
    entry_no = _register(client, db, header.no)
    # A newer version of the template later does not change the letter an entry produces.
    add_template_document("ITA", content=letter_template("Egregio"))
    first, second, third = _entries(db)

    letter = client.get(f"/interaction-log-entries/{first.entry_no}/letter")
    assert letter.status_code == 200
    assert docx_text(letter.data).split("\n")[:2] == ["Gentile Person 00001", "Ci vediamo in fiera."]
    assert "Caro Luca" in docx_text(client.get(f"/interaction-log-entries/{second.entry_no}/letter").data)
    page = client.get(f"/registered-segments/{entry_no}").get_data(as_text=True)
    assert f'href="/interaction-log-entries/{third.entry_no}/letter"' in page
    assert client.get("/interaction-log-entries/999999/letter").status_code == 404


def test_an_entry_without_a_document_says_so_instead_of_failing(
    client: FlaskClient,
    db: Any,
    login: Callable[..., Any],
    make_registrable: Callable[..., SegmentHeader],
) -> None:
    login()
    header = make_registrable(1)
    client.post(f"/segments/{header.no}/register", data={}, headers=HX)
    entry = _entries(db)[0]
    page = client.get(f"/interaction-log-entries?registered={entry.logged_segment_entry_no}").get_data(as_text=True)
    assert f"/interaction-log-entries/{entry.entry_no}/letter" not in page
    answer = client.get(f"/interaction-log-entries/{entry.entry_no}/letter", follow_redirects=True)
    assert answer.status_code == 200
    assert f"Interaction log entry {entry.entry_no} has no letter" in answer.get_data(as_text=True)


def test_anonymising_erases_the_contacts_values_and_files_and_the_letter_shows_the_gap(
    client: FlaskClient,
    db: Any,
    login: Callable[..., Any],
    make_registrable: Callable[..., SegmentHeader],
    add_template_document: Callable[..., Any],
) -> None:
    login()
    header = make_registrable(2)
    add_template_document("ITA")
    db.session.add_all(
        [
            SegmentLineDocument(segment_no=header.no, line_no=10000, personal_text="Grazie, Person!"),
            SegmentLineDocument(segment_no=header.no, line_no=20000, file_name="p2.docx", content=b"x"),
        ]
    )
    db.session.commit()
    _register(client, db, header.no)
    first, second = _entries(db)
    for no in ("R00001", "R00002"):
        anonymise_contact(db.session, db.session.get(Contact, no))
    db.session.commit()

    db.session.expire_all()
    assert db.session.scalar(select(InteractionLogEntryFile.entry_no)) is None
    values = json.loads(db.session.get(InteractionLogEntry, first.entry_no).merge_values)
    assert "Person" not in json.dumps(values) and "R00001" not in json.dumps(values)
    letter = docx_text(client.get(f"/interaction-log-entries/{first.entry_no}/letter").data)
    assert letter.split("\n")[:2] == ["Gentile ", ""]
    # The personalised file is gone: the letter is its template version with the gaps.
    assert docx_text(client.get(f"/interaction-log-entries/{second.entry_no}/letter").data).startswith("Gentile ")
