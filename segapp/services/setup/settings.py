"""Single-row setup (company information, marketing setup) and the number series."""

from typing import Any

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from segapp.models import CompanyInformation, MarketingSetup, NumberSeries
from segapp.models.base import NO_LENGTH
from segapp.services.errors import ServiceError
from segapp.services.setup.number_series import format_number
from segapp.services.setup.reference import check_columns

MAX_INT = 2**31 - 1
MAX_NEXT_NUMBER = 10**15
# (field, smallest, largest) of the integer settings of marketing setup.
MARKETING_LIMITS = (
    ("max_attachment_kb", 1, MAX_INT),
    ("max_storage_mb", 1, MAX_INT),
    ("smtp_port", 1, 65535),
    ("emails_per_minute", 0, MAX_INT),
)


def _single_row(session: Session, model: type) -> Any:
    """The one row (id 1) of a single-row setup table, created when missing."""
    row = session.get(model, 1)
    if row is None:
        row = model(id=1)
        session.add(row)
        session.flush()
    return row


def _save_single_row(session: Session, model: type, values: dict[str, Any]) -> Any:
    """Check the values against the columns and set them on the table's one row."""
    values = {name: value for name, value in values.items() if name != "id"}
    check_columns(session, model, values, is_new=False)
    row = _single_row(session, model)
    for name, value in values.items():
        setattr(row, name, value)
    session.flush()
    return row


def company_information(session: Session) -> CompanyInformation:
    """The company information row (id 1), created when missing."""
    return _single_row(session, CompanyInformation)


def marketing_setup(session: Session) -> MarketingSetup:
    """The marketing setup row (id 1), created when missing."""
    return _single_row(session, MarketingSetup)


def save_company_information(session: Session, values: dict[str, Any]) -> CompanyInformation:
    """Change our own company's data after checking lengths and the country."""
    return _save_single_row(session, CompanyInformation, values)


def save_marketing_setup(session: Session, values: dict[str, Any]) -> MarketingSetup:
    """Change marketing setup (the SMTP password is not among its values: it comes from the environment)."""
    if values.get("smtp_security", "starttls") not in ("starttls", "ssl", "none"):
        raise ServiceError(_("Choose one of the offered values."), field="smtp_security")
    for name, low, high in MARKETING_LIMITS:
        if name in values and not (values[name] is not None and low <= values[name] <= high):
            raise ServiceError(_("Enter a whole number from %(low)d to %(high)d.", low=low, high=high), field=name)
    return _save_single_row(session, MarketingSetup, values)


def save_number_series(
    session: Session, series: NumberSeries, description: str, prefix: str, width: int, next_number: int
) -> None:
    """Change a number series: the next number is at least 1 and the numbers fit their column."""
    if not 1 <= width <= 10:
        raise ServiceError(_("Enter a whole number from %(low)d to %(high)d.", low=1, high=10), field="width")
    if not 1 <= next_number < MAX_NEXT_NUMBER:
        raise ServiceError(_("The next number must be at least 1."), field="next_number")
    if len(prefix) > 10:
        raise ServiceError(_("At most %(n)d characters.", n=10), field="prefix")
    if len(format_number(prefix, width, next_number)) > NO_LENGTH:
        raise ServiceError(
            _("Numbers of this series would be longer than %(n)d characters.", n=NO_LENGTH), field="width"
        )
    check_columns(session, NumberSeries, {"description": description}, is_new=False)
    series.description, series.prefix, series.width, series.next_number = description, prefix, width, next_number
    session.flush()
