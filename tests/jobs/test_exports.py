"""Large exports as jobs, end to end through the test client: the question, the job, the same file as streamed."""

import io
from collections.abc import Callable, Iterator
from typing import Any

import openpyxl
import pytest
from flask import Flask
from flask.testing import FlaskClient

from segapp.models import BackgroundJob
from segapp.services.registering.register import register_segment
from tests.html import parse


@pytest.fixture
def small_jobs(app: Flask) -> Iterator[None]:
    """Exports of more than 4 rows become jobs, written 3 rows a step."""
    saved = {key: app.config.get(key) for key in ("EXPORT_JOB_ROWS", "EXPORT_JOB_CHUNK_ROWS")}
    app.config.update(EXPORT_JOB_ROWS=4, EXPORT_JOB_CHUNK_ROWS=3)
    yield
    app.config.update(saved)


def _streamed(app: Flask, client: FlaskClient, url: str, **headers: str) -> bytes:
    """The file as the request streams it (below the threshold)."""
    saved = app.config["EXPORT_JOB_ROWS"]
    app.config["EXPORT_JOB_ROWS"] = 10**9
    try:
        response = client.get(url, headers=headers)
        assert response.status_code == 200
        return response.get_data()
    finally:
        app.config["EXPORT_JOB_ROWS"] = saved


def _through_a_job(db: Any, client: FlaskClient, url: str, rows: int, **headers: str) -> tuple[BackgroundJob, bytes]:
    """Ask for the export, accept the question, follow the job to its download."""
    question = client.get(url, headers=headers)
    assert question.status_code == 200
    page = parse(question.get_data(as_text=True))
    form = page.xpath("//main//form[@method='post']")[0]
    assert form.get("action").split("?")[0] == url.split("?")[0]
    assert f"{rows:,}" in page.xpath("//main")[0].text_content()
    started = client.post(form.get("action"), headers=headers)
    assert started.status_code == 303
    job_url = started.headers["Location"]
    # Huey's immediate mode ran the job at once; the page shows it done, with its download.
    job_html = client.get(job_url, headers=headers).get_data(as_text=True)
    job_page = parse(job_html)
    (link,) = job_page.xpath("//*[contains(@class, 'job-downloads')]//a")
    db.session.rollback()
    job = db.session.get(BackgroundJob, int(job_url.rstrip("/").split("/")[-1]))
    assert job is not None
    return job, client.get(link.get("href")).get_data()


def test_a_large_segment_export_runs_as_a_job_and_gives_the_streamed_file(
    app: Flask, db: Any, client: FlaskClient, login: Callable, make_registrable: Callable, small_jobs: None
) -> None:
    login()
    segment = make_registrable(lines=8)
    url = f"/segments/{segment.no}/contacts.csv"
    job, content = _through_a_job(db, client, url, 8, **{"Accept-Language": "it"})
    assert (job.state, job.kind, job.done, job.total, job.owner) == ("done", "export", 8, 8, f"segment:{segment.no}")
    # Four steps of 3 + 3 + 2 rows and one to put the file together, in Italian (semicolons, Italian headers).
    assert content == _streamed(app, client, url, **{"Accept-Language": "it"})
    assert content.decode("utf-8-sig").splitlines()[0].startswith("N. riga;")
    assert len(content.decode("utf-8-sig").splitlines()) == 9


def test_a_large_segment_export_to_excel_reads_back_the_same(
    app: Flask, db: Any, client: FlaskClient, login: Callable, make_registrable: Callable, small_jobs: None
) -> None:
    login()
    segment = make_registrable(lines=7)
    url = f"/segments/{segment.no}/contacts.xlsx"
    _job, content = _through_a_job(db, client, url, 7)

    def cells(data: bytes) -> list[tuple[Any, ...]]:
        sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True).active
        return list(sheet.iter_rows(values_only=True))

    got = cells(content)
    assert got == cells(_streamed(app, client, url))
    assert len(got) == 8 and got[1][0] == 10000 and got[-1][0] == 70000


def test_a_large_entries_export_runs_as_a_job_with_the_filter(
    app: Flask, db: Any, client: FlaskClient, login: Callable, make_registrable: Callable, small_jobs: None
) -> None:
    user = login()
    segments = []
    for lines in (5, 6):
        segments.append(make_registrable(lines=lines).no)
        register_segment(db.session, segments[-1], user, send_documents=False, create_follow_up=False)
        db.session.commit()
    url = f"/interaction-log-entries/export.csv?segment={segments[1]}"
    job, content = _through_a_job(db, client, url, 6)
    assert job.owner == "interaction_log_entries"
    assert content == _streamed(app, client, url)
    lines = content.decode("utf-8-sig").splitlines()
    # The second segment's six entries, newest first, and none of the first's.
    assert len(lines) == 7 and all(segments[1] in line for line in lines[1:])


def test_a_viewer_may_start_a_large_export(
    db: Any, client: FlaskClient, login: Callable, make_registrable: Callable, small_jobs: None
) -> None:
    from segapp.models import Role

    segment = make_registrable(lines=5)
    login("vic", role=Role.VIEWER)
    _job, content = _through_a_job(db, client, f"/segments/{segment.no}/contacts.csv", 5)
    assert len(content.decode("utf-8-sig").splitlines()) == 6


def test_a_small_export_still_streams_at_once(
    client: FlaskClient, login: Callable, make_registrable: Callable, small_jobs: None
) -> None:
    login()
    segment = make_registrable(lines=4)
    response = client.get(f"/segments/{segment.no}/contacts.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"


def test_an_export_step_runs_the_same_statements_for_3_and_30_rows(
    app: Flask, db: Any, make_registrable: Callable
) -> None:
    from segapp.services.jobs import claim_job, step_of
    from segapp.services.jobs.exports import start_export
    from tests.sqlcount import count_statements

    def first_step(rows: int) -> int:
        segment = make_registrable(lines=rows)
        params = {"source": "segment_lines", "format": "csv", "segment_no": segment.no, "locale": "en"}
        job_id = start_export(db.session, params, total=rows, user_id=None).id
        db.session.commit()
        job = claim_job(db.session, job_id, "w")
        app.config["EXPORT_JOB_CHUNK_ROWS"] = rows
        with count_statements(db.engine) as counted:
            assert step_of("export")(db.session, job) is False
            db.session.flush()
        db.session.rollback()
        assert job.done == 0  # rolled back: only the count mattered
        return counted.count

    saved = app.config.get("EXPORT_JOB_CHUNK_ROWS")
    try:
        assert first_step(3) == first_step(30)
    finally:
        app.config["EXPORT_JOB_CHUNK_ROWS"] = saved
