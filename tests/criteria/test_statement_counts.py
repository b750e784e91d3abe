"""An action is a handful of statements whatever its size (spec 3.4 Beyond: set-based, no loop over contacts)."""

from typing import Any

import pytest
from sqlalchemy import insert

from segapp.models import Contact, ContactMailingGroup, ContactType, CriteriaActionType, MailingGroup
from segapp.services.criteria.matching import ActionOptions, FieldFilter
from segapp.services.criteria.running import add_contacts, preview_action, run_action
from tests.sqlcount import count_statements

SMALL, LARGE = 2, 40
NEWS = FieldFilter(1, "mailing_group", "mailing_group_code", "NEWS")
MILANO = FieldFilter(2, "contact", "city", "Milano")
OPTIONS = ActionOptions(expand_companies=True, allow_related_companies=True, entire_companies=True)


def _companies(db: Any, count: int, prefix: str) -> None:
    """``count`` companies with three persons each, all in mailing group NEWS, half of them in Milano."""
    rows = []
    for i in range(count):
        company = f"{prefix}C{i:03d}"
        rows.append(
            {
                "no": company,
                "type": ContactType.COMPANY,
                "name": f"Company {i}",
                "company_no": company,
                "company_name": f"Company {i}",
                "city": "Milano" if i % 2 else "Roma",
            }
        )
        rows += [
            {
                "no": f"{prefix}P{i:03d}{j}",
                "type": ContactType.PERSON,
                "name": f"Person {j}",
                "company_no": company,
                "company_name": f"Company {i}",
                "city": "Milano" if j % 2 else "Roma",
            }
            for j in range(3)
        ]
    if db.session.get(MailingGroup, "NEWS") is None:
        db.session.add(MailingGroup(code="NEWS"))
        db.session.flush()
    db.session.execute(insert(Contact), rows)
    db.session.execute(
        insert(ContactMailingGroup), [{"contact_no": r["no"], "mailing_group_code": "NEWS"} for r in rows]
    )
    db.session.commit()


def _count(db: Any, make_segment: Any, size: int, action_type: CriteriaActionType, preview: bool) -> int:
    _companies(db, size, f"S{size}")
    filters, options = [NEWS, MILANO], OPTIONS
    if action_type == CriteriaActionType.REFINE:
        filters, options = [NEWS, FieldFilter(1, "contact", "city", "Roma")], ActionOptions()
    segment = make_segment(interaction_template_code="LETTER", salesperson_code=None)
    if action_type != CriteriaActionType.ADD:
        add_contacts(db.session, segment.no, [], ActionOptions(), user_id=None, locale="en")
        db.session.commit()
    db.session.expire_all()
    with count_statements(db.engine) as counted:
        if preview:
            result = preview_action(db.session, segment.no, action_type, filters, options, locale="en")
            assert result.changed >= size
        else:
            action = run_action(db.session, segment.no, action_type, filters, options, user_id=None, locale="en")
            assert action.lines_added + action.lines_removed >= size
    db.session.commit()
    return counted.count


@pytest.mark.parametrize("preview", [False, True], ids=["action", "preview"])
@pytest.mark.parametrize("action_type", [CriteriaActionType.ADD, CriteriaActionType.REDUCE, CriteriaActionType.REFINE])
def test_an_action_runs_as_many_statements_for_40_companies_as_for_2(
    db: Any, make_segment: Any, action_type: CriteriaActionType, preview: bool, request: Any
) -> None:
    small = _count(db, make_segment, SMALL, action_type, preview)
    large = _count(db, make_segment, LARGE, action_type, preview)
    assert large == small
    # Header, the recipe's next step, the action and one row per filter, the last line no., the template,
    # the change itself, the action's count; the preview: header, count and total, sample.
    assert small <= (3 if preview else 8 + 2), request.node.name
