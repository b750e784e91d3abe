"""Users: creation, password changes, user management."""

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash

from segapp.config import UI_LANGUAGES
from segapp.models import Role, User
from segapp.services.auth.passwords import hash_password, validate_password
from segapp.services.auth.sessions import end_other_sessions
from segapp.services.errors import ServiceError


def any_user_exists(session: Session) -> bool:
    """True once the first user has been created."""
    return session.scalar(select(func.count()).select_from(User)) > 0


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
    validate_password(password, username)
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


def change_password(session: Session, user: User, current: str, new: str, keep_token: str | None) -> None:
    """Change a user's own password after checking the current one; their other sessions end."""
    if not check_password_hash(user.password_hash, current):
        raise ServiceError(_("The current password is wrong."), field="current_password")
    validate_password(new, user.username)
    user.password_hash = hash_password(new)
    end_other_sessions(session, user.id, keep_token)


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
    keep_token: str | None = None,
) -> None:
    """Change a user's role, salesperson, activity and, when given, password.

    A new password ends the user's sessions (but ``keep_token``'s, the administrator's
    own when they change their own password here); deactivation ends all of them.
    """
    role = Role(role)
    ensure_an_admin_remains(session, user, role, active)
    salesperson_code = _check_salesperson(session, salesperson_code)
    if new_password:
        try:
            validate_password(new_password, user.username)
        except ServiceError as error:
            raise ServiceError(error.message, field="new_password") from error
        user.password_hash = hash_password(new_password)
        end_other_sessions(session, user.id, keep_token)
    user.full_name, user.email, user.role = full_name or "", email or "", role
    user.salesperson_code, user.language, user.active = salesperson_code, language or "", bool(active)
    if not user.active:
        end_other_sessions(session, user.id, None)
    session.flush()


def set_section_open(session: Session, user: User, section: str, is_open: bool) -> None:
    """Remember whether this user keeps a section of the segment page open (the default) or closed."""
    # Read again under a row lock: two sections folded at once send two requests, and each must add to
    # what the other wrote, not overwrite it with the value read at sign-in (SQLite's writes are serial anyway).
    session.refresh(user, ["closed_sections"], with_for_update=True)
    closed = set(user.closed_sections.split())
    if is_open:
        closed.discard(section)
    else:
        closed.add(section)
    user.closed_sections = " ".join(sorted(closed))
    session.flush()
