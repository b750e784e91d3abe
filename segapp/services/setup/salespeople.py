"""Salespeople: a blocked one cannot be chosen on new segments, lines or campaigns (spec 1)."""

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, Row, select
from sqlalchemy.orm import Session

from segapp.models import Salesperson
from segapp.services.errors import ServiceError


def choosable() -> ColumnElement[bool]:
    """The condition a salesperson meets to be chosen: not blocked."""
    return Salesperson.blocked.is_(False)


def choosable_salespeople(session: Session) -> list[Row[tuple[str, str]]]:
    """Code and name of every salesperson that can be chosen, by code."""
    return list(
        session.execute(select(Salesperson.code, Salesperson.name).where(choosable()).order_by(Salesperson.code))
    )


def is_choosable(session: Session, code: str | None) -> bool:
    """True when the code names a salesperson that can be chosen."""
    return (
        bool(code) and session.scalar(select(Salesperson.code).where(Salesperson.code == code, choosable())) is not None
    )


def check_choosable(session: Session, code: str, field: str = "salesperson_code") -> str:
    """The code of an existing salesperson that is not blocked; refused with a message otherwise."""
    person = session.get(Salesperson, code)
    if person is None:
        raise ServiceError(_("There is no salesperson %(code)s.", code=code), field)
    if person.blocked:
        raise ServiceError(_("Salesperson %(code)s is blocked and cannot be chosen.", code=code), field)
    return code
