"""Uploaded files waiting to be imported: one per user, readable by the app only, gone once used.

A user's upload is ``user-<id>.upload`` with what its checks found beside it (``user-<id>.json``),
both created with mode 0600 in a folder of mode 0700. A new upload replaces the previous one;
running the import or cancelling removes it; one abandoned for a day is removed by the next upload.
"""

import io
import json
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from segapp.services.errors import ServiceError
from segapp.services.importing.files import ImportFile, open_import_file, reopen

KEEP_SECONDS = 24 * 3600
COPY_CHUNK = 1024 * 1024
FILE_MODE = 0o600
FOLDER_MODE = 0o700


@dataclass
class Upload:
    """A user's upload: the checked file, its name as uploaded, and a token that changes with each upload."""

    table: ImportFile
    filename: str
    token: str


def _paths(folder: Path, user_id: int) -> tuple[Path, Path]:
    base = folder / f"user-{int(user_id)}"
    return base.with_suffix(".upload"), base.with_suffix(".json")


def _private_folder(folder: Path) -> Path:
    folder.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    os.chmod(folder, FOLDER_MODE)
    return folder


def _write_private(path: Path, source: IO[bytes]) -> None:
    """Copy ``source`` into a new file that only the app's user can read."""
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    with os.fdopen(handle, "wb") as target:
        while chunk := source.read(COPY_CHUNK):
            target.write(chunk)


def remove_stale_uploads(folder: Path) -> None:
    """Uploads (and half-written copies) left for a day by imports never run or cancelled."""
    limit = time.time() - KEEP_SECONDS
    for path in folder.glob("user-*"):
        try:
            if path.stat().st_mtime < limit:
                path.unlink(missing_ok=True)
        except FileNotFoundError:
            continue


def store_upload(folder: Path, user_id: int, source: IO[bytes], filename: str, max_bytes: int) -> Upload:
    """Keep the user's uploaded file if it can be imported, in place of any earlier one; refuse it with the reason."""
    _private_folder(folder)
    remove_upload(folder, user_id)
    remove_stale_uploads(folder)
    upload_path, facts_path = _paths(folder, user_id)
    token = secrets.token_hex(16)
    part = folder / f"user-{int(user_id)}.{token}.part"
    try:
        _write_private(part, source)
        table = open_import_file(part, filename, max_bytes)
    except ServiceError:
        part.unlink(missing_ok=True)
        raise
    os.replace(part, upload_path)
    table.path = upload_path
    facts = json.dumps({"file": table.facts(), "filename": filename, "token": token})
    facts_part = folder / f"user-{int(user_id)}.{token}.json.part"
    _write_private(facts_part, io.BytesIO(facts.encode()))
    os.replace(facts_part, facts_path)
    return Upload(table, filename, token)


def open_upload(folder: Path, user_id: int) -> Upload | None:
    """The user's upload as checked when it came, or None when there is none (it is not read again)."""
    upload_path, facts_path = _paths(folder, user_id)
    try:
        facts = json.loads(facts_path.read_text())
        upload = Upload(reopen(facts["file"]), str(facts["filename"]), str(facts["token"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if upload.table.path != upload_path or not upload_path.exists():
        return None
    return upload


def remove_upload(folder: Path, user_id: int) -> None:
    """Forget the user's upload (imported, cancelled or replaced)."""
    for path in _paths(folder, user_id):
        path.unlink(missing_ok=True)
