"""Users: creation, sign-in with throttling, password changes."""

from datetime import UTC, datetime, timedelta

from flask import current_app, has_app_context
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from segapp.config import UI_LANGUAGES
from segapp.models import Role, User
from segapp.services.errors import ServiceError

MIN_PASSWORD_LENGTH = 8


def hash_password(password: str) -> str:
    """Hash with the configured method (scrypt by default; the tests use a cheaper one)."""
    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt") if has_app_context() else "scrypt"
    return generate_password_hash(password, method=method)


# Checked against when the user does not exist, so that both paths cost the same.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


def any_user_exists(session: Session) -> bool:
    """True once the first user has been created."""
    return session.scalar(select(func.count()).select_from(User)) > 0


def validate_password(password: str) -> None:
    """Refuse passwords that are too short."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ServiceError(
            _("The password must have at least %(n)d characters.", n=MIN_PASSWORD_LENGTH),
            field="password",
        )


def create_user(
    session: Session,
    username: str,
    password: str,
    role: Role = Role.USER,
    full_name: str = "",
    salesperson_code: str | None = None,
    language: str = "",
) -> User:
    """Create a user with a hashed password; usernames are unique, case-insensitively."""
    username = username.strip()
    if not username:
        raise ServiceError(_("A username is required."), field="username")
    taken = session.scalar(select(User.id).where(func.lower(User.username) == username.lower()))
    if taken is not None:
        raise ServiceError(_("The username %(name)s is taken.", name=username), field="username")
    validate_password(password)
    user = User(
        username=username,
        password_hash=hash_password(password),
        role=role,
        full_name=full_name,
        salesperson_code=salesperson_code or None,
        language=language,
    )
    session.add(user)
    session.flush()
    return user


def throttle_seconds_left(user: User, after: int, max_seconds: int, now: datetime) -> int:
    """Seconds the user must still wait before another sign-in attempt is checked."""
    if user.failed_logins < after or user.last_failed_login_at is None:
        return 0
    wait = min(2 ** (user.failed_logins - after + 1), max_seconds)
    last = user.last_failed_login_at
    if last.tzinfo is None:
        last = last.replace(tzinfo=UTC)
    left = (last + timedelta(seconds=wait) - now).total_seconds()
    return max(0, int(left + 0.999))


def authenticate(session: Session, username: str, password: str, throttle_after: int, throttle_max: int) -> User:
    """Return the user for these credentials or raise; repeated failures are slowed down."""
    now = datetime.now(UTC)
    user = session.scalar(select(User).where(func.lower(User.username) == username.strip().lower()))
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        raise ServiceError(_("Unknown username or wrong password."))
    left = throttle_seconds_left(user, throttle_after, throttle_max, now)
    if left:
        raise ServiceError(_("Too many failed sign-ins. Try again in %(s)d seconds.", s=left))
    if not check_password_hash(user.password_hash, password) or not user.active:
        user.failed_logins += 1
        user.last_failed_login_at = now
        raise ServiceError(_("Unknown username or wrong password."))
    user.failed_logins = 0
    user.last_failed_login_at = None
    return user


def change_password(user: User, current: str, new: str) -> None:
    """Change a user's own password after checking the current one."""
    if not check_password_hash(user.password_hash, current):
        raise ServiceError(_("The current password is wrong."), field="current_password")
    validate_password(new)
    user.password_hash = hash_password(new)


def save_profile(user: User, full_name: str, language: str) -> None:
    """Change the user's own name and interface language (blank: the browser's)."""
    if language and language not in UI_LANGUAGES:
        raise ServiceError(_("Choose a value from the list."), field="language")
    user.full_name, user.language = full_name or "", language or ""


def _check_salesperson(session: Session, salesperson_code: str | None) -> str | None:
    from segapp.models import Salesperson

    if not salesperson_code:
        return None
    if session.get(Salesperson, salesperson_code) is None:
        raise ServiceError(_("%(value)s does not exist.", value=salesperson_code), field="salesperson_code")
    return salesperson_code


def ensure_an_admin_remains(session: Session, user: User, role: Role, active: bool) -> None:
    """Refuse a change that would leave no active administrator."""
    if not (user.role == Role.ADMIN and user.active) or (role == Role.ADMIN and active):
        return
    others = session.scalar(
        select(func.count()).select_from(User).where(User.role == Role.ADMIN, User.active.is_(True), User.id != user.id)
    )
    if not others:
        field = "role" if role != Role.ADMIN else "active"
        raise ServiceError(
            _("%(name)s is the last active administrator: make someone else administrator first.", name=user.username),
            field=field,
        )


def add_user(
    session: Session,
    username: str,
    password: str,
    role: Role,
    full_name: str = "",
    email: str = "",
    salesperson_code: str | None = None,
    language: str = "",
) -> User:
    """Create a user from the user management page (salesperson checked, e-mail kept)."""
    salesperson_code = _check_salesperson(session, salesperson_code)
    user = create_user(
        session,
        username or "",
        password or "",
        role=role,
        full_name=full_name or "",
        salesperson_code=salesperson_code,
        language=language or "",
    )
    user.email = email or ""
    session.flush()
    return user


def update_user(
    session: Session,
    user: User,
    *,
    full_name: str,
    email: str,
    role: Role,
    salesperson_code: str | None,
    language: str,
    active: bool,
    new_password: str = "",
) -> None:
    """Change a user's role, salesperson, activity and, when given, password."""
    role = Role(role)
    ensure_an_admin_remains(session, user, role, active)
    salesperson_code = _check_salesperson(session, salesperson_code)
    if new_password:
        validate_password(new_password)
        user.password_hash = hash_password(new_password)
        user.failed_logins = 0
        user.last_failed_login_at = None
    user.full_name, user.email, user.role = full_name or "", email or "", role
    user.salesperson_code, user.language, user.active = salesperson_code, language or "", bool(active)
    session.flush()
