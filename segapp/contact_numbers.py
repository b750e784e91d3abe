"""The rule for contact numbers (pure: no app, no database), for the contact form, the import and
the command that lists existing numbers that break it.

A contact no. is what the URLs of its card, its edits and its segment lines carry, and what a
segment looks up in upper case. So it holds only ASCII letters, digits and ``-``, ``_``, ``.``;
it does not start with one of those three, never has two dots in a row, has at most 20 characters,
and it is upper-cased on the way in (``ct-001`` is stored as ``CT-001``).
"""

import re

CONTACT_NO_LENGTH = 20
_PATTERN = re.compile(r"[A-Z0-9][A-Z0-9._-]*")


def normalise_contact_no(text: str | None) -> str:
    """The no. as it is stored: without surrounding spaces, in upper case."""
    return (text or "").strip().upper()


def is_valid_contact_no(no: str) -> bool:
    """True when ``no`` (already normalised) follows the rule."""
    return len(no) <= CONTACT_NO_LENGTH and ".." not in no and _PATTERN.fullmatch(no) is not None
