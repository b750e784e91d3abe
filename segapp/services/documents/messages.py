"""What a user reads when a Word document is refused, and the warnings shown with an accepted template.

``segapp.merge`` says why (a reason or warning code and the field concerned); the words, translated, are here,
for every upload of a .docx (a template's document, a line's personalised letter)."""

from decimal import Decimal
from typing import Any

from flask_babel import gettext as _

from segapp.numbers import show_number

MEGABYTE = 1024 * 1024


def size_text(size: int) -> str:
    """A file size as people read it: 512 bytes, 24 KB, 5 MB."""
    if size < 1024:
        return _("%(n)s bytes", n=show_number(size))
    if size < MEGABYTE:
        return _("%(n)s KB", n=show_number(round(size / 1024)))
    # One decimal below 10 MB (5.5 MB), in the user's locale (5,5 MB).
    megabytes = Decimal(size) / MEGABYTE
    places = Decimal(1) if megabytes >= 10 else Decimal("0.1")
    return _("%(n)s MB", n=show_number(megabytes.quantize(places).normalize()))


def rejection_message(reason: str, detail: str = "", *, max_bytes: int = 0) -> str:
    """Why a .docx is refused, from ``DocxRejected.reason`` and ``.detail``."""
    if reason == "too_large":
        return _("The file is larger than %(limit)s, the most a Word document may be here.", limit=size_text(max_bytes))
    if reason == "not_docx":
        return _(
            "This file is not a Word document (.docx). A document from an old Word (.doc) or another program: "
            "open it in Word and save it as a Word Document (.docx)."
        )
    if reason == "macro_enabled":
        return _(
            "This document contains macros (.docm), which segapp does not accept. "
            "In Word, save it as a Word Document (.docx) and upload that."
        )
    if reason == "zip_bomb":
        return _("This file unpacks to far more than any letter holds, so it is refused.")
    if reason == "unsupported_layout":
        return _(
            "The merge field %(field)s is laid out in a way segapp cannot merge. In Word, delete it and insert it "
            "again with Insert › Quick Parts › Field › MergeField, then upload the document again.",
            field=detail or "?",
        )
    return _("This document cannot be used (%(reason)s).", reason=" ".join(part for part in (reason, detail) if part))


def warning_message(code: str, field: str) -> str:
    """The words of a template warning, from its code and the field it names."""
    messages: dict[str, Any] = {
        "unknown_field": lambda: _(
            "%(field)s is not a field segapp knows: it stays empty in the letters. "
            "Check its spelling against the list of fields.",
            field=field,
        ),
        "no_fields": lambda: _("The document has no merge fields: every letter will be the same."),
        "if_not_evaluated": lambda: _(
            "The IF field %(field)s is not evaluated when merging: the letters show its text as Word last "
            "displayed it. Check the letters, or replace the IF field.",
            field=field,
        ),
        "saved_by_libreoffice": lambda: _(
            "The document was last saved by LibreOffice, which drops the format switches of fields (dates, "
            "numbers, upper case): check how dates and numbers look in the letters."
        ),
        "normalised": lambda: _(
            "Word stored the field %(field)s in an unusual way (split by a bookmark, a tracked change or a NEXT "
            "field); segapp repairs it when merging. Check it in the letters.",
            field=field,
        ),
    }
    make = messages.get(code)
    if make is None:
        return _("Warning %(code)s: %(field)s", code=code, field=field) if field else code
    return str(make())
