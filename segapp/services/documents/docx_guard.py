"""The checks an uploaded .docx passes before segapp stores it, and the message a user reads for each refusal.

``check_docx`` and ``DocxRejected`` are merge-core's (segapp.merge, the contract's interface). Until that work is
merged this branch carries a smaller check with the same interface, used only when segapp.merge lacks them.
"""

import zipfile
from io import BytesIO

from flask_babel import gettext as _

try:
    from segapp.merge import DocxRejected, check_docx  # type: ignore[attr-defined]
except ImportError:
    try:  # merge-core may keep them in a module beside merge.py
        from segapp.docx_check import DocxRejected, check_docx  # type: ignore[no-redef,import-not-found]
    except ImportError:  # until merge-core is merged: the fallback below (the lead removes it then)
        DocxRejected = None  # type: ignore[assignment,misc]

if DocxRejected is None:  # pragma: no cover - replaced by merge-core's at merge

    class DocxRejected(ValueError):  # type: ignore[no-redef]
        """A file refused as a Word document: ``reason`` says why (the services word the message)."""

        def __init__(self, reason: str, detail: str = "") -> None:
            super().__init__(f"{reason}: {detail}" if detail else reason)
            self.reason = reason
            self.detail = detail

    # A .docx compresses text about ten times; far beyond that is a zip bomb, not a letter.
    _MAX_RATIO = 100
    _MAX_UNPACKED = 200 * 1024 * 1024

    def check_docx(data: bytes, *, max_bytes: int) -> None:  # type: ignore[no-redef]
        """Refuse what is not a plain Word document: over the cap, not a .docx, macro-enabled, a zip bomb."""
        if len(data) > max_bytes:
            raise DocxRejected("too_large", str(len(data)))
        try:
            archive = zipfile.ZipFile(BytesIO(data))
            names = set(archive.namelist())
            infos = archive.infolist()
        except (zipfile.BadZipFile, ValueError, OSError) as error:
            raise DocxRejected("not_docx", str(error)) from error
        if "[Content_Types].xml" not in names or "word/document.xml" not in names:
            raise DocxRejected("not_docx", "no word/document.xml")
        try:
            types = archive.read("[Content_Types].xml")
        except (zipfile.BadZipFile, ValueError, OSError, RuntimeError) as error:
            raise DocxRejected("not_docx", str(error)) from error
        if any(name.lower().endswith("vbaproject.bin") for name in names) or b"macroEnabled" in types:
            raise DocxRejected("macro_enabled", "vbaProject.bin")
        unpacked = sum(info.file_size for info in infos)
        if unpacked > _MAX_UNPACKED or unpacked > _MAX_RATIO * max(len(data), 1024):
            raise DocxRejected("zip_bomb", str(unpacked))


def rejection_message(error: DocxRejected, max_bytes: int) -> str:
    """What the user reads when a file is refused; nothing was stored."""
    megabytes = f"{max_bytes / (1024 * 1024):g}"
    messages = {
        "too_large": _(
            "The file is larger than %(size)s MB, the most segapp stores: nothing was stored.", size=megabytes
        ),
        "not_docx": _("This file is not a Word document (.docx): nothing was stored."),
        "macro_enabled": _(
            "This document contains macros: segapp does not store macro-enabled documents. Save it in Word as "
            "a Word Document (.docx) and upload that: nothing was stored."
        ),
        "zip_bomb": _("This file unpacks to far more than a letter can hold (a zip bomb?): nothing was stored."),
        "unsupported_layout": _(
            "This document has a field segapp cannot merge (%(field)s): nothing was stored.", field=error.detail
        ),
    }
    return messages.get(error.reason, _("This file cannot be used as a Word document: nothing was stored."))
