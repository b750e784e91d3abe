"""Users who sign in, with their role and optional salesperson."""

from datetime import datetime
from typing import Optional

from flask_login import UserMixin
from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from segapp.models.base import Base, Role, enum_column, utcnow


class User(UserMixin, Base):
    """A person who signs in to segapp."""

    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(50), unique=True)
    full_name: Mapped[str] = mapped_column(String(100), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(enum_column(Role, "role"), default=Role.USER)
    salesperson_code: Mapped[Optional[str]] = mapped_column(ForeignKey("salesperson.code"))
    language: Mapped[str] = mapped_column(String(5), default="")
    # Sections of the segment page this user keeps closed (FastTabs), space-separated keys.
    closed_sections: Mapped[str] = mapped_column(String(200), default="", server_default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        """Flask-Login: deactivated users cannot sign in."""
        return self.active

    @property
    def can_edit(self) -> bool:
        """Admins and users change data; viewers only read."""
        return self.role in (Role.ADMIN, Role.USER)

    @property
    def is_admin(self) -> bool:
        """Admins manage users and setup."""
        return self.role == Role.ADMIN


class UserSession(Base):
    """A signed-in browser: its cookie carries the token whose hash is stored here.

    Sign-out deletes the row, so a copied cookie stops working at once; a password
    change deletes the user's other rows; deactivation deletes them all; a use from
    another address or browser deletes it.
    """

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # Hash of the address and browser that signed in: the session works from there only.
    client_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)


class SignInFailure(Base):
    """Failed sign-ins counted per client address and user name (known or not)."""

    __tablename__ = "sign_in_failure"
    __table_args__ = (UniqueConstraint("address", "username"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    address: Mapped[str] = mapped_column(String(45))
    username: Mapped[str] = mapped_column(String(50))
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
