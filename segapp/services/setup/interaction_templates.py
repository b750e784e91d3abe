"""The per-language rows of an interaction template (its e-mail subject in each language)."""

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from segapp.models import InteractionTemplate, InteractionTemplateLanguage, Language
from segapp.services.errors import ServiceError

SUBJECT_LENGTH = 250
DESCRIPTION_LENGTH = 100


def save_template_language(
    session: Session, template: InteractionTemplate, language_code: str, subject: str, description: str = ""
) -> InteractionTemplateLanguage:
    """Set the subject of a template in one language (the row is created if new)."""
    if not language_code or session.get(Language, language_code) is None:
        raise ServiceError(_("Choose a language from the list."), field="language_code")
    subject, description = (subject or "").strip(), (description or "").strip()
    if len(subject) > SUBJECT_LENGTH:
        raise ServiceError(_("At most %(n)d characters.", n=SUBJECT_LENGTH), field="subject")
    if len(description) > DESCRIPTION_LENGTH:
        raise ServiceError(_("At most %(n)d characters.", n=DESCRIPTION_LENGTH), field="description")
    row = session.get(InteractionTemplateLanguage, (template.code, language_code))
    if row is None:
        row = InteractionTemplateLanguage(template_code=template.code, language_code=language_code)
        session.add(row)
    row.subject, row.description = subject, description
    session.flush()
    return row


def delete_template_language(session: Session, template: InteractionTemplate, language_code: str) -> None:
    """Remove a template's row for one language."""
    row = session.get(InteractionTemplateLanguage, (template.code, language_code))
    if row is not None:
        session.delete(row)
        session.flush()
