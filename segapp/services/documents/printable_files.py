"""The files of the printable letters: a zip part per step, the combined .docx assembled from its chunks one at a
time, the .zip of one letter per contact streamed from the parts, and the PDF where LibreOffice is installed."""

import io
import logging
import re
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from segapp.services.jobs import job_file_content

BOOK_PREFIX = "book-"
ZIP_PREFIX = "zip-"
# The zip parts outlive the job's end (the runner deletes its "part" files then): the .zip download streams them.
ZIP_KIND = "zip"
# A PDF of thousands of pages takes LibreOffice minutes; beyond this the PDF is left out, the .docx stays.
PDF_TIMEOUT_SECONDS = 1800
_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')
log = logging.getLogger(__name__)


def letter_file_name(entry_no: int, contact_no: str | None, name: str | None) -> str:
    """A contact's letter in the zip: entry no. first (unique, in print order), contact no. and name."""
    clean = _UNSAFE.sub(" ", f"{contact_no or ''} {name or ''}").strip()[:80].strip()
    return f"{entry_no:08d} {clean}.docx" if clean else f"{entry_no:08d}.docx"


def zip_part(files: Iterable[tuple[str, bytes]]) -> bytes:
    """The letters of one step as a zip; stored, not deflated (a .docx is compressed already)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        for name, data in files:
            archive.writestr(name, data)
    return out.getvalue()


def assemble_book(session: Session, book: Any, part_ids: Iterable[int]) -> bytes:
    """The combined .docx of a LetterBook's chunks (parts read one at a time, written to a temporary file)."""
    chunks = (job_file_content(session, part_id) for part_id in part_ids)
    with tempfile.TemporaryFile() as out:
        book.assemble(chunks, out)
        out.seek(0)
        return out.read()


class _Sink(io.RawIOBase):
    """An unseekable file the zip writes to; what was written is taken out piece by piece."""

    def __init__(self) -> None:
        super().__init__()
        self._pieces: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self._pieces.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data = b"".join(self._pieces)
        self._pieces.clear()
        return data


def stream_zip(read_part: Callable[[int], bytes], part_ids: Iterable[int]) -> Iterator[bytes]:
    """The .zip of one letter per contact, from the job's zip parts: one part in memory at a time."""
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", zipfile.ZIP_STORED) as archive:
        for part_id in part_ids:
            with zipfile.ZipFile(io.BytesIO(read_part(part_id))) as part:
                for info in part.infolist():
                    archive.writestr(info.filename, part.read(info))
            yield sink.take()
    yield sink.take()


def soffice_path() -> str | None:
    """LibreOffice's command, when installed (the PDF is optional)."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def pdf_of(docx: bytes) -> bytes | None:
    """The PDF of a .docx through LibreOffice, or None when it is not installed or fails (logged)."""
    command = soffice_path()
    if command is None:
        return None
    with tempfile.TemporaryDirectory(prefix="segapp-pdf-") as folder:
        source = Path(folder) / "letters.docx"
        source.write_bytes(docx)
        try:
            done = subprocess.run(
                [
                    command,
                    # A profile of its own: a second LibreOffice on the same profile waits for the first, or fails.
                    f"-env:UserInstallation=file://{folder}/profile",
                    "--headless",
                    "--convert-to",
                    "pdf",
                    "--outdir",
                    folder,
                    str(source),
                ],
                capture_output=True,
                timeout=PDF_TIMEOUT_SECONDS,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            log.warning("PDF of the printable letters failed: %s", error)
            return None
        target = source.with_suffix(".pdf")
        if done.returncode != 0 or not target.exists():
            log.warning("PDF of the printable letters failed (%s): %s", done.returncode, done.stderr[-500:])
            return None
        return target.read_bytes()
