"""The form that uploads a template's Word document."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired

from segapp.forms import SafeForm


class DocumentUploadForm(SafeForm):
    """Choose the .docx to upload as a new version."""

    file = FileField(
        _l("Word document (.docx)"), validators=[FileRequired(_l("Choose a Word document (.docx) to upload."))]
    )
