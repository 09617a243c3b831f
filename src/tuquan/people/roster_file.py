"""Read worker rosters from real-world Excel/CSV files and write .xlsx files.

This is the file layer of the roster import/export: no database, no models. It
turns whatever an enterprise uploads into :class:`RosterRow` objects keyed by
canonical field names, and writes rosters (or an annotated error copy of an
upload) back as .xlsx.

What real uploads look like, and how this module copes:

* The file type is decided by content, not by extension: a zip is an .xlsx, an
  OLE2 container is an old .xls (or a password-protected workbook, which uses
  the same container) and is refused with instructions, anything else must be
  UTF-8 or UTF-16 text (CSV/TSV). Tab-separated text named ``.xls`` (what some
  HR software exports) is therefore read as text.
* Title rows, the company name, blank rows and merged title cells sit above the
  header. The first :data:`HEADER_SCAN_ROWS` rows are scanned and the row whose
  cells match the most known column names wins; it must contain at least the
  full name and national ID columns. A two-row header (a merged group title such
  as "Thông tin cá nhân" above the real names, with other names merged
  vertically over both rows) is recognised by combining each row with the one
  above it.
* Column names are matched accent-, case- and punctuation-insensitively, with
  parenthesised notes such as "(*)" or "(dd/mm/yyyy)" ignored. A "STT" column is
  recognised and ignored; split "Họ đệm" + "Tên" columns are joined into
  ``full_name``.
* Excel drops leading zeros from numbers. Every 12-digit CCCD starts with "0"
  (the province code 001-096), so a CCCD typed into a number cell arrives with
  10 or 11 digits; a mobile number arrives with 9. Those are restored (see
  :func:`_restore_national_id` and :func:`_restore_phone`). The same happens to
  CSV files saved from Excel, so digit-only CSV values are restored too; text
  cells in an .xlsx are taken as typed.
* Dates are always day-first; see :func:`parse_date`.

Speed and memory: an .xlsx sheet is parsed whole by calamine (Rust, through
python-calamine), about ten times faster than openpyxl; the parsed grid stays
in native memory (about 100 MB for 100,000 rows x 14 columns) until the table
is closed, and rows are turned into Python objects lazily, one at a time, so a
100,000-row upload does not have to fit in memory as Python objects. A sheet
whose grid would be too large (a stray value in a far corner, or a huge file)
is streamed with openpyxl ``read_only`` mode instead; see :func:`_fits_in_memory`.
CSV text is split into lines lazily. calamine does not tell which sheet is
active, so workbook.xml is read for that and for the 1904 date system.
"""

from __future__ import annotations

import codecs
import csv
import io
import posixpath
import re
import tempfile
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from itertools import islice, pairwise, zip_longest
from pathlib import Path
from typing import IO, Any, BinaryIO
from xml.etree import ElementTree

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import MAC_EPOCH, from_excel
from python_calamine import CalamineSheet, CalamineWorkbook

from tuquan.core.text import fold, nfc

__all__ = [
    "DATE_FIELDS",
    "ERROR_HEADER",
    "EXPORT_HEADERS",
    "HEADER_SCAN_ROWS",
    "ROSTER_FIELDS",
    "RosterFileError",
    "RosterRow",
    "RosterRows",
    "RosterTable",
    "RosterValueError",
    "parse_date",
    "parse_sex",
    "read_roster",
    "write_error_copy",
    "write_xlsx",
]

ROSTER_FIELDS: tuple[str, ...] = (
    "full_name",
    "date_of_birth",
    "sex",
    "national_id",
    "phone",
    "workshop",
    "line",
    "team",
    "shift",
    "residence",
    "room",
    "bus_route",
    "employment_start",
)

# Column headers written to exported files. They are Vietnamese data labels, not
# UI text, so that an exported roster can be edited and uploaded again as is.
EXPORT_HEADERS: dict[str, str] = {
    "full_name": "Họ và tên",
    "date_of_birth": "Ngày sinh",
    "sex": "Giới tính",
    "national_id": "Số CCCD",
    "phone": "Số điện thoại",
    "workshop": "Phân xưởng",
    "line": "Dây chuyền",
    "team": "Tổ",
    "shift": "Ca",
    "residence": "Nơi ở",
    "room": "Phòng",
    "bus_route": "Tuyến xe",
    "employment_start": "Ngày vào làm",
}

DATE_FIELDS: frozenset[str] = frozenset({"date_of_birth", "employment_start"})

# Last column of an error copy. Re-uploading the corrected copy works because an
# unknown column is simply reported in ``unknown_headers``.
ERROR_HEADER = "Lỗi"

# How far down the header row is searched for. Real files have a few title rows
# (ministry, company, "DANH SÁCH CÔNG NHÂN ...", date) above it, rarely more.
HEADER_SCAN_ROWS = 30

# Worksheets formatted down to row 1,048,576 contain a million empty <row>
# elements; nobody leaves this many blank rows between workers, so stop there.
_MAX_BLANK_RUN = 10_000

# Minimum columns needed to recognise a header row at all.
_REQUIRED_FIELDS = ("full_name", "national_id")


# --------------------------------------------------------------------------
# Messages
# --------------------------------------------------------------------------

_MSG_EMPTY = _("The file is empty.")
_MSG_OLD_EXCEL = _(
    "This file is in the old Excel format (.xls) or is password-protected. "
    "Open it in Excel, save it as “Excel Workbook (.xlsx)” without a password, "
    "and upload that file."
)
_MSG_UNSUPPORTED = _(
    "“%(name)s” is not a supported file type. "
    "Upload an Excel workbook (.xlsx) or a CSV file."
)
_MSG_UNREADABLE = _(
    "The Excel file could not be read; it may be damaged. "
    "Open it in Excel, save it again as .xlsx, and upload it again."
)
_MSG_ENCODING = _(
    "The CSV file is not saved in UTF-8. In Excel, use Save As → "
    "“CSV UTF-8 (Comma delimited)”, or upload the workbook as .xlsx."
)
_MSG_CSV_MALFORMED = _("The CSV file could not be read near row %(row)s.")
_MSG_NO_HEADER = _(
    "No header row was found in the first %(rows)s rows. The file needs a header "
    "row with at least the columns %(required)s; recognised columns are: "
    "%(columns)s."
)
_MSG_NOT_A_DATE = _(
    "“%(value)s” is not a date; write it as day/month/year, e.g. 31/12/1990."
)
_MSG_INVALID_DATE = _("“%(value)s” is not a valid date.")
_MSG_YEAR_ONLY = _("“%(value)s” is only a year; write the full date as day/month/year.")
_MSG_INVALID_SEX = _("“%(value)s” is not a valid sex; write Nam or Nữ.")


class _LazyMessage:
    """Keep a lazy message and its params; render in the language active at
    display time, not at raise time (imports may run in a Celery worker where
    no language is activated)."""

    message: Any
    params: dict[str, Any]
    code: str

    def __str__(self) -> str:
        text = str(self.message)
        return text % self.params if self.params else text


class RosterFileError(_LazyMessage, Exception):
    """A problem with the uploaded file as a whole (not with one row).

    ``message`` is a lazy translatable msgid, ``params`` fill its ``%(name)s``
    placeholders, ``code`` is a stable identifier for callers and tests:
    ``empty``, ``old_excel``, ``unsupported``, ``unreadable``, ``encoding``,
    ``csv_malformed``, ``no_header``. ``str(error)`` gives the rendered text.
    """

    def __init__(
        self, message: Any, params: dict[str, Any] | None = None, *, code: str = ""
    ) -> None:
        super().__init__(message, params)
        self.message = message
        self.params = params or {}
        self.code = code


