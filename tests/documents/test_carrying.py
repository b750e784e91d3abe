"""A line's document goes where the line goes: out with every removal, back with go back, gone with a go back
that takes an added line away; on both databases, in a fixed number of statements."""

from collections.abc import Callable
from typing import Any

from sqlalchemy import func, insert, select

from segapp.models import Contact, ContactType, CriteriaActionType, SegmentHeader, SegmentLineDocument
from segapp.services.contacts.records import anonymise_contact
from segapp.services.criteria.matching import ActionOptions, FieldFilter
from segapp.services.criteria.running import run_action
from segapp.services.criteria.undo import go_back
from segapp.services.documents.line_letters import line_document, personalise_line, save_personal_text
from segapp.services.segments.grid import grid_row
from segapp.services.segments.lines import delete_line, undo_line_delete, update_line_field
from segapp.services.segments.records import delete_segment
from tests.documents.letter_support import letter_docx
from tests.sqlcount import count_statements

NONE = ActionOptions()
MAX = 5 * 1024 * 1024


def _text(db: Any, segment_no: str, line_no: int, text: str) -> None:
    save_personal_text(db.session, segment_no, line_no, text, start="", user_id=None)
    db.session.commit()


def _texts(db: Any, segment_no: str) -> dict[int, str]:
    """The live documents' personal texts by line no., read afresh."""
    db.session.expire_all()
    rows = db.session.execute(
        select(SegmentLineDocument.line_no, SegmentLineDocument.personal_text).where(
            SegmentLineDocument.segment_no == segment_no, SegmentLineDocument.removed_by_action_id.is_(None)
        )
    )
    return dict(rows.tuples().all())


def _all_rows(db: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(SegmentLineDocument))


def _contact_filter(*nos: str) -> list[FieldFilter]:
    return [FieldFilter(1, "contact", "no", "|".join(nos))]


def test_reduce_takes_the_document_out_and_go_back_brings_it_back(
    db: Any, make_registrable: Callable[..., SegmentHeader]
) -> None:
    header = make_registrable(lines=3)
    _text(db, header.no, 10000, "Per Anna")
    _text(db, header.no, 20000, "Per Bruno")
    personalise_line(
        db.session, header.no, 20000, "bruno.docx", letter_docx("Caro Bruno"), expected="", max_bytes=MAX, user_id=None
    )
    db.session.commit()

    run_action(
        db.session, header.no, CriteriaActionType.REDUCE, _contact_filter("R00002"), NONE, user_id=None, locale="en"
    )
    db.session.commit()
    assert _texts(db, header.no) == {10000: "Per Anna"}
    assert _all_rows(db) == 2  # kept, out of the segment with its line

    result = go_back(db.session, header.no)
    db.session.commit()
    assert result.lines_restored == 1
    assert _texts(db, header.no) == {10000: "Per Anna", 20000: "Per Bruno"}
    row = grid_row(db.session, header.no, 20000)
    assert row is not None and row.document == "personalised"


def test_refine_takes_out_the_documents_of_the_lines_it_drops(
    db: Any, make_registrable: Callable[..., SegmentHeader]
) -> None:
    header = make_registrable(lines=3)
    for line_no in (10000, 20000, 30000):
        _text(db, header.no, line_no, f"Testo {line_no}")

    run_action(
        db.session, header.no, CriteriaActionType.REFINE, _contact_filter("R00003"), NONE, user_id=None, locale="en"
    )
    db.session.commit()
    assert _texts(db, header.no) == {30000: "Testo 30000"}
    go_back(db.session, header.no)
    db.session.commit()
    assert _texts(db, header.no) == {10000: "Testo 10000", 20000: "Testo 20000", 30000: "Testo 30000"}


def test_anonymising_a_contact_deletes_the_documents_of_its_removed_lines(
    db: Any, make_registrable: Callable[..., SegmentHeader]
) -> None:
    header = make_registrable(lines=2)
    _text(db, header.no, 10000, "Per Anna")
    _text(db, header.no, 20000, "Caro Bruno, come d'accordo al telefono")
    run_action(
        db.session, header.no, CriteriaActionType.REDUCE, _contact_filter("R00002"), NONE, user_id=None, locale="en"
    )
    db.session.commit()

    anonymise_contact(db.session, db.session.get(Contact, "R00002"))
    db.session.commit()

    assert _all_rows(db) == 1  # Bruno's text is gone with what anonymising erased; Anna's line keeps hers
    go_back(db.session, header.no)
    db.session.commit()
    assert _texts(db, header.no) == {10000: "Per Anna"}


