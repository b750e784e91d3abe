"""Address labels of a segment's line contacts as a Word document: A4, three columns of 70 x 37 mm (spec 3.8).

python-docx sets up the page and writes the package; the label table is WordprocessingML text put in place of a
marker paragraph afterwards, because python-docx builds a table cell in about a millisecond (and parsing the
text into its tree is hardly faster), while a segment may hold tens of thousands of lines.
"""

import io
import re
import zipfile
from collections.abc import Iterable, Iterator

from docx import Document
from docx.oxml import parse_xml
from docx.shared import Mm, Pt, Twips
from flask_babel import gettext as _
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from segapp.exporting import xml_text
from segapp.models import Contact, CountryRegion, SegmentLine
from segapp.numbers import show_number
from segapp.services.contacts.addresses import mail_address_lines, own_country_code
from segapp.services.errors import ServiceError

COLUMNS = 3
ROWS_PER_PAGE = 8
PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
# 70 x 37 mm, in Word's twentieths of a point: three labels are exactly the page's width.
LABEL_WIDTH = Twips(PAGE_WIDTH.twips // COLUMNS)
LABEL_HEIGHT = Mm(37)
# The 8 rows of 37 mm fill 296 of the page's 297 mm: the half millimetre left over above them.
TOP_MARGIN = Twips((PAGE_HEIGHT.twips - ROWS_PER_PAGE * LABEL_HEIGHT.twips) // 2)
# The text's distance from a label's edges.
PADDING_TOP, PADDING_SIDE = Mm(4), Mm(5)
FONT_SIZE = Pt(10)
# 2,500 pages: a document Word still opens, written in a few seconds (the whole of it is built in memory).
MAX_LABELS = 60_000

_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_MARKER = "segapp-labels-table"
_MARKER_PARAGRAPH = re.compile(rf"<w:p>(?:(?!</w:p>).)*{_MARKER}(?:(?!</w:p>).)*</w:p>".encode(), re.DOTALL)
_NO_BORDERS = "".join(f'<w:{side} w:val="nil"/>' for side in ("top", "left", "bottom", "right", "insideH", "insideV"))


def label_contacts_query(segment_no: str) -> Select:
    """The address fields of each line's contact, in line order (lines without a contact have no label)."""
    return (
        select(
            Contact.name,
            Contact.company_name,
            Contact.address,
            Contact.address_2,
            Contact.post_code,
            Contact.city,
            Contact.county,
            Contact.country_code,
            CountryRegion.name.label("country_name"),
        )
        .select_from(SegmentLine)
        .join(Contact, Contact.no == SegmentLine.contact_no)
        .outerjoin(CountryRegion, CountryRegion.code == Contact.country_code)
        .where(SegmentLine.segment_no == segment_no)
        .order_by(SegmentLine.line_no)
    )


def segment_labels(session: Session, segment_no: str) -> list[list[str]]:
    """The address lines of every label of the segment, in line order (one query, and one for our country)."""
    own = own_country_code(session)
    rows = session.execute(label_contacts_query(segment_no).limit(MAX_LABELS + 1)).mappings()
    labels = [mail_address_lines(row, own) for row in rows]
    if len(labels) > MAX_LABELS:
        raise ServiceError(
            _("A labels document holds at most %(count)s labels; this segment has more.", count=show_number(MAX_LABELS))
        )
    return labels


def _cell(lines: list[str]) -> str:
    paragraphs = "".join(f'<w:p><w:r><w:t xml:space="preserve">{xml_text(line)}</w:t></w:r></w:p>' for line in lines)
    return f'<w:tc><w:tcPr><w:tcW w:w="{LABEL_WIDTH.twips}" w:type="dxa"/></w:tcPr>{paragraphs or "<w:p/>"}</w:tc>'


def _rows(labels: list[list[str]]) -> Iterator[str]:
    row_properties = f'<w:trPr><w:cantSplit/><w:trHeight w:val="{LABEL_HEIGHT.twips}" w:hRule="exact"/></w:trPr>'
    for start in range(0, len(labels), COLUMNS):
        row = labels[start : start + COLUMNS]
        cells = [_cell(lines) for lines in row] + [_cell([])] * (COLUMNS - len(row))
        yield f"<w:tr>{row_properties}{''.join(cells)}</w:tr>"


def _table(labels: list[list[str]]) -> str:
    width = LABEL_WIDTH.twips
    properties = (
        # In the schema's order (ECMA-376 CT_TblPr), which Word insists on.
        f'<w:tblPr><w:tblW w:w="{width * COLUMNS}" w:type="dxa"/>'
        f'<w:tblBorders>{_NO_BORDERS}</w:tblBorders><w:tblLayout w:type="fixed"/>'
        f'<w:tblCellMar><w:top w:w="{PADDING_TOP.twips}" w:type="dxa"/><w:left w:w="{PADDING_SIDE.twips}" w:type="dxa"/>'
        f'<w:right w:w="{PADDING_SIDE.twips}" w:type="dxa"/></w:tblCellMar></w:tblPr>'
    )
    grid = "<w:tblGrid>" + f'<w:gridCol w:w="{width}"/>' * COLUMNS + "</w:tblGrid>"
    return f"<w:tbl>{properties}{grid}{''.join(_rows(labels))}</w:tbl>"


def labels_docx(labels: Iterable[list[str]]) -> bytes:
    """A .docx of the labels (each a list of address lines), three to a row, eight rows to an A4 page."""
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.top_margin, section.bottom_margin = TOP_MARGIN, 0
    section.left_margin = section.right_margin = 0
    section.header_distance = section.footer_distance = 0
    normal = document.styles["Normal"]
    normal.font.size = FONT_SIZE
    normal.paragraph_format.space_before = normal.paragraph_format.space_after = 0
    normal.paragraph_format.line_spacing = 1.0
    document.add_paragraph(_MARKER)
    # Word ends a document with a paragraph; one of 1 pt, so that a full last page adds no empty one.
    document.element.body.sectPr.addprevious(
        parse_xml(
            f'<w:p {_W}><w:pPr><w:spacing w:line="20" w:lineRule="exact"/><w:rPr><w:sz w:val="2"/></w:rPr></w:pPr></w:p>'
        )
    )
    written = io.BytesIO()
    document.save(written)
    return _with_table(written.getvalue(), _table(list(labels)).encode())


def _with_table(package: bytes, table: bytes) -> bytes:
    """The .docx ``package`` with its marker paragraph replaced by ``table``."""
    result = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as source, zipfile.ZipFile(result, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "word/document.xml":
                data = _MARKER_PARAGRAPH.sub(lambda _match: table, data, count=1)
            target.writestr(item, data)
    return result.getvalue()
