"""A letter merged as Word would: each structure Word writes, built here, merged, and read back."""

import zipfile
from io import BytesIO

import mammoth
import pytest
from docx import Document

from segapp.merge import DocxRejected, TemplateWarning, check_docx, inspect_template, merge_document, template_fields
from tests.merge.wordml import (
    RPR,
    body_text,
    field,
    fld_char,
    instr,
    make_docx,
    mergefield,
    para,
    part_xml,
    q,
    replace_part,
    run,
    sections,
    simple,
)

VALUES = {"FirstName": "Anna", "LastName": "Rossi", "City": "Roma", "Amount": "1234.5", "Date": "2026-11-28"}


def text_box(content: str) -> str:
    """A text box as Word 2010+ writes it: DrawingML with a VML fallback, both holding the content."""
    return (
        '<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor distT="0" distB="0" distL="0" '
        'distR="0" simplePos="0" relativeHeight="1" behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1">'
        '<wp:simplePos x="0" y="0"/><wp:positionH relativeFrom="column"><wp:posOffset>0</wp:posOffset></wp:positionH>'
        '<wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset></wp:positionV>'
        '<wp:extent cx="2000000" cy="500000"/><wp:wrapNone/><wp:docPr id="1" name="Text Box 1"/>'
        '<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
        '<a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        '<wps:wsp xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:txbx>'
        f"<w:txbxContent>{content}</w:txbxContent></wps:txbx><wps:bodyPr/></wps:wsp></a:graphicData></a:graphic>"
        "</wp:anchor></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox>"
        f"<w:txbxContent>{content}</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>"
    )


def test_fields_split_across_runs_in_body_table_header_and_footer() -> None:
    table = (
        "<w:tbl><w:tblPr/><w:tblGrid><w:gridCol/></w:tblGrid><w:tr><w:tc><w:tcPr/>"
        + para(run("City: "), mergefield("City"))
        + "</w:tc></w:tr></w:tbl>"
    )
    template = make_docx(
        para(run("Dear "), mergefield("FirstName"), run(" "), mergefield("LastName"), run(",")) + table + para(),
        header=para(run("For "), mergefield("LastName")),
        footer=para(simple(" MERGEFIELD City ", "«City»")),
    )
    assert template_fields(template) == {"FirstName", "LastName", "City"}
    letter = merge_document(template, VALUES)
    [section] = sections(letter)
    assert section["body"].split("\n") == ["Dear Anna Rossi,", "City: Roma", ""]
    assert section["header"] == "For Rossi"
    assert section["footer"] == "Roma"
    Document(BytesIO(letter))  # python-docx opens it


def test_the_merged_value_keeps_the_field_formatting() -> None:
    bold = "<w:rPr><w:b/></w:rPr>"
    template = make_docx(para(field(" MERGEFIELD LastName ", result="«LastName»", rpr=bold)))
    letter = Document(BytesIO(merge_document(template, VALUES)))
    [merged] = [r for r in letter.paragraphs[0].runs if r.text]
    assert merged.text == "Rossi" and merged.bold


def test_names_match_in_any_case_as_in_word() -> None:
    template = make_docx(para(mergefield("firstname"), run(" "), mergefield("LASTNAME")))
    assert body_text(merge_document(template, VALUES)) == "Anna Rossi"


def test_switches_in_the_letters_language() -> None:
    template = make_docx(
        para(mergefield("Date", '\\@ "d MMMM yyyy"'))
        + para(mergefield("Amount", '\\# "#.##0,00"'))
        + para(mergefield("LastName", "\\* Upper"), mergefield("City", '\\b " - "'))
    )
    assert body_text(merge_document(template, VALUES, locale="it")).splitlines() == [
        "28 novembre 2026",
        "1.234,50",
        "ROSSI - Roma",
    ]
    assert body_text(merge_document(template, VALUES, locale="en")).splitlines() == [
        "28 November 2026",
        "1,234.50",
        "ROSSI - Roma",
    ]


def test_line_breaks_and_control_characters_in_values() -> None:
    template = make_docx(para(mergefield("Address")) + para(mergefield("Note")))
    values = {"Address": "Via Roma 1\r\n00100 Roma\x0bItalia", "Note": "a\x00b\x07c\x1fd\ud800"}
    letter = merge_document(template, values)
    assert body_text(letter).splitlines() == ["Via Roma 1", "00100 Roma", "Italia", "abcd"]
    # Word's own line breaks, which the preview (mammoth) reads too
    assert "<p>Via Roma 1<br />00100 Roma<br />Italia</p>" in mammoth.convert_to_html(BytesIO(letter)).value


def test_spaces_around_a_value_are_kept() -> None:
    template = make_docx(para(mergefield("Title"), mergefield("LastName")))
    assert body_text(merge_document(template, {"Title": "Dott. ", "LastName": "Rossi"})) == "Dott. Rossi"


