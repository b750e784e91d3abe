"""The rules of spec 3.2 as SQL expressions, so that one line and 200,000 lines follow the same code.

The contact-dependent values read the line's contact through subqueries on ``SegmentLine.contact_no`` (an
UPDATE of lines), or, given ``contact`` (Contact, or an alias of it, in the FROM of an INSERT … SELECT that
makes new lines), that row's columns directly.
"""

from typing import Any

from sqlalchemy import String, and_, case, exists, func, literal, select
from sqlalchemy.sql.elements import ColumnElement

from segapp.models import (
    Contact,
    CorrespondenceType,
    Evaluation,
    InteractionTemplate,
    InteractionTemplateLanguage,
    Salesperson,
    SegmentHeader,
    SegmentLine,
    TemplateDocument,
)
from segapp.services.setup.salespeople import choosable

_LINE = SegmentLine.__table__.c


def header_line_values(header: SegmentHeader) -> dict[str, Any]:
    """What a line takes from the header when a contact is set on it (first part of 3.2)."""
    return {
        "description": header.description,
        "campaign_no": header.campaign_no,
        "campaign_target": header.campaign_target,
        "campaign_response": header.campaign_response,
        "salesperson_code": header.salesperson_code,
        "interaction_template_code": header.interaction_template_code,
        "interaction_group_code": header.interaction_group_code,
        "cost": header.unit_cost,
        "duration": header.unit_duration,
        "date": header.date,
        "information_flow": header.information_flow,
        "initiated_by": header.initiated_by,
        "send_word_doc_as_attachment": header.send_word_docs_as_attachment,
        "evaluation": Evaluation.BLANK,
    }


def _contact_value(column: Any, contact: Any = None) -> Any:
    if contact is not None:
        return getattr(contact, column.key)
    return select(column).where(Contact.no == SegmentLine.contact_no).correlate(SegmentLine).scalar_subquery()


def language_expression(header: SegmentHeader, template_code: str | None, contact: Any = None) -> ColumnElement:
    """The contact's language when the template has a Word document in it (any version), else the header's."""
    header_language = literal(header.language_code, String)
    if template_code is None:
        return header_language
    if contact is not None:
        documents = select(TemplateDocument.language_code).where(TemplateDocument.template_code == template_code)
        return case((contact.language_code.in_(documents), contact.language_code), else_=header_language)
    has_document = exists(
        select(TemplateDocument.language_code)
        .join(Contact, Contact.language_code == TemplateDocument.language_code)
        .where(Contact.no == SegmentLine.contact_no, TemplateDocument.template_code == template_code)
        .correlate(SegmentLine)
    )
    return case((has_document, _contact_value(Contact.language_code)), else_=header_language)


def correspondence_expression(header: SegmentHeader, template: InteractionTemplate | None, contact: Any = None) -> Any:
    """Header default if the header ignores the contact's type and has one; else the template's
    default if the template ignores it or the contact has none; else the contact's own."""
    enum_type = _LINE.correspondence_type.type
    if header.ignore_contact_corr_type and header.correspondence_type != CorrespondenceType.BLANK:
        return literal(header.correspondence_type, enum_type)
    template_type = template.correspondence_type if template else CorrespondenceType.BLANK
    if template is not None and template.ignore_contact_corr_type:
        return literal(template_type, enum_type)
    if contact is not None:
        blank = contact.correspondence_type == literal(CorrespondenceType.BLANK, enum_type)
        return case((blank, literal(template_type, enum_type)), else_=contact.correspondence_type)
    contact_type = (
        select(Contact.correspondence_type)
        .where(Contact.no == SegmentLine.contact_no, Contact.correspondence_type != CorrespondenceType.BLANK)
        .correlate(SegmentLine)
        .scalar_subquery()
    )
    return func.coalesce(contact_type, literal(template_type, enum_type), type_=enum_type)


def subject_expression(header: SegmentHeader, template_code: str | None, language: ColumnElement) -> ColumnElement:
    """The header's subject when the line's language is the header's, else the template's
    subject in the line's language (blank when it has none)."""
    same_language = language.is_not_distinct_from(literal(header.language_code, String))
    template_subject: Any = literal("", String)
    if template_code is not None:
        template_subject = func.coalesce(
            select(InteractionTemplateLanguage.subject)
            .where(
                InteractionTemplateLanguage.template_code == template_code,
                InteractionTemplateLanguage.language_code == language,
            )
            .correlate_except(InteractionTemplateLanguage)
            .scalar_subquery(),
            "",
        )
    return case((same_language, literal(header.subject, String)), else_=template_subject)


def contact_rule_values(
    header: SegmentHeader, template: InteractionTemplate | None, contact: Any = None
) -> dict[str, Any]:
    """Correspondence type, language and subject decided by 3.2 for the line's contact."""
    template_code = template.code if template else None
    language = language_expression(header, template_code, contact)
    return {
        "correspondence_type": correspondence_expression(header, template, contact),
        "language_code": language,
        "subject": subject_expression(header, template_code, language),
    }


def contact_values(header: SegmentHeader, template: InteractionTemplate | None, contact: Any = None) -> dict[str, Any]:
    """Everything a line takes from its contact: company no., salesperson (header has none), 3.2 rules."""
    values = {"contact_company_no": _contact_value(Contact.company_no, contact)}
    if header.salesperson_code is None and contact is not None:
        usable = select(Salesperson.code).where(choosable())
        values["salesperson_code"] = case((contact.salesperson_code.in_(usable), contact.salesperson_code))
    elif header.salesperson_code is None:
        values["salesperson_code"] = (
            select(Salesperson.code)
            .join(Contact, Contact.salesperson_code == Salesperson.code)
            .where(Contact.no == SegmentLine.contact_no, choosable())
            .correlate(SegmentLine)
            .scalar_subquery()
        )
    values.update(contact_rule_values(header, template, contact))
    return values


def same_template(template_code: str | None) -> ColumnElement:
    """Lines whose template equals the given one (both blank counts as equal)."""
    if template_code is None:
        return SegmentLine.interaction_template_code.is_(None)
    return SegmentLine.interaction_template_code == template_code


def lines_of(segment_no: str, *conditions: Any) -> ColumnElement:
    """The where clause for some lines of a segment."""
    return and_(SegmentLine.segment_no == segment_no, *conditions)