class RosterValueError(_LazyMessage, ValueError):
    """A cell value that cannot be parsed; ``str(error)`` is a short reason that
    quotes the value. Codes: ``not_a_date``, ``invalid_date``, ``year_only``,
    ``invalid_sex``."""

    # ``code`` has a default so that pickling (Celery) can rebuild the error
    # from ``args``; the real code comes back with ``__dict__``.
    def __init__(self, message: Any, value: object, *, code: str = "") -> None:
        shown = str(value).strip()
        if len(shown) > 40:
            shown = shown[:39] + "…"
        super().__init__(message, shown)
        self.message = message
        self.params = {"value": shown}
        self.code = code


# --------------------------------------------------------------------------
# Data structures
# --------------------------------------------------------------------------


@dataclass
class RosterRow:
    """One non-blank data row."""

    # Row number as the user sees it: the Excel row, or the CSV record number
    # (equal to the line number unless a quoted cell contains line breaks; it is
    # the row Excel shows when it opens the CSV).
    number: int
    # Every field of ROSTER_FIELDS; None when the column is absent or the cell is
    # empty. Text is NFC, trimmed, with runs of white space collapsed. Text
    # fields (all but sex and the DATE_FIELDS) hold str, except that a cell
    # Excel stored as a date stays a datetime. Numbers in text fields become
    # digit strings (leading zeros restored for national_id/phone). DATE_FIELDS
    # hold date, a number (Excel serial) or str: pass them to parse_date().
    values: dict[str, object]
    # The original cells, one per header column, for write_error_copy().
    raw: list[object]


class RosterRows:
    """Re-iterable stream of :class:`RosterRow`: each ``iter()`` re-reads the
    file from the header down, so an importer can validate in one pass and save
    in a second without holding all rows in memory. Not thread-safe."""

    def __init__(self, factory: Callable[[], Iterator[RosterRow]]) -> None:
        self._factory = factory

    def __iter__(self) -> Iterator[RosterRow]:
        return self._factory()


@dataclass
class RosterTable:
    """A roster file opened by :func:`read_roster`.

    Close it (or use it as a context manager) when done: an .xlsx sheet is
    kept in memory, parsed, while :attr:`rows` is iterated.
    """

    # 1-based row number of the header row; for a two-row header, the lower
    # row (data starts right below it).
    header_row: int
    # Header cells, NFC with white space collapsed, trailing empty columns
    # dropped; a two-row header gives the lower name where there is one.
    headers: list[str]
    columns: dict[str, int]  # canonical field -> 0-based column index
    unknown_headers: list[str]  # non-empty headers that map to no field
    rows: RosterRows
    file_format: str  # "xlsx" or "csv"
    sheet_name: str | None = None  # xlsx only
    # Column of "Họ đệm" when the name is split into "Họ đệm" + "Tên"; the
    # "Tên" column is then columns["full_name"] and values are joined.
    family_name_column: int | None = None
    row_number_column: int | None = None  # the ignored "STT" column
    _closer: Callable[[], None] | None = field(default=None, repr=False)

    def column_header(self, field_name: str) -> str | None:
        """The header text the user wrote for ``field_name`` (for messages)."""
        index = self.columns.get(field_name)
        return None if index is None else self.headers[index]

    def close(self) -> None:
        if self._closer is not None:
            closer, self._closer = self._closer, None
            closer()

    def __enter__(self) -> RosterTable:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


# --------------------------------------------------------------------------
# Header recognition
# --------------------------------------------------------------------------

# Spellings seen in real rosters. They are folded with _header_key() below, so
# each entry also covers the unaccented, upper-case and oddly spaced variants.
# Pseudo-fields starting with "_" are columns that are recognised but are not
# roster fields themselves.
_HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "full_name": (
        "Họ và tên",
        "Họ tên",
        "Họ và tên công nhân",
        "Họ tên công nhân",
        "Họ và tên người lao động",
        "Họ tên người lao động",
        "Họ và tên NLĐ",
        "Họ tên NLĐ",
        "Họ và tên nhân viên",
        "Họ tên nhân viên",
        "Tên công nhân",
        "Tên nhân viên",
        "Tên người lao động",
        "Full name",
        "Name",
    ),
    # "Tên" alone is either the whole name or, next to a "Họ đệm" column, the
    # given name only; resolved in _build_header().
    "_given_name": ("Tên",),
    "_family_name": (
        "Họ",
        "Họ đệm",
        "Họ và đệm",
        "Họ và tên đệm",
        "Họ lót",
        "Họ và chữ lót",
        "Họ chữ lót",
        "Họ và tên lót",
    ),
    "date_of_birth": (
        "Ngày sinh",
        "Ngày tháng năm sinh",
        "NS",
        "Sinh ngày",
        # A year-only column still maps here so each row gets a clear
        # "only a year" error instead of a silently missing birth date.
        "Năm sinh",
        "Date of birth",
        "DOB",
    ),
    "sex": ("Giới tính", "Phái", "Giới", "Nam/Nữ", "Sex", "Gender"),
    "national_id": (
        "Số CCCD",
        "CCCD",
        "CMND",
        "Số CMND",
        "Số định danh",
        "Số định danh cá nhân",
        "Mã định danh",
        "Mã số định danh cá nhân",
        "Số căn cước",
        "Số căn cước công dân",
        "Căn cước công dân",
        "Căn cước",
        "Số thẻ căn cước",
        "Số CMT",
        "CMT",
        "National ID",
    ),
    "phone": (
        "Số điện thoại",
        "SĐT",
        "Số ĐT",
        "ĐT",
        "Điện thoại",
        "Di động",
        "Số di động",
        "Điện thoại di động",
        "Số điện thoại di động",
        "Số điện thoại liên hệ",
        "Điện thoại liên hệ",
        "SĐT liên hệ",
        "Phone",
        "Mobile",
    ),
    "workshop": (
        "Bộ phận",
        "Phân xưởng",
        "Xưởng",
        "Bộ phận/Phân xưởng",
        "Phân xưởng/Bộ phận",
        "Xưởng sản xuất",
        "Bộ phận làm việc",
        "Phòng ban",
        "Workshop",
        "Department",
    ),
    "line": ("Dây chuyền", "Chuyền", "Dây chuyền sản xuất", "Chuyền sản xuất", "Line"),
    "team": ("Tổ", "Tổ tự quản", "Tổ sản xuất", "Tổ/Nhóm", "Nhóm", "Tổ TQ", "Team"),
    "shift": ("Ca", "Ca làm việc", "Ca làm", "Ca sản xuất", "Shift"),
    "residence": (
        "Nơi ở",
        "Chỗ ở",
        "Địa chỉ tạm trú",
        "Nhà trọ",
        "Nơi ở hiện nay",
        "Nơi ở hiện tại",
        "Chỗ ở hiện nay",
        "Chỗ ở hiện tại",
        "Nơi tạm trú",
        "Tạm trú",
        "Địa chỉ nơi ở",
        "Địa chỉ chỗ ở",
        "Khu nhà trọ",
        "Ký túc xá",
        "Residence",
    ),
    "room": ("Phòng", "Số phòng", "Phòng số", "Phòng ở", "Phòng trọ", "Room"),
    "bus_route": (
        "Tuyến xe",
        "Xe đưa đón",
        "Tuyến xe đưa đón",
        "Tuyến đưa đón",
        "Tuyến",
        "Xe",
        "Bus route",
    ),
    "employment_start": (
        "Ngày vào làm",
        "Ngày vào công ty",
        "Ngày vào",
        "Ngày vào làm việc",
        "Ngày bắt đầu làm việc",
        "Ngày bắt đầu",
        "Ngày nhận việc",
        "Ngày tuyển dụng",
        "Start date",
    ),
    "_row_number": ("STT", "TT", "Số TT", "Số thứ tự", "Thứ tự", "No", "#"),
}

