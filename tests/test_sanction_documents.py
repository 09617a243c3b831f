"""The decision and the record as .docx in the official layout, and their
conversion to PDF with LibreOffice."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from docx import Document

from tests.conftest import Province
from tests.test_sanction_decision import decide
from tests.test_violation_record import make_violation
from tuquan.violations.documents import decision_docx, record_docx

pytestmark = pytest.mark.django_db


def all_text(content: bytes) -> str:
    doc = Document(io.BytesIO(content))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                parts.extend(p.text for p in cell.paragraphs)
    return "\n".join(parts)


@pytest.fixture
def decision(province: Province) -> Any:
    return decide(
        province,
        [make_violation(province, number="07/BB-VPHC")],
        fine_amount=2_500_000,
        remedial_measures="Không",
    )


def test_it_writes_the_decision_in_the_official_layout(decision: Any) -> None:
    text = all_text(decision_docx(decision))
    for part in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "UBND XÃ HÒA PHÚ",
        "Số: 15/QĐ-XPHC",
        "Hòa Phú, ngày ",
        "QUYẾT ĐỊNH",
        "Xử phạt vi phạm hành chính",
        "Trần Thị Lan",
        "điểm a khoản 1 Điều 12 Nghị định 117/2020/NĐ-CP",
        "2.500.000 ₫",
        "07/BB-VPHC",
        "Nơi nhận:",
        "CHỦ TỊCH ỦY BAN NHÂN DÂN CẤP HUYỆN",
        "Nguyễn Văn Chủ",
    ):
        assert part in text, part


def test_it_writes_the_record(province: Province) -> None:
    violation = make_violation(
        province, number="08/BB-VPHC", description="Không đeo khẩu trang"
    )
    text = all_text(record_docx(violation))
    for part in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Số: 08/BB-VPHC",
        "BIÊN BẢN VI PHẠM HÀNH CHÍNH",
        "Trần Thị Lan",
        "NGƯỜI LẬP BIÊN BẢN",
        "Không đeo khẩu trang",
    ):
        assert part in text, part


@pytest.mark.skipif(
    shutil.which("soffice") is None,
    reason="LibreOffice (soffice) is not installed here; CI installs "
    "libreoffice-writer-nogui",
)
def test_it_converts_to_pdf_with_libreoffice(decision: Any, tmp_path: Path) -> None:
    source = tmp_path / "quyet-dinh.docx"
    source.write_bytes(decision_docx(decision))
    subprocess.run(
        [
            "soffice",
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        timeout=120,
        capture_output=True,
    )
    pdf = tmp_path / "quyet-dinh.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    assert pdf.stat().st_size > 5000