def test_a_deleted_line_takes_its_document_and_ctrl_z_puts_both_back(
    db: Any, make_registrable: Callable[..., SegmentHeader]
) -> None:
    header = make_registrable(lines=2)
    _text(db, header.no, 20000, "Da non perdere")
    action = delete_line(db.session, header.no, 20000, 1)
    db.session.commit()
    assert action is not None and _texts(db, header.no) == {}

    assert undo_line_delete(db.session, header.no, action.id) == 20000
    db.session.commit()
    assert _texts(db, header.no) == {20000: "Da non perdere"}


def test_a_line_whose_contact_changes_leaves_its_document_behind_until_go_back(
    db: Any, make_registrable: Callable[..., SegmentHeader]
) -> None:
    header = make_registrable(lines=3)
    _text(db, header.no, 10000, "Scritto per R00001")
    # The line now names another contact: the text written for the first one is not in its letter.
    update_line_field(db.session, header.no, 10000, "contact_no", "R00003", 1, allow_existing=True)
    db.session.commit()
    assert _texts(db, header.no) == {}
    _text(db, header.no, 10000, "Scritto per R00003")

    go_back(db.session, header.no, to_sequence_no=1)  # the reduce and the add of the retyped contact
    db.session.commit()
    assert _texts(db, header.no) == {10000: "Scritto per R00001"}
    assert _all_rows(db) == 1  # the text written for R00003 went with the line it was on


def test_go_back_of_an_add_deletes_the_documents_of_the_lines_it_brought(
    db: Any, make_registrable: Callable[..., SegmentHeader]
) -> None:
    header = make_registrable(lines=1)
    db.session.execute(insert(Contact), [{"no": "N1", "type": ContactType.PERSON, "name": "Nuova"}])
    db.session.commit()
    run_action(db.session, header.no, CriteriaActionType.ADD, _contact_filter("N1"), NONE, user_id=None, locale="en")
    db.session.commit()
    _text(db, header.no, 10000, "Resta")
    _text(db, header.no, 20000, "Va via")

    go_back(db.session, header.no)
    db.session.commit()
    assert _texts(db, header.no) == {10000: "Resta"}
    assert _all_rows(db) == 1


def test_a_line_brought_and_removed_by_the_steps_undone_loses_its_document(
    db: Any, make_registrable: Callable[..., SegmentHeader]
) -> None:
    header = make_registrable(lines=1)
    db.session.execute(insert(Contact), [{"no": "N1", "type": ContactType.PERSON, "name": "Nuova"}])
    db.session.commit()
    run_action(db.session, header.no, CriteriaActionType.ADD, _contact_filter("N1"), NONE, user_id=None, locale="en")
    db.session.commit()
    _text(db, header.no, 20000, "Scritto e poi tolto")
    run_action(db.session, header.no, CriteriaActionType.REDUCE, _contact_filter("N1"), NONE, user_id=None, locale="en")
    db.session.commit()

    go_back(db.session, header.no, to_sequence_no=1)
    db.session.commit()
    assert _texts(db, header.no) == {}
    assert _all_rows(db) == 0


def test_deleting_the_segment_deletes_its_documents_kept_and_live(
    db: Any, make_registrable: Callable[..., SegmentHeader]
) -> None:
    header = make_registrable(lines=2)
    _text(db, header.no, 10000, "Uno")
    _text(db, header.no, 20000, "Due")
    delete_line(db.session, header.no, 20000, 1)
    db.session.commit()
    delete_segment(db.session, header.no)
    db.session.commit()
    assert _all_rows(db) == 0
    assert line_document(db.session, header.no, 10000) is None


def _statements(db: Any, make_registrable: Callable[..., SegmentHeader], lines: int) -> tuple[int, int]:
    """Statements of a reduce removing every line (each with a document) and of going back on it."""
    header = make_registrable(lines=lines)
    for n in range(1, lines + 1):
        db.session.add(SegmentLineDocument(segment_no=header.no, line_no=n * 10000, personal_text=f"T{n}"))
    db.session.commit()
    every = [FieldFilter(1, "contact", "no", "R*")]
    with count_statements(db.engine) as reduce:
        action = run_action(db.session, header.no, CriteriaActionType.REDUCE, every, NONE, user_id=None, locale="en")
    assert action.lines_removed == lines
    db.session.commit()
    assert _texts(db, header.no) == {}
    with count_statements(db.engine) as back:
        assert go_back(db.session, header.no).lines_restored == lines
    db.session.commit()
    assert len(_texts(db, header.no)) == lines
    delete_segment(db.session, header.no)
    db.session.commit()
    return reduce.count, back.count


def test_documents_follow_their_lines_in_as_many_statements_for_300_lines_as_for_3(
    db: Any, make_registrable: Callable[..., SegmentHeader]
) -> None:
    small = _statements(db, make_registrable, 3)
    large = _statements(db, make_registrable, 300)
    assert small == large