# ID columns come in every combination ("Số CMND/CCCD", "CCCD/CMND/Hộ chiếu",
# "Số CCCD hoặc CMND"), so they are matched by pattern on top of the aliases.
_ID_WORD = r"(?:cccd|cmnd|cmt|can cuoc(?: cong dan)?|dinh danh(?: ca nhan)?)"
_NATIONAL_ID_KEY = re.compile(
    rf"(?:so |ma so |ma )?(?:the )?{_ID_WORD}"
    rf"(?: (?:hoac )?(?:so )?(?:{_ID_WORD}|ho chieu|hc))*"
)
_BRACKETED = re.compile(r"\([^)]*\)?|\[[^\]]*\]?")
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def _header_key(value: object) -> str:
    """Fold a header cell for matching: 'Số CMND/CCCD (*):' -> 'so cmnd cccd'."""
    if value is None:
        return ""
    text = _BRACKETED.sub(" ", fold(str(value)))
    return _NOT_ALNUM.sub(" ", text).strip()


_FIELD_BY_KEY: dict[str, str] = {
    _header_key(alias): name
    for name, aliases in _HEADER_ALIASES.items()
    for alias in aliases
}


def _match_header(text: str) -> str | None:
    key = _header_key(text)
    if not key:
        return None
    found = _FIELD_BY_KEY.get(key)
    if found is None and _NATIONAL_ID_KEY.fullmatch(key):
        found = "national_id"
    return found


@dataclass
class _Header:
    index: int  # 0-based position of the (last) header row in the scanned rows
    headers: list[str]
    columns: dict[str, int]
    unknown: list[str]
    family_column: int | None
    row_number_column: int | None


def _is_empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _header_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.strftime("%d/%m/%Y")
    return nfc(str(value))


def _build_header(cells: Sequence[object], index: int) -> _Header | None:
    """Map one candidate header row; None unless it has the required columns."""
    texts = [_header_text(cell) for cell in cells]
    while texts and not texts[-1]:
        texts.pop()
    columns: dict[str, int] = {}
    special: dict[str, int] = {}
    unknown: list[tuple[int, str]] = []
    for position, text in enumerate(texts):
        if not text:
            continue
        name = _match_header(text)
        if name is None:
            unknown.append((position, text))
        elif name.startswith("_"):
            if name in special:
                unknown.append((position, text))
            else:
                special[name] = position
        elif name in columns:
            # First column wins; a second "Ngày sinh" is kept visible.
            unknown.append((position, text))
        else:
            columns[name] = position

    family = special.get("_family_name")
    given = special.get("_given_name")
    if "full_name" not in columns and given is not None:
        columns["full_name"] = given
    else:
        if given is not None:
            unknown.append((given, texts[given]))
        if family is not None:
            unknown.append((family, texts[family]))
        family = None
    if family is not None and family > columns["full_name"]:
        # "Tên" before "Họ" is not a split name; keep "Tên" as the whole name.
        unknown.append((family, texts[family]))
        family = None

    if not all(name in columns for name in _REQUIRED_FIELDS):
        return None
    unknown.sort()
    return _Header(
        index=index,
        headers=texts,
        columns={name: columns[name] for name in ROSTER_FIELDS if name in columns},
        unknown=[text for _position, text in unknown],
        family_column=family,
        row_number_column=special.get("_row_number"),
    )


def _find_header(rows: Sequence[Sequence[object]]) -> _Header | None:
    """Pick the header among the first rows of a sheet.

    Each row is scored by the number of fields it maps; so is each row merged
    with the row above it (lower cell where present, else the upper one), which
    is how a two-row header with merged cells reads in read-only mode: a
    horizontally merged group title only has a value in its first cell, and a
    vertically merged name only in the upper row. On equal scores a single row
    beats a merged pair and an upper row beats a lower one, so a plain header
    followed by a data row is never merged with it.
    """
    best: _Header | None = None
    best_key: tuple[int, int, int] | None = None
    for index, row in enumerate(rows):
        candidates = [(row, 1)]
        if index > 0 and any(not _is_empty(cell) for cell in rows[index - 1]):
            merged = [
                upper if _is_empty(lower) else lower
                for upper, lower in zip_longest(rows[index - 1], row)
            ]
            candidates.append((merged, 0))
        for cells, single in candidates:
            header = _build_header(cells, index)
            if header is None:
                continue
            key = (len(header.columns), single, -index)
            if best_key is None or key > best_key:
                best, best_key = header, key
    return best


def _no_header_error() -> RosterFileError:
    return RosterFileError(
        _MSG_NO_HEADER,
        {
            "rows": HEADER_SCAN_ROWS,
            "required": ", ".join(EXPORT_HEADERS[name] for name in _REQUIRED_FIELDS),
            "columns": ", ".join(EXPORT_HEADERS.values()),
        },
        code="no_header",
    )


# --------------------------------------------------------------------------
# Cell values
# --------------------------------------------------------------------------

# Zero-width characters and soft hyphens arrive with text pasted from web pages
# and Zalo; they are invisible but break ID/phone validation and search.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))


def _clean_text(value: str) -> str | None:
    # The result of nfc(value.translate(_INVISIBLE)) or None, in half the time
    # (this runs for every text cell on each pass over a 100,000-row file):
    # the invisible characters are not ASCII, and str.split() splits on the
    # same white space as nfc()'s \s+ and strip().
    if not value.isascii():
        value = value.translate(_INVISIBLE)
    return " ".join(unicodedata.normalize("NFC", value).split()) or None


def _number_text(value: int | float) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _restore_national_id(digits: str) -> str:
    """Put back the leading zeros Excel removes from a number cell.

    A CCCD has 12 digits and starts with a 0-prefixed province code (001-096),
    so it loses one zero (11 digits left), or two for codes 001-009 such as
    Hà Nội 001 (10 digits left). An old 9-digit CMND from e.g. Hà Nội (01x) or
    TP.HCM (02x) loses one (8 left). Anything else is left for validation.
    """
    if len(digits) in (10, 11):
        return digits.zfill(12)
    if len(digits) == 8:
        return digits.zfill(9)
    return digits


def _restore_phone(digits: str) -> str:
    """Mobile numbers are 0 + 9 digits; landlines 0 + 2xx area code + 8 digits.
    Either way Excel keeps everything but the leading 0."""
    if len(digits) == 9 or (len(digits) == 10 and digits.startswith("2")):
        return "0" + digits
    return digits


_RESTORERS: dict[str, Callable[[str], str]] = {
    "national_id": _restore_national_id,
    "phone": _restore_phone,
}


def _is_year(number: float) -> bool:
    return 1900 <= number <= 2100 and float(number).is_integer()


