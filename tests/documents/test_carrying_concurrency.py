"""A personal text saved while a reduce removes its line waits for the reduce (both lock the segment), then finds
the line gone: no document is ever left live for a line that is not on the segment; on both databases."""

import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from segapp.models import CriteriaActionType, SegmentHeader, SegmentLineDocument
from segapp.services.criteria.matching import ActionOptions, FieldFilter
from segapp.services.criteria.running import run_action
from segapp.services.documents.line_letters import save_personal_text
from segapp.services.errors import NotFound


def test_a_text_saved_during_a_reduce_of_its_line_is_refused_not_left_behind(
    app: Any, db: Any, make_registrable: Callable[..., SegmentHeader]
) -> None:
    from segapp.database import immediate_transactions

    segment_no = make_registrable(2).no
    db.session.rollback()
    removed, errors = threading.Event(), []
    outcome: list[str] = []

    def reduce() -> None:
        try:
            with app.app_context(), immediate_transactions(), Session(db.engine) as session:
                filters = [FieldFilter(1, "contact", "no", "R00001")]
                run_action(
                    session, segment_no, CriteriaActionType.REDUCE, filters, ActionOptions(), user_id=None, locale="en"
                )
                removed.set()
                threading.Event().wait(0.5)  # the other user saves meanwhile
                session.commit()
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
            removed.set()

    def write() -> None:
        try:
            removed.wait(10)
            with app.app_context(), immediate_transactions(), Session(db.engine) as session:
                try:
                    save_personal_text(session, segment_no, 10000, "Troppo tardi", start="", user_id=None)
                    session.commit()
                    outcome.append("saved")
                except NotFound:
                    session.rollback()
                    outcome.append("refused")
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=reduce), threading.Thread(target=write)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == [] and outcome == ["refused"]
    assert db.session.scalar(select(func.count()).select_from(SegmentLineDocument)) == 0