def test_a_missing_value_leaves_a_gap_not_the_field() -> None:
    template = make_docx(para(run("["), mergefield("County"), run("]")))
    assert body_text(merge_document(template, {})) == "[]"


def test_fields_in_a_text_box() -> None:
    template = make_docx(para(text_box(para(run("To "), mergefield("LastName")))))
    assert template_fields(template) == {"LastName"}
    letter = merge_document(template, VALUES)
    assert body_text(letter) == "\nTo Rossi"  # the paragraph anchoring the box, and the box's
    texts = [t.text for t in part_xml(letter, "word/document.xml").iter(q("t"))]
    assert texts.count("Rossi") == 2  # the DrawingML box and its VML fallback


@pytest.mark.parametrize(
    ("gender", "amount", "shown"),
    [
        ("F", "10", "Gentile Signora Rossi, small"),
        ("M", "9.5", "Gentile Signore Rossi, small"),
        ("f", "100", "Gentile Signore Rossi, large"),
    ],
)
def test_if_fields_evaluated_as_word_does(gender: str, amount: str, shown: str) -> None:
    nested_gender = (
        fld_char("begin") + instr(" MERGEFIELD Gender ") + fld_char("separate") + run("F", RPR) + fld_char("end")
    )
    nested_amount = (
        fld_char("begin") + instr(" MERGEFIELD Amount ") + fld_char("separate") + run("10", RPR) + fld_char("end")
    )
    nested_name = fld_char("begin") + instr(" MERGEFIELD LastName ") + fld_char("end")
    if_gender = (
        fld_char("begin")
        + instr(" IF ")
        + nested_gender
        + instr(' = "F" "Gentile Signora ')
        + nested_name
        + instr('" "Gentile Signore ')
        + nested_name
        + instr('" ')
        + fld_char("separate")
        + run("Gentile Signora Rossi")  # the cached result: never shown as it is
        + fld_char("end")
    )
    # numbers compare as numbers: "9.5" < "10" although "9.5" > "10" as text
    if_amount = (
        fld_char("begin")
        + instr(" IF ")
        + nested_amount
        + instr(' < 50 "small" "large" ')
        + fld_char("separate")
        + run("small")
        + fld_char("end")
    )
    template = make_docx(para(if_gender, run(", "), if_amount))
    assert template_fields(template) == {"Gender", "LastName", "Amount"}
    assert inspect_template(template).warnings == []
    letter = merge_document(template, {"gender": gender, "amount": amount, "LastName": "Rossi"})
    assert body_text(letter) == shown


def test_an_if_field_segapp_cannot_evaluate_is_reported_and_left_to_word() -> None:
    nested_date = fld_char("begin") + instr(" DATE \\@ yyyy ") + fld_char("separate") + run("2025") + fld_char("end")
    template = make_docx(
        para(
            fld_char("begin"),
            instr(" IF "),
            nested_date,
            instr(' > 2025 "new" "old" '),
            fld_char("separate"),
            run("old"),
            fld_char("end"),
        )
    )
    report = inspect_template(template)
    assert report.warnings == [TemplateWarning("if_not_evaluated", 'IF { DATE \\@ yyyy } > 2025 "new" "old"')]
    settings = part_xml(merge_document(template, {}), "word/settings.xml")
    # Word updates the field on opening instead of showing its stale cached result
    assert settings.find(q("updateFields")).get(q("val")) == "true"


def test_a_next_field_is_normalised_away() -> None:
    template = make_docx(para(mergefield("FirstName"), field(" NEXT ", result=""), mergefield("LastName")))
    assert inspect_template(template).warnings == [TemplateWarning("normalised", "NEXT")]
    assert body_text(merge_document(template, VALUES)) == "AnnaRossi"


def test_a_field_whose_code_sits_in_one_run() -> None:
    one_run = (
        f'<w:r>{RPR}<w:fldChar w:fldCharType="begin"/><w:instrText xml:space="preserve"> MERGEFIELD City </w:instrText>'
        '<w:fldChar w:fldCharType="separate"/><w:t>«City»</w:t><w:fldChar w:fldCharType="end"/></w:r>'
    )
    template = make_docx(para(run("In "), one_run, run(".")))
    assert inspect_template(template).warnings == [TemplateWarning("normalised", "City")]
    assert body_text(merge_document(template, VALUES)) == "In Roma."


