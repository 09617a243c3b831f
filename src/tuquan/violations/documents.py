"""The sanction decision and the violation record as .docx in the layout of
official documents (Decree 30/2020/NĐ-CP on administrative documents; the
forms of Decree 118/2021/NĐ-CP).

The wording is the statutory form and stays in Vietnamese whatever the
interface language: an official document is not translated.
"""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from django.utils import timezone
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

from tuquan.violations.models import SanctionDecision, Violation
from tuquan.violations.services import vnd

MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO_2 = "Độc lập - Tự do - Hạnh phúc"


def _new() -> Any:
    doc = Document()
    section = doc.sections[0]
    # A4 with the margins of Decree 30/2020 (top/bottom 2 cm, left 3, right 1.5).
    section.page_height, section.page_width = Cm(29.7), Cm(21)
    section.top_margin = section.bottom_margin = Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)
    # Compact paragraphs: the whole decision should fit on one page.
    style.paragraph_format.space_after = Pt(3)
    style.paragraph_format.line_spacing = 1.1
    return doc


def _widths(table: Any, left: float, right: float) -> None:
    table.autofit = False
    # LibreOffice reads the grid's column widths, Word the cells': set both.
    table.columns[0].width, table.columns[1].width = Cm(left), Cm(right)
    for row in table.rows:
        row.cells[0].width, row.cells[1].width = Cm(left), Cm(right)


def _cell_line(
    cell: Any, text: str, *, bold: bool = False, italic: bool = False, first: bool
) -> None:
    para = cell.paragraphs[0] if first else cell.add_paragraph()
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    para.paragraph_format.space_after = Pt(0)
    run = para.add_run(text)
    run.bold, run.italic = bold, italic
    run.font.size = Pt(12)


def _header(doc: Any, body: str, number: str, place: str, day: date) -> None:
    """Issuing body and number on the left, the national motto on the right,
    then place and date under the motto."""
    table = doc.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _widths(table, 6.5, 10)
    left, right = table.rows[0].cells
    _cell_line(left, body.upper(), bold=True, first=True)
    _cell_line(left, f"Số: {number}", first=False)
    _cell_line(right, MOTTO, bold=True, first=True)
    _cell_line(right, MOTTO_2, bold=True, first=False)
    para = doc.add_paragraph()
    para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = para.add_run(
        f"{place}, ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"
    )
    run.italic = True


def _title(doc: Any, *lines: str) -> None:
    for index, line in enumerate(lines):
        para = doc.add_paragraph()
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = para.add_run(line)
        run.bold = True
        if index == 0:
            run.font.size = Pt(14)


def _signature(doc: Any, recipients: list[str], position: str, signer: str) -> None:
    table = doc.add_table(rows=1, cols=2)
    _widths(table, 7.5, 9)
    left, right = table.rows[0].cells
    para = left.paragraphs[0]
    run = para.add_run("Nơi nhận:")
    run.bold, run.italic = True, True
    for recipient in recipients:
        line = left.add_paragraph(f"- {recipient};")
        line.paragraph_format.space_after = Pt(0)
        line.runs[0].font.size = Pt(11)
    _cell_line(right, position.upper(), bold=True, first=True)
    _cell_line(right, "(Ký, ghi rõ họ tên và đóng dấu)", italic=True, first=False)
    for _blank in range(3):
        right.add_paragraph()
    _cell_line(right, signer, bold=True, first=False)


def _subject_lines(violation: Violation) -> list[str]:
    if violation.worker_id:
        worker = violation.worker
        lines = [
            f"Họ và tên: {worker.full_name}",
            f"Ngày sinh: {worker.date_of_birth:%d/%m/%Y}",
            f"Số định danh cá nhân: {worker.national_id}",
        ]
        if worker.enterprise_id:
            lines.append(f"Nơi làm việc: {worker.enterprise.name}")
        return lines
    if violation.organisation_id:
        return [f"Tên tổ chức: {violation.organisation.name}"]
    return [
        f"Họ và tên: {violation.person_name}",
        f"Số định danh cá nhân: {violation.person_id}",
    ]