@dataclass(frozen=True)
class _Plan:
    """How to turn the raw cells of a data row into RosterRow values."""

    width: int
    columns: dict[str, int]
    family_column: int | None
    row_number_column: int | None
    # CSV saved from Excel has lost zeros in digit-only values as well.
    restore_text_digits: bool
    epoch_1904: bool

    def is_blank(self, cells: Sequence[object]) -> bool:
        # A row holding only its STT is a pre-numbered empty template row.
        skip = self.row_number_column
        return all(
            _is_empty(cell)
            for position, cell in enumerate(cells[: self.width])
            if position != skip
        )

    def convert(self, name: str, value: object) -> object:
        if value is None:
            return None
        if isinstance(value, str):
            text = _clean_text(value)
            restore = _RESTORERS.get(name)
            if restore and text and self.restore_text_digits and text.isdigit():
                return restore(text)
            return text
        if name in DATE_FIELDS:
            if isinstance(value, datetime):
                return value.date()
            if (
                self.epoch_1904
                and isinstance(value, int | float)
                and not isinstance(value, bool)
                and not _is_year(value)
                and 1 <= value < 100_000
            ):
                # parse_date() assumes the 1900 system; convert 1904 serials here.
                return from_excel(value, MAC_EPOCH).date()
            return value
        if name == "sex" or isinstance(value, bool):
            return value
        if isinstance(value, int | float):
            text = _number_text(value)
            restore = _RESTORERS.get(name)
            return restore(text) if restore and text.isdigit() else text
        return value

    def values(self, raw: list[object]) -> dict[str, object]:
        values: dict[str, object] = dict.fromkeys(ROSTER_FIELDS)
        convert = self.convert
        for name, position in self.columns.items():
            values[name] = convert(name, raw[position])
        if self.family_column is not None:
            family = convert("full_name", raw[self.family_column])
            given = values["full_name"]
            parts = [str(part) for part in (family, given) if part is not None]
            values["full_name"] = " ".join(parts) or None
        return values


_COLUMN_NUMBER = re.compile(r"\(?\s*(\d{1,2})\s*\)?")


def _is_column_numbering(cells: Sequence[object]) -> bool:
    """Government-style forms put a row "(1) (2) (3) ..." under the header."""
    numbers: list[int] = []
    for cell in cells:
        if _is_empty(cell):
            continue
        if isinstance(cell, bool):
            return False
        if isinstance(cell, int) or (isinstance(cell, float) and cell.is_integer()):
            numbers.append(int(cell))
        elif isinstance(cell, str) and (
            match := _COLUMN_NUMBER.fullmatch(cell.strip())
        ):
            numbers.append(int(match.group(1)))
        else:
            return False
    return len(numbers) >= 3 and all(b > a for a, b in pairwise(numbers))


def _roster_rows(
    records: Iterator[tuple[int, Sequence[object]]], plan: _Plan
) -> Iterator[RosterRow]:
    width = plan.width
    first = True
    blank_run = 0
    for number, cells in records:
        if plan.is_blank(cells):
            blank_run += 1
            if blank_run >= _MAX_BLANK_RUN:
                return
            continue
        blank_run = 0
        if first:
            first = False
            if _is_column_numbering(cells):
                continue
        raw = list(cells[:width])
        if len(raw) < width:
            raw.extend([None] * (width - len(raw)))
        yield RosterRow(number=number, values=plan.values(raw), raw=raw)


def _plan_for(header: _Header, *, file_format: str, epoch_1904: bool = False) -> _Plan:
    return _Plan(
        width=len(header.headers),
        columns=header.columns,
        family_column=header.family_column,
        row_number_column=header.row_number_column,
        restore_text_digits=file_format == "csv",
        epoch_1904=epoch_1904,
    )


# --------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_BINARY_MAGIC = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"{\\rtf", b"\x1f\x8b")


def read_roster(
    source: BinaryIO | IO[bytes] | bytes | str | Path, filename: str
) -> RosterTable:
    """Open an uploaded roster and locate its header row.

    ``source`` is a path, raw bytes or a binary file object (e.g. a Django
    ``UploadedFile``; it is read from the start and not closed). ``filename``
    is the name the user uploaded, used in messages and to tell an HTML page
    saved as ".xls" from other text. Raises :class:`RosterFileError` for
    file-level problems. Use the result as a context manager, or close it.
    """
    stream, owned = _open_source(source)
    try:
        stream.seek(0)
        head = stream.read(8)
        stream.seek(0)
        if not head:
            raise RosterFileError(_MSG_EMPTY, code="empty")
        if head.startswith(_OLE_MAGIC):
            raise RosterFileError(_MSG_OLD_EXCEL, code="old_excel")
        if head.startswith(_ZIP_MAGIC):
            return _read_xlsx(stream, owned, filename)
        if head.startswith(_BINARY_MAGIC):
            raise _unsupported(filename)
        data = stream.read()
    except BaseException:
        if owned:
            stream.close()
        raise
    if owned:
        stream.close()
    return _read_csv(data, filename)


def _unsupported(filename: str) -> RosterFileError:
    return RosterFileError(
        _MSG_UNSUPPORTED, {"name": Path(filename).name or filename}, code="unsupported"
    )


def _open_source(
    source: BinaryIO | IO[bytes] | bytes | str | Path,
) -> tuple[IO[bytes], bool]:
    """Return a seekable binary stream and whether we must close it."""
    if isinstance(source, str | Path):
        return open(source, "rb"), True  # closed by RosterTable.close()
    if isinstance(source, bytes | bytearray | memoryview):
        return io.BytesIO(bytes(source)), True
    seekable = getattr(source, "seekable", None)
    if seekable is not None and seekable():
        return source, False
    # zipfile needs to seek; spool a non-seekable upload stream to disk.
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    while chunk := source.read(1024 * 1024):
        spool.write(chunk)
    spool.seek(0)
    return spool, True


def _read_xlsx(stream: IO[bytes], owned: bool, filename: str) -> RosterTable:
    try:
        archive = zipfile.ZipFile(stream)
        names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise RosterFileError(_MSG_UNREADABLE, code="unreadable") from exc
    if "xl/workbook.bin" in names:
        # Excel binary workbook (.xlsb): calamine could read it, but no .xlsb
        # can be made for the tests (no writer), so it is refused as before.
        archive.close()
        raise RosterFileError(_MSG_OLD_EXCEL, code="old_excel")
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        # .docx, .ods, a zip of photos...
        archive.close()
        raise _unsupported(filename)
    book = _XlsxBook(stream, archive, owned)
    try:
        with _reading():
            book.read_structure()
        has_content = False
        for entry in book.sheets_in_order():
            with _reading():
                sheet = book.open_sheet(entry)
                head = [
                    cells for _n, cells in islice(sheet.records(), HEADER_SCAN_ROWS)
                ]
            has_content = has_content or any(
                not _is_empty(c) for row in head for c in row
            )
            header = _find_header(head)
            if header is not None:
                return _xlsx_table(sheet, header, book.epoch_1904, book.close)
            sheet.close()  # free a parsed grid before parsing the next sheet
        if not has_content:
            raise RosterFileError(_MSG_EMPTY, code="empty")
        raise _no_header_error()
    except BaseException:
        book.close()
        raise


def _xlsx_table(
    sheet: _LoadedSheet | _StreamedSheet,
    header: _Header,
    epoch_1904: bool,
    close: Callable[[], None],
) -> RosterTable:
    plan = _plan_for(header, file_format="xlsx", epoch_1904=epoch_1904)
    first_data_row = header.index + 2

    def records() -> Iterator[tuple[int, Sequence[object]]]:
        with _reading():
            yield from sheet.records(first_data_row, plan.width)

    return RosterTable(
        header_row=header.index + 1,
        headers=header.headers,
        columns=header.columns,
        unknown_headers=header.unknown,
        rows=RosterRows(lambda: _roster_rows(records(), plan)),
        file_format="xlsx",
        sheet_name=sheet.title,
        family_name_column=header.family_column,
        row_number_column=header.row_number_column,
        _closer=close,
    )


@contextmanager
def _reading() -> Iterator[None]:
    """Report any failure of the workbook readers as a damaged file."""
    try:
        yield
    except RosterFileError:
        raise
    except Exception as exc:
        raise RosterFileError(_MSG_UNREADABLE, code="unreadable") from exc
    except BaseException as exc:
        # pyo3 turns a Rust panic (a calamine bug hit by a malformed file) into
        # PanicException, which derives from BaseException.
        if type(exc).__name__ != "PanicException":
            raise
        raise RosterFileError(_MSG_UNREADABLE, code="unreadable") from exc


