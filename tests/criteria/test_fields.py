"""The catalogue of criteria tables and fields (spec 3.4): what the dialog, the engine and saved criteria read."""

from typing import Any

from flask_babel import force_locale
from sqlalchemy import exists, select

from segapp.filters import compile_filter
from segapp.models import Contact
from segapp.services.criteria.fields import CRITERIA_TABLES, criteria_table

TAB_KEYS = [
    "contact",
    "profile_answer",
    "mailing_group",
    "interaction",
    "job_responsibility",
    "industry_group",
    "business_relation",
]


def test_the_tabs_come_in_the_order_of_the_dialog() -> None:
    assert [table.key for table in CRITERIA_TABLES] == TAB_KEYS
    assert criteria_table("nowhere") is None


def test_the_contact_tab_has_every_field_a_user_sees_but_not_the_internal_search_column() -> None:
    contact = criteria_table("contact")
    assert contact is not None
    names = {field.name for field in contact.fields}
    assert {"no", "type", "name", "company_no", "city", "post_code", "country_code", "territory_code"} <= names
    assert {"salesperson_code", "email", "exclude_from_segment", "privacy_blocked", "created_at"} <= names
    assert "search_text" not in names
    assert contact.field("no") is not None and contact.field("no").default
    assert contact.field("email") is not None and not contact.field("email").default
    assert contact.field("search_text") is None


def test_every_related_tab_has_a_default_field_and_says_how_it_reaches_a_contact() -> None:
    for table in CRITERIA_TABLES[1:]:
        assert table.default_fields, table.key
        assert table.rows is not None and table.contact_no is not None, table.key
    through_company = {table.key for table in CRITERIA_TABLES if table.through_company}
    assert through_company == {"industry_group", "business_relation"}
    interaction = criteria_table("interaction")
    assert interaction is not None
    assert {"date", "segment_no", "campaign_no", "evaluation", "interaction_template_code", "salesperson_code"} == {
        field.name for field in interaction.default_fields
    }


def test_every_field_has_an_italian_label(app: Any) -> None:
    with force_locale("it"):
        labels = {(table.key, field.name): str(field.label) for table in CRITERIA_TABLES for field in table.fields}
        tabs = [str(table.label) for table in CRITERIA_TABLES]
    assert labels[("contact", "city")] == "Città"
    assert labels[("interaction", "segment_no")] == "N. segmento registrato"
    assert tabs[1] == "Risposte profilo"
    assert all(label for label in labels.values())


def test_every_field_takes_a_filter_that_runs_on_the_database(db: Any) -> None:
    for table in CRITERIA_TABLES:
        for field in table.fields:
            condition = compile_filter(field.column, "<>''")
            if table.rows is None:
                query = select(Contact.no).where(condition)
            else:
                query = select(Contact.no).where(
                    exists(select(1).select_from(table.rows).where(table.contact_no == Contact.no, condition))
                )
            assert db.session.execute(query).all() == [], (table.key, field.name)
