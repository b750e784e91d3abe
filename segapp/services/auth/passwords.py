"""Password rules (NIST SP 800-63B): long enough, not a common password, not the user name.

common_passwords.txt.gz holds the entries of 8 characters or more of Django's
common-password list (BSD-3-Clause; itself from Royce Williams' list of the 20,000
passwords found most often in breaches), lower-cased.
"""

import gzip
from functools import cache
from pathlib import Path

from flask import current_app, has_app_context
from flask_babel import gettext as _
from werkzeug.security import generate_password_hash

from segapp.services.errors import ServiceError

MIN_PASSWORD_LENGTH = 8
COMMON_PASSWORDS_FILE = Path(__file__).with_name("common_passwords.txt.gz")


def password_hash_method() -> str:
    """The configured hashing method (scrypt by default; the tests use a cheaper one)."""
    return current_app.config.get("PASSWORD_HASH_METHOD", "scrypt") if has_app_context() else "scrypt"


def hash_password(password: str) -> str:
    """Hash with the configured method."""
    return generate_password_hash(password, method=password_hash_method())


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords, read once."""
    with gzip.open(COMMON_PASSWORDS_FILE, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip() for line in lines if line.strip())


def validate_password(password: str, username: str = "") -> None:
    """Refuse passwords that are too short, common, or the user name itself."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ServiceError(
            _("The password must have at least %(n)d characters.", n=MIN_PASSWORD_LENGTH),
            field="password",
        )
    folded = password.strip().lower()
    if username and folded == username.strip().lower():
        raise ServiceError(_("The password must not be the user name."), field="password")
    if folded in common_passwords():
        raise ServiceError(
            _("This password is one of the most common ones and easy to guess: choose another."), field="password"
        )