def decision_docx(decision: SanctionDecision) -> bytes:
    """The decision (Quyết định xử phạt vi phạm hành chính)."""
    violations = list(
        decision.violations.select_related(
            "provision", "worker__enterprise", "organisation"
        ).order_by("occurred_at")
    )
    doc = _new()
    _header(
        doc,
        decision.issuing_body,
        decision.number,
        decision.place_name,
        decision.issued_on,
    )
    _title(doc, "QUYẾT ĐỊNH", "Xử phạt vi phạm hành chính")
    authority = decision.authority.title.upper()
    para = doc.add_paragraph(authority)
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    para.runs[0].bold = True
    doc.add_paragraph("Căn cứ Luật Xử lý vi phạm hành chính ngày 20 tháng 6 năm 2012;")
    instruments = sorted({v.provision.instrument for v in violations})
    for instrument in instruments:
        doc.add_paragraph(f"Căn cứ {instrument};")
    records = ", ".join(
        f"số {v.record_number} lập ngày {timezone.localtime(v.occurred_at):%d/%m/%Y}"
        for v in violations
    )
    doc.add_paragraph(f"Căn cứ Biên bản vi phạm hành chính {records};")
    para = doc.add_paragraph("QUYẾT ĐỊNH:")
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    para.runs[0].bold = True
    kind = "tổ chức" if decision.subject_kind == "organisation" else "cá nhân"
    doc.add_paragraph(f"Điều 1. Xử phạt vi phạm hành chính đối với {kind}:")
    for line in _subject_lines(violations[0]):
        doc.add_paragraph(line, style="List Bullet")
    doc.add_paragraph("Đã thực hiện hành vi vi phạm hành chính:")
    for v in violations:
        when = timezone.localtime(v.occurred_at)
        doc.add_paragraph(
            f"{v.provision.act} Quy định tại {v.provision.citation}. "
            f"Thời gian: {when:%H:%M} ngày {when:%d/%m/%Y}; địa điểm: {v.place}.",
            style="List Bullet",
        )
    doc.add_paragraph(
        f"Hình thức xử phạt chính: Phạt tiền {vnd(decision.fine_amount)}."
    )
    doc.add_paragraph(
        f"Biện pháp khắc phục hậu quả: {decision.remedial_measures or 'Không áp dụng.'}"
    )
    due = (
        f" trước ngày {decision.due_on:%d/%m/%Y}"
        if decision.due_on
        else " trong thời hạn 10 ngày kể từ ngày nhận được Quyết định"
    )
    doc.add_paragraph(
        f"Điều 2. {decision.subject_label} phải nghiêm chỉnh chấp hành Quyết định này"
        f"{due}; quá thời hạn trên mà không tự nguyện chấp hành thì bị cưỡng chế thi "
        "hành. Có quyền khiếu nại, khởi kiện đối với Quyết định này theo quy định "
        "của pháp luật."
    )
    doc.add_paragraph("Điều 3. Quyết định này có hiệu lực thi hành kể từ ngày ký.")
    _signature(
        doc,
        [decision.subject_label, "Kho bạc Nhà nước (để thu tiền phạt)", "Lưu: hồ sơ"],
        decision.authority.title,
        decision.signer_name,
    )
    return _save(doc)


def record_docx(violation: Violation) -> bytes:
    """The written record (Biên bản vi phạm hành chính)."""
    doc = _new()
    when = timezone.localtime(violation.occurred_at)
    body = str(violation.site)
    _header(doc, body, violation.record_number, violation.place, when.date())
    _title(doc, "BIÊN BẢN VI PHẠM HÀNH CHÍNH")
    officer = violation.officer.get_full_name() or violation.officer.username
    doc.add_paragraph(
        f"Hôm nay, hồi {when:%H} giờ {when:%M} phút, ngày {when:%d/%m/%Y}, "
        f"tại {violation.place}."
    )
    doc.add_paragraph(f"Người có thẩm quyền lập biên bản: {officer}.")
    doc.add_paragraph("Tiến hành lập biên bản vi phạm hành chính đối với:")
    for line in _subject_lines(violation):
        doc.add_paragraph(line, style="List Bullet")
    provision = violation.provision
    doc.add_paragraph(
        f"Đã có hành vi vi phạm hành chính: {provision.act} "
        f"Quy định tại {provision.citation}."
    )
    if violation.description:
        doc.add_paragraph(f"Mô tả: {violation.description}")
    doc.add_paragraph(
        "Biên bản được lập thành 02 bản có nội dung và giá trị như nhau, đã đọc "
        "lại cho người vi phạm nghe và cùng ký xác nhận."
    )
    table = doc.add_table(rows=1, cols=2)
    left, right = table.rows[0].cells
    _cell_line(left, "NGƯỜI VI PHẠM", bold=True, first=True)
    _cell_line(left, "(Ký, ghi rõ họ tên)", italic=True, first=False)
    _cell_line(left, violation.subject_label, first=False)
    _cell_line(right, "NGƯỜI LẬP BIÊN BẢN", bold=True, first=True)
    _cell_line(right, "(Ký, ghi rõ họ tên)", italic=True, first=False)
    _cell_line(right, officer, first=False)
    return _save(doc)


def _save(doc: Any) -> bytes:
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