@dataclass(frozen=True)
class _SheetEntry:
    name: str
    part: str  # zip member holding the worksheet XML
    visible: bool


_RELATIONSHIPS_ID = "}id"
_TRUE = ("1", "true")


def _local_name(tag: str) -> str:
    return tag.rpartition("}")[2]


class _XlsxBook:
    """An .xlsx/.xlsm workbook: sheet order and date system from its XML,
    sheets parsed by calamine, or streamed by openpyxl when too large."""

    def __init__(
        self, stream: IO[bytes], archive: zipfile.ZipFile, owned: bool
    ) -> None:
        self.stream = stream
        self.archive = archive
        self.owned = owned
        self.epoch_1904 = False
        self.active: int | None = 0
        self.sheets: list[_SheetEntry | None] = []  # None: not a worksheet
        self._calamine: CalamineWorkbook | None = None
        self._openpyxl: Any = None
        self._opened: list[_LoadedSheet | _StreamedSheet] = []

    def read_structure(self) -> None:
        """Read the sheet list, the active sheet and the date system."""
        # workbook.xml and its relationships are a few KB; the sheets are not
        # read here.
        workbook = ElementTree.fromstring(self.archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(self.archive.read("xl/_rels/workbook.xml.rels"))
        targets: dict[str, str] = {}
        for rel in rels.iter():
            kind = rel.get("Type", "")
            if _local_name(rel.tag) == "Relationship" and kind.endswith("/worksheet"):
                target = rel.get("Target", "")
                if target.startswith("/"):
                    part = target.lstrip("/")
                else:
                    part = posixpath.normpath(posixpath.join("xl", target))
                targets[rel.get("Id", "")] = part
        views_seen = False
        for element in workbook.iter():
            name = _local_name(element.tag)
            if name == "workbookPr":
                self.epoch_1904 = element.get("date1904", "").lower() in _TRUE
            elif name == "workbookView" and not views_seen:
                views_seen = True
                tab = element.get("activeTab", "0")
                self.active = int(tab) if tab.isdigit() else None
            elif name == "sheet":
                rel_id = next(
                    (
                        v
                        for k, v in element.attrib.items()
                        if k.endswith(_RELATIONSHIPS_ID)
                    ),
                    "",
                )
                if rel_id not in targets:
                    # A chart sheet, dialog sheet or macro sheet: no roster.
                    self.sheets.append(None)
                    continue
                self.sheets.append(
                    _SheetEntry(
                        name=element.get("name", ""),
                        part=targets[rel_id],
                        visible=element.get("state", "visible") == "visible",
                    )
                )

    def sheets_in_order(self) -> list[_SheetEntry]:
        """The active sheet, then visible sheets, then hidden ones (as Excel
        shows them): the roster is usually the active sheet, while an
        instructions sheet or a hidden lookup sheet may come first."""
        entries = [entry for entry in self.sheets if entry is not None]
        active = None
        if self.active is not None and self.active < len(self.sheets):
            active = self.sheets[self.active]
        ordered = [active] if active is not None else []
        ordered += [e for e in entries if e.visible and e not in ordered]
        ordered += [e for e in entries if e not in ordered]
        return ordered

    def open_sheet(self, entry: _SheetEntry) -> _LoadedSheet | _StreamedSheet:
        if _fits_in_memory(self.archive, entry.part):
            if self._calamine is None:
                self.stream.seek(0)
                self._calamine = CalamineWorkbook.from_filelike(self.stream)
            sheet: _LoadedSheet | _StreamedSheet = _LoadedSheet(
                entry.name, self._calamine.get_sheet_by_name(entry.name)
            )
        else:
            if self._openpyxl is None:
                self.stream.seek(0)
                self._openpyxl = load_workbook(
                    self.stream, read_only=True, data_only=True, keep_links=False
                )
            sheet = _StreamedSheet(self._openpyxl[entry.name])
        self._opened.append(sheet)
        return sheet

    def close(self) -> None:
        # The RosterTable outlives close() in callers (it is still referenced
        # while an import saves), so the parsed grid is dropped here.
        for sheet in self._opened:
            sheet.close()
        self._opened.clear()
        if self._calamine is not None:
            self._calamine.close()
            self._calamine = None
        if self._openpyxl is not None:
            self._openpyxl.close()
            self._openpyxl = None
        self.archive.close()
        if self.owned:
            self.stream.close()


# calamine parses a worksheet into a grid of 32-byte cells spanning everything
# up to the last value, so one stray value in cell XFD1048576 would ask for
# 550 GB and abort the process. The sheet XML is scanned for the extent of its
# values first; a sheet whose grid would exceed _CELL_BUDGET (about 130 MB) is
# streamed with openpyxl instead, slowly but in little memory, as before
# calamine was used. The scans rely on every cell carrying its reference as
# its first attribute (<c r="A1" ...>), which every spreadsheet program writes.
_CELL_BUDGET = 4_000_000
# The rest of a <c> start tag, then a value, inline text or formula inside it
# (cells that are only formatted are empty for calamine too).
_VALUE = rb"[^>]{0,200}>\s*<(?:\w{1,20}:)?[vfi]"
# Excel writes the used range as <dimension ref="A1:N100003"/> at the top of
# the sheet; other generators may write a wrong one or none, so it is only
# trusted once no value cell lies beyond it (one quick scan).
_DIMENSION = re.compile(
    rb'<(?:\w{1,20}:)?dimension ref="(?:[A-Z]{1,3}[0-9]{1,7}:)?([A-Z]{1,3})([0-9]{1,7})"'
)
# Without a usable dimension: value cells at column AA or further right, or at
# row 100,000 or further down. A sheet without any spans at most 99,999 x 26
# cells, which is within budget; typical rosters have none, so this scan is as
# quick (0.1-0.3 s for 100,000 rows x 14 columns, against 2 s for the parse).
_FAR_VALUE_CELL = re.compile(
    rb'c r="(?=[A-Z]{2}|[A-Z][0-9]{6})([A-Z]{1,3})([0-9]{1,7})"' + _VALUE
)
# Then, only for sheets wider than 40 columns: the last row of any value.
_VALUE_CELL = re.compile(rb'c r="([A-Z]{1,3})([0-9]{1,7})"' + _VALUE)
_SCAN_CHUNK = 1 << 20


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - ord("A") + 1
    return number


def _after(last: str, symbols: str, longest: int) -> str:
    """A regex for column letters or row digits that come after ``last``:
    longer ones, or as long and higher at the first position that differs."""
    low, high = symbols[0], symbols[-1]
    parts = []
    if len(last) < longest:
        parts.append(f"[{low}-{high}]{{{len(last) + 1},{longest}}}")
    for index, symbol in enumerate(last):
        higher = symbols[symbols.index(symbol) + 1 :]
        if higher:
            rest = len(last) - index - 1
            parts.append(f"{last[:index]}[{higher[0]}-{high}][{low}-{high}]{{{rest}}}")
    return "|".join(parts) or "(?!)"


def _beyond(letters: bytes, digits: bytes) -> re.Pattern[bytes]:
    """Value cells to the right of column ``letters`` or below row ``digits``."""
    columns = _after(letters.decode(), "ABCDEFGHIJKLMNOPQRSTUVWXYZ", 3)
    rows = _after(digits.decode(), "0123456789", 7)
    return re.compile(
        f'c r="(?=(?:{columns})[0-9]|[A-Z]{{1,3}}(?:{rows})")'.encode()
        + rb'([A-Z]{1,3})([0-9]{1,7})"'
        + _VALUE
    )


def _value_extent(
    archive: zipfile.ZipFile, part: str, pattern: re.Pattern[bytes], stop: int
) -> tuple[int, int]:
    """The last row and column of the value cells that ``pattern`` finds in a
    worksheet part (0 when none); the scan ends once rows x columns > stop."""
    rows = columns = 0
    tail = b""
    with archive.open(part) as xml:
        while chunk := xml.read(_SCAN_CHUNK):
            data = tail + chunk
            if found := pattern.findall(data):
                rows = max(rows, max(int(row) for row in {r for _c, r in found}))
                letters = {c for c, _r in found}
                columns = max(columns, max(map(_column_number, letters)))
                if rows * columns > stop:
                    break
            # A cell split between two chunks is found whole in the overlap;
            # finding one twice does not matter.
            tail = data[-300:]
    return rows, columns


def _fits_in_memory(archive: zipfile.ZipFile, part: str) -> bool:
    """Whether calamine's grid for this worksheet part stays within budget."""
    with archive.open(part) as xml:
        dimension = _DIMENSION.search(xml.read(1 << 16))
    if dimension is not None:
        letters, digits = dimension.groups()
        if int(digits) * _column_number(letters) <= _CELL_BUDGET and _value_extent(
            archive, part, _beyond(letters, digits), 0
        ) == (0, 0):
            return True
    far_rows, columns = _value_extent(archive, part, _FAR_VALUE_CELL, _CELL_BUDGET)
    columns = max(columns, 26)
    if max(far_rows, 99_999) * columns <= _CELL_BUDGET:
        return True
    if far_rows * columns > _CELL_BUDGET:
        return False
    rows, _columns = _value_extent(archive, part, _VALUE_CELL, _CELL_BUDGET)
    return rows * columns <= _CELL_BUDGET


def _calamine_value(value: object) -> object:
    """Give calamine's non-text values the types openpyxl gave before (text:
    calamine returns "" for empty cells and error cells; they become None)."""
    if type(value) is float and value.is_integer():
        return int(value)  # Excel stores whole numbers as "12"; openpyxl: int
    if type(value) is date:
        # openpyxl returns every date cell as a datetime; keep RosterRow.raw
        # and text fields as they were.
        return datetime(value.year, value.month, value.day)
    return value


class _LoadedSheet:
    """A worksheet parsed whole by calamine (about ten times faster than
    openpyxl); the parsed grid is kept while the table is open, so a second
    pass over the rows costs little."""

    def __init__(self, title: str, sheet: CalamineSheet) -> None:
        self.title = title
        self._sheet: CalamineSheet | None = sheet
        start = sheet.start
        self._empty = start is None
        # iter_rows() yields every row from row 1 (blank ones as blanks) but
        # starts each row at the first used column: put the empty columns back
        # so that column positions are Excel's.
        self._lead: list[object] = [None] * (start[1] if start else 0)

    def records(
        self, first_row: int = 1, width: int | None = None
    ) -> Iterator[tuple[int, list[object]]]:
        if self._sheet is None:
            raise ValueError("The roster file is closed.")
        if self._empty:
            return
        lead = self._lead
        keep = None if width is None else max(width - len(lead), 0)
        convert = _calamine_value
        rows = islice(self._sheet.iter_rows(), first_row - 1, None)
        for number, row in enumerate(rows, start=first_row):
            # Text, the commonest cell, is handled inline: this loop runs for
            # every cell of a 100,000-row file on each pass.
            cells = [
                (value or None) if type(value) is str else convert(value)
                for value in row[:keep]
            ]
            yield number, lead + cells if lead else cells

    def close(self) -> None:
        self._sheet = None


class _StreamedSheet:
    """A worksheet streamed row by row with openpyxl's read-only mode."""

    def __init__(self, worksheet: Any) -> None:
        self.title: str = worksheet.title
        # Some generators write a wrong <dimension>; read-only mode trusts it
        # and would cut the sheet short.
        worksheet.reset_dimensions()
        self._worksheet = worksheet

    def records(
        self, first_row: int = 1, width: int | None = None
    ) -> Iterator[tuple[int, Sequence[object]]]:
        rows = self._worksheet.iter_rows(
            min_row=first_row, max_col=width, values_only=True
        )
        yield from enumerate(rows, start=first_row)

    def close(self) -> None:
        pass  # the openpyxl workbook is closed by _XlsxBook.close()


def _decode(data: bytes, filename: str) -> str:
    if data.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's "Unicode Text (*.txt)": UTF-16 LE with BOM, tab-separated.
        encoding = "utf-16"
    elif b"\x00" in data[:4096]:
        encoding = _utf16_without_bom(data[:4096])
        if encoding is None:
            raise _unsupported(filename)
    else:
        encoding = "utf-8"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise RosterFileError(_MSG_ENCODING, code="encoding") from exc


def _utf16_without_bom(sample: bytes) -> str | None:
    """Recognise BOM-less UTF-16 by its zero high bytes of ASCII characters."""
    # Headers are mostly ASCII and Latin-1 letters (high byte 0); Vietnamese
    # letters such as "ọ" (U+1ECD) are the exception, so expect 40 % or more.
    needed = max(len(sample) // 2 * 2 // 5, 2)
    even_zeros = sample[0::2].count(0)
    odd_zeros = sample[1::2].count(0)
    if odd_zeros >= needed and even_zeros * 10 <= odd_zeros:
        return "utf-16-le"
    if even_zeros >= needed and odd_zeros * 10 <= even_zeros:
        return "utf-16-be"
    return None


def _lines(text: str) -> Iterator[str]:
    """Yield lines with their endings without copying the whole text again
    (csv needs the endings to read line breaks inside quoted cells)."""
    start = 0
    end_of_text = len(text)
    while start < end_of_text:
        end = text.find("\n", start)
        if end == -1:
            yield text[start:]
            return
        yield text[start : end + 1]
        start = end + 1


_SEP_DIRECTIVE = re.compile(r"sep=(.)(?:\r\n|\n|\r|$)", re.IGNORECASE)
_EXCEL_TEXT = re.compile(r'="(.*)"', re.DOTALL)
_NOT_BLANK_TEXT = re.compile(r"[^\s\ufeff,;]")


def _csv_cells(fields: list[str]) -> list[object]:
    # Some exporters write ="0123" so Excel keeps the leading zero; the value
    # is the part inside the quotes.
    return [
        (m.group(1) if "=" in cell and (m := _EXCEL_TEXT.fullmatch(cell)) else cell)
        for cell in fields
    ]


def _csv_records(text: str, delimiter: str) -> Iterator[tuple[int, list[object]]]:
    reader = csv.reader(_lines(text), delimiter=delimiter)
    number = 0
    try:
        for number, fields in enumerate(reader, start=1):
            yield number, _csv_cells(fields)
    except csv.Error as exc:
        raise RosterFileError(
            _MSG_CSV_MALFORMED, {"row": number + 1}, code="csv_malformed"
        ) from exc


def _read_csv(data: bytes, filename: str) -> RosterTable:
    text = _decode(data, filename)
    del data
    if text.startswith("\ufeff"):
        text = text[1:]
    if not _NOT_BLANK_TEXT.search(text):
        raise RosterFileError(_MSG_EMPTY, code="empty")
    if text.lstrip().startswith("<"):
        # An HTML table or XML Spreadsheet 2003 saved with an Excel extension.
        if Path(filename).suffix.lower() in (".xls", ".xlsx", ".xml", ".htm", ".html"):
            raise RosterFileError(_MSG_OLD_EXCEL, code="old_excel")
        raise _unsupported(filename)
    if "\n" not in text and "\r" in text:
        text = text.replace("\r", "\n")  # classic Mac line endings

    delimiters: tuple[str, ...] = (",", ";", "\t")
    if directive := _SEP_DIRECTIVE.match(text):
        # Excel's "sep=;" first line: it fixes the delimiter and Excel hides it.
        delimiters = (directive.group(1),)
        text = text[directive.end() :]

    # The delimiter is the one under which a header row is found; the field
    # count consistency of a sniffer is fooled by commas in addresses.
    best: tuple[int, str, _Header] | None = None
    for delimiter in delimiters:
        sample = [
            cells
            for _n, cells in islice(_csv_records(text, delimiter), HEADER_SCAN_ROWS)
        ]
        header = _find_header(sample)
        if header is not None and (best is None or len(header.columns) > best[0]):
            best = (len(header.columns), delimiter, header)
    if best is None:
        raise _no_header_error()
    _score, delimiter, header = best
    plan = _plan_for(header, file_format="csv")
    first_data_row = header.index + 2

    def records() -> Iterator[tuple[int, Sequence[object]]]:
        for number, cells in _csv_records(text, delimiter):
            if number >= first_data_row:
                yield number, cells

    return RosterTable(
        header_row=header.index + 1,
        headers=header.headers,
        columns=header.columns,
        unknown_headers=header.unknown,
        rows=RosterRows(lambda: _roster_rows(records(), plan)),
        file_format="csv",
        family_name_column=header.family_column,
        row_number_column=header.row_number_column,
    )


# --------------------------------------------------------------------------
# Parsing values
# --------------------------------------------------------------------------

_TIME_PART = r"(?:[ T]\s*\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:\s*[ap]m)?)?"
_DMY = re.compile(
    rf"(\d{{1,2}})\s*([/.\-])\s*(\d{{1,2}})\s*\2\s*(\d{{4}}|\d{{2}}){_TIME_PART}"
)
_YMD = re.compile(rf"(\d{{4}})([/.\-])(\d{{1,2}})\2(\d{{1,2}}){_TIME_PART}")
_VIETNAMESE_DATE = re.compile(
    r"(?:ngay\s*)?(\d{1,2})\s*thang\s*(\d{1,2})\s*nam\s*(\d{4}|\d{2})"
)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
# Excel serials beyond this are years after 2173: not a roster date, more likely
# a date typed without separators (01021990) that Excel made a number.
_MAX_SERIAL = 100_000


def _two_digit_year(year: int) -> int:
    # "d/m/yy": up to this year's two digits means 20yy, otherwise 19yy.
    return year + (2000 if year <= date.today().year % 100 else 1900)


def _make_date(year: int, month: int, day: int, value: object) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise RosterValueError(_MSG_INVALID_DATE, value, code="invalid_date") from None


def _compact_date(digits: str, value: object) -> date:
    """ddmmyyyy, the Vietnamese order; else yyyymmdd (ISO basic)."""
    if len(digits) == 8:
        day, month, year = int(digits[:2]), int(digits[2:4]), int(digits[4:])
        if 1900 <= year <= 2100 and 1 <= month <= 12:
            return _make_date(year, month, day, value)
        year, month, day = int(digits[:4]), int(digits[4:6]), int(digits[6:])
        if 1900 <= year <= 2100 and 1 <= month <= 12:
            return _make_date(year, month, day, value)
        raise RosterValueError(_MSG_INVALID_DATE, value, code="invalid_date")
    raise RosterValueError(_MSG_NOT_A_DATE, value, code="not_a_date")


def _serial_date(number: float, value: object) -> date:
    if _is_year(number):
        raise RosterValueError(_MSG_YEAR_ONLY, value, code="year_only")
    if number >= _MAX_SERIAL and float(number).is_integer():
        # 1021990 is 01021990 typed into a number cell.
        return _compact_date(str(int(number)).zfill(8), value)
    if not 1 <= number < _MAX_SERIAL:
        raise RosterValueError(_MSG_NOT_A_DATE, value, code="not_a_date")
    # from_excel reproduces Excel's fictitious 29/02/1900 like Excel does.
    return from_excel(number).date()


def parse_date(value: object) -> date | None:
    """Parse a date cell, day first, never month first.

    Accepts date/datetime objects (time dropped), Excel serial numbers (1900
    date system, e.g. 36526 -> 01/01/2000) also as numeric strings, and text
    "dd/mm/yyyy", "d/m/yyyy", "d/m/yy", with "/", "-" or "." separators,
    optionally followed by a time; ISO "yyyy-mm-dd"; "ngày 1 tháng 2 năm 2000";
    and 8 digits "ddmmyyyy". Two-digit years up to the current year's two
    digits are 20yy, later ones 19yy. Empty values give None.

    Raises :class:`RosterValueError` (a ``ValueError``) with a short reason for
    anything else, including impossible dates (31/02/2000) and a bare year.
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise RosterValueError(_MSG_NOT_A_DATE, value, code="not_a_date")
    if isinstance(value, int | float):
        return _serial_date(value, value)
    if not isinstance(value, str):
        raise RosterValueError(_MSG_NOT_A_DATE, value, code="not_a_date")

    text = _clean_text(value)
    if text is None:
        return None
    lowered = text.lower()
    if match := _DMY.fullmatch(lowered):
        day, month, year = int(match.group(1)), int(match.group(3)), match.group(4)
        full_year = _two_digit_year(int(year)) if len(year) == 2 else int(year)
        return _make_date(full_year, month, day, text)
    if match := _YMD.fullmatch(lowered):
        year, month, day = int(match.group(1)), int(match.group(3)), int(match.group(4))
        return _make_date(year, month, day, text)
    if _NUMBER.fullmatch(text):
        if len(text) == 8 and text.isdigit():
            return _compact_date(text, text)
        return _serial_date(float(text.replace(",", ".")), text)
    if match := _VIETNAMESE_DATE.fullmatch(fold(text)):
        day, month, year = (int(group) for group in match.groups())
        full_year = _two_digit_year(year) if year < 100 else year
        return _make_date(full_year, month, day, text)
    raise RosterValueError(_MSG_NOT_A_DATE, text, code="not_a_date")


_SEX_VALUES: dict[str, str] = {
    "nam": "male",
    "nam gioi": "male",
    "trai": "male",
    "ong": "male",
    "m": "male",
    "male": "male",
    "nu": "female",
    "nu gioi": "female",
    "gai": "female",
    "ba": "female",
    "f": "female",
    "female": "female",
}


def parse_sex(value: object) -> str | None:
    """Return "male"/"female" for Nam/Nữ (any case, with or without accents,
    e.g. "NỮ", "nu", "Nam giới"), M/F or male/female; None for an empty cell.

    Raises :class:`RosterValueError` (a ``ValueError``) for anything else.
    """
    if value is None:
        return None
    if not isinstance(value, str):
        raise RosterValueError(_MSG_INVALID_SEX, value, code="invalid_sex")
    key = _NOT_ALNUM.sub(" ", fold(value.translate(_INVISIBLE))).strip()
    if not key:
        return None
    try:
        return _SEX_VALUES[key]
    except KeyError:
        raise RosterValueError(_MSG_INVALID_SEX, value, code="invalid_sex") from None


# --------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------

_TITLE_FONT = Font(bold=True, size=14)
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="center", horizontal="center")
_ERROR_FILL = PatternFill("solid", fgColor="FFC7CE")
_ERROR_FONT = Font(color="9C0006")
_ERROR_HEADER_FONT = Font(bold=True, color="9C0006")
_DATE_FORMAT = "dd/mm/yyyy"
_DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
_TIME_FORMAT = "hh:mm"
_MAX_CELL_TEXT = 32_767  # Excel's limit; longer text makes the file unopenable
_WIDTH_SAMPLE_ROWS = 200  # rows buffered to size the columns before streaming
_MIN_WIDTH, _MAX_WIDTH = 8, 50
_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def _sheet_title(title: str) -> str:
    cleaned = _SHEET_TITLE_FORBIDDEN.sub(" ", str(title)).strip().strip("'")[:31]
    return cleaned or "Sheet1"


def _plain(value: object) -> object:
    """A value openpyxl can write: text cleaned, dates naive, unknowns as text."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str):
        # Control characters make openpyxl raise IllegalCharacterError.
        return ILLEGAL_CHARACTERS_RE.sub("", value)[:_MAX_CELL_TEXT]
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            # Excel has no time zones; show the wall-clock time in Vietnam.
            from django.utils import timezone

            value = timezone.localtime(value).replace(tzinfo=None)
        return value
    if isinstance(value, date | time | timedelta):
        return value
    if isinstance(value, Decimal):
        return value
    return str(value)


def _number_format(value: object) -> str | None:
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return _DATE_FORMAT
        return _DATETIME_FORMAT
    if isinstance(value, date):
        return _DATE_FORMAT
    if isinstance(value, time):
        return _TIME_FORMAT
    return None


def _display_width(value: object) -> int:
    if value is None:
        return 0
    if isinstance(value, datetime):
        return 16 if value.time() != time(0, 0) else 10
    if isinstance(value, date):
        return 10
    if isinstance(value, float):
        return len(f"{value:.2f}")
    return max((len(line) for line in str(value).splitlines()), default=0)


class _SheetWriter:
    """Stream rows into a write-only worksheet with our formatting."""

    def __init__(
        self,
        headers: Sequence[object],
        *,
        sheet_title: str,
        title: str | None,
        error_column: int | None = None,
    ) -> None:
        self.workbook = Workbook(write_only=True)
        self.sheet = self.workbook.create_sheet(_sheet_title(sheet_title))
        self.headers = [_plain(header) for header in headers]
        self.title = _plain(title) if title else None
        self.error_column = error_column
        self.header_row = 2 if self.title else 1
        self.last_row = self.header_row

    def _cell(
        self, value: object, *, highlight: bool = False, column: int = 0
    ) -> object:
        value = _plain(value)
        number_format = _number_format(value)
        formula_like = isinstance(value, str) and value.startswith("=")
        is_error = column == self.error_column
        if not (number_format or formula_like or highlight or (is_error and value)):
            return value
        cell = WriteOnlyCell(self.sheet, value=value)
        if formula_like:
            # User data is never a formula (CSV injection); keep it as text.
            cell.data_type = "s"
        if number_format:
            cell.number_format = number_format
        if highlight:
            cell.fill = _ERROR_FILL
        if is_error and value:
            cell.font = _ERROR_FONT
        return cell

    def write(self, rows: Iterable[tuple[Sequence[object], bool]]) -> bytes:
        iterator = iter(rows)
        sample = list(islice(iterator, _WIDTH_SAMPLE_ROWS))
        self._size_columns(sample)
        sheet = self.sheet
        width = max(len(self.headers), 1)
        sheet.freeze_panes = f"A{self.header_row + 1}"
        if self.title:
            title_cell = WriteOnlyCell(sheet, value=self.title)
            title_cell.font = _TITLE_FONT
            sheet.append([title_cell])
            if width > 1:
                sheet.merged_cells.add(f"A1:{get_column_letter(width)}1")
        header_cells = []
        for column, header in enumerate(self.headers):
            cell = WriteOnlyCell(sheet, value=header)
            cell.font = (
                _ERROR_HEADER_FONT if column == self.error_column else _HEADER_FONT
            )
            cell.fill = _HEADER_FILL
            cell.alignment = _HEADER_ALIGNMENT
            header_cells.append(cell)
        sheet.append(header_cells)
        for values, highlight in _chain(sample, iterator):
            if highlight:
                count = max(len(values), width)
                padded = list(values) + [None] * (count - len(values))
                row = [
                    self._cell(value, highlight=True, column=column)
                    for column, value in enumerate(padded)
                ]
            else:
                row = [
                    self._cell(value, column=column)
                    for column, value in enumerate(values)
                ]
            sheet.append(row)
            self.last_row += 1
        if self.headers:
            last_column = get_column_letter(len(self.headers))
            sheet.auto_filter.ref = f"A{self.header_row}:{last_column}{self.last_row}"
        buffer = io.BytesIO()
        self.workbook.save(buffer)
        return buffer.getvalue()

    def _size_columns(self, sample: list[tuple[Sequence[object], bool]]) -> None:
        count = max([len(self.headers)] + [len(values) for values, _h in sample])
        widths = [0] * count
        for column, header in enumerate(self.headers):
            # Headers wrap, so long ones need not widen the column fully.
            widths[column] = min(_display_width(header), 24)
        for values, _highlight in sample:
            for column, value in enumerate(values):
                widths[column] = max(widths[column], _display_width(_plain(value)))
        for column, chars in enumerate(widths, start=1):
            limit = _MAX_WIDTH + 30 if column - 1 == self.error_column else _MAX_WIDTH
            width = min(max(chars + 2, _MIN_WIDTH), limit)
            self.sheet.column_dimensions[get_column_letter(column)].width = width


def _chain(
    first: list[tuple[Sequence[object], bool]],
    rest: Iterator[tuple[Sequence[object], bool]],
) -> Iterator[tuple[Sequence[object], bool]]:
    yield from first
    yield from rest


def write_xlsx(
    headers: Sequence[object],
    rows: Iterable[Sequence[object]],
    *,
    sheet_title: str,
    title: str | None = None,
) -> bytes:
    """Write a one-sheet .xlsx and return its bytes.

    ``title`` (optional) is a bold row merged across the columns above the
    header. The header row is bold, shaded, frozen and has an auto-filter.
    date/datetime values become real Excel dates shown as dd/mm/yyyy (with
    hh:mm when a datetime has a time); text starting with "=" stays text.
    Rows are streamed (write-only mode): pass a generator for large exports.
    Write ID and phone numbers as str so Excel keeps their leading zeros.
    """
    writer = _SheetWriter(headers, sheet_title=sheet_title, title=title)
    return writer.write((values, False) for values in rows)


def write_error_copy(
    headers: Sequence[object],
    rows: Iterable[tuple[Sequence[object], Sequence[object]]],
    *,
    sheet_title: str = "Danh sách",
    title: str | None = None,
    error_header: str = ERROR_HEADER,
) -> bytes:
    """Write the uploaded data back with an extra last column of errors.

    ``headers`` is ``RosterTable.headers``; ``rows`` yields ``(raw, errors)``
    for every data row in file order, where ``raw`` is ``RosterRow.raw`` and
    ``errors`` the row's messages (empty for a valid row; lazy strings are
    fine). Error rows are shaded red and their messages joined with "; " in
    the ``error_header`` column. Users fix the copy and upload it again; the
    extra column is then ignored as an unknown header.
    """
    width = len(headers)
    writer = _SheetWriter(
        [*headers, error_header],
        sheet_title=sheet_title,
        title=title,
        error_column=width,
    )

    def annotated() -> Iterator[tuple[Sequence[object], bool]]:
        for raw, errors in rows:
            values = list(raw[:width])
            values.extend([None] * (width - len(values)))
            message = "; ".join(str(error) for error in errors if str(error))
            values.append(message or None)
            yield values, bool(message)

    return writer.write(annotated())
