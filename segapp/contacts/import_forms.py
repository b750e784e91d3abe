"""Forms of the contact import: the upload, and the column mapping built for each file."""

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, HiddenField, RadioField, SelectField

from segapp.forms import SafeForm
from segapp.importing import IMPORT_FIELDS
from segapp.services.importing.rows import FIELD_LABELS


class UploadForm(SafeForm):
    """Choose the file to import."""

    file = FileField(_l("CSV or Excel (.xlsx) file"), validators=[FileRequired(_l("Choose a file."))])


class MappingFormBase(SafeForm):
    """The options; one select per source column is added by ``mapping_form``."""

    duplicates = RadioField(
        _l("Contacts that already exist (same no. or e-mail)"),
        choices=[("skip", _l("Skip them")), ("update", _l("Update them with the file's values"))],
        default="skip",
    )
    skip_invalid_rows = BooleanField(_l("Skip invalid rows and import the others"))
    # Which upload the mapping was made for: a newer upload of the same user is not run with it.
    upload = HiddenField()


def field_choices() -> list[tuple[str, Any]]:
    """The contact fields a column can go to, after "do not import"."""
    return [("", _l("(do not import)"))] + [(name, FIELD_LABELS[name]) for name in IMPORT_FIELDS]


def mapping_form(columns: list[str], guessed: dict[str, str], **kwargs: Any) -> MappingFormBase:
    """A form with a select ``col_<n>`` per column, preselected with the guessed field."""

    class MappingForm(MappingFormBase):
        pass

    for position, column in enumerate(columns):
        label = column or _l("Column %(n)d", n=position + 1)
        setattr(
            MappingForm, f"col_{position}", SelectField(label, choices=field_choices(), default=guessed.get(column, ""))
        )
    return MappingForm(**kwargs)


def chosen_mapping(form: MappingFormBase, columns: list[str]) -> dict[str, str]:
    """Source column -> contact field, from the selects."""
    mapping = {}
    for position, column in enumerate(columns):
        value = form[f"col_{position}"].data
        if value:
            mapping[column] = value
    return mapping


def column_fields(form: MappingFormBase, columns: list[str]) -> list[Any]:
    """The column selects in file order."""
    return [form[f"col_{position}"] for position in range(len(columns))]
