"""Users who sign in, with their role and optional salesperson."""

from datetime import datetime
from typing import Optional

from flask_login import UserMixin
from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String
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
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    last_failed_login_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))
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
