"""A contact's postal address as the lines of an envelope or a label."""

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from segapp.models import CompanyInformation


def own_country_code(session: Session) -> str | None:
    """Our company's country (company information): addresses there are written without their country."""
    return session.scalar(select(CompanyInformation.country_code).where(CompanyInformation.id == 1))


def mail_address_lines(contact: Mapping[str, Any], own_country: str | None) -> list[str]:
    """The lines of the contact's mail address: name, company (for a person), address, address 2,
    post code + city + county, and the country when it is not ours; blank lines left out.

    ``contact`` holds the contact's name, company_name, address, address_2, post_code, city, county,
    country_code and country_name (the country's name, for the last line)."""
    name = (contact.get("name") or "").strip()
    company = (contact.get("company_name") or "").strip()
    place = " ".join(part for part in (contact.get("post_code"), contact.get("city"), contact.get("county")) if part)
    lines = [name, company if company != name else "", contact.get("address") or "", contact.get("address_2") or ""]
    lines.append(place)
    country = contact.get("country_code")
    if country and country != own_country:
        lines.append(contact.get("country_name") or country)
    return [line.strip() for line in lines if line and line.strip()]
