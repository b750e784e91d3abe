"""Uploaded files waiting to be imported: kept in a folder until the import runs."""

import json
import secrets
import time
from pathlib import Path
from typing import IO

from segapp.services.errors import ServiceError
from segapp.services.importing.files import ImportFile, open_import_file, reopen

KEEP_SECONDS = 24 * 3600


def _path(folder: Path, token: str) -> Path | None:
    if not (isinstance(token, str) and len(token) == 32 and token.isalnum()):
        return None
    return folder / f"{token}.upload"


def remove_stale_uploads(folder: Path) -> None:
    """Uploads left behind by imports that were never run are kept a day."""
    limit = time.time() - KEEP_SECONDS
    for path in folder.glob("*.upload"):
        if path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)
            path.with_suffix(".json").unlink(missing_ok=True)


def store_upload(folder: Path, source: IO[bytes], filename: str, max_bytes: int) -> str:
    """Keep the uploaded file if it can be imported and return its token; refuse it with the reason."""
    folder.mkdir(parents=True, exist_ok=True)
    remove_stale_uploads(folder)
    token = secrets.token_hex(16)
    path = folder / f"{token}.upload"
    with path.open("wb") as target:
        while chunk := source.read(1024 * 1024):
            target.write(chunk)
    try:
        table = open_import_file(path, filename, max_bytes)
    except ServiceError:
        path.unlink(missing_ok=True)
        raise
    # What the checks found is kept beside the file: the mapping page opens it without reading it again.
    path.with_suffix(".json").write_text(json.dumps(table.facts()))
    return token


def open_upload(folder: Path, token: str) -> ImportFile | None:
    """The stored upload as checked when it came, or None when it is gone (it is not read again)."""
    path = _path(folder, token)
    if path is None or not path.exists():
        return None
    try:
        return reopen(json.loads(path.with_suffix(".json").read_text()))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def remove_upload(folder: Path, token: str) -> None:
    """Forget an upload (imported or abandoned)."""
    path = _path(folder, token)
    if path is not None:
        path.unlink(missing_ok=True)
        path.with_suffix(".json").unlink(missing_ok=True)
