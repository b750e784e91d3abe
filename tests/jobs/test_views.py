"""The progress fragment, the job page, downloads, cancel and the user's jobs, through the test client."""

from collections.abc import Callable
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import update

from segapp.models import BackgroundJob, Role
from segapp.services.jobs import claim_job, job_file_ids, run_job_now, save_job_file, start_job
from tests.html import one, parse


def _job(db: Any, total: int = 3, user_id: int | None = None, **params: Any) -> int:
    job_id = start_job(db.session, "test_count", params=params, total=total, user_id=user_id, owner="test").id
    db.session.commit()
    return job_id


def _box(html: str, job_id: int) -> Any:
    return one(parse(html), f"//*[@id='job-{job_id}']")


def _first(element: Any, css_class: str, tag: str = "*") -> Any:
    found = element.xpath(f".//{tag}[contains(concat(' ', @class, ' '), ' {css_class} ')]")
    return found[0] if found else None


def _text(element: Any, css_class: str) -> str:
    return " ".join(_first(element, css_class).text_content().split())


def _set(db: Any, job_id: int, **values: Any) -> None:
    db.session.execute(update(BackgroundJob).where(BackgroundJob.id == job_id).values(**values))
    db.session.commit()


def test_a_running_job_polls_and_shows_done_total_and_errors(db: Any, client: FlaskClient, login: Callable) -> None:
    login()
    job_id = _job(db, total=1200, title="Printing")
    claim_job(db.session, job_id, "w")
    _set(db, job_id, done=450, errors=3)
    html = client.get(f"/jobs/{job_id}/progress", headers={"HX-Request": "true"}).get_data(as_text=True)
    box = _box(html, job_id)
    assert box.get("hx-get") == f"/jobs/{job_id}/progress"
    assert box.get("hx-trigger") == "every 2s"
    bar = box.xpath(".//progress")[0]
    assert (bar.get("value"), bar.get("max")) == ("450", "1200")
    text = _text(box, "job-status")
    assert "Running" in text and "450 of 1,200 done" in text and "3 errors" in text
    assert box.xpath(".//label")[0].text_content().strip() == "Printing"
    assert box.xpath(".//form//button")[0].text_content().strip() == "Cancel job"


def test_a_finished_job_stops_polling_and_offers_its_downloads(db: Any, client: FlaskClient, login: Callable) -> None:
    login()
    job_id = _job(db, total=2)
    job = run_job_now(db.session, job_id)
    ((file_id, name),) = job_file_ids(db.session, job)
    html = client.get(f"/jobs/{job_id}/progress").get_data(as_text=True)
    box = _box(html, job_id)
    assert box.get("hx-trigger") is None and box.get("hx-get") is None
    assert _first(box, "job-status").get("role") == "status"
    assert "Done" in _text(box, "job-status")
    link = _first(box, "job-downloads").xpath(".//a")[0]
    assert link.get("href") == f"/jobs/{job_id}/files/{file_id}"
    assert name in link.text_content()
    response = client.get(link.get("href"))
    assert response.status_code == 200
    assert response.get_data() == b"0,1"
    assert "steps.txt" in response.headers["Content-Disposition"]


def test_the_job_page_shows_where_the_job_is_after_a_reload(db: Any, client: FlaskClient, login: Callable) -> None:
    login()
    job_id = _job(db, total=10)
    claim_job(db.session, job_id, "w")
    _set(db, job_id, done=7)
    for _ in range(2):
        html = client.get(f"/jobs/{job_id}", headers={"Accept-Language": "it"}).get_data(as_text=True)
        box = _box(html, job_id)
        assert box.xpath(".//progress")[0].get("value") == "7"
        assert "7 di 10" in _text(box, "job-status")


def test_a_failed_job_says_why_and_offers_nothing(db: Any, client: FlaskClient, login: Callable) -> None:
    login()
    job_id = _job(db, total=3, fail_at=1)
    run_job_now(db.session, job_id)
    box = _box(client.get(f"/jobs/{job_id}/progress").get_data(as_text=True), job_id)
    assert box.get("hx-trigger") is None
    assert "RuntimeError: step 1 broke" in _text(box, "job-message")
    assert _first(box, "job-downloads") is None


def test_only_output_files_of_a_done_job_are_downloaded(db: Any, client: FlaskClient, login: Callable) -> None:
    login()
    running = _job(db)
    claim_job(db.session, running, "w")
    job = db.session.get(BackgroundJob, running)
    part = save_job_file(db.session, job, "part-1", b"x", media_type="text/plain", kind="part").id
    early = save_job_file(db.session, job, "early.txt", b"x", media_type="text/plain").id
    db.session.commit()
    other = _job(db)
    run_job_now(db.session, other)
    ((other_file, _name),) = job_file_ids(db.session, db.session.get(BackgroundJob, other))
    assert client.get(f"/jobs/{running}/files/{part}").status_code == 404
    assert client.get(f"/jobs/{running}/files/{early}").status_code == 404  # not done yet
    assert client.get(f"/jobs/{running}/files/{other_file}").status_code == 404  # another job's
    assert client.get(f"/jobs/{other}/files/{other_file}").status_code == 200
    assert client.get("/jobs/999999/progress").status_code == 404


def test_jobs_need_a_signed_in_user(db: Any, client: FlaskClient, make_user: Callable) -> None:
    make_user()
    job_id = _job(db)
    run_job_now(db.session, job_id)
    assert client.get(f"/jobs/{job_id}").status_code == 302
    assert client.get(f"/jobs/{job_id}/progress", headers={"HX-Request": "true"}).status_code == 401
    assert client.get(f"/jobs/{job_id}/files/1").status_code == 302


def test_cancel_stops_a_job_and_viewers_may_not(db: Any, client: FlaskClient, login: Callable) -> None:
    login("vic", role=Role.VIEWER)
    job_id = _job(db)
    box = _box(client.get(f"/jobs/{job_id}").get_data(as_text=True), job_id)
    assert box.xpath(".//form") == []
    assert client.post(f"/jobs/{job_id}/cancel").status_code == 403
    client.post("/auth/logout")
    login()
    html = client.post(f"/jobs/{job_id}/cancel", headers={"HX-Request": "true"}).get_data(as_text=True)
    box = _box(html, job_id)
    assert "Cancelled" in _text(box, "job-status") and box.get("hx-trigger") is None
    db.session.rollback()
    assert db.session.get(BackgroundJob, job_id).state == "cancelled"
    response = client.post(f"/jobs/{job_id}/cancel")
    assert response.status_code == 303
    assert "already ended" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_my_jobs_lists_the_users_own_jobs_newest_first(db: Any, client: FlaskClient, login: Callable) -> None:
    ann = login()
    first = _job(db, user_id=ann.id, title="First export")
    second = _job(db, user_id=ann.id, title="Second export")
    _job(db, title="Someone else's")
    page = parse(client.get("/jobs/").get_data(as_text=True))
    links = [(a.get("href"), a.text_content()) for a in page.xpath("//table//tbody//a")]
    assert links == [(f"/jobs/{second}", "Second export"), (f"/jobs/{first}", "First export")]
