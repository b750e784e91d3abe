"""The per-language rows of an interaction template (its e-mail subject in each language, its Word document)."""

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from segapp.models import InteractionTemplate, InteractionTemplateLanguage
from segapp.services.documents.templates import delete_language_documents
from segapp.services.errors import ServiceError
from segapp.services.setup.language_rows import check_language, delete_language_row, save_language_row

SUBJECT_LENGTH = 250
DESCRIPTION_LENGTH = 100


def save_template_language(
    session: Session, template: InteractionTemplate, language_code: str, subject: str, description: str = ""
) -> InteractionTemplateLanguage:
    """Set the subject of a template in one language (the row is created if new)."""
    check_language(session, language_code)
    subject, description = (subject or "").strip(), (description or "").strip()
    if len(subject) > SUBJECT_LENGTH:
        raise ServiceError(_("At most %(n)d characters.", n=SUBJECT_LENGTH), field="subject")
    if len(description) > DESCRIPTION_LENGTH:
        raise ServiceError(_("At most %(n)d characters.", n=DESCRIPTION_LENGTH), field="description")
    owner = {"template_code": template.code}
    return save_language_row(
        session, InteractionTemplateLanguage, owner, language_code, subject=subject, description=description
    )


def delete_template_language(session: Session, template: InteractionTemplate, language_code: str) -> None:
    """Remove a template's row for one language, with its Word document versions (refused while interaction log
    entries use one of them)."""
    delete_language_documents(session, template.code, language_code)
    delete_language_row(session, InteractionTemplateLanguage, {"template_code": template.code}, language_code)
