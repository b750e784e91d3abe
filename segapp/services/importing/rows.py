"""Turn one row of an import file into contact values, or say why it is refused."""

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from segapp.contact_numbers import is_valid_contact_no, normalise_contact_no
from segapp.importing import IMPORT_FIELDS, normalise_header
from segapp.models import (
    Contact,
    ContactType,
    CorrespondenceType,
)
from segapp.services.contacts.records import CODE_TABLES, INHERITED_ADDRESS, INHERITED_CODES, contact_no_message
from segapp.services.errors import ServiceError
from segapp.textfold import fold
from segapp.yesno import read_yes_no

# The contact fields as users name them: the mapping page, the import's messages and the export's
# column headers (which the import recognises again, see segapp.importing). "Name" has its own
# context: in Italian it must differ from "First name" ("Nome"), or an export would have two "Nome".
FIELD_LABELS = {
    "no": _l("No."),
    "type": _l("Type"),
    "name": lazy_pgettext("contact field", "Name"),
    "first_name": _l("First name"),
    "middle_name": _l("Middle name"),
    "surname": _l("Surname"),
    "title": _l("Title"),
    "salutation_code": _l("Salutation code"),
    "company_no": _l("Company no."),
    "company_name": _l("Company name"),
    "address": _l("Address"),
    "address_2": _l("Address 2"),
    "post_code": _l("Post code"),
    "city": _l("City"),
    "county": _l("County"),
    "country_code": _l("Country/region"),
    "territory_code": _l("Territory"),
    "salesperson_code": _l("Salesperson"),
    "language_code": _l("Language"),
    "correspondence_type": _l("Correspondence type"),
    "email": _l("E-mail"),
    "phone": _l("Phone"),
    "mobile": _l("Mobile"),
    "job_title": _l("Job title"),
    "exclude_from_segment": _l("Exclude from segment"),
    "privacy_blocked": _l("Privacy blocked"),
    "email_opt_out": _l("No e-mail (opted out)"),
}
NAME_FIELDS = frozenset({"name", "first_name", "surname", "company_name"})
NUMBER_FIELDS = frozenset({"no", "company_no"})
BOOLEAN_FIELDS = frozenset({"exclude_from_segment", "privacy_blocked", "email_opt_out"})
TEXT_FIELDS = frozenset(
    f for f in IMPORT_FIELDS if f not in BOOLEAN_FIELDS | set(CODE_TABLES) | {"type", "correspondence_type"}
)
LENGTHS = {f: Contact.__table__.columns[f].type.length for f in TEXT_FIELDS}
# Company rows copy these to a company created for a person's company name.
COMPANY_ADDRESS_FIELDS = INHERITED_ADDRESS + INHERITED_CODES
# Words compared after normalise_header (lower case, no accents, no spaces or punctuation).
TYPE_WORDS = {
    "company": ContactType.COMPANY,
    "c": ContactType.COMPANY,
    "societa": ContactType.COMPANY,
    "azienda": ContactType.COMPANY,
    "ditta": ContactType.COMPANY,
    "organization": ContactType.COMPANY,
    "organisation": ContactType.COMPANY,
    "person": ContactType.PERSON,
    "p": ContactType.PERSON,
    "persona": ContactType.PERSON,
    "individual": ContactType.PERSON,
    "individuo": ContactType.PERSON,
}
CORRESPONDENCE_WORDS = {
    "blank": CorrespondenceType.BLANK,
    "none": CorrespondenceType.BLANK,
    "nessuno": CorrespondenceType.BLANK,
    "hardcopy": CorrespondenceType.HARD_COPY,
    "paper": CorrespondenceType.HARD_COPY,
    "letter": CorrespondenceType.HARD_COPY,
    "post": CorrespondenceType.HARD_COPY,
    "cartaceo": CorrespondenceType.HARD_COPY,
    "carta": CorrespondenceType.HARD_COPY,
    "copiacartacea": CorrespondenceType.HARD_COPY,
    "lettera": CorrespondenceType.HARD_COPY,
    "posta": CorrespondenceType.HARD_COPY,
    "email": CorrespondenceType.EMAIL,
    "mail": CorrespondenceType.EMAIL,
    "postaelettronica": CorrespondenceType.EMAIL,
}
EMAIL_PATTERN = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+$")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass
class ParsedRow:
    """A row that passed the checks: its values (non-blank cells only) and how it links."""

    row_number: int
    type: ContactType
    values: dict[str, Any]
    company_no: str = ""  # persons: the company named by no.
    company_name: str = ""  # persons: the company named by name
    errors: list[str] = field(default_factory=list)
    no: str = ""  # the contact no. given in the file, or blank
    email_key: str = ""  # the e-mail folded (textfold), or blank
    name_key: str = ""  # the name folded (companies are linked by it)


def field_positions(columns: Sequence[str], mapping: dict[str, str]) -> dict[int, str]:
    """Column position -> contact field, checking the mapping; refuse a mapping without a name column."""
    positions: dict[int, str] = {}
    used: dict[str, str] = {}
    for position, column in enumerate(columns):
        target = (mapping.get(column) or "").strip()
        if not target or column in (columns[p] for p in positions):
            continue
        if target not in IMPORT_FIELDS:
            raise ServiceError(_("%(field)s is not a contact field.", field=target), "mapping")
        if target in used:
            raise ServiceError(
                _(
                    "The columns %(first)s and %(second)s both go to %(field)s: choose one.",
                    first=used[target],
                    second=column,
                    field=FIELD_LABELS[target],
                ),
                "mapping",
            )
        used[target] = column
        positions[position] = target
    if not NAME_FIELDS & set(positions.values()):
        raise ServiceError(
            _("A column must give the name: map Name, Company name, or First name/Surname for persons."),
            "mapping",
        )
    return positions


