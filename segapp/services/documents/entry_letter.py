"""An interaction log entry's letter produced again (spec 5): its own file where its line was personalised,
else its template version merged with the values it recorded (erased values, after anonymising, leave gaps)."""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from segapp import merge
from segapp.models import InteractionLogEntry, InteractionLogEntryFile, TemplateDocument
from segapp.services.documents.catalogue import letter_locale
from segapp.services.documents.printable import entry_values
from segapp.services.documents.printable_files import letter_file_name
from segapp.services.errors import NotFound, ServiceError


@dataclass(frozen=True)
class EntryLetter:
    """A letter to download."""

    file_name: str
    content: bytes


def entry_has_letter(entry: InteractionLogEntry) -> bool:
    """Whether an entry recorded what produces its letter (a template version; a personalised file has one too)."""
    return entry.template_document_id is not None


def entry_letter(session: Session, entry_no: int) -> EntryLetter:
    """The entry's letter: NotFound for no such entry, ServiceError when it recorded no letter."""
    entry = session.get(InteractionLogEntry, entry_no)
    if entry is None:
        raise NotFound(_("Interaction log entry %(no)s does not exist.", no=entry_no))
    name = letter_file_name(entry.entry_no, entry.contact_no, None)
    own = session.scalar(select(InteractionLogEntryFile.content).where(InteractionLogEntryFile.entry_no == entry_no))
    if own is not None:
        return EntryLetter(name, own)
    if entry.template_document_id is None:
        raise ServiceError(
            _(
                "Interaction log entry %(no)s has no letter: its template had no Word document in its language when "
                "it was registered.",
                no=entry_no,
            )
        )
    template, language = session.execute(
        select(TemplateDocument.content, TemplateDocument.language_code).where(
            TemplateDocument.id == entry.template_document_id
        )
    ).one()
    values = entry_values(entry.merge_values)
    return EntryLetter(name, merge.merge_document(template, values, locale=letter_locale(language)))