def test_a_bookmark_inside_a_field_code() -> None:
    template = make_docx(
        para(
            fld_char("begin"),
            instr(" MERGEFIELD "),
            '<w:bookmarkStart w:id="0" w:name="here"/>',
            instr("LastName"),
            '<w:bookmarkEnd w:id="0"/>',
            instr(" "),
            fld_char("separate"),
            run("«LastName»"),
            fld_char("end"),
        )
    )
    assert inspect_template(template).warnings == [TemplateWarning("normalised", "LastName")]
    letter = merge_document(template, VALUES)
    assert body_text(letter) == "Rossi"
    assert [b.get(q("name")) for b in part_xml(letter, "word/document.xml").iter(q("bookmarkStart"))] == ["here"]


def test_a_tracked_change_inside_a_field_code() -> None:
    template = make_docx(
        para(
            fld_char("begin"),
            instr(" MERGEFIELD "),
            f'<w:del w:id="1" w:author="A" w:date="2025-01-01T00:00:00Z"><w:r>{RPR}<w:delInstrText>Cty</w:delInstrText></w:r></w:del>',
            f'<w:ins w:id="2" w:author="A" w:date="2025-01-01T00:00:00Z">{instr("City")}</w:ins>',
            instr(" \\* Upper "),
            fld_char("separate"),
            run("«Cty»"),
            fld_char("end"),
        )
    )
    assert template_fields(template) == {"City"}
    assert inspect_template(template).warnings == [TemplateWarning("normalised", "City")]
    assert body_text(merge_document(template, VALUES)) == "ROMA"


def test_a_result_spanning_paragraphs_is_replaced_by_the_value() -> None:
    template = make_docx(
        para(run("A "), fld_char("begin"), instr(" MERGEFIELD Address "), fld_char("separate"), run("line 1"))
        + para(run("line 2"), fld_char("end"), run(" B"))
        + para(run("next"))
    )
    letter = merge_document(template, {"Address": "Via Roma 1\n00100 Roma"})
    assert body_text(letter).splitlines() == ["A Via Roma 1", "00100 Roma B", "next"]


def test_a_template_last_saved_by_libreoffice_gets_a_warning() -> None:
    app = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Properties xmlns="http://schemas.openxmlformats.org/'
        'officeDocument/2006/extended-properties"><Application>LibreOffice/7.6.4.1$Linux_X86_64 LibreOffice_project/'
        "</Application></Properties>"
    )
    template = make_docx(para(simple(" MERGEFIELD LastName ", "<LastName>")), app=app)
    report = inspect_template(template)
    assert report.warnings == [TemplateWarning("saved_by_libreoffice", "")]
    assert report.fields == {"LastName"}
    assert body_text(merge_document(template, VALUES)) == "Rossi"


def test_a_field_without_its_end_is_refused_naming_it() -> None:
    template = make_docx(para(fld_char("begin"), instr(" MERGEFIELD LastName "), fld_char("separate"), run("x")))
    with pytest.raises(DocxRejected) as refused:
        inspect_template(template)
    assert refused.value.reason == "unsupported_layout"
    assert "LastName" in refused.value.detail


def test_no_fields_and_other_fields_are_left_alone() -> None:
    template = make_docx(para(run("Page "), field(" PAGE ", result="1")))
    assert template_fields(template) == set()
    assert body_text(merge_document(template, VALUES)) == "Page 1"


def test_words_address_block_and_greeting_line_are_fields_of_those_names() -> None:
    template = make_docx(
        para(
            field(
                ' ADDRESSBLOCK \\f "<<_TITLE0_ >><<_FIRST0_>><< _LAST0_>>" \\l 1040 \\c 2 \\e "Italia" ',
                result="«AddressBlock»",
            )
        )
        + para(field(' GREETINGLINE \\f "<<_BEFORE_ Gentile >><<_TITLE0_>><< _LAST0_>>,"', result="«GreetingLine»"))
    )
    assert template_fields(template) == {"AddressBlock", "GreetingLine"}
    values = {"AddressBlock": "Anna Rossi\nVia Roma 1", "GreetingLine": "Gentile Signora Rossi,"}
    assert body_text(merge_document(template, values)).splitlines() == [
        "Anna Rossi",
        "Via Roma 1",
        "Gentile Signora Rossi,",
    ]


def test_a_field_running_from_one_table_cell_into_another_is_refused_naming_it() -> None:
    cell = "<w:tc><w:tcPr/>{}</w:tc>"
    table = (
        "<w:tbl><w:tblPr/><w:tblGrid><w:gridCol/><w:gridCol/></w:tblGrid><w:tr>"
        + cell.format(para(fld_char("begin"), instr(" MERGEFIELD City "), fld_char("separate"), run("«City")))
        + cell.format(para(run("»"), fld_char("end")))
        + "</w:tr></w:tbl>"
    )
    with pytest.raises(DocxRejected) as refused:
        inspect_template(make_docx(table + para()))
    assert (refused.value.reason, refused.value.detail) == ("unsupported_layout", "MERGEFIELD City")


