"""The merge values of a segment's lines come from one SELECT, on both databases."""

import json
from collections.abc import Callable
from typing import Any

from segapp.models import SegmentHeader, SegmentLineDocument
from segapp.services.documents.catalogue import find_field, line_letters, line_values_select


def test_each_line_has_its_contacts_values_and_personal_text(
    db: Any, make_registrable: Callable[..., SegmentHeader]
) -> None:
    header = make_registrable(lines=2)
    db.session.add(SegmentLineDocument(segment_no=header.no, line_no=20000, personal_text="Grazie, Luca!\nA presto"))
    db.session.commit()

    letters = line_letters(db.session, header.no)

    assert sorted(letters) == [10000, 20000]
    assert letters[10000].values["ContactName"] == "Person 00001"
    assert letters[10000].values["PersonalText"] == ""
    assert letters[20000].values["PersonalText"] == "Grazie, Luca!\nA presto"
    assert letters[20000].template_document_id is None  # LETTER has no document yet
    assert not letters[20000].personalised
    row = db.session.execute(line_values_select(header.no, [10000])).one()
    assert json.loads(row.merge_values)["ContactNo"] == "R00001"


def test_field_names_match_in_any_case_as_in_word() -> None:
    assert find_field("contactname") is find_field("ContactName") is not None
    assert find_field("NoSuchField") is None
