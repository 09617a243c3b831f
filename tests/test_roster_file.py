"""Tests for the roster file layer: reading messy uploads, writing .xlsx.

Every file is generated inside its test (openpyxl workbooks, CSV text encoded
explicitly) so the fixture is visible next to the assertion.
"""

from __future__ import annotations

import io
import os
import pickle
import unicodedata
import zipfile
from datetime import date, datetime

import django
import pytest
from django.conf import settings
from openpyxl import Workbook, load_workbook
from openpyxl.chart import BarChart
from openpyxl.utils.datetime import MAC_EPOCH

# The module needs no database; run with or without pytest-django.
if not settings.configured and not os.environ.get("DJANGO_SETTINGS_MODULE"):
    settings.configure(USE_I18N=False)
    django.setup()

from tuquan.people import roster_file
from tuquan.people.roster_file import (
    EXPORT_HEADERS,
    ROSTER_FIELDS,
    RosterFileError,
    RosterTable,
    parse_date,
    parse_sex,
    read_roster,
    write_error_copy,
    write_xlsx,
)


@pytest.fixture(autouse=True)
def _english_messages() -> object:
    """These tests read the English msgids; the catalogue is tested elsewhere."""
    from django.utils import translation

    with translation.override("en"):
        yield


# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------


def make_xlsx(rows: list[list[object]], merges: tuple[str, ...] = ()) -> bytes:
    """A one-sheet workbook with ``rows`` from A1 and the given merged ranges."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Danh sách"
    for row in rows:
        sheet.append(row)
    for cell_range in merges:
        sheet.merge_cells(cell_range)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def read_all(data: bytes, filename: str = "roster.xlsx") -> tuple[RosterTable, list]:
    table = read_roster(io.BytesIO(data), filename)
    rows = list(table.rows)
    table.close()
    return table, rows


def file_error(data: bytes, filename: str) -> RosterFileError:
    with pytest.raises(RosterFileError) as caught:
        read_roster(io.BytesIO(data), filename)
    return caught.value


# --------------------------------------------------------------------------
# Reading .xlsx
# --------------------------------------------------------------------------


def test_it_reads_a_plain_xlsx() -> None:
    data = make_xlsx(
        [
            ["Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Số điện thoại", "Tổ"],
            [
                "Nguyễn Văn An",
                "01/02/1999",
                "Nam",
                "001099012345",
                "0912345678",
                "Tổ 3",
            ],
            ["Lê Thị Bình", "15/08/2001", "Nữ", "079301004567", "0987654321", "Tổ 1"],
        ]
    )

    table, rows = read_all(data)

    assert table.header_row == 1
    assert table.file_format == "xlsx"
    assert table.columns == {
        "full_name": 0,
        "date_of_birth": 1,
        "sex": 2,
        "national_id": 3,
        "phone": 4,
        "team": 5,
    }
    assert [row.number for row in rows] == [2, 3]
    assert rows[0].values["full_name"] == "Nguyễn Văn An"
    assert rows[0].values["national_id"] == "001099012345"
    assert rows[1].values["team"] == "Tổ 1"
    assert rows[1].values["residence"] is None
    assert set(rows[0].values) == set(ROSTER_FIELDS)
    assert rows[0].raw == [
        "Nguyễn Văn An",
        "01/02/1999",
        "Nam",
        "001099012345",
        "0912345678",
        "Tổ 3",
    ]


def test_it_finds_the_header_below_title_rows_and_merged_title_cells() -> None:
    data = make_xlsx(
        [
            ["CÔNG TY TNHH MAY MẶC BÌNH DƯƠNG"],
            ["DANH SÁCH CÔNG NHÂN ĐĂNG KÝ TỔ TỰ QUẢN"],
            ["Ngày 01 tháng 3 năm 2025"],
            [],
            ["Họ và tên", "Số CCCD", "Nơi ở"],
            ["Phạm Văn Cường", "036095001234", "Nhà trọ Hòa Bình"],
        ],
        merges=("A1:C1", "A2:C2", "A3:C3"),
    )

    table, rows = read_all(data)

    assert table.header_row == 5
    assert table.headers == ["Họ và tên", "Số CCCD", "Nơi ở"]
    assert [row.number for row in rows] == [6]
    assert rows[0].values["residence"] == "Nhà trọ Hòa Bình"


def test_it_reads_a_two_row_header_under_a_merged_group_title() -> None:
    data = make_xlsx(
        [
            ["DANH SÁCH CÔNG NHÂN"],
            ["STT", "Họ và tên", "Thông tin cá nhân", None, None, "Nơi làm việc", None],
            [None, None, "Ngày sinh", "Giới tính", "Số CCCD", "Phân xưởng", "Chuyền"],
            [1, "Võ Thị Dung", "02/03/1998", "Nữ", "052198000111", "Xưởng May 2", "C5"],
        ],
        merges=("A1:G1", "A2:A3", "B2:B3", "C2:E2", "F2:G2"),
    )

    table, rows = read_all(data)

    assert table.header_row == 3
    assert table.headers == [
        "STT",
        "Họ và tên",
        "Ngày sinh",
        "Giới tính",
        "Số CCCD",
        "Phân xưởng",
        "Chuyền",
    ]
    assert table.columns == {
        "full_name": 1,
        "date_of_birth": 2,
        "sex": 3,
        "national_id": 4,
        "workshop": 5,
        "line": 6,
    }
    assert [row.number for row in rows] == [4]
    assert rows[0].values["line"] == "C5"


def test_it_recognises_headers_without_diacritics_and_with_odd_case_and_spacing() -> (
    None
):
    data = make_xlsx(
        [
            [
                "  HO  VA TEN (*)",
                "ngay thang nam sinh:",
                "GIOI TINH",
                "So CMND/CCCD (*)",
                "SĐT",
                "Bộ\nphận",
                "Tổ  tự quản",
                "Ca làm việc",
                "Dia chi tam tru",
                "Số phòng",
                "Xe đưa đón",
                "Ngày vào công ty",
                "Ngày sinh\n(dd/mm/yyyy)",
            ],
            ["Đỗ Văn Em", "1/1/2000", "nam", "001200000001", "0900000001"],
        ]
    )

    table, _rows = read_all(data)

    assert list(table.columns) == [
        "full_name",
        "date_of_birth",
        "sex",
        "national_id",
        "phone",
        "workshop",
        "team",
        "shift",
        "residence",
        "room",
        "bus_route",
        "employment_start",
    ]
    # The second birth-date column is not silently merged into the first.
    assert table.unknown_headers == ["Ngày sinh (dd/mm/yyyy)"]


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Họ tên", "full_name"),
        ("Họ và tên công nhân", "full_name"),
        ("Tên", "full_name"),
        ("NS", "date_of_birth"),
        ("Phái", "sex"),
        ("CMND", "national_id"),
        ("Số định danh cá nhân", "national_id"),
        ("CCCD/CMND", "national_id"),
        ("Điện thoại", "phone"),
        ("Di động", "phone"),
        ("Xưởng", "workshop"),
        ("Dây chuyền", "line"),
        ("Tổ sản xuất", "team"),
        ("Ca", "shift"),
        ("Chỗ ở", "residence"),
        ("Nhà trọ", "residence"),
        ("Phòng", "room"),
        ("Tuyến xe", "bus_route"),
        ("Ngày vào làm", "employment_start"),
    ],
)
def test_it_recognises_each_documented_header_spelling(header: str, field: str) -> None:
    base = {"full_name": "Họ và tên", "national_id": "Số CCCD"}
    base.pop(field, None)
    data = make_xlsx([[*base.values(), header], ["x"] * (len(base) + 1)])

    table, _rows = read_all(data)

    assert table.columns[field] == len(base)


def test_it_ignores_the_stt_column() -> None:
    data = make_xlsx(
        [
            ["STT", "Họ và tên", "Số CCCD"],
            [1, "Bùi Văn Giang", "001090000002"],
            [2, None, None],  # pre-numbered template row left empty
            [3, None, None],
        ]
    )

    table, rows = read_all(data)

    assert table.row_number_column == 0
    assert "full_name" in table.columns and 0 not in table.columns.values()
    assert table.unknown_headers == []
    assert [row.number for row in rows] == [2]


def test_it_reports_unknown_headers() -> None:
    data = make_xlsx(
        [["Họ và tên", "Quê quán", "Số CCCD", "Ghi chú"], ["A", "Nghệ An", "1", ""]]
    )

    table, _rows = read_all(data)

    assert table.unknown_headers == ["Quê quán", "Ghi chú"]


def test_it_joins_split_family_and_given_name_columns() -> None:
    data = make_xlsx(
        [["Họ đệm", "Tên", "Số CCCD"], ["Nguyễn Thị", "Hoa", "001090000003"]]
    )

    table, rows = read_all(data)

    assert table.family_name_column == 0
    assert rows[0].values["full_name"] == "Nguyễn Thị Hoa"


def test_it_skips_a_column_numbering_row_under_the_header() -> None:
    data = make_xlsx(
        [
            ["STT", "Họ và tên", "Ngày sinh", "Số CCCD"],
            ["(1)", "(2)", "(3)", "(4)"],
            [1, "Hồ Văn Khoa", "05/05/1995", "001095000004"],
        ]
    )

    _table, rows = read_all(data)

    assert [row.number for row in rows] == [3]


def test_it_trims_trailing_empty_columns() -> None:
    data = make_xlsx(
        [
            ["Họ và tên", "Số CCCD", None, None],
            ["Lý Văn Long", "001090000005", None, None],
        ]
    )

    table, rows = read_all(data)

    assert table.headers == ["Họ và tên", "Số CCCD"]
    assert rows[0].raw == ["Lý Văn Long", "001090000005"]


def test_it_skips_blank_rows_keeping_file_row_numbers() -> None:
    data = make_xlsx(
        [
            ["Họ và tên", "Số CCCD"],
            ["Mai Văn Minh", "001090000006"],
            [None, None],
            ["   ", ""],
            ["Mai Thị Nga", "001090000007"],
        ]
    )

    _table, rows = read_all(data)

    assert [(row.number, row.values["full_name"]) for row in rows] == [
        (2, "Mai Văn Minh"),
        (5, "Mai Thị Nga"),
    ]


def test_it_prefers_the_sheet_that_holds_the_roster() -> None:
    workbook = Workbook()
    instructions = workbook.active
    instructions.title = "Hướng dẫn"
    instructions.append(["Điền danh sách vào trang tính bên cạnh."])
    roster = workbook.create_sheet("Công nhân")
    roster.append(["Họ và tên", "Số CCCD"])
    roster.append(["Tạ Văn Phúc", "001090000008"])
    buffer = io.BytesIO()
    workbook.save(buffer)

    table, rows = read_all(buffer.getvalue())

    assert table.sheet_name == "Công nhân"
    assert rows[0].values["full_name"] == "Tạ Văn Phúc"


def test_it_normalises_nfd_text_to_nfc() -> None:
    nfd_name = unicodedata.normalize("NFD", "  Nguyễn Thị Ánh  ")
    data = make_xlsx([["Họ và tên", "Số CCCD"], [nfd_name, "001090000009"]])

    _table, rows = read_all(data)

    assert rows[0].values["full_name"] == "Nguyễn Thị Ánh"
    assert unicodedata.is_normalized("NFC", rows[0].values["full_name"])


def test_it_reads_date_cells_as_dates() -> None:
    data = make_xlsx(
        [
            ["Họ và tên", "Số CCCD", "Ngày sinh", "Ngày vào làm"],
            ["A", "001090000010", datetime(1999, 12, 31), date(2024, 6, 1)],
        ]
    )

    _table, rows = read_all(data)

    assert rows[0].values["date_of_birth"] == date(1999, 12, 31)
    assert rows[0].values["employment_start"] == date(2024, 6, 1)


def test_it_parses_excel_serial_dates_from_number_cells() -> None:
    data = make_xlsx(
        [["Họ và tên", "Số CCCD", "Ngày sinh"], ["A", "001090000011", 36526]]
    )

    _table, rows = read_all(data)

    assert rows[0].values["date_of_birth"] == 36526
    assert parse_date(rows[0].values["date_of_birth"]) == date(2000, 1, 1)


def test_it_converts_serial_numbers_of_a_1904_workbook() -> None:
    workbook = Workbook()
    workbook.epoch = MAC_EPOCH
    sheet = workbook.active
    sheet.append(["Họ và tên", "Số CCCD", "Ngày sinh"])
    sheet.append(["A", "001090000012", 35064])  # 01/01/2000 counted from 1904
    buffer = io.BytesIO()
    workbook.save(buffer)

    _table, rows = read_all(buffer.getvalue())

    assert rows[0].values["date_of_birth"] == date(2000, 1, 1)


def test_it_restores_leading_zeros_of_national_ids_stored_as_numbers() -> None:
    data = make_xlsx(
        [
            ["Họ và tên", "Số CCCD"],
            ["Hà Nội 001", 1090000013],  # 001090000013 lost two zeros
            ["Nghệ An 040", 40090000014],  # 040090000014 lost one
            ["Old CMND", 12345678],  # 012345678
            ["Float cell", 79301004567.0],
        ]
    )

    _table, rows = read_all(data)

    assert [row.values["national_id"] for row in rows] == [
        "001090000013",
        "040090000014",
        "012345678",
        "079301004567",
    ]


def test_it_restores_the_leading_zero_of_phone_numbers_stored_as_numbers() -> None:
    data = make_xlsx(
        [
            ["Họ và tên", "Số CCCD", "Số điện thoại"],
            ["Mobile", "001090000015", 912345678],
            ["Landline", "001090000016", 2743822123],
            ["Float", "001090000017", 987654321.0],
        ]
    )

    _table, rows = read_all(data)

    assert [row.values["phone"] for row in rows] == [
        "0912345678",
        "02743822123",
        "0987654321",
    ]


def test_it_keeps_xlsx_text_cells_as_typed() -> None:
    data = make_xlsx([["Họ và tên", "Số CCCD"], ["Typo", "01234567890"]])

    _table, rows = read_all(data)

    assert rows[0].values["national_id"] == "01234567890"


def test_it_turns_numbers_in_text_fields_into_strings() -> None:
    data = make_xlsx(
        [["Họ và tên", "Số CCCD", "Phòng", "Tổ"], ["A", "001090000018", 101, 3.0]]
    )

    _table, rows = read_all(data)

    assert rows[0].values["room"] == "101"
    assert rows[0].values["team"] == "3"


def test_it_reads_from_a_path(tmp_path) -> None:
    path = tmp_path / "roster.xlsx"
    path.write_bytes(
        make_xlsx([["Họ và tên", "Số CCCD"], ["Từ Văn Quang", "001090000019"]])
    )

    with read_roster(path, path.name) as table:
        rows = list(table.rows)

    assert rows[0].values["full_name"] == "Từ Văn Quang"


def test_it_can_iterate_the_rows_twice() -> None:
    data = make_xlsx([["Họ và tên", "Số CCCD"], ["A", "1"], ["B", "2"]])

    with read_roster(io.BytesIO(data), "roster.xlsx") as table:
        first = [row.number for row in table.rows]
        second = [row.number for row in table.rows]

    assert first == second == [2, 3]


def test_it_reads_a_20000_row_xlsx() -> None:
    # Number cells parse much faster than openpyxl's inline strings, which keeps
    # this test around two seconds even on a busy machine.
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Họ và tên", "Số CCCD"])
    for index in range(20_000):
        sheet.append([f"CN {index}", 1_000_000_000 + index])
    buffer = io.BytesIO()
    workbook.save(buffer)

    with read_roster(buffer, "big.xlsx") as table:
        count = 0
        for row in table.rows:
            count += 1
            last = row

    assert count == 20_000
    assert last.number == 20_001
    assert last.values["national_id"] == "001000019999"


def test_it_keeps_excel_row_and_column_numbers_when_the_sheet_starts_lower() -> None:
    # The first used cell is C3: row numbers and column positions must still
    # be the ones Excel shows, not counted from the first used cell.
    workbook = Workbook()
    sheet = workbook.active
    sheet["C3"], sheet["D3"] = "Họ và tên", "Số CCCD"
    sheet["C4"], sheet["D4"] = "Kiều Văn An", "001090000040"
    sheet["C6"], sheet["D6"] = "Kiều Thị Bích", "001090000041"
    buffer = io.BytesIO()
    workbook.save(buffer)

    table, rows = read_all(buffer.getvalue())

    assert table.header_row == 3
    assert table.headers == ["", "", "Họ và tên", "Số CCCD"]
    assert table.columns == {"full_name": 2, "national_id": 3}
    assert [row.number for row in rows] == [4, 6]
    assert rows[0].raw == [None, None, "Kiều Văn An", "001090000040"]


def test_it_gives_none_for_empty_cells_in_raw_and_values() -> None:
    data = make_xlsx(
        [
            ["Họ và tên", "Ngày sinh", "Số CCCD", "Tổ"],
            ["Lương Văn Cần", None, "001090000042", ""],
        ]
    )

    _table, rows = read_all(data)

    assert rows[0].raw == ["Lương Văn Cần", None, "001090000042", None]
    assert rows[0].values["date_of_birth"] is None
    assert rows[0].values["team"] is None


def test_it_keeps_the_cell_types_openpyxl_gave() -> None:
    # RosterRow.raw goes back into the error copy: whole numbers stay int,
    # date cells are datetimes, as before the reader changed.
    data = make_xlsx(
        [
            ["STT", "Họ và tên", "Số CCCD", "Ngày sinh", "Phòng", "Ca"],
            [1, "Đàm Văn Dũng", "001090000043", date(1990, 5, 6), 1.5, True],
        ]
    )

    _table, rows = read_all(data)

    assert rows[0].raw == [
        1,
        "Đàm Văn Dũng",
        "001090000043",
        datetime(1990, 5, 6),
        1.5,
        True,
    ]
    assert [type(value) for value in rows[0].raw] == [
        int,
        str,
        str,
        datetime,
        float,
        bool,
    ]
    assert rows[0].values["room"] == "1.5"


def test_it_reads_date_cells_of_a_1904_workbook() -> None:
    workbook = Workbook()
    workbook.epoch = MAC_EPOCH
    sheet = workbook.active
    sheet.append(["Họ và tên", "Số CCCD", "Ngày sinh", "Ngày vào làm"])
    sheet.append(["A", "001090000044", datetime(2000, 1, 1), 35064])
    buffer = io.BytesIO()
    workbook.save(buffer)

    _table, rows = read_all(buffer.getvalue())

    assert rows[0].values["date_of_birth"] == date(2000, 1, 1)
    assert rows[0].values["employment_start"] == date(2000, 1, 1)


def roster_sheets(*sheets: tuple[str, bool, str]) -> Workbook:
    """A workbook of (title, hidden, worker name) roster sheets."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, hidden, name in sheets:
        sheet = workbook.create_sheet(title)
        sheet.append(["Họ và tên", "Số CCCD"])
        sheet.append([name, "001090000045"])
        if hidden:
            sheet.sheet_state = "hidden"
    return workbook


