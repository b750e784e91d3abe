"""Number series: hand out the next number, never the same one twice."""

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from segapp.models import MarketingSetup, NumberSeries
from segapp.services.errors import ServiceError

CONTACT_SERIES = "CONTACT"
SEGMENT_SERIES = "SEGMENT"
CAMPAIGN_SERIES = "CAMPAIGN"


def format_number(prefix: str, width: int, number: int) -> str:
    """``SEG`` + 5 + 1 gives ``SEG00001``."""
    return f"{prefix}{number:0{width}d}"


def next_numbers(session: Session, series_code: str, count: int = 1) -> list[str]:
    """Reserve ``count`` consecutive numbers of a series in one atomic statement."""
    # UPDATE ... RETURNING takes the row lock (PostgreSQL) or the write lock (SQLite),
    # so two transactions can never read the same next_number.
    row = session.execute(
        update(NumberSeries)
        .where(NumberSeries.code == series_code)
        .values(next_number=NumberSeries.next_number + count)
        .returning(NumberSeries.prefix, NumberSeries.width, NumberSeries.next_number)
    ).one_or_none()
    if row is None:
        raise ServiceError(_("The number series %(code)s does not exist.", code=series_code))
    prefix, width, after = row
    first = after - count
    return [format_number(prefix, width, n) for n in range(first, after)]


def next_number(session: Session, series_code: str) -> str:
    """The next number of a series."""
    return next_numbers(session, series_code, 1)[0]


def series_for(session: Session, purpose: str) -> str:
    """The series code that marketing setup names for contacts, segments or campaigns."""
    column = {
        CONTACT_SERIES: MarketingSetup.contact_series_code,
        SEGMENT_SERIES: MarketingSetup.segment_series_code,
        CAMPAIGN_SERIES: MarketingSetup.campaign_series_code,
    }[purpose]
    code = session.scalar(select(column).where(MarketingSetup.id == 1))
    return code or purpose
