"""Roster import service: validation, all-or-nothing, updates, hires, history.

Files are generated here (xlsx, CSV in three encodings) and go through the real
``roster_file`` reader. The helpers at the top are shared with the CLI, web and
export tests.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from datetime import date, time
from typing import Any

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from tests import factories as f
from tests.conftest import Province
from tuquan.core import audit
from tuquan.core.context import acting_as
from tuquan.core.models import AuditAction, AuditEntry
from tuquan.organisations.models import BusRoute, Line, Room, Shift, Workshop
from tuquan.people.models import (
    Employment,
    EmploymentStatus,
    Sex,
    TeamMembership,
    Worker,
)
from tuquan.people.roster_import import (
    ImportReport,
    error_copy,
    import_workers,
    row_ranges,
)

HEADERS = [
    "STT",
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Số CCCD",
    "Số điện thoại",
    "Bộ phận",
    "Dây chuyền",
    "Tổ",
    "Ca",
    "Tuyến xe",
    "Ngày vào làm",
]


def person(
    name: str = "Nguyễn Văn An",
    *,
    born: date = date(1995, 5, 17),
    sex: str = "Nam",
    serial: int | None = None,
    national_id: str | None = None,
    phone: str | None = None,
    workshop: str = "Xưởng Rang",
    line: str = "",
    team: str = "",
    shift: str = "Ca sáng",
    bus: str = "",
    start: object = "01/03/2020",
    dob: object = None,
) -> dict[str, object]:
    """One roster row as the header → cell mapping of :data:`HEADERS`."""
    sex_code = Sex.FEMALE if sex.lower().startswith("n") and sex != "Nam" else Sex.MALE
    return {
        "Họ và tên": name,
        "Ngày sinh": dob if dob is not None else born.strftime("%d/%m/%Y"),
        "Giới tính": sex,
        "Số CCCD": national_id
        or f.valid_national_id(born=born, sex=sex_code, serial=serial),
        "Số điện thoại": phone
        if phone is not None
        else "0" + f.valid_phone(serial)[3:],
        "Bộ phận": workshop,
        "Dây chuyền": line,
        "Tổ": team,
        "Ca": shift,
        "Tuyến xe": bus,
        "Ngày vào làm": start,
    }


def make_xlsx(
    rows: list[dict[str, object]],
    headers: list[str] | None = None,
    title_rows: tuple[str, ...] = (),
) -> bytes:
    headers = headers or HEADERS
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for title in title_rows:
        sheet.append([title])
    sheet.append(headers)
    for number, row in enumerate(rows, start=1):
        sheet.append([number if h == "STT" else row.get(h) for h in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def make_csv(
    rows: list[dict[str, object]],
    headers: list[str] | None = None,
    encoding: str = "utf-8",
    title_rows: tuple[str, ...] = (),
) -> bytes:
    headers = headers or HEADERS
    text = io.StringIO()
    writer = csv.writer(text)
    for title in title_rows:
        writer.writerow([title])
    writer.writerow(headers)
    for number, row in enumerate(rows, start=1):
        writer.writerow([number if h == "STT" else row.get(h, "") for h in headers])
    return text.getvalue().encode(encoding)


def make_parts(province: Province) -> dict[str, Any]:
    """Shift, bus route, workshop and line of enterprise A named in the rows."""
    ent = province.enterprise_a
    workshop = Workshop.objects.create(enterprise=ent, name="Xưởng Rang")
    return {
        "workshop": workshop,
        "line": Line.objects.create(workshop=workshop, name="Chuyền 1"),
        "shift": Shift.objects.create(
            enterprise=ent, name="Ca sáng", starts_at=time(6), ends_at=time(14)
        ),
        "bus": BusRoute.objects.create(enterprise=ent, name="Tuyến Buôn Ma Thuột"),
    }


@pytest.fixture
def parts(province: Province) -> dict[str, Any]:
    return make_parts(province)


def run(
    province: Province,
    data: bytes,
    *,
    filename: str = "danh-sach.xlsx",
    persona: str = "enterprise",
    enterprise: Any = None,
    **options: Any,
) -> ImportReport:
    user = province.user(persona)
    with acting_as(user, via="web"):
        return import_workers(
            source=data,
            filename=filename,
            enterprise=enterprise or province.enterprise_a,
            by=user,
            **options,
        )


def messages_of(report: ImportReport, row: int) -> dict[str, list[str]]:
    """Errors of one row as column header → reasons."""
    result: dict[str, list[str]] = {}
    for error in report.errors:
        if error.row == row:
            result.setdefault(error.column, []).append(error.message)
    return result


# --------------------------------------------------------------------------


def test_it_creates_workers_with_employment_membership_and_audit(
    province: Province, parts: dict[str, Any]
) -> None:
    rows = [
        person(
            "Nguyễn Văn An", serial=1, line="Chuyền 1", team="Tổ tự quản Xưởng Rang"
        ),
        person("Trần Thị Bình", sex="Nữ", serial=2, bus="tuyen buon ma thuot"),
    ]
    report = run(province, make_xlsx(rows))

    assert (report.created, report.updated, report.invalid) == (2, 0, 0)
    assert report.imported
    an = Worker.objects.get(full_name="Nguyễn Văn An")
    assert an.enterprise == province.enterprise_a
    assert an.workshop == parts["workshop"] and an.line == parts["line"]
    assert an.shift == parts["shift"]
    assert an.national_id == rows[0]["Số CCCD"]
    assert an.phone == "+84" + str(rows[0]["Số điện thoại"])[1:]
    assert an.employment_start == date(2020, 3, 1)
    assert an.name_folded == "nguyen van an"
    assert TeamMembership.objects.filter(worker=an, team=province.team_a).exists()
    employment = Employment.objects.get(worker=an)
    assert (employment.enterprise, employment.started_on) == (
        province.enterprise_a,
        date(2020, 3, 1),
    )
    binh = Worker.objects.get(full_name="Trần Thị Bình")
    assert binh.sex == Sex.FEMALE and binh.bus_route == parts["bus"]

    created = AuditEntry.objects.filter(
        action=AuditAction.CREATE, object_type="people.worker"
    )
    assert created.count() == 2
    entry = created.get(object_id=str(an.pk))
    assert entry.username == "doanhnghiep" and entry.via == "web"
    assert entry.scope_path == province.enterprise_a.path
    assert entry.changes["full_name"] == [None, "Nguyễn Văn An"]
    assert entry.changes["team"] == [None, province.team_a.pk]
    assert "national_id_enc" not in entry.changes and "phone_hash" not in entry.changes
    # Exactly what audit.record() would have written for save_worker().
    expected = audit.diff({}, audit.snapshot(Worker.objects.get(pk=an.pk)))
    expected["team"] = [None, province.team_a.pk]
    assert entry.changes == expected
    summary = AuditEntry.objects.get(action=AuditAction.IMPORT)
    assert (
        summary.changes["created"] == 2 and summary.changes["file"] == "danh-sach.xlsx"
    )


def test_it_reports_every_error_kind_by_row_column_and_value(
    province: Province, parts: dict[str, Any]
) -> None:
    male_1995 = f.valid_national_id(born=date(1995, 5, 17), sex=Sex.MALE, serial=9)
    rows = [
        person(serial=1, national_id="12345"),  # row 3: bad ID
        person(serial=2, national_id=f.valid_national_id(born=date(1988, 1, 1))),  # DOB
        person(serial=3, sex="Nữ", national_id=male_1995),  # row 5: ID vs sex
        person(serial=4, phone="0281234567"),  # row 6: landline
        person("", serial=5),  # row 7: missing name
        person(serial=6, dob="31/02/1995"),  # row 8: impossible date
        person(serial=7, shift="Ca đêm"),  # row 9: unknown shift
        person(serial=8, team="Tổ không có"),  # row 10: unknown team
        person(serial=10, bus="Tuyến ma"),  # row 11: unknown bus route
        person(serial=11, sex="Không rõ"),  # row 12: bad sex
    ]
    report = run(province, make_xlsx(rows))

    assert report.invalid == 10 and report.invalid_rows == list(range(2, 12))
    assert not report.imported
    assert messages_of(report, 2)["Số CCCD"] == [
        _("A citizen ID number has 12 digits (you entered %(count)s).") % {"count": 5}
    ]
    bad_id = next(e for e in report.errors if e.row == 2)
    assert (bad_id.column, bad_id.value) == ("Số CCCD", "12345")
    assert messages_of(report, 3)["Số CCCD"] == [
        _(
            "Digits 5 and 6 of the citizen ID number (%(digits)s) do not match "
            "the year of birth %(year)s."
        )
        % {"digits": "88", "year": 1995}
    ]
    assert messages_of(report, 4)["Số CCCD"] == [
        _(
            "The fourth digit of the citizen ID number (%(digit)s) does not "
            "match the sex entered."
        )
        % {"digit": male_1995[3]}
    ]
    assert "Số điện thoại" in messages_of(report, 5)
    assert messages_of(report, 6) == {"Họ và tên": [_("Enter the full name.")]}
    # The unreadable date is reported once, not again as "enter the date".
    assert list(messages_of(report, 7)) == ["Ngày sinh"]
    assert "31/02/1995" in messages_of(report, 7)["Ngày sinh"][0]
    assert messages_of(report, 8) == {
        "Ca": [_("Unknown shift “%(value)s”.") % {"value": "Ca đêm"}]
    }
    assert messages_of(report, 9) == {
        "Tổ": [_("Unknown team “%(value)s”.") % {"value": "Tổ không có"}]
    }
    assert messages_of(report, 10) == {
        "Tuyến xe": [_("Unknown bus route “%(value)s”.") % {"value": "Tuyến ma"}]
    }
    assert "Giới tính" in messages_of(report, 11)
    assert Worker.objects.count() == 5  # the fixture's, nothing imported


def test_it_imports_nothing_when_one_row_is_invalid(
    province: Province, parts: dict[str, Any]
) -> None:
    before = (
        Worker.objects.count(),
        AuditEntry.objects.count(),
        Workshop.objects.count(),
    )
    rows = [person(serial=i, workshop="Xưởng Mới") for i in range(1, 6)]
    rows.append(person(serial=99, national_id="không có"))
    report = run(province, make_xlsx(rows))

    assert report.invalid == 1 and report.created == 5
    assert not report.imported and not report.skipped_rows
    after = (
        Worker.objects.count(),
        AuditEntry.objects.count(),
        Workshop.objects.count(),
    )
    assert after == before


def test_it_skips_invalid_rows_when_asked_and_says_which(
    province: Province, parts: dict[str, Any]
) -> None:
    rows = [person(serial=1), person(serial=2, phone="123"), person(serial=3)]
    rows += [person(serial=4, shift="Ca ma"), person(serial=5, workshop="Xưởng Bỏ")]
    rows[4]["Số CCCD"] = "1"
    report = run(province, make_xlsx(rows), skip_invalid=True)

    assert report.imported
    assert report.skipped_rows == [3, 5, 6]
    assert report.created == 2
    assert row_ranges(report.skipped_rows) == "3, 5–6"
    # The skipped row's unknown workshop is not created.
    assert not Workshop.objects.filter(name="Xưởng Bỏ").exists()
    summary = AuditEntry.objects.get(action=AuditAction.IMPORT)
    assert summary.changes["skipped_rows"] == "3, 5–6"


def test_it_changes_nothing_when_the_same_file_is_imported_again(
    province: Province, parts: dict[str, Any]
) -> None:
    rows = [
        person(serial=i, team="Tổ tự quản Xưởng Rang", workshop="Xưởng B")
        for i in range(5)
    ]
    rows[0]["Dây chuyền"] = "Chuyền Mới"
    data = make_xlsx(rows)
    first = run(province, data)
    assert first.created == 5 and first.new_workshops == ["Xưởng B"]
    counts = (
        Worker.objects.count(),
        AuditEntry.objects.count(),
        Employment.objects.count(),
        TeamMembership.objects.count(),
        Line.objects.count(),
    )

    again = run(province, data)

    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)
    assert again.changed == 0 and again.new_parts == 0 and again.imported
    after = (
        Worker.objects.count(),
        AuditEntry.objects.count(),
        Employment.objects.count(),
        TeamMembership.objects.count(),
        Line.objects.count(),
    )
    assert after == counts


def test_it_updates_a_changed_row_and_keeps_history(
    province: Province, parts: dict[str, Any]
) -> None:
    colleague = province.colleague
    row = person(
        "Lê Văn Hùng",
        national_id=colleague.national_id,
        phone="0987654321",
        start="15/06/2021",
    )
    report = run(province, make_xlsx([row]))

    assert (report.created, report.updated, report.hired) == (0, 1, 0)
    assert report.changes[0].kind == "changed"
    assert {"Số điện thoại", "Bộ phận", "Ca", "Ngày vào làm"} <= set(
        report.changes[0].fields
    )
    colleague.refresh_from_db()
    assert colleague.phone == "+84987654321"
    assert colleague.workshop == parts["workshop"]
    assert colleague.employment_start == date(2021, 6, 15)
    entry = AuditEntry.objects.get(
        action=AuditAction.UPDATE, object_id=str(colleague.pk)
    )
    assert entry.changes["employment_start"] == [None, "2021-06-15"]
    assert entry.changes["workshop"] == [None, parts["workshop"].pk]
    assert "phone_tail" in entry.changes and "phone_enc" not in entry.changes
    assert "full_name" not in entry.changes
    assert (
        Worker.objects.filter(national_id_hash=colleague.national_id_hash).count() == 1
    )


def test_it_hires_a_worker_registered_at_another_enterprise(
    province: Province, parts: dict[str, Any]
) -> None:
    resident = province.resident  # works at enterprise A2
    Employment.objects.create(
        worker=resident, enterprise=province.enterprise_a2, started_on=date(2019, 1, 1)
    )
    row = person(
        "Phạm Thị Hoa",
        sex="Nữ",
        national_id=resident.national_id,
        start="01/07/2024",
        phone="0" + resident.phone[3:],
    )
    report = run(province, make_xlsx([row]))

    assert (report.created, report.updated, report.hired) == (0, 1, 1)
    assert report.changes[0].kind == "hired"
    resident.refresh_from_db()
    assert resident.enterprise == province.enterprise_a
    assert resident.employment_status == EmploymentStatus.ACTIVE
    old = Employment.objects.get(worker=resident, enterprise=province.enterprise_a2)
    assert (old.ended_on, old.status) == (date(2024, 7, 1), EmploymentStatus.LEFT)
    new = Employment.objects.get(worker=resident, enterprise=province.enterprise_a)
    assert new.started_on == date(2024, 7, 1) and new.ended_on is None
    entry = AuditEntry.objects.get(
        action=AuditAction.UPDATE, object_id=str(resident.pk)
    )
    assert entry.changes["enterprise"] == [
        province.enterprise_a2.pk,
        province.enterprise_a.pk,
    ]


def test_it_names_both_rows_when_an_id_appears_twice(
    province: Province, parts: dict[str, Any]
) -> None:
    twice = f.valid_national_id(serial=77)
    rows = [person(serial=1), person(national_id=twice), person(serial=2)]
    rows.append(person("Người Thứ Hai", national_id=twice))
    report = run(province, make_xlsx(rows))

    message = _("The same national ID is on rows %(first)s and %(second)s.") % {
        "first": 3,
        "second": 5,
    }
    assert messages_of(report, 3) == {"Số CCCD": [message]}
    assert messages_of(report, 5) == {"Số CCCD": [message]}
    assert report.invalid_rows == [3, 5] and report.created == 2
    assert not report.imported


def test_it_creates_unknown_workshops_lines_and_rooms_and_counts_them(
    province: Province, parts: dict[str, Any]
) -> None:
    headers = [*HEADERS, "Nơi ở", "Phòng"]
    rows = [
        {
            **person(serial=1, workshop="Xưởng Đóng Gói", line="Chuyền A"),
            "Nơi ở": "nha tro hoa mai",
            "Phòng": "P.101",
        },
        {
            **person(serial=2, workshop="xuong dong goi", line="chuyen a"),
            "Nơi ở": "Nhà trọ Hoa Mai",
            "Phòng": "p.101",
        },
        {**person(serial=3, workshop="Xưởng Rang", line="Chuyền 2")},
    ]
    report = run(province, make_xlsx(rows, headers), persona="commune")

    assert report.imported and report.created == 3
    assert report.new_workshops == ["Xưởng Đóng Gói"]
    assert sorted(report.new_lines) == ["Chuyền 2", "Chuyền A"]
    assert report.new_rooms == ["P.101"]
    room = Room.objects.get(residence=province.residence_a, number="P.101")
    workers = Worker.objects.filter(room=room)
    assert workers.count() == 2
    assert {w.residence_id for w in workers} == {province.residence_a.pk}
    assert Line.objects.get(name="Chuyền 2").workshop == parts["workshop"]
    assert AuditEntry.objects.filter(object_type="organisations.room").count() == 1


def test_it_refuses_residences_the_actor_cannot_see_but_keeps_the_current_one(
    province: Province, parts: dict[str, Any]
) -> None:
    leader = province.leader  # lives in residence A, which the officer cannot see
    headers = [*HEADERS, "Nơi ở"]
    rows = [
        {
            **person(
                "Nguyễn Văn Đông",
                national_id=leader.national_id,
                phone="0" + leader.phone[3:],
            ),
            "Nơi ở": "Nhà trọ Hoa Mai",
        },
        {**person(serial=5), "Nơi ở": "Nhà trọ Hoa Mai"},
    ]
    report = run(province, make_xlsx(rows, headers))

    assert "Nơi ở" not in messages_of(report, 2)
    assert messages_of(report, 3) == {
        "Nơi ở": [_("Unknown residence “%(value)s”.") % {"value": "Nhà trọ Hoa Mai"}]
    }


def test_it_keeps_values_of_columns_missing_from_the_file(
    province: Province, parts: dict[str, Any]
) -> None:
    member = province.member
    member.workshop = parts["workshop"]
    member.save()
    headers = ["Họ và tên", "Số CCCD", "Số điện thoại"]
    row = {
        "Họ và tên": "Trần Thị Lan",
        "Số CCCD": member.national_id,
        "Số điện thoại": "0987000111",
    }
    report = run(province, make_xlsx([row], headers))

    assert report.updated == 1 and report.changes[0].fields == ["Số điện thoại"]
    member.refresh_from_db()
    assert member.workshop == parts["workshop"]  # no column: unchanged
    assert member.date_of_birth == date(1995, 5, 17) and member.sex == Sex.FEMALE


@pytest.mark.parametrize(
    ("encoding", "prefix"),
    [("utf-8", b""), ("utf-8-sig", b""), ("utf-16", b"")],
    ids=["utf8", "utf8-bom", "utf16"],
)
def test_it_reads_csv_in_every_encoding_with_title_rows_and_nfd_names(
    province: Province, parts: dict[str, Any], encoding: str, prefix: bytes
) -> None:
    nfd_name = unicodedata.normalize("NFD", "Đặng Thị Hương")
    rows = [person(nfd_name, sex="Nữ", serial=1, dob="7/3/95", start="01/03/2020")]
    data = prefix + make_csv(
        rows, encoding=encoding, title_rows=("CÔNG TY TNHH CÀ PHÊ HÒA PHÚ", "DANH SÁCH")
    )
    report = run(province, data, filename="danh-sach.csv")

    assert report.created == 1, report.errors
    worker = Worker.objects.get(name_folded="dang thi huong")
    assert worker.full_name == "Đặng Thị Hương"
    assert unicodedata.is_normalized("NFC", worker.full_name)
    assert worker.date_of_birth == date(1995, 3, 7)


def test_it_reads_excel_serial_dates_and_numeric_ids_in_xlsx(
    province: Province, parts: dict[str, Any]
) -> None:
    national_id = f.valid_national_id(born=date(2000, 1, 1), serial=123)
    row = person(born=date(2000, 1, 1), national_id=national_id, dob=36526, start=43891)
    # A CCCD typed into a number cell loses its leading zero.
    row["Số CCCD"] = int(national_id)
    report = run(province, make_xlsx([row], title_rows=("DANH SÁCH CÔNG NHÂN",)))

    assert report.created == 1, report.errors
    worker = Worker.objects.get(
        national_id_hash=Worker(national_id=national_id).national_id_hash
    )
    assert worker.date_of_birth == date(2000, 1, 1)
    assert worker.employment_start == date(2020, 3, 1)


def test_it_writes_nothing_on_a_dry_run(
    province: Province, parts: dict[str, Any]
) -> None:
    before = (
        Worker.objects.count(),
        AuditEntry.objects.count(),
        Workshop.objects.count(),
    )
    report = run(
        province, make_xlsx([person(serial=1, workshop="Xưởng Mới")]), dry_run=True
    )

    assert report.created == 1 and report.new_workshops == ["Xưởng Mới"]
    assert not report.imported
    assert (
        Worker.objects.count(),
        AuditEntry.objects.count(),
        Workshop.objects.count(),
    ) == before


def test_it_refuses_a_masked_national_id(
    province: Province, parts: dict[str, Any]
) -> None:
    report = run(province, make_xlsx([person(national_id="•••••••••456")]))

    assert messages_of(report, 2)["Số CCCD"] == [
        _(
            "This national ID is masked (the file comes from an export without "
            "personal data) and cannot be imported."
        )
    ]


def test_it_refuses_an_enterprise_the_actor_cannot_edit(
    province: Province, parts: dict[str, Any]
) -> None:
    data = make_xlsx([person(serial=1)])
    for persona in ("enterprise_b", "team_leader", "worker", "auditor"):
        with pytest.raises(PermissionDenied):
            run(province, data, persona=persona)
    assert not Worker.objects.filter(full_name="Nguyễn Văn An").exists()


def test_it_raises_a_validation_error_for_a_file_that_is_not_a_roster(
    province: Province,
) -> None:
    with pytest.raises(ValidationError):
        run(province, b"%PDF-1.4 not a roster", filename="a.pdf")
    with pytest.raises(ValidationError):
        run(province, make_csv([], headers=["Cột A", "Cột B"]), filename="a.csv")


def test_it_writes_an_error_copy_with_an_error_column(
    province: Province, parts: dict[str, Any]
) -> None:
    data = make_xlsx([person(serial=1), person(serial=2, shift="Ca ma")])
    report = run(province, data)
    copy = error_copy(source=data, filename="a.xlsx", report=report)

    sheet = openpyxl.load_workbook(io.BytesIO(copy)).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0][-1] == "Lỗi"
    assert values[1][-1] is None
    assert values[2][1] == "Nguyễn Văn An" and "Ca ma" in values[2][-1]


def test_it_imports_in_bulk_with_few_queries(
    province: Province, parts: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    rows = [
        person(f"Công Nhân {i}", serial=1000 + i, team="Tổ tự quản Xưởng Rang")
        for i in range(300)
    ]
    data = make_xlsx(rows)
    with django_assert_max_num_queries(40):
        report = run(province, data)
    assert report.created == 300
    assert TeamMembership.objects.filter(team=province.team_a).count() == 302


def test_it_rejoins_a_team_left_earlier_and_keeps_other_teams(
    province: Province, parts: dict[str, Any]
) -> None:
    member = province.member
    TeamMembership.objects.filter(worker=member, team=province.team_a).update(
        left_on=date(2024, 1, 1)
    )
    other = TeamMembership.objects.create(worker=member, team=province.team_a_residence)
    row = person(
        "Trần Thị Lan",
        sex="Nữ",
        national_id=member.national_id,
        phone="0" + member.phone[3:],
        team="to tu quan xuong rang",
        start="",
    )
    row.update({"Bộ phận": "", "Ca": ""})
    report = run(province, make_xlsx([row]))

    assert report.updated == 1 and report.changes[0].fields == ["Tổ"]
    joined = TeamMembership.objects.get(worker=member, team=province.team_a)
    assert joined.left_on is None
    assert TeamMembership.objects.filter(pk=other.pk).exists()
    entry = AuditEntry.objects.get(action=AuditAction.UPDATE, object_id=str(member.pk))
    assert entry.changes == {"team": [None, province.team_a.pk]}


def test_it_updates_many_workers_in_one_import(
    province: Province, parts: dict[str, Any]
) -> None:
    rows = [person(f"Công Nhân {i}", serial=3000 + i) for i in range(450)]
    assert run(province, make_xlsx(rows)).created == 450
    for row in rows:
        row["Ca"] = ""
        row["Số điện thoại"] = (
            "0" + f.valid_phone(int(str(row["Số CCCD"])[-6:]) + 1)[3:]
        )

    report = run(province, make_xlsx(rows))

    assert (report.created, report.updated, report.unchanged) == (0, 450, 0)
    workers = Worker.objects.filter(full_name__startswith="Công Nhân")
    assert not workers.filter(shift__isnull=False).exists()
    sample = workers.get(full_name="Công Nhân 7")
    assert sample.phone == "+84" + str(rows[7]["Số điện thoại"])[1:]
    assert AuditEntry.objects.filter(action=AuditAction.UPDATE).count() == 450
