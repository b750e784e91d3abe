"""Pass 1 of an import: decide for each checked row whether it creates, updates or is skipped,
and which company each person links to."""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from segapp.models import ContactType, NumberSeries
from segapp.services.importing.known import KnownContacts, Ref, companies_by_no
from segapp.services.importing.rows import COMPANY_ADDRESS_FIELDS, ParsedRow
from segapp.services.importing.spool import Spool
from segapp.services.setup.number_series import CONTACT_SERIES, series_for
from segapp.textfold import fold


@dataclass
class RowError:
    """A rejected row: its number in the file (the header is row 1) and why."""

    row_number: int
    message: str


class NewNumbers:
    """The numbers the import takes from the contact series: counted now, reserved when writing."""

    def __init__(self, session: Session) -> None:
        self.series = series_for(session, CONTACT_SERIES)
        self.prefix, self.width = session.execute(
            select(NumberSeries.prefix, NumberSeries.width).where(NumberSeries.code == self.series)
        ).one_or_none() or ("", 0)
        self.count = 0
        self.max_given = 0

    def new_ref(self) -> int:
        """A place holder for the next number to reserve."""
        self.count += 1
        return self.count - 1

    def note_given(self, no: str) -> None:
        """Remember the highest number of our series the file gives, so the series can skip past it."""
        digits = no[len(self.prefix) :]
        if self.prefix and no.startswith(self.prefix) and digits.isdigit() and len(digits) == self.width:
            self.max_given = max(self.max_given, int(digits))


class CompanyLinks:
    """The companies that persons name, by no. or by name, resolved once every row is known."""

    def __init__(self) -> None:
        self.wanted_names: dict[str, dict[str, Any]] = {}  # folded name -> values of a company to create
        self.wanted_nos: dict[str, list[int]] = defaultdict(list)  # company no. -> row numbers
        self.of_no: dict[str, tuple[Ref, str]] = {}
        self.of_name: dict[str, tuple[Ref, str]] = {}

    def want(self, parsed: ParsedRow) -> None:
        """Note the company this row names."""
        if parsed.company_no:
            self.wanted_nos[parsed.company_no].append(parsed.row_number)
        elif parsed.company_name:
            self.wanted_names.setdefault(
                fold(parsed.company_name),
                {
                    "name": parsed.company_name,
                    **{k: parsed.values[k] for k in COMPANY_ADDRESS_FIELDS if k in parsed.values},
                },
            )

    def link(self, company_no: str, company_name: str, final: Callable[[Ref], str]) -> dict[str, Any]:
        """The company columns of a person."""
        if company_no:
            ref, name = self.of_no[company_no]
        elif company_name:
            ref, name = self.of_name[fold(company_name)]
        else:
            return {"company_no": None, "company_name": ""}
        return {"company_no": final(ref), "company_name": name}


class ImportPlan:
    """What pass 2 will write: new companies and persons and the updates, spooled to disk."""

    def __init__(self, session: Session, known: KnownContacts, update_duplicates: bool) -> None:
        self.session = session
        self.known = known
        self.update_duplicates = update_duplicates
        self.numbers = NewNumbers(session)
        self.links = CompanyLinks()
        self.companies, self.persons, self.updates = Spool(), Spool(), Spool()
        self.skipped = 0
        self.errors: list[RowError] = []
        self.bad_rows: set[int] = set()

    def close(self) -> None:
        """Drop the spools."""
        for spool in (self.companies, self.persons, self.updates):
            spool.close()

    def sorted_errors(self) -> list[RowError]:
        """The rejected rows in file order."""
        return sorted(self.errors, key=lambda e: e.row_number)

    def decide(self, parsed: ParsedRow) -> None:
        """Skip, update or create the row."""
        target = self.known.duplicate_of(parsed)
        if target is not None and not self.update_duplicates:
            self.skipped += 1
            return
        if target is not None:
            values = {k: v for k, v in parsed.values.items() if k != "no"}
            self.updates.add((parsed.row_number, target, parsed.type, values, parsed.company_no, parsed.company_name))
            self.links.want(parsed)
            return
        ref: Ref = parsed.no or self.numbers.new_ref()
        if parsed.no:
            self.numbers.note_given(parsed.no)
        self.known.add(parsed, ref)
        if parsed.type == ContactType.COMPANY:
            self.companies.add((parsed.row_number, ref, parsed.values))
        else:
            self.persons.add((parsed.row_number, ref, parsed.values, parsed.company_no, parsed.company_name))
            self.links.want(parsed)

    def resolve_companies(self) -> None:
        """Link persons to the companies they name; a company no. that names none rejects the row;
        a company name that names none creates the company."""
        links, known = self.links, self.known
        missing = {fold(no) for no in links.wanted_nos if fold(no) not in known.company_names_by_no}
        found = companies_by_no(self.session, missing)
        for no, row_numbers in links.wanted_nos.items():
            key = fold(no)
            if key in known.company_names_by_no:
                links.of_no[no] = (known.by_no[key], known.company_names_by_no[key])
            elif key in found:
                links.of_no[no] = found[key]
            else:
                for row_number in row_numbers:
                    self.bad_rows.add(row_number)
                    self.errors.append(RowError(row_number, _("There is no company with no. %(no)s.", no=no)))
        for key, values in links.wanted_names.items():
            if key not in known.companies_by_name:
                ref = self.numbers.new_ref()
                known.companies_by_name[key] = (ref, values["name"])
                self.companies.add((0, ref, values))
            links.of_name[key] = known.companies_by_name[key]
        links.wanted_names.clear()
