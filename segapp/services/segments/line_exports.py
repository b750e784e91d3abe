"""The contacts of a segment's lines, as the columns a mailing needs: one join, in line order (spec 3.8)."""

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select
from sqlalchemy.orm import InstrumentedAttribute

from segapp.models import Contact, CountryRegion, SegmentLine
from segapp.services.importing.rows import FIELD_LABELS


@dataclass(frozen=True)
class ExportColumn:
    """One column of the export: its header and the column it reads."""

    label: Any
    column: InstrumentedAttribute | Any
    enum: bool = False  # an enum value, written as its caption in the user's language


# The one list of the export's columns. The contact's headers are the contact export's (FIELD_LABELS);
# the language is the line's, the one its document is written in.
LINE_EXPORT_COLUMNS: tuple[ExportColumn, ...] = (
    ExportColumn(_l("Line no."), SegmentLine.line_no),
    ExportColumn(FIELD_LABELS["no"], Contact.no),
    ExportColumn(FIELD_LABELS["name"], Contact.name),
    ExportColumn(FIELD_LABELS["company_name"], Contact.company_name),
    ExportColumn(FIELD_LABELS["address"], Contact.address),
    ExportColumn(FIELD_LABELS["address_2"], Contact.address_2),
    ExportColumn(FIELD_LABELS["post_code"], Contact.post_code),
    ExportColumn(FIELD_LABELS["city"], Contact.city),
    ExportColumn(FIELD_LABELS["county"], Contact.county),
    ExportColumn(FIELD_LABELS["country_code"], Contact.country_code),
    ExportColumn(_l("Country/region name"), CountryRegion.name),
    ExportColumn(FIELD_LABELS["email"], Contact.email),
    ExportColumn(FIELD_LABELS["phone"], Contact.phone),
    ExportColumn(FIELD_LABELS["mobile"], Contact.mobile),
    ExportColumn(FIELD_LABELS["language_code"], SegmentLine.language_code),
    ExportColumn(FIELD_LABELS["salesperson_code"], SegmentLine.salesperson_code),
    ExportColumn(_l("Interaction template"), SegmentLine.interaction_template_code),
    ExportColumn(FIELD_LABELS["correspondence_type"], SegmentLine.correspondence_type, enum=True),
)


def line_contacts_query(segment_no: str) -> Select:
    """The export's rows: each line with a contact, joined to it (and its country's name), in line order."""
    return (
        select(*(column.column for column in LINE_EXPORT_COLUMNS))
        .select_from(SegmentLine)
        .join(Contact, Contact.no == SegmentLine.contact_no)
        .outerjoin(CountryRegion, CountryRegion.code == Contact.country_code)
        .where(SegmentLine.segment_no == segment_no)
        .order_by(SegmentLine.line_no)
    )
