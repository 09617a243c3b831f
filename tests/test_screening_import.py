"""The .xlsx import of test results and doses: workers found by national ID,
every bad row reported, nothing saved when any row is bad, a second import of
the same file adding nothing."""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext
from openpyxl import Workbook

from tests.conftest import Province
from tuquan.core.models import AuditAction, AuditEntry
from tuquan.people.models import EmploymentStatus
from tuquan.screening.imports import import_tests_xlsx, import_vaccinations_xlsx
from tuquan.screening.models import ScreeningTest, Vaccination

pytestmark = pytest.mark.django_db

TEST_HEADER = [
    "STT",
    "Họ và tên",
    "Số CCCD",
    "Ngày lấy mẫu",
    "Loại xét nghiệm",
    "Nơi xét nghiệm",
    "Kết quả",
]
DOSE_HEADER = ["Họ tên", "CCCD", "Mũi số", "Ngày tiêm", "Vắc xin", "Nơi tiêm"]


def vi(text: str, **params: Any) -> str:
    with translation.override("vi"):
        return gettext(text) % params if params else gettext(text)


def xlsx(header: list[str], rows: list[list[Any]], title: bool = True) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    if title:
        sheet.append(["DANH SÁCH KẾT QUẢ XÉT NGHIỆM"])
        sheet.append([])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    stream = io.BytesIO()
    book.save(stream)
    stream.seek(0)
    stream.name = "ket-qua.xlsx"
    return stream


def row_of(worker: Any, day: Any = "01/03/2026", **extra: Any) -> list[Any]:
    values = {
        "name": worker.full_name,
        "id": worker.national_id,
        "day": day,
        "method": "Test nhanh",
        "facility": "Trạm Y tế xã Hòa Phú",
        "result": "Âm tính",
        **extra,
    }
    return [
        1,
        values["name"],
        values["id"],
        values["day"],
        values["method"],
        values["facility"],
        values["result"],
    ]


def test_it_imports_tests_and_adds_nothing_the_second_time(
    province: Province,
) -> None:
    rows = [
        row_of(province.member),
        row_of(province.colleague, date(2026, 3, 2), method="RT-PCR", result=""),
        # A number cell: Excel dropped the leading zero of the CCCD.
        row_of(province.leader, id=int(province.leader.national_id)),
    ]
    report = import_tests_xlsx(xlsx(TEST_HEADER, rows), by=province.user("enterprise"))
    assert report.errors == [] and report.imported
    assert (report.rows, report.created, report.duplicates) == (3, 3, 0)
    colleague = ScreeningTest.objects.get(worker=province.colleague)
    assert colleague.method == "rt_pcr" and colleague.result == "pending"
    assert colleague.sampled_on == date(2026, 3, 2)
    again = import_tests_xlsx(xlsx(TEST_HEADER, rows), by=province.user("enterprise"))
    assert (again.created, again.duplicates) == (0, 3)
    assert ScreeningTest.objects.count() == 3
    assert AuditEntry.objects.filter(action=AuditAction.IMPORT).count() == 2


def test_it_reports_every_bad_row_and_saves_nothing(province: Province) -> None:
    tomorrow = timezone.localdate() + timedelta(days=1)
    province.resident.employment_status = EmploymentStatus.LEFT
    province.resident.save()
    rows = [
        row_of(province.member),  # good
        row_of(province.outsider),  # row 5: outside the officer's scope
        row_of(province.colleague, tomorrow.strftime("%d/%m/%Y")),  # future
        row_of(province.leader, method="Gộp mẫu"),  # pooled
        row_of(province.colleague, name="Ai Đó"),  # name mismatch
        row_of(province.member, result="Chắc là âm"),  # unknown result
        row_of(province.member, id="0661234"),  # malformed ID
        row_of(province.member),  # same test as row 4
    ]
    report = import_tests_xlsx(xlsx(TEST_HEADER, rows), by=province.user("zone"))
    assert not report.imported and ScreeningTest.objects.count() == 0
    by_row = {(e.row, e.column): e.message for e in report.errors}
    assert by_row[(5, "Số CCCD")] == vi(
        "No worker with this national ID in your scope."
    )
    assert by_row[(6, "Ngày lấy mẫu")] == capfirst(
        vi("The %(label)s cannot be in the future.", label=vi("sample date"))
    )
    assert by_row[(7, "Loại xét nghiệm")] == vi(
        "Pooled samples are recorded on the pool page, not imported."
    )
    assert by_row[(8, "Họ và tên")] == vi(
        "The national ID belongs to %(name)s.", name=province.colleague.full_name
    )
    assert (9, "Kết quả") in by_row
    assert (10, "Số CCCD") in by_row
    assert by_row[(11, "Số CCCD")] == vi("The same test as row %(row)d.", row=4)
    assert report.invalid_rows == 7


