"""Criteria actions in plain words (spec 3.5), in English and Italian."""

from flask_babel import force_locale

from segapp.models import CriteriaActionType, SavedCriteriaAction, SegmentCriteriaAction, SegmentCriteriaFilter
from segapp.services.criteria.describe import describe_action


def _filter(group: int, table: str, field: str, expression: str) -> SegmentCriteriaFilter:
    return SegmentCriteriaFilter(group_no=group, table_name=table, field_name=field, expression=expression)


def _action(action_type: CriteriaActionType, *filters: SegmentCriteriaFilter, **options: bool) -> SegmentCriteriaAction:
    return SegmentCriteriaAction(action_type=action_type, filters=list(filters), **options)


SPEC_EXAMPLE = (
    CriteriaActionType.ADD,
    _filter(1, "contact", "city", "Milano|Roma"),
    _filter(1, "mailing_group", "mailing_group_code", "NEWS"),
)


def test_the_spec_example_reads_as_the_spec_writes_it(app) -> None:
    action = _action(*SPEC_EXAMPLE, expand_companies=True)
    assert describe_action(action) == "Add contacts: city Milano|Roma and mailing group NEWS — expand companies"


def test_or_groups_several_fields_of_a_table_and_options(app) -> None:
    action = _action(
        CriteriaActionType.REDUCE,
        _filter(1, "contact", "city", "Milano"),
        _filter(1, "industry_group", "industry_group_code", "RETAIL"),
        _filter(2, "interaction", "date", "01/01/2026..31/03/2026"),
        _filter(2, "interaction", "evaluation", "Positive"),
        entire_companies=True,
    )
    assert describe_action(action) == (
        "Reduce contacts: (city Milano and industry group RETAIL) or interaction log entries with "
        "date 01/01/2026..31/03/2026 and evaluation Positive — entire companies"
    )


def test_an_add_without_filters_adds_every_contact(app) -> None:
    assert describe_action(_action(CriteriaActionType.ADD)) == "Add contacts: every contact"


def test_manual_edits_are_shown_as_such(app) -> None:
    typed = _action(CriteriaActionType.ADD, _filter(1, "contact", "no", "CT000123"), manual=True)
    deleted = _action(CriteriaActionType.REDUCE, _filter(1, "contact", "no", "'CT-9 ''X'''"), manual=True)
    assert describe_action(typed) == "Typed contact no. CT000123 on a line"
    assert describe_action(deleted) == "Deleted the line of contact no. CT-9 'X', or typed over it"


def test_a_field_that_no_longer_exists_is_named_as_saved(app) -> None:
    action = SavedCriteriaAction(
        action_type=CriteriaActionType.REFINE, filters=[], allow_existing_contacts=False, manual=False
    )
    action.filters = []
    assert describe_action(action) == "Refine contacts: every contact"
    gone = _action(CriteriaActionType.REFINE, _filter(1, "contact", "fax_no", "0*"), _filter(1, "gone", "x", "1"))
    assert describe_action(gone) == "Refine contacts: contact.fax_no 0* and gone.x 1"


def test_descriptions_are_translated(app) -> None:
    with app.test_request_context(), force_locale("it"):
        text = describe_action(_action(*SPEC_EXAMPLE, expand_companies=True))
        manual = describe_action(_action(CriteriaActionType.ADD, _filter(1, "contact", "no", "CT1"), manual=True))
    assert text == "Aggiungi contatti: città Milano|Roma e gruppo mailing NEWS — espandi società"
    assert manual == "Digitato il contatto n. CT1 su una riga"