def test_values_with_markup_characters() -> None:
    template = make_docx(para(mergefield("CompanyName")))
    assert (
        body_text(merge_document(template, {"CompanyName": 'Rossi & Figli <S.p.A.> "Roma"'}))
        == 'Rossi & Figli <S.p.A.> "Roma"'
    )


def nested(code: str) -> str:
    """A nested field with no cached result, as Word stores one inside another's code."""
    return fld_char("begin") + instr(code) + fld_char("end")


@pytest.mark.parametrize(
    ("company", "language", "shown"),
    [
        ("", "ITA", "Gentile cliente"),
        ("ACME", "ITA", "Spett.le ACME"),
        ("ACME", "ENG", "Dear ACME"),
        ("", "ENG", "Dear customer"),
    ],
)
def test_if_inside_if_and_empty_comparisons(company: str, language: str, shown: str) -> None:
    inner_it = (
        fld_char("begin")
        + instr(" IF ")
        + nested(" MERGEFIELD Company ")
        + instr(' = "" "Gentile cliente" "Spett.le ')
        + nested(" MERGEFIELD Company ")
        + instr('" ')
        + fld_char("end")
    )
    inner_en = (
        fld_char("begin")
        + instr(" IF ")
        + nested(" MERGEFIELD Company ")
        + instr(' <> "" "Dear ')
        + nested(" MERGEFIELD Company ")
        + instr('" "Dear customer" ')
        + fld_char("end")
    )
    outer = (
        fld_char("begin")
        + instr(" IF ")
        + nested(" MERGEFIELD Language ")
        + instr(' = "IT*" "')
        + inner_it
        + instr('" "')
        + inner_en
        + instr('" ')
        + fld_char("separate")
        + run("stale")
        + fld_char("end")
    )
    template = make_docx(para(outer))
    assert template_fields(template) == {"Company", "Language"}
    assert body_text(merge_document(template, {"company": company, "language": language})) == shown


def test_a_word_template_dotx_is_merged_as_a_document() -> None:
    template = make_docx(para(run("Dear "), mergefield("LastName")))
    with zipfile.ZipFile(BytesIO(template)) as archive:
        types = archive.read("[Content_Types].xml").replace(b"document.main+xml", b"template.main+xml")
    dotx = replace_part(template, "[Content_Types].xml", types)
    check_docx(dotx, max_bytes=1_000_000)
    assert template_fields(dotx) == {"LastName"}
    letter = merge_document(dotx, VALUES)
    assert body_text(letter) == "Dear Rossi"
    Document(BytesIO(letter))  # opens as a document


def test_an_if_written_without_spaces_around_its_operator() -> None:
    template = make_docx(
        para(
            fld_char("begin"),
            instr(" IF "),
            nested(" MERGEFIELD Gender "),
            instr('="F" "Signora" "Signore" '),
            fld_char("end"),
        )
    )
    assert inspect_template(template).warnings == []
    assert body_text(merge_document(template, {"Gender": "F"})) == "Signora"
    assert body_text(merge_document(template, {"Gender": "M"})) == "Signore"


def test_a_code_split_inside_its_switch_and_a_go_back_bookmark_inside_it() -> None:
    # both seen in Word-made templates: Word splits a code anywhere, and leaves its _GoBack bookmark where
    # the last edit was, inside a code too
    template = make_docx(
        para(
            fld_char("begin"),
            instr(" MERGEFIELD  Last"),
            instr("Name  \\* M"),
            '<w:bookmarkStart w:id="0" w:name="_GoBack"/><w:bookmarkEnd w:id="0"/>',
            instr("ERGEFORMAT \\* Up"),
            instr("per "),
            fld_char("separate"),
            run("«LastName»"),
            fld_char("end"),
        )
    )
    assert template_fields(template) == {"LastName"}
    assert body_text(merge_document(template, VALUES)) == "ROSSI"


def test_charformat_takes_the_codes_formatting_and_mergeformat_the_results() -> None:
    bold, italic = "<w:rPr><w:b/></w:rPr>", "<w:rPr><w:i/></w:rPr>"
    template = make_docx(
        para(
            fld_char("begin"),
            instr(" MERGEFIELD City \\* CHARFORMAT ", bold),
            fld_char("separate"),
            run("«City»", italic),
            fld_char("end"),
        )
        + para(
            fld_char("begin"),
            instr(" MERGEFIELD City \\* MERGEFORMAT ", bold),
            fld_char("separate"),
            run("«City»", italic),
            fld_char("end"),
        )
    )
    first, second = Document(BytesIO(merge_document(template, VALUES))).paragraphs
    assert [(r.text, r.bold, r.italic) for r in first.runs if r.text] == [("Roma", True, None)]
    assert [(r.text, r.bold, r.italic) for r in second.runs if r.text] == [("Roma", None, True)]
