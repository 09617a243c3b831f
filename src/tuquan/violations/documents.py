"""The sanction decision and the violation record as .docx in the layout of
official documents (Decree 30/2020/NĐ-CP on administrative documents; the
forms of Decree 118/2021/NĐ-CP).

The wording is the statutory form and stays in Vietnamese whatever the
interface language: an official document is not translated.
"""

from __future__ import annotations

from django.utils import timezone
from docx.enum.text import WD_ALIGN_PARAGRAPH

from tuquan.core.official_docx import (
    cell_line,
    header,
    new_document,
    signature,
    title,
    to_bytes,
)
from tuquan.violations.models import SanctionDecision, Violation
from tuquan.violations.services import vnd


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
    doc = new_document()
    header(
        doc,
        decision.issuing_body,
        decision.number,
        decision.place_name,
        decision.issued_on,
    )
    title(doc, "QUYẾT ĐỊNH", "Xử phạt vi phạm hành chính")
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
    signature(
        doc,
        [decision.subject_label, "Kho bạc Nhà nước (để thu tiền phạt)", "Lưu: hồ sơ"],
        decision.authority.title,
        decision.signer_name,
    )
    return to_bytes(doc)


def record_docx(violation: Violation) -> bytes:
    """The written record (Biên bản vi phạm hành chính)."""
    doc = new_document()
    when = timezone.localtime(violation.occurred_at)
    body = str(violation.site)
    header(doc, body, violation.record_number, violation.place, when.date())
    title(doc, "BIÊN BẢN VI PHẠM HÀNH CHÍNH")
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
    cell_line(left, "NGƯỜI VI PHẠM", bold=True, first=True)
    cell_line(left, "(Ký, ghi rõ họ tên)", italic=True, first=False)
    cell_line(left, violation.subject_label, first=False)
    cell_line(right, "NGƯỜI LẬP BIÊN BẢN", bold=True, first=True)
    cell_line(right, "(Ký, ghi rõ họ tên)", italic=True, first=False)
    cell_line(right, officer, first=False)
    return to_bytes(doc)
