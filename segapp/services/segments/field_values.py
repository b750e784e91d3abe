"""Turn what a user typed into a typed value, or refuse it with a message (header and line fields)."""

import re
from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from segapp import dates
from segapp.models import (
    Campaign,
    Contact,
    CorrespondenceType,
    Evaluation,
    InformationFlow,
    InitiatedBy,
    InteractionTemplate,
    Language,
)
from segapp.numbers import count_text, to_decimal
from segapp.services.errors import Ambiguous, ServiceError
from segapp.services.setup.salespeople import check_choosable
from segapp.yesno import read_yes_no

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def edit_value(value: Any) -> str:
    """The value as the user types it back: ISO dates, plain decimals, 1/'' for yes/no."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return str(value)


def parse_text(value: str, field: str, max_length: int) -> str:
    """Trimmed text without control characters, at most ``max_length`` long."""
    value = (value or "").strip()
    if _CONTROL.search(value):
        raise ServiceError(_("Control characters are not allowed here."), field)
    if len(value) > max_length:
        raise ServiceError(_("At most %(n)d characters.", n=max_length), field)
    return value


def parse_amount(value: str, field: str) -> Decimal:
    """A number that is not negative; ``10.5`` and ``10,5`` are both understood."""
    try:
        number = to_decimal(value)
    except ValueError as refused:
        raise ServiceError(str(refused), field) from None
    if number < 0:
        raise ServiceError(_("The value cannot be negative."), field)
    return number


def parse_date(value: str, field: str) -> date | None:
    """A typed date (``2026-11-23``, ``23/11/2026``, ``23.11.2026``, ``t`` for today); blank clears it."""
    text = (value or "").strip()
    if not text:
        return None
    try:
        return dates.parse_date(text, locale=get_locale())
    except dates.DateError as error:
        raise ServiceError(error.message, field) from None


def parse_bool(value: Any, field: str) -> bool:
    """A yes/no value from a checkbox or a typed word."""
    if isinstance(value, bool):
        return value
    answer = read_yes_no(str(value or ""))
    if answer is None:
        raise ServiceError(_("Choose yes or no."), field)
    return answer


def parse_option(value: str, enum_cls: type, field: str) -> Any:
    """One of the values of an option field."""
    text = (value or "").strip()
    try:
        return enum_cls(text)
    except ValueError:
        raise ServiceError(_("%(value)s is not one of the choices.", value=value), field) from None


def parse_salesperson(session: Session, value: str, field: str) -> str | None:
    """An existing salesperson that is not blocked; blank clears it."""
    code = (value or "").strip().upper()
    if not code:
        return None
    return check_choosable(session, code, field)


def parse_template(session: Session, value: str, field: str) -> InteractionTemplate | None:
    """An existing interaction template; blank clears it."""
    code = (value or "").strip().upper()
    if not code:
        return None
    template = session.get(InteractionTemplate, code)
    if template is None:
        raise ServiceError(_("There is no interaction template %(code)s.", code=code), field)
    return template


def parse_language(session: Session, value: str, field: str) -> str | None:
    """An existing language code; blank clears it."""
    code = (value or "").strip().upper()
    if not code:
        return None
    if session.get(Language, code) is None:
        raise ServiceError(_("There is no language %(code)s.", code=code), field)
    return code


def parse_campaign(session: Session, value: str, field: str) -> str | None:
    """An existing campaign no.; blank clears it."""
    no = (value or "").strip().upper()
    if not no:
        return None
    if session.get(Campaign, no) is None:
        raise ServiceError(_("There is no campaign %(no)s.", no=no), field)
    return no


def find_contact(session: Session, value: str, field: str = "contact_no") -> Contact:
    """An existing contact that may stand on a segment, by no. or by the start of its name.

    A name that several contacts start with raises Ambiguous with the first of them to pick from;
    privacy-blocked contacts are refused.
    """
    no = (value or "").strip().upper()
    contact = session.get(Contact, no) if no else None
    if contact is None and no:
        contact = _only_contact_named(session, value.strip(), field)
    if contact is None:
        raise ServiceError(_("There is no contact %(no)s.", no=value.strip()), field)
    if contact.privacy_blocked:
        raise ServiceError(_("The contact %(no)s is privacy blocked and cannot be put on a segment.", no=no), field)
    return contact


MAX_CHOICES = 10


def _only_contact_named(session: Session, text: str, field: str) -> Contact | None:
    """The contact whose name starts with the text when exactly one does; several raise Ambiguous."""
    query = (
        select(Contact)
        .where(Contact.name.istartswith(text, autoescape=True), Contact.privacy_blocked.is_(False))
        .limit(MAX_CHOICES + 1)
    )
    # No ORDER BY: the scan stops at the first matches; a handful is sorted here.
    found = sorted(session.scalars(query), key=lambda contact: (contact.name, contact.no))
    if len(found) <= 1:
        return found[0] if found else None
    if len(found) > MAX_CHOICES:
        message = _(
            "More than %(num)d contacts match %(text)s: pick one, or type more of the name.",
            num=MAX_CHOICES,
            text=text,
        )
    else:
        message = count_text(
            "%(num)s contact matches %(text)s.", "%(num)s contacts match %(text)s.", len(found), text=text
        )
    raise Ambiguous(message, field, found[:MAX_CHOICES])


def contact_search(session: Session, text: str, limit: int = 10) -> list[Contact]:
    """Contacts whose no. or name starts with (or name contains) the text, for completion."""
    text = (text or "").strip()
    if not text:
        return []
    query = (
        select(Contact)
        .where(Contact.privacy_blocked.is_(False))
        .where(Contact.no.istartswith(text, autoescape=True) | Contact.name.icontains(text, autoescape=True))
        .order_by(Contact.no)
        .limit(limit)
    )
    return list(session.scalars(query))


OPTION_ENUMS = {
    "correspondence_type": CorrespondenceType,
    "information_flow": InformationFlow,
    "initiated_by": InitiatedBy,
    "evaluation": Evaluation,
}


def parse_by_kind(session: Session, kind: str, value: Any, field: str) -> Any:
    """Read a submitted header or line value of the given kind, or raise ServiceError for the field."""
    if kind == "text100":
        return parse_text(value, field, 100)
    if kind == "text250":
        return parse_text(value, field, 250)
    if kind == "amount":
        return parse_amount(value, field)
    if kind == "date":
        return parse_date(value, field)
    if kind == "bool":
        return parse_bool(value, field)
    if kind == "option":
        return parse_option(value, OPTION_ENUMS[field], field)
    if kind == "salesperson":
        return parse_salesperson(session, value, field)
    if kind == "template":
        return parse_template(session, value, field)
    if kind == "language":
        return parse_language(session, value, field)
    if kind == "campaign":
        return parse_campaign(session, value, field)
    text = (value or "").strip()
    return find_contact(session, text, field) if text else None