def save(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_it_reads_the_active_sheet_first() -> None:
    workbook = roster_sheets(("Tháng 1", False, "Cũ"), ("Tháng 2", False, "Mới"))
    workbook.active = 1

    table, rows = read_all(save(workbook))

    assert table.sheet_name == "Tháng 2"
    assert rows[0].values["full_name"] == "Mới"


def test_it_prefers_visible_sheets_to_hidden_ones() -> None:
    workbook = roster_sheets(("Dữ liệu ẩn", True, "Ẩn"), ("Danh sách", False, "Hiện"))
    instructions = workbook.create_sheet("Hướng dẫn", 0)
    instructions.append(["Điền danh sách vào trang tính bên cạnh."])
    workbook.active = 0

    table, rows = read_all(save(workbook))

    assert table.sheet_name == "Danh sách"
    assert rows[0].values["full_name"] == "Hiện"


def test_it_skips_chart_sheets() -> None:
    workbook = roster_sheets(("Công nhân", False, "Kha Văn Em"))
    workbook.create_chartsheet("Biểu đồ", 0).add_chart(BarChart())
    workbook.active = 0

    table, rows = read_all(save(workbook))

    assert table.sheet_name == "Công nhân"
    assert rows[0].values["full_name"] == "Kha Văn Em"


@pytest.mark.parametrize("stray_cell", [None, "XFD3", "A1048576", "XFD1048576"])
def test_it_reads_a_sheet_with_a_stray_value_far_away(stray_cell: str | None) -> None:
    # A value typed in the last cell of the sheet must not make the reader
    # allocate a grid of 17 billion cells (which aborts the whole process).
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Họ và tên", "Số CCCD", "Ngày sinh"])
    sheet.append(["Ông Văn Giàu", 1090000046, date(1991, 2, 3)])
    sheet.append(["Ông Thị Hà", "001090000047", 33272])
    if stray_cell:
        sheet[stray_cell] = "x"

    table, rows = read_all(save(workbook))

    assert table.headers == ["Họ và tên", "Số CCCD", "Ngày sinh"]
    assert [row.number for row in rows] == [2, 3]
    assert rows[0].raw == ["Ông Văn Giàu", 1090000046, datetime(1991, 2, 3)]
    assert rows[0].values["national_id"] == "001090000046"
    assert parse_date(rows[1].values["date_of_birth"]) == date(1991, 2, 3)


def fail_if_streamed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the slow streaming reader (the fallback for huge sheets) fail."""

    def no_streaming(*args: object, **kwargs: object) -> None:
        raise AssertionError("streamed with openpyxl")

    monkeypatch.setattr(roster_file, "load_workbook", no_streaming)


# Excel writes the used range (<dimension>); openpyxl's write-only mode does not.
@pytest.mark.parametrize("write_only", [False, True])
def test_it_parses_a_wide_sheet_whole_instead_of_streaming_it(
    monkeypatch: pytest.MonkeyPatch, write_only: bool
) -> None:
    # 60 columns x 2,000 rows fits the cell budget: it must not fall back to
    # the slow streaming reader just because it is wider than 40 columns.
    fail_if_streamed(monkeypatch)
    workbook = Workbook(write_only=write_only)
    sheet = workbook.create_sheet("Danh sách")
    sheet.append(["Họ và tên", "Số CCCD", *[f"Cột {n}" for n in range(58)]])
    for index in range(2_000):
        sheet.append([f"CN {index}", f"0010900{index:05d}", *range(58)])
    if not write_only:
        workbook.active = 1

    table, rows = read_all(save(workbook))

    assert len(table.headers) == 60
    assert len(rows) == 2_000
    assert rows[-1].raw[:3] == ["CN 1999", "001090001999", 0]


def test_it_checks_the_used_range_a_sheet_declares() -> None:
    # A generator wrote a used range far smaller than the sheet: trusting it
    # would let a stray value in XFD1048576 through to calamine.
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Họ và tên", "Số CCCD"])
    sheet.append(["Ông Văn Khải", "001090000051"])
    sheet["XFD1048576"] = "x"
    source = zipfile.ZipFile(io.BytesIO(save(workbook)))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as wrong:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                assert b'<dimension ref="A1:XFD1048576"/>' in content
                content = content.replace(b"A1:XFD1048576", b"A1:B2")
            wrong.writestr(info, content)

    _table, rows = read_all(buffer.getvalue())

    assert [row.values["full_name"] for row in rows] == ["Ông Văn Khải"]


def test_it_reads_excel_error_cells_as_empty() -> None:
    data = make_xlsx([["Họ và tên", "Số CCCD", "Tổ"], ["A", "001090000048", "#N/A"]])
    workbook = load_workbook(io.BytesIO(data))
    workbook.active["C2"].data_type = "e"

    _table, rows = read_all(save(workbook))

    assert rows[0].raw == ["A", "001090000048", None]


class NonSeekable(io.RawIOBase):
    """An upload stream that can only be read forwards."""

    def __init__(self, data: bytes) -> None:
        self.data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        chunk = self.data.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)


def test_it_reads_an_xlsx_from_a_stream_that_cannot_seek() -> None:
    data = make_xlsx([["Họ và tên", "Số CCCD"], ["Lò Văn Ích", "001090000049"]])

    with read_roster(NonSeekable(data), "roster.xlsx") as table:
        rows = list(table.rows)

    assert rows[0].values["full_name"] == "Lò Văn Ích"


# --------------------------------------------------------------------------
# Reading CSV
# --------------------------------------------------------------------------

CSV_TEXT = (
    "Họ và tên,Ngày sinh,Số CCCD,Nơi ở\r\n"
    'Trương Văn Sơn,03/04/1997,001097000020,"Khu trọ 5, phường Tân Đông Hiệp"\r\n'
)


def test_it_reads_utf8_csv() -> None:
    table, rows = read_all(CSV_TEXT.encode("utf-8"), "roster.csv")

    assert table.file_format == "csv"
    assert table.header_row == 1
    assert rows[0].number == 2
    assert rows[0].values["full_name"] == "Trương Văn Sơn"
    assert rows[0].values["residence"] == "Khu trọ 5, phường Tân Đông Hiệp"


def test_it_reads_utf8_csv_with_bom() -> None:
    table, rows = read_all(CSV_TEXT.encode("utf-8-sig"), "roster.csv")

    assert table.headers[0] == "Họ và tên"
    assert rows[0].values["national_id"] == "001097000020"


def test_it_reads_utf16_tab_separated_text_as_excel_writes_it() -> None:
    text = "Họ và tên\tNgày sinh\tSố CCCD\r\nNgô Thị Tâm\t04/05/1996\t001096000021\r\n"
    data = b"\xff\xfe" + text.encode("utf-16-le")

    table, rows = read_all(data, "roster.txt")

    assert table.columns == {"full_name": 0, "date_of_birth": 1, "national_id": 2}
    assert rows[0].values["full_name"] == "Ngô Thị Tâm"


def test_it_reads_utf16_big_endian_text() -> None:
    text = "Họ và tên\tSố CCCD\nNgô Thị Tâm\t001096000021\n"
    data = "\ufeff".encode("utf-16-be") + text.encode("utf-16-be")

    _table, rows = read_all(data, "roster.txt")

    assert rows[0].values["national_id"] == "001096000021"


def test_it_reads_semicolon_delimited_csv() -> None:
    text = (
        "Họ và tên;Số CCCD;Nơi ở\n"
        "Đinh Văn Út;001090000022;Khu trọ 7, Dĩ An, Bình Dương\n"
    )

    _table, rows = read_all(text.encode("utf-8"), "roster.csv")

    assert rows[0].values["residence"] == "Khu trọ 7, Dĩ An, Bình Dương"


def test_it_honours_the_excel_sep_directive() -> None:
    text = "sep=;\nHọ và tên;Số CCCD\nA;001090000023\n"

    table, rows = read_all(text.encode("utf-8"), "roster.csv")

    assert table.header_row == 1
    assert rows[0].values["national_id"] == "001090000023"


def test_it_finds_the_csv_header_below_title_lines() -> None:
    text = "DANH SÁCH CÔNG NHÂN,,\n,,\nHọ và tên,Số CCCD,Tổ\nA,001090000024,T1\n"

    table, rows = read_all(text.encode("utf-8"), "roster.csv")

    assert table.header_row == 3
    assert rows[0].number == 4


def test_it_normalises_nfd_csv_text_to_nfc() -> None:
    text = unicodedata.normalize(
        "NFD", "Họ và tên,Số CCCD\nNguyễn Thị Ánh,001090000025\n"
    )

    _table, rows = read_all(text.encode("utf-8"), "roster.csv")

    assert rows[0].values["full_name"] == unicodedata.normalize("NFC", "Nguyễn Thị Ánh")


def test_it_keeps_csv_date_strings_for_parse_date() -> None:
    text = "Họ và tên,Số CCCD,Ngày sinh,Ngày vào làm\nA,001090000026,36526,1/2/24\n"

    _table, rows = read_all(text.encode("utf-8"), "roster.csv")

    assert parse_date(rows[0].values["date_of_birth"]) == date(2000, 1, 1)
    assert parse_date(rows[0].values["employment_start"]) == date(2024, 2, 1)


def test_it_restores_leading_zeros_in_csv_saved_from_excel() -> None:
    text = "Họ và tên,Số CCCD,Số điện thoại\nA,1090000027,912345678\n"

    _table, rows = read_all(text.encode("utf-8"), "roster.csv")

    assert rows[0].values["national_id"] == "001090000027"
    assert rows[0].values["phone"] == "0912345678"


def test_it_unwraps_excel_text_formulas_in_csv() -> None:
    text = 'Họ và tên,Số CCCD\nA,="001090000028"\n'

    _table, rows = read_all(text.encode("utf-8"), "roster.csv")

    assert rows[0].values["national_id"] == "001090000028"


def test_it_skips_blank_csv_lines_keeping_line_numbers() -> None:
    text = "Họ và tên,Số CCCD\nA,1\n,\n\nB,2\n"

    _table, rows = read_all(text.encode("utf-8"), "roster.csv")

    assert [row.number for row in rows] == [2, 5]


def test_it_reads_tab_separated_text_named_xls() -> None:
    # Several HR systems export tab-separated text with an .xls name.
    text = "Họ và tên\tSố CCCD\nA\t001090000029\n"

    table, rows = read_all(text.encode("utf-8"), "export.xls")

    assert table.file_format == "csv"
    assert rows[0].values["national_id"] == "001090000029"


def test_it_rejects_csv_that_is_not_utf8() -> None:
    data = "Họ và tên,Số CCCD\nNguyễn Văn A,1\n".encode("cp1258", errors="replace")

    error = file_error(data, "roster.csv")

    assert error.code == "encoding"
    assert "UTF-8" in str(error)


# --------------------------------------------------------------------------
# File-level errors
# --------------------------------------------------------------------------


def test_it_rejects_old_xls_files() -> None:
    ole_header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504

    error = file_error(ole_header, "roster.xls")

    assert error.code == "old_excel"
    assert ".xlsx" in str(error)


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        (b"", "roster.xlsx"),
        (b"", "roster.csv"),
        (b"\xef\xbb\xbf\r\n , ;\r\n", "roster.csv"),
    ],
)
def test_it_rejects_an_empty_file(data: bytes, filename: str) -> None:
    error = file_error(data, filename)

    assert error.code == "empty"
    assert str(error) == "The file is empty."


def test_it_rejects_a_workbook_without_any_cells() -> None:
    error = file_error(make_xlsx([]), "roster.xlsx")

    assert error.code == "empty"


def test_it_reports_a_missing_header_row_naming_the_expected_headers() -> None:
    data = make_xlsx(
        [["Danh sách"], ["Tên công ty", "Địa chỉ"], ["ABC", "KCN Sóng Thần"]]
    )

    error = file_error(data, "roster.xlsx")

    assert error.code == "no_header"
    message = str(error)
    assert "Họ và tên, Số CCCD" in message
    assert all(header in message for header in EXPORT_HEADERS.values())
    assert "30" in message


def test_it_requires_both_name_and_national_id_columns() -> None:
    data = make_xlsx([["Họ và tên", "Ngày sinh"], ["A", "01/01/2000"]])

    assert file_error(data, "roster.xlsx").code == "no_header"


@pytest.mark.parametrize(
    "data",
    [b"%PDF-1.7\n...", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, b"plain\x00binary\x01\x02"],
)
def test_it_rejects_files_that_are_not_rosters(data: bytes) -> None:
    error = file_error(data, "scan.pdf")

    assert error.code == "unsupported"
    assert "scan.pdf" in str(error)


def test_it_rejects_zip_files_that_are_not_workbooks() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")

    assert file_error(buffer.getvalue(), "roster.docx").code == "unsupported"


def test_it_rejects_a_damaged_xlsx() -> None:
    data = make_xlsx([["Họ và tên", "Số CCCD"]])[:300]

    assert file_error(data, "roster.xlsx").code == "unreadable"


@pytest.mark.parametrize(
    ("member", "content"),
    [
        ("xl/worksheets/sheet1.xml", b"<worksheet><sheetData><row r="),
        # A shared-string index beyond the table: well-formed but inconsistent.
        (
            "xl/worksheets/sheet1.xml",
            b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
            b'2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>99</v></c>'
            b"</row></sheetData></worksheet>",
        ),
        ("xl/workbook.xml", b"<workbook"),
        ("xl/worksheets/sheet1.xml", None),  # missing
    ],
)
def test_it_rejects_an_xlsx_with_a_damaged_part(
    member: str, content: bytes | None
) -> None:
    source = zipfile.ZipFile(io.BytesIO(make_xlsx([["Họ và tên", "Số CCCD"]])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as damaged:
        for info in source.infolist():
            if info.filename != member:
                damaged.writestr(info, source.read(info))
            elif content is not None:
                damaged.writestr(info, content)

    error = file_error(buffer.getvalue(), "roster.xlsx")

    assert error.code == "unreadable"
    assert "could not be read" in str(error)


def test_it_lets_go_of_the_sheet_when_closed() -> None:
    data = make_xlsx([["Họ và tên", "Số CCCD"], ["A", "001090000050"]])
    table = read_roster(io.BytesIO(data), "roster.xlsx")
    table.close()

    with pytest.raises(RosterFileError) as caught:
        list(table.rows)

    assert caught.value.code == "unreadable"


# --------------------------------------------------------------------------
# parse_date / parse_sex
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("31/12/1990", date(1990, 12, 31)),
        ("1/2/1990", date(1990, 2, 1)),
        ("01-02-1990", date(1990, 2, 1)),
        ("01.02.1990", date(1990, 2, 1)),
        ("1990-02-01", date(1990, 2, 1)),
        ("01/02/1990 00:00:00", date(1990, 2, 1)),
        ("ngày 1 tháng 2 năm 1990", date(1990, 2, 1)),
        ("01021990", date(1990, 2, 1)),
    ],
)
def test_it_parses_day_first_date_strings(value: str, expected: date) -> None:
    assert parse_date(value) == expected


def test_it_parses_two_digit_years_relative_to_the_current_year() -> None:
    this_year = date.today().year % 100
    next_year = (this_year + 1) % 100

    assert parse_date(f"5/6/{this_year:02d}") == date(2000 + this_year, 6, 5)
    assert parse_date(f"5/6/{next_year:02d}").year == 1900 + next_year
    assert parse_date("1/2/95") == date(1995, 2, 1)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (36526, date(2000, 1, 1)),
        (36526.75, date(2000, 1, 1)),
        ("36526", date(2000, 1, 1)),
        (" 36526.0 ", date(2000, 1, 1)),
        (61, date(1900, 3, 1)),  # after Excel's fictitious 29/02/1900
    ],
)
def test_it_parses_excel_serial_numbers(value: object, expected: date) -> None:
    assert parse_date(value) == expected


def test_it_passes_dates_through_and_returns_none_for_empty_values() -> None:
    assert parse_date(datetime(2001, 2, 3, 4, 5)) == date(2001, 2, 3)
    assert parse_date(date(2001, 2, 3)) == date(2001, 2, 3)
    assert parse_date(None) is None
    assert parse_date("  ") is None


def test_it_rejects_an_impossible_date() -> None:
    with pytest.raises(ValueError, match="not a valid date") as caught:
        parse_date("31/02/2000")

    assert caught.value.code == "invalid_date"


def test_it_never_reads_dates_month_first() -> None:
    with pytest.raises(ValueError):
        parse_date("12/31/2000")


def test_it_rejects_a_bare_year() -> None:
    with pytest.raises(ValueError, match="only a year"):
        parse_date(1990)


@pytest.mark.parametrize("value", ["abc", "02/1990", "1/2/3/4", True, -5, "2000-13-01"])
def test_it_rejects_values_that_are_not_dates(value: object) -> None:
    with pytest.raises(ValueError):
        parse_date(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Nam", "male"),
        ("NAM", "male"),
        ("Nữ", "female"),
        ("nu", "female"),
        (unicodedata.normalize("NFD", "NỮ"), "female"),
        ("M", "male"),
        ("F", "female"),
        ("male", "male"),
        ("Female", "female"),
        (" Nam giới ", "male"),
        (None, None),
        ("", None),
    ],
)
def test_it_parses_sex(value: object, expected: str | None) -> None:
    assert parse_sex(value) == expected


@pytest.mark.parametrize("value", ["x", "Khác", 1])
def test_it_rejects_unknown_sex_values(value: object) -> None:
    with pytest.raises(ValueError, match="Nam or Nữ"):
        parse_sex(value)


# --------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------


def test_it_round_trips_write_xlsx_through_read_roster() -> None:
    headers = [EXPORT_HEADERS[name] for name in ROSTER_FIELDS]
    source = {
        "full_name": "Nguyễn Văn Tú",
        "date_of_birth": date(1998, 7, 9),
        "sex": "Nam",
        "national_id": "001098000030",
        "phone": "0912000030",
        "workshop": "Xưởng 1",
        "line": "C2",
        "team": "Tổ 4",
        "shift": "Ca 2",
        "residence": "Khu trọ Hạnh Phúc",
        "room": "12A",
        "bus_route": "Tuyến 3",
        "employment_start": date(2024, 1, 15),
    }
    data = write_xlsx(
        headers,
        [[source[name] for name in ROSTER_FIELDS]],
        sheet_title="Công nhân",
        title="DANH SÁCH CÔNG NHÂN",
    )

    table, rows = read_all(data)

    assert table.headers == headers
    assert table.columns == {name: index for index, name in enumerate(ROSTER_FIELDS)}
    assert rows[0].values == source


def test_it_writes_a_bold_title_a_frozen_bold_header_and_dd_mm_yyyy_dates() -> None:
    data = write_xlsx(
        ["Họ và tên", "Ngày sinh"],
        [["Trần Văn Vinh", date(2000, 1, 2)]],
        sheet_title="Công nhân",
        title="DANH SÁCH",
    )

    sheet = load_workbook(io.BytesIO(data))["Công nhân"]
    assert sheet["A1"].value == "DANH SÁCH" and sheet["A1"].font.b
    assert "A1:B1" in {str(cell_range) for cell_range in sheet.merged_cells.ranges}
    assert sheet["A2"].font.b and sheet["B2"].font.b
    assert sheet.freeze_panes == "A3"
    assert sheet["B3"].value == datetime(2000, 1, 2)
    assert sheet["B3"].number_format == "dd/mm/yyyy"
    assert sheet.column_dimensions["A"].width >= len("Trần Văn Vinh")


def test_it_writes_text_that_looks_like_a_formula_as_text() -> None:
    data = write_xlsx(["Nơi ở"], [['=HYPERLINK("http://x")']], sheet_title="S")

    cell = load_workbook(io.BytesIO(data)).active["A2"]
    assert cell.data_type == "s"
    assert cell.value == '=HYPERLINK("http://x")'


def test_it_drops_control_characters_that_excel_cannot_store() -> None:
    data = write_xlsx(["Họ và tên"], [["Lê\x0bVăn\x00 Xuân"]], sheet_title="S")

    assert load_workbook(io.BytesIO(data)).active["A2"].value == "LêVăn Xuân"


def test_it_writes_an_error_copy_with_the_errors_in_a_last_loi_column() -> None:
    upload = make_xlsx(
        [
            ["DANH SÁCH CÔNG NHÂN"],
            ["STT", "Họ và tên", "Ngày sinh", "Số CCCD"],
            [1, "Phan Văn Yên", "31/02/2000", "001090000031"],
            [2, "Phan Thị Yến", "01/03/2000", "001090000032"],
            [3, "Phan Văn Ý", "02/03/2000", "123"],
        ]
    )
    errors_by_row = {
        3: ["Ngày sinh: “31/02/2000” is not a valid date."],
        5: ["Số CCCD phải có 12 chữ số", "Trùng số CCCD"],
    }
    with read_roster(io.BytesIO(upload), "roster.xlsx") as table:
        data = write_error_copy(
            table.headers,
            ((row.raw, errors_by_row.get(row.number, [])) for row in table.rows),
            sheet_title="Lỗi",
        )

    sheet = load_workbook(io.BytesIO(data)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == ("STT", "Họ và tên", "Ngày sinh", "Số CCCD", "Lỗi")
    assert values[1] == (
        1,
        "Phan Văn Yên",
        "31/02/2000",
        "001090000031",
        errors_by_row[3][0],
    )
    assert values[2] == (2, "Phan Thị Yến", "01/03/2000", "001090000032", None)
    assert values[3][-1] == "Số CCCD phải có 12 chữ số; Trùng số CCCD"
    assert sheet["B2"].fill.fgColor.rgb.endswith("FFC7CE")
    assert sheet["B3"].fill.fill_type is None


def test_it_can_read_its_own_error_copy_again() -> None:
    data = write_error_copy(
        ["Họ và tên", "Số CCCD"], [(["Quách Văn Z", "001090000033"], ["Sai"])]
    )

    table, rows = read_all(data)

    assert table.unknown_headers == ["Lỗi"]
    assert rows[0].values["national_id"] == "001090000033"


# --------------------------------------------------------------------------
# Messages
# --------------------------------------------------------------------------


def test_it_keeps_messages_lazy_with_their_params() -> None:
    with pytest.raises(ValueError) as caught:
        parse_date("32/01/2000")

    assert caught.value.params == {"value": "32/01/2000"}
    assert str(caught.value) == "“32/01/2000” is not a valid date."


def test_it_pickles_errors_for_background_tasks() -> None:
    with pytest.raises(ValueError) as caught:
        parse_date("32/01/2000")

    copy = pickle.loads(pickle.dumps(caught.value))

    assert copy.code == "invalid_date"
    assert str(copy) == str(caught.value)
