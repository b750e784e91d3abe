"""A segment with lines for the action tests: contacts of several countries, one line without a contact."""

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import insert

from segapp.models import (
    CompanyInformation,
    Contact,
    ContactType,
    CorrespondenceType,
    CountryRegion,
    MailingGroup,
    SegmentHeader,
    SegmentLine,
)


def fill_lines(db: Any, segment_no: str, count: int, prefix: str = "A", first_line: int = 1) -> list[str]:
    """``count`` lines of persons (one insert each for contacts and lines), numbered in reverse of their
    contacts' order so that line order is not contact order; the contact nos. in line order."""
    contacts = [
        {
            "no": f"{prefix}{i:04d}",
            "type": ContactType.PERSON,
            "name": f"Person {i}",
            "company_name": f"Company {i}",
            "address": f"Via Roma {i}",
            "post_code": "20100",
            "city": "Milano",
            "country_code": "IT",
            "email": f"p{i}@example.com",
        }
        for i in range(count)
    ]
    db.session.execute(insert(Contact), contacts)
    lines = [
        {
            "segment_no": segment_no,
            "line_no": (first_line + count - i) * 10000,
            "contact_no": contact["no"],
            "salesperson_code": "MR",
            "interaction_template_code": "LETTER",
            "correspondence_type": CorrespondenceType.HARD_COPY,
            "language_code": "ITA",
        }
        for i, contact in enumerate(contacts)
    ]
    db.session.execute(insert(SegmentLine), lines)
    db.session.commit()
    return [contact["no"] for contact in reversed(contacts)]


@pytest.fixture
def countries(db: Any) -> None:
    """Italy (our company's country) and Germany; two mailing groups."""
    db.session.add_all(
        [
            CountryRegion(code="IT", name="Italia"),
            CountryRegion(code="DE", name="Deutschland"),
            MailingGroup(code="XMAS", description="Christmas card"),
            MailingGroup(code="FAIR", description="Fair invitation"),
        ]
    )
    db.session.flush()
    info = db.session.get(CompanyInformation, 1)
    info.country_code = "IT"
    db.session.commit()


@pytest.fixture
def mailing_segment(
    db: Any, countries: None, make_segment: Callable[..., SegmentHeader], make_contact: Callable[..., Contact]
) -> tuple[SegmentHeader, dict[str, Contact]]:
    """A segment of three lines: a German person of a company, an Italian company, and a line without contact;
    plus a contact not on the segment."""
    header = make_segment(description="Christmas")
    acme = make_contact(
        "Acme GmbH", no="C100", address="Hauptstr. 5", post_code="10115", city="Berlin", country_code="DE"
    )
    anna = make_contact(
        "Anna Schmidt",
        company=acme,
        no="P100",
        address="Hauptstr. 5",
        address_2="2. Stock",
        post_code="10115",
        city="Berlin",
        country_code="DE",
        email="anna@acme.de",
        phone="030 1234",
        language_code="DEU",
    )
    rossi = make_contact(
        "=Rossi S.r.l.",
        no="C200",
        address="Via Torino 10",
        post_code="20123",
        city="Milano",
        county="MI",
        country_code="IT",
        email="info@rossi.it",
    )
    other = make_contact("Other S.p.A.", no="C300", city="Roma", country_code="IT")
    db.session.add_all(
        [
            SegmentLine(
                segment_no=header.no,
                line_no=10000,
                contact_no=anna.no,
                contact_company_no=acme.no,
                salesperson_code="MR",
                interaction_template_code="LETTER",
                correspondence_type=CorrespondenceType.EMAIL,
                language_code="ENU",
            ),
            SegmentLine(segment_no=header.no, line_no=20000, description="No contact yet"),
            SegmentLine(
                segment_no=header.no,
                line_no=30000,
                contact_no=rossi.no,
                contact_company_no=rossi.no,
                salesperson_code="LB",
                interaction_template_code="CALL",
                correspondence_type=CorrespondenceType.HARD_COPY,
                language_code="ITA",
            ),
        ]
    )
    db.session.commit()
    return header, {"anna": anna, "acme": acme, "rossi": rossi, "other": other}