def test_it_refuses_a_file_that_is_not_xlsx_or_lacks_columns(
    province: Province,
) -> None:
    report = import_tests_xlsx(
        io.BytesIO(b"Ho ten;CCCD\n"), by=province.user("enterprise")
    )
    assert report.errors[0].message == vi("Upload an Excel workbook (.xlsx).")
    report = import_tests_xlsx(
        xlsx(["Họ và tên", "Số CCCD"], [["A", "066095000001"]]),
        by=province.user("enterprise"),
    )
    assert not report.imported and report.errors[0].row == 0


def test_it_imports_doses_and_refuses_a_dose_recorded_with_another_date(
    province: Province,
) -> None:
    rows = [
        [
            province.member.full_name,
            province.member.national_id,
            1,
            "01/06/2025",
            "Pfizer",
            "Trạm Y tế",
        ],
        [
            province.member.full_name,
            province.member.national_id,
            2,
            "01/09/2025",
            "Pfizer",
            "",
        ],
    ]
    by = province.user("enterprise")
    report = import_vaccinations_xlsx(xlsx(DOSE_HEADER, rows, title=False), by=by)
    assert report.imported and report.created == 2
    again = import_vaccinations_xlsx(xlsx(DOSE_HEADER, rows, title=False), by=by)
    assert (again.created, again.duplicates) == (0, 2)
    changed = [
        [
            province.colleague.full_name,
            province.colleague.national_id,
            1,
            "02/06/2025",
            "Pfizer",
            "",
        ],
        [
            province.member.full_name,
            province.member.national_id,
            2,
            "05/09/2025",
            "Pfizer",
            "",
        ],
        [
            province.colleague.full_name,
            province.colleague.national_id,
            1,
            "02/06/2025",
            "Pfizer",
            "",
        ],
        [
            province.leader.full_name,
            province.leader.national_id,
            0,
            "02/06/2025",
            "",
            "",
        ],
    ]
    report = import_vaccinations_xlsx(xlsx(DOSE_HEADER, changed, title=False), by=by)
    assert not report.imported
    rows_with_errors = sorted({e.row for e in report.errors})
    assert rows_with_errors == [4, 5]
    # The conflicting dose is only checked once the rows themselves are right.
    assert Vaccination.objects.count() == 2


def test_it_names_the_conflicting_dose(province: Province) -> None:
    by = province.user("enterprise")
    first = [
        [
            province.member.full_name,
            province.member.national_id,
            1,
            "01/06/2025",
            "Pfizer",
            "",
        ]
    ]
    import_vaccinations_xlsx(xlsx(DOSE_HEADER, first, title=False), by=by)
    other = [
        [
            province.member.full_name,
            province.member.national_id,
            1,
            "03/06/2025",
            "Pfizer",
            "",
        ]
    ]
    report = import_vaccinations_xlsx(xlsx(DOSE_HEADER, other, title=False), by=by)
    assert [(e.row, e.column, e.message) for e in report.errors] == [
        (
            2,
            "Mũi số",
            vi(
                "%(name)s already has dose %(dose)d recorded (%(day)s).",
                name=province.member.full_name,
                dose=1,
                day="01/06/2025",
            ),
        )
    ]
    assert Vaccination.objects.count() == 1


def test_it_shows_row_errors_on_the_import_page(province: Province) -> None:
    client = Client()
    client.force_login(province.user("enterprise"))
    url = reverse("screening_import")
    assert client.get(url).status_code == 200
    stream = xlsx(TEST_HEADER, [row_of(province.member), row_of(province.outsider)])
    response = client.post(url, {"kind": "tests", "file": stream})
    assert response.status_code == 200
    page = response.content.decode()
    assert vi("No worker with this national ID in your scope.") in page
    assert ScreeningTest.objects.count() == 0
    stream = xlsx(TEST_HEADER, [row_of(province.member)])
    response = client.post(url, {"kind": "tests", "file": stream})
    assert ScreeningTest.objects.count() == 1
