"""Registering keeps what produces each entry's letter again: the template version, the merge values, and the
line's personalised file; with *send documents* and hard-copy lines it starts the printable letters' job."""

import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select

from segapp.models import (
    BackgroundJob,
    CorrespondenceType,
    InteractionLogEntry,
    InteractionLogEntryFile,
    SegmentHeader,
    SegmentLine,
    SegmentLineDocument,
)
from segapp.services.registering.register import register_segment
from tests.documents.letters_support import add_template_document, letter_template

__all__ = ["add_template_document"]


def _entries(db: Any) -> list[InteractionLogEntry]:
    return list(db.session.scalars(select(InteractionLogEntry).order_by(InteractionLogEntry.segment_line_no)))


def test_each_entry_records_the_newest_version_in_its_language_and_its_values(
    db: Any, make_registrable: Callable[..., SegmentHeader], add_template_document: Callable[..., Any]
) -> None:
    header = make_registrable(3)
    add_template_document("ITA")
    newest = add_template_document("ITA").id
    english = add_template_document("ENU").id
    db.session.execute(
        SegmentLine.__table__.update()
        .where(SegmentLine.segment_no == header.no, SegmentLine.line_no == 20000)
        .values(language_code="ENU")
    )
    db.session.execute(
        SegmentLine.__table__.update()
        .where(SegmentLine.segment_no == header.no, SegmentLine.line_no == 30000)
        .values(language_code="DEU")
    )
    db.session.add(SegmentLineDocument(segment_no=header.no, line_no=10000, personal_text="Grazie!"))
    db.session.commit()

    register_segment(db.session, header.no, None, send_documents=False, create_follow_up=False)
    db.session.commit()

    first, second, third = _entries(db)
    assert (first.template_document_id, second.template_document_id) == (newest, english)
    values = json.loads(first.merge_values)
    assert (values["ContactName"], values["PersonalText"]) == ("Person 00001", "Grazie!")
    assert json.loads(second.merge_values)["ContactNo"] == "R00002"
    # No document in German: nothing to produce the letter from.
    assert (third.template_document_id, third.merge_values) == (None, "")


def test_a_personalised_line_gives_its_entry_its_own_file_and_other_lines_none(
    db: Any, make_registrable: Callable[..., SegmentHeader], add_template_document: Callable[..., Any]
) -> None:
    header = make_registrable(3)
    add_template_document("ITA")
    edited = letter_template("Caro amico")
    db.session.add_all(
        [
            SegmentLineDocument(segment_no=header.no, line_no=20000, file_name="mine.docx", content=edited),
            SegmentLineDocument(segment_no=header.no, line_no=30000, personal_text="only a text"),
        ]
    )
    db.session.commit()

    register_segment(db.session, header.no, None, send_documents=False, create_follow_up=False)
    db.session.commit()

    second = _entries(db)[1]
    files = db.session.execute(select(InteractionLogEntryFile.entry_no, InteractionLogEntryFile.file_name)).all()
    assert files == [(second.entry_no, "mine.docx")]
    assert db.session.get(InteractionLogEntryFile, second.entry_no).content == edited
    # The segment's documents went with the segment.
    assert db.session.scalar(select(func.count()).select_from(SegmentLineDocument)) == 0


def test_a_removed_lines_personalised_file_is_not_copied(
    db: Any, make_registrable: Callable[..., SegmentHeader], add_template_document: Callable[..., Any], make_user: Any
) -> None:
    header = make_registrable(2)
    add_template_document("ITA")
    from segapp.models import CriteriaActionType, SegmentCriteriaAction

    action = SegmentCriteriaAction(segment_no=header.no, sequence_no=1, action_type=CriteriaActionType.REDUCE)
    db.session.add(action)
    db.session.flush()
    db.session.add(
        SegmentLineDocument(
            segment_no=header.no, line_no=20000, removed_by_action_id=action.id, content=b"old", file_name="old.docx"
        )
    )
    db.session.commit()
    register_segment(db.session, header.no, None, send_documents=False, create_follow_up=False)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(InteractionLogEntryFile)) == 0


def test_send_with_hard_copy_lines_starts_the_printable_letters_job(
    db: Any, make_registrable: Callable[..., SegmentHeader], add_template_document: Callable[..., Any]
) -> None:
    header = make_registrable(3)
    add_template_document("ITA")
    db.session.execute(
        SegmentLine.__table__.update()
        .where(SegmentLine.segment_no == header.no, SegmentLine.line_no == 30000)
        .values(correspondence_type=CorrespondenceType.EMAIL)
    )
    db.session.commit()
    result = register_segment(db.session, header.no, None, send_documents=True, create_follow_up=False)
    db.session.commit()
    job = result.printable_job
    assert job is not None
    assert (job.kind, job.owner, job.total, job.state) == (
        "printable_letters",
        f"logged_segment:{result.logged_segment.entry_no}",
        2,
        "queued",
    )


def test_no_job_without_send_or_without_hard_copy_lines(
    db: Any, make_registrable: Callable[..., SegmentHeader], add_template_document: Callable[..., Any]
) -> None:
    add_template_document("ITA")
    unsent = register_segment(db.session, make_registrable(2).no, None, send_documents=False, create_follow_up=False)
    header = make_registrable(2)
    db.session.execute(
        SegmentLine.__table__.update()
        .where(SegmentLine.segment_no == header.no)
        .values(correspondence_type=CorrespondenceType.BLANK)
    )
    db.session.commit()
    blank = register_segment(db.session, header.no, None, send_documents=True, create_follow_up=False)
    db.session.commit()
    assert unsent.printable_job is None and blank.printable_job is None
    assert db.session.scalar(select(func.count()).select_from(BackgroundJob)) == 0


def test_without_any_document_the_entries_record_no_letter(
    db: Any, make_registrable: Callable[..., SegmentHeader]
) -> None:
    header = make_registrable(2)
    db.session.add(SegmentLineDocument(segment_no=header.no, line_no=10000, personal_text="Grazie!"))
    db.session.commit()
    register_segment(db.session, header.no, None, send_documents=False, create_follow_up=False)
    db.session.commit()
    assert [(e.template_document_id, e.merge_values) for e in _entries(db)] == [(None, ""), (None, "")]