def load_code_lookups(session: Session, fields: set[str]) -> dict[str, dict[str, str]]:
    """For each mapped code field, every code (folded) and readable name (normalised) -> code, loaded once."""
    lookups: dict[str, dict[str, str]] = {}
    for name in fields & set(CODE_TABLES):
        model, label = CODE_TABLES[name]
        lookup: dict[str, str] = {}
        rows = session.execute(select(model.code, label)).all()
        for code, text in rows:
            if text:
                lookup.setdefault(normalise_header(text), code)
        for code, _text in rows:
            lookup[fold(code)] = code
        lookups[name] = lookup
    return lookups


class RowParser:
    """Checks rows against the mapping and the reference codes loaded once."""

    def __init__(self, positions: dict[int, str], lookups: dict[str, dict[str, str]]) -> None:
        self.positions = positions
        self.lookups = lookups
        # (position, field, maximum length for text fields else None), in column order.
        self.fields = [(p, f, LENGTHS[f] if f in TEXT_FIELDS else None) for p, f in positions.items()]

    def is_blank(self, row: Sequence[str]) -> bool:
        """True when the row has no text at all."""
        return not any((cell or "").strip() for cell in row)

    def parse(self, row_number: int, row: Sequence[str]) -> ParsedRow:
        """The row's values, with ``errors`` listing every reason it is refused."""
        parsed = ParsedRow(row_number, ContactType.COMPANY, {})
        values, errors = parsed.values, parsed.errors
        size = len(row)
        for position, name, limit in self.fields:
            text = row[position] if position < size else ""
            if not text or not (text := text.strip()):
                continue
            if CONTROL_CHARACTERS.search(text):
                errors.append(_("%(field)s contains control characters.", field=FIELD_LABELS[name]))
            elif (
                limit is not None
                and len(text) <= limit
                and name not in NUMBER_FIELDS
                and (name != "email" or EMAIL_PATTERN.match(text))
            ):
                values[name] = text  # the common case: text that passes its checks
            else:
                value = self._value(name, text, errors)
                if value is not None:
                    values[name] = value
        self._decide_type(parsed)
        return parsed

    def _value(self, name: str, text: str, errors: list[str]) -> Any:
        if name == "company_no":
            # Only looked up (whatever its case), so an existing company with an old-style no. is found.
            return normalise_contact_no(text)
        if name == "no":
            no = normalise_contact_no(text)
            if is_valid_contact_no(no):
                return no
            errors.append(_('"%(value)s" cannot be a contact no.:', value=text) + " " + contact_no_message())
            return None
        if name in TEXT_FIELDS:
            if len(text) > LENGTHS[name]:
                errors.append(
                    _("%(field)s is longer than %(max)d characters.", field=FIELD_LABELS[name], max=LENGTHS[name])
                )
            elif name == "email" and not EMAIL_PATTERN.match(text):
                errors.append(_('"%(value)s" is not a valid e-mail address.', value=text))
            else:
                return text
            return None
        label = FIELD_LABELS[name]
        word = normalise_header(text)
        if name in BOOLEAN_FIELDS:
            if word and (answer := read_yes_no(word)) is not None:
                return answer
            errors.append(_('%(field)s must be yes or no, not "%(value)s".', field=label, value=text))
        elif name == "type":
            if word in TYPE_WORDS:
                return TYPE_WORDS[word]
            errors.append(_('Type must be company or person, not "%(value)s".', value=text))
        elif name == "correspondence_type":
            if word in CORRESPONDENCE_WORDS:
                return CORRESPONDENCE_WORDS[word]
            errors.append(_('Correspondence type must be blank, hard copy or e-mail, not "%(value)s".', value=text))
        elif name in CODE_TABLES:
            code = self.lookups[name].get(fold(text)) or self.lookups[name].get(word)
            if code:
                return code
            errors.append(_('%(field)s "%(value)s" does not exist.', field=label, value=text))
        return None

    def _decide_type(self, parsed: ParsedRow) -> None:
        """Company or person; a company name with a person's name makes a person of that company."""
        values = parsed.values
        person_name = " ".join(values[f] for f in ("first_name", "middle_name", "surname") if values.get(f))
        name, company = values.get("name", ""), values.pop("company_name", "")
        company_no = values.pop("company_no", "")
        if "type" in values:
            parsed.type = values.pop("type")
        elif person_name or (name and company and fold(name) != fold(company)):
            parsed.type = ContactType.PERSON
        if parsed.type == ContactType.COMPANY:
            name = name or company
        else:
            name = name or person_name
            parsed.company_no, parsed.company_name = company_no, company
        if not name:
            parsed.errors.append(_("The row has no name."))
        elif len(name) > LENGTHS["name"]:
            parsed.errors.append(
                _("%(field)s is longer than %(max)d characters.", field=FIELD_LABELS["name"], max=LENGTHS["name"])
            )
        else:
            values["name"] = name
        parsed.no = values.get("no", "")
        parsed.email_key = fold(values.get("email", ""))
        parsed.name_key = fold(name)
