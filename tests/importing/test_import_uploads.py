"""Uploads waiting to be imported: readable by the app only, one per user, gone once imported or cancelled."""

import io
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask.testing import FlaskClient

from segapp.models import User
from tests.conftest import PASSWORD


def _upload(client: FlaskClient, content: bytes, name: str = "contacts.csv") -> Any:
    return client.post(
        "/contacts/import", data={"file": (io.BytesIO(content), name)}, content_type="multipart/form-data"
    )


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_an_upload_is_readable_by_the_app_only(
    client: FlaskClient, login: Callable[..., User], import_folder: Path
) -> None:
    login()
    assert _upload(client, b"Name,E-mail\nAnna Rossi,anna@example.com\n").status_code == 302
    kept = list(import_folder.iterdir())
    assert kept and all(_mode(path) == 0o600 for path in kept), [(p.name, oct(_mode(p))) for p in kept]
    assert _mode(import_folder) == 0o700


def test_one_upload_per_user_replaced_by_the_next(
    client: FlaskClient, login: Callable[..., User], import_folder: Path, run_data: Callable[..., dict[str, str]]
) -> None:
    login()
    _upload(client, b"Name\nFirst file\n")
    old_page = client.get("/contacts/import/mapping").get_data(as_text=True)
    for n in range(3):
        _upload(client, f"Name,City\nFile {n},Pisa\n".encode())
    assert len(list(import_folder.glob("*.upload"))) == 1
    assert len(list(import_folder.iterdir())) == 2  # the file and what its checks found
    page = client.get("/contacts/import/mapping").get_data(as_text=True)
    assert "File 2" in page and "First file" not in page
    # A mapping made for the replaced file is not run against the new one.
    stale = client.post("/contacts/import/run", data=run_data(old_page))
    assert stale.status_code == 409 and "Another file was uploaded" in stale.get_data(as_text=True)
    # A refused upload leaves nothing behind either.
    assert _upload(client, b"%PDF-1.4", "scan.pdf").status_code == 422
    assert list(import_folder.iterdir()) == []


def test_each_user_has_their_own_upload(app: Any, import_folder: Path, make_user: Callable[..., User]) -> None:
    ann, bob = app.test_client(), app.test_client()
    for name, client in (("ann", ann), ("bob", bob)):
        make_user(name)
        assert client.post("/auth/login", data={"username": name, "password": PASSWORD}).status_code == 302
    _upload(ann, b"Name\nAnn's contact\n")
    _upload(bob, b"Name\nBob's contact\n")
    assert len(list(import_folder.glob("*.upload"))) == 2
    assert "Ann&#39;s contact" in ann.get("/contacts/import/mapping").get_data(as_text=True)
    assert "Ann&#39;s contact" not in bob.get("/contacts/import/mapping").get_data(as_text=True)


def test_cancel_removes_the_upload(client: FlaskClient, login: Callable[..., User], import_folder: Path) -> None:
    login()
    _upload(client, b"Name\nAcme\n")
    page = client.get("/contacts/import/mapping").get_data(as_text=True)
    assert "Cancel and remove the file" in page
    response = client.post("/contacts/import/cancel", follow_redirects=True)
    assert "uploaded file removed" in response.get_data(as_text=True)
    assert list(import_folder.iterdir()) == []
    assert client.get("/contacts/import/mapping").status_code == 302


def test_an_upload_abandoned_for_a_day_is_removed_by_the_next_upload(
    client: FlaskClient, login: Callable[..., User], import_folder: Path
) -> None:
    import os
    import time

    login()
    import_folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    old = import_folder / "user-999.upload"
    old.write_bytes(b"Name\nSomeone else's old file\n")
    day_ago = time.time() - 25 * 3600
    os.utime(old, (day_ago, day_ago))
    _upload(client, b"Name\nAcme\n")
    assert not old.exists() and len(list(import_folder.glob("*.upload"))) == 1
