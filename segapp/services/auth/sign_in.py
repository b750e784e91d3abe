"""Sign-in with throttling per client address and user name.

Failures are counted per (address, name) whether or not the name exists, so the
answers for known and unknown names are the same, and an attacker at another address
cannot lock the owner out. Every attempt, throttled or not, checks one password hash
(a dummy one for unknown names), so the time taken tells nothing either.
"""

from datetime import UTC, datetime, timedelta
from functools import cache

from flask_babel import gettext as _
from sqlalchemy import delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from segapp.models import SignInFailure, User
from segapp.numbers import count_text
from segapp.services.auth.passwords import password_hash_method
from segapp.services.auth.sessions import NO_SYNC
from segapp.services.errors import ServiceError

ADDRESS_LENGTH = 45
NAME_LENGTH = 50


@cache
def _dummy_hash(method: str) -> str:
    return generate_password_hash("not-a-real-password", method=method)


def throttle_seconds_left(failure: SignInFailure | None, after: int, max_seconds: int, now: datetime) -> int:
    """Seconds to wait before another attempt from this address for this name is checked."""
    if failure is None or failure.failures < after:
        return 0
    wait = min(2 ** (failure.failures - after + 1), max_seconds)
    last = failure.last_failed_at
    if last.tzinfo is None:
        last = last.replace(tzinfo=UTC)
    left = (last + timedelta(seconds=wait) - now).total_seconds()
    return max(0, int(left + 0.999))


def _record_failure(session: Session, address: str, name: str, now: datetime, max_seconds: int) -> None:
    # One statement, safe when two failures arrive at once; rows older than any wait go.
    session.execute(
        delete(SignInFailure).where(SignInFailure.last_failed_at < now - timedelta(seconds=2 * max_seconds)),
        execution_options=NO_SYNC,
    )
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(SignInFailure).values(address=address, username=name, failures=1, last_failed_at=now)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["address", "username"],
            set_={"failures": SignInFailure.failures + 1, "last_failed_at": now},
        )
    )


def authenticate(
    session: Session, username: str, password: str, address: str, throttle_after: int, throttle_max: int
) -> User:
    """Return the user for these credentials or raise; failures from one address for one name are slowed down."""
    now = datetime.now(UTC)
    name = username.strip().lower()[:NAME_LENGTH]
    address = (address or "")[:ADDRESS_LENGTH]
    user = session.scalar(select(User).where(func.lower(User.username) == name))
    failure = session.scalar(
        select(SignInFailure).where(SignInFailure.address == address, SignInFailure.username == name)
    )
    password_matches = check_password_hash(
        user.password_hash if user else _dummy_hash(password_hash_method()), password
    )
    left = throttle_seconds_left(failure, throttle_after, throttle_max, now)
    if left:
        raise ServiceError(
            count_text(
                "Too many failed sign-ins. Try again in %(num)s second.",
                "Too many failed sign-ins. Try again in %(num)s seconds.",
                left,
            )
        )
    if user is None or not password_matches or not user.active:
        _record_failure(session, address, name, now, throttle_max)
        raise ServiceError(_("Unknown username or wrong password."))
    if failure is not None:
        session.delete(failure)
    return user
