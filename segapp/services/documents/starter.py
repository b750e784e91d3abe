"""The starter document (spec 5): a Word letter to begin from, holding a real MERGEFIELD for every field of the
catalogue, grouped under their captions. Built with python-docx; the fields are the complex fields Word itself
writes (begin, field code, separate, «Name», end), so Word shows and merges them as its own."""

from io import BytesIO
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.text.paragraph import Paragraph
from flask_babel import force_locale
from flask_babel import gettext as _

from segapp.services.documents.catalogue import fields_by_group

# The date of the line is ISO text; this switch writes it as a letter does (2 March 2026, 2 marzo 2026).
DATE_SWITCH = '\\@ "d MMMM yyyy"'


def add_merge_field(paragraph: Paragraph, name: str, switches: str = "", *, bold: bool = False) -> None:
    """Append a MERGEFIELD to the paragraph, as Word's Insert › Quick Parts › Field › MergeField writes it."""
    code = f" MERGEFIELD {name} {switches} \\* MERGEFORMAT " if switches else f" MERGEFIELD {name} \\* MERGEFORMAT "

    def run(child: Any, text: str | None = None) -> None:
        element = paragraph.add_run()
        element.bold = bold or None
        if text is not None:
            child.set(qn("xml:space"), "preserve")
            child.text = text
        element._r.append(child)

    begin, separate, end = OxmlElement("w:fldChar"), OxmlElement("w:fldChar"), OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    separate.set(qn("w:fldCharType"), "separate")
    end.set(qn("w:fldCharType"), "end")
    run(begin)
    run(OxmlElement("w:instrText"), code)
    run(separate)
    paragraph.add_run(f"«{name}»").bold = bold or None
    run(end)


def _letter(document: Any) -> None:
    """A short letter using the fields a letter usually has."""
    sender = document.add_paragraph()
    add_merge_field(sender, "OurMailAddress")
    sender.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    document.add_paragraph()
    add_merge_field(document.add_paragraph(), "MailAddress")
    document.add_paragraph()
    place = document.add_paragraph()
    add_merge_field(place, "OurCity")
    place.add_run(", ")
    add_merge_field(place, "Date", DATE_SWITCH)
    place.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    subject = document.add_paragraph()
    subject.add_run(_("Subject:") + " ").bold = True
    add_merge_field(subject, "Subject", bold=True)
    greeting = document.add_paragraph()
    add_merge_field(greeting, "FormalSalutation")
    greeting.add_run(",")
    add_merge_field(document.add_paragraph(), "PersonalText")
    document.add_paragraph(
        _("This is where the text of your letter goes: the same for every contact, around the fields above.")
    )
    document.add_paragraph(_("Kind regards,"))
    signature = document.add_paragraph()
    add_merge_field(signature, "SalespersonName")
    signature.add_run().add_break()
    add_merge_field(signature, "SalespersonJobTitle")
    signature.add_run().add_break()
    add_merge_field(signature, "OurCompanyName")


def _catalogue(document: Any) -> None:
    """Every field of the catalogue in a table per group: what it holds, and the field."""
    document.add_heading(_("Every merge field segapp fills"), level=1)
    document.add_paragraph(
        _(
            "Copy the fields you need into the letter above and delete this part. To add a field in Word: "
            "Insert › Quick Parts › Field › MergeField, and type its name as written here (upper or lower case "
            "does not matter)."
        )
    )
    for caption, fields in fields_by_group():
        document.add_heading(str(caption), level=2)
        table = document.add_table(rows=0, cols=2)
        table.style = "Table Grid"
        for field in fields:
            cells = table.add_row().cells
            cells[0].text = str(field.caption)
            add_merge_field(cells[1].paragraphs[0], field.name, DATE_SWITCH if field.name == "Date" else "")


def _document(with_catalogue: bool) -> bytes:
    document = Document()
    normal = document.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(11)
    _letter(document)
    if with_catalogue:
        document.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)
        _catalogue(document)
    written = BytesIO()
    document.save(written)
    return written.getvalue()


def starter_document(locale: str | None = None) -> bytes:
    """The starter .docx: an example letter, then every catalogue field grouped under its caption; its words in
    ``locale`` ("en", "it"), else in the user's language."""
    if locale is not None:
        with force_locale(locale):
            return _document(with_catalogue=True)
    return _document(with_catalogue=True)


def example_letter(locale: str | None = None) -> bytes:
    """The starter's letter alone (the README's example letter, the demo templates' document)."""
    if locale is not None:
        with force_locale(locale):
            return _document(with_catalogue=False)
    return _document(with_catalogue=False)
