"""The starter document and the example letter: real MERGEFIELDs for every catalogue field, merged as the README
shows, in the letter's language."""

import io
from typing import Any

import docx

from segapp.merge import merge_document, template_fields
from segapp.services.documents.catalogue import FIELD_NAMES, FIELDS
from segapp.services.documents.starter import example_letter, starter_document


def _paragraphs(data: bytes) -> list[str]:
    return [paragraph.text for paragraph in docx.Document(io.BytesIO(data)).paragraphs]


def test_the_starter_has_every_field_under_its_groups_caption_in_the_language_asked(app: Any) -> None:
    with app.test_request_context():
        italian, english = starter_document("it"), starter_document("en")
    assert template_fields(italian) == template_fields(english) == set(FIELD_NAMES)
    assert {"Contatto", "Venditore", "Tutti i campi unione che segapp compila"} <= set(_paragraphs(italian))
    assert {"Contact", "Salesperson", "Every merge field segapp fills"} <= set(_paragraphs(english))
    tables = docx.Document(io.BytesIO(english)).tables
    captions = [row.cells[0].text for table in tables for row in table.rows]
    assert captions == [str(field.caption) for field in FIELDS]


def test_the_example_letter_merges_as_the_readme_shows(app: Any) -> None:
    values = {field.name: field.example for field in FIELDS}
    with app.test_request_context():
        english = merge_document(example_letter("en"), values, locale="en")
        italian = merge_document(example_letter("it"), values, locale="it")

    assert [text for text in _paragraphs(english) if text] == [
        "Cronos Forniture S.p.A.\nCorso Como 5\n20154 Milano MI",
        "Anna Verdi\nVerdi Arredamenti SA\nVia Nassa 12\nScala B\n6900 Lugano TI\nSvizzera",
        "Milano, 2 March 2026",
        "Subject: La nostra offerta",
        "Gentile Dott.ssa Verdi,",
        "Thank you for visiting our stand.",
        "This is where the text of your letter goes: the same for every contact, around the fields above.",
        "Kind regards,",
        "Mario Rossi\nSales manager\nCronos Forniture S.p.A.",
    ]
    assert {"Milano, 2 marzo 2026", "Oggetto: La nostra offerta", "Cordiali saluti,"} <= set(_paragraphs(italian))
