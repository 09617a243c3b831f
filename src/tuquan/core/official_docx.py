"""The layout of official documents (Decree 30/2020/NĐ-CP on administrative
documents) as python-docx building blocks: A4 with the decree's margins, Times
New Roman 13, the header with the issuing body and the national motto, place
and date, the title, tables, and the recipients and signature block.

The wording of an official document stays in Vietnamese whatever the interface
language: an official document is not translated.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from typing import Any

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.shared import Cm, Pt

MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO_2 = "Độc lập - Tự do - Hạnh phúc"


def new_document() -> Any:
    """An empty A4 document with the margins and font of Decree 30/2020."""
    doc = Document()
    section = doc.sections[0]
    # Top/bottom 2 cm, left 3 cm, right 1.5 cm.
    section.page_height, section.page_width = Cm(29.7), Cm(21)
    section.top_margin = section.bottom_margin = Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)
    # Compact paragraphs: short documents should fit on one page.
    style.paragraph_format.space_after = Pt(3)
    style.paragraph_format.line_spacing = 1.1
    return doc


def set_widths(table: Any, widths: Sequence[float]) -> None:
    """Fix the column widths of a table (in cm)."""
    table.autofit = False
    # LibreOffice reads the grid's column widths, Word the cells': set both.
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Cm(width)


def cell_line(
    cell: Any,
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    first: bool,
    size: float = 12,
    align: Any = WD_ALIGN_PARAGRAPH.CENTER,
) -> None:
    """A line of text in a table cell (the cell's first paragraph if first)."""
    para = cell.paragraphs[0] if first else cell.add_paragraph()
    para.alignment = align
    para.paragraph_format.space_after = Pt(0)
    run = para.add_run(text)
    run.bold, run.italic = bold, italic
    run.font.size = Pt(size)


def header(
    doc: Any, body: str, number: str, place: str, day: date, *, parent: str = ""
) -> None:
    """Issuing body (under its parent body, if any) and number on the left, the
    national motto on the right, then place and date under the motto."""
    table = doc.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    set_widths(table, (6.5, 10))
    left, right = table.rows[0].cells
    if parent:
        cell_line(left, parent.upper(), first=True)
    cell_line(left, body.upper(), bold=True, first=not parent)
    cell_line(left, f"Số: {number}", first=False)
    cell_line(right, MOTTO, bold=True, first=True)
    cell_line(right, MOTTO_2, bold=True, first=False)
    para = doc.add_paragraph()
    para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = para.add_run(
        f"{place}, ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"
    )
    run.italic = True


def title(doc: Any, *lines: str) -> None:
    """The document's kind in capitals (14 pt), then its subject lines."""
    for index, line in enumerate(lines):
        para = doc.add_paragraph()
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = para.add_run(line)
        run.bold = True
        if index == 0:
            run.font.size = Pt(14)


def heading(doc: Any, text: str) -> None:
    """A bold section heading in the body (I., II., 1., ...)."""
    para = doc.add_paragraph()
    para.paragraph_format.space_before = Pt(6)
    para.add_run(text).bold = True


def data_table(
    doc: Any,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    widths: Sequence[float],
) -> Any:
    """A bordered table with a bold header row; numbers are right-aligned."""
    table = doc.add_table(rows=1 + len(rows), cols=len(columns))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, columns, strict=True):
        cell_line(cell, text, bold=True, first=True, size=11)
    # The header row repeats on every page; no row breaks across pages.
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    for row in table.rows:
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    for row, values in zip(table.rows[1:], rows, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            numeric = isinstance(value, int | float)
            cell_line(
                cell,
                number(value) if numeric else str(value),
                first=True,
                size=11,
                align=WD_ALIGN_PARAGRAPH.RIGHT if numeric else WD_ALIGN_PARAGRAPH.LEFT,
            )
    set_widths(table, widths)
    return table


def number(value: int | float) -> str:
    """A figure written the Vietnamese way: 1.234.567 and 12,5."""
    if isinstance(value, float) and not value.is_integer():
        whole, _dot, decimals = f"{value:,.1f}".partition(".")
        return whole.replace(",", ".") + "," + decimals
    return f"{int(value):,}".replace(",", ".")


def signature(
    doc: Any,
    recipients: Sequence[str],
    position: str,
    signer: str,
    *,
    note: str = "(Ký, ghi rõ họ tên và đóng dấu)",
) -> None:
    """The recipients block (Nơi nhận) on the left, the signature on the right."""
    table = doc.add_table(rows=1, cols=2)
    set_widths(table, (7.5, 9))
    # The block stays on one page: a signature is never split from its title.
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    left, right = table.rows[0].cells
    para = left.paragraphs[0]
    para.paragraph_format.keep_with_next = True
    run = para.add_run("Nơi nhận:")
    run.bold, run.italic = True, True
    for recipient in recipients:
        line = left.add_paragraph(f"- {recipient};")
        line.paragraph_format.space_after = Pt(0)
        line.runs[0].font.size = Pt(11)
    cell_line(right, position.upper(), bold=True, first=True)
    cell_line(right, note, italic=True, first=False)
    for _blank in range(3):
        right.add_paragraph()
    cell_line(right, signer, bold=True, first=False)


def to_bytes(doc: Any) -> bytes:
    """The document as .docx bytes."""
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
