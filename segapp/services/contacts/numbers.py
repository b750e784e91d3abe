"""Existing contacts whose numbers break the rule of segapp.contact_numbers (nothing is renamed)."""

from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from segapp.contact_numbers import is_valid_contact_no
from segapp.models import Contact


def contacts_with_bad_numbers(session: Session) -> Iterator[tuple[str, str]]:
    """(no., name) of each contact whose no. breaks the rule, in no. order, read in chunks."""
    rows = session.execute(select(Contact.no, Contact.name).order_by(Contact.no).execution_options(yield_per=5000))
    for no, name in rows:
        if not is_valid_contact_no(no):
            yield no, name
