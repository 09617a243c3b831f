""".xlsx import of test results and vaccination doses, with the roster
import's rules (``tuquan.people.roster_import``):

* Workers are identified by national ID (CCCD), as the roster import does; a
  name column, when present, must match the registered name.
* All or nothing: every bad row is reported with its row number, column and a
  Vietnamese reason, and with any bad row nothing is saved.
* Importing the same file again adds nothing: a test is the same when worker,
  kind, sample date and facility are; a dose when worker and dose number are.

Header cells are matched without accents, capitals or punctuation, and may sit
below a few title rows, like roster headers.
"""

from __future__ import annotations

import uuid
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from tuquan.core import audit, crypto
from tuquan.core.text import fold, nfc
from tuquan.core.validators import normalise_national_id
from tuquan.people.models import EmploymentStatus, Worker
from tuquan.people.roster_file import (
    _header_key,
    _match_header,
    _restore_national_id,
    parse_date,
)
from tuquan.people.roster_import import RowError
from tuquan.screening.models import (
    ScreeningMethod,
    ScreeningResult,
    ScreeningTest,
    Vaccination,
)
from tuquan.screening.services import (
    MAX_DOSE,
    MAX_TEXT,
    MAX_VACCINE,
    SAMPLE_DATE,
    VACCINATION_DATE,
    Access,
    audit_created,
    with_paths,
)

HEADER_SCAN_ROWS = 30
MAX_ROWS = 20_000
_NAMESPACE = uuid.UUID("0b8e7d52-4c1a-4f0e-b3f8-5d7a9e2c6a41")

# Column headers as Vietnamese data labels (a template file uses these).
TEST_HEADERS = {
    "national_id": "Số CCCD",
    "full_name": "Họ và tên",
    "sampled_on": "Ngày lấy mẫu",
    "method": "Loại xét nghiệm",
    "facility": "Nơi xét nghiệm",
    "result": "Kết quả",
}
VACCINATION_HEADERS = {
    "national_id": "Số CCCD",
    "full_name": "Họ và tên",
    "dose": "Mũi số",
    "given_on": "Ngày tiêm",
    "vaccine": "Tên vắc xin",
    "place": "Nơi tiêm",
}
_ALIASES = {
    "sampled_on": ("Ngày lấy mẫu", "Ngày xét nghiệm", "Ngày XN", "Ngày test"),
    "method": (
        "Loại xét nghiệm",
        "Loại XN",
        "Phương pháp",
        "Phương pháp xét nghiệm",
        "Loại test",
    ),
    "facility": (
        "Nơi xét nghiệm",
        "Cơ sở xét nghiệm",
        "Đơn vị xét nghiệm",
        "Nơi XN",
        "Nơi lấy mẫu",
    ),
    "result": ("Kết quả", "Kết quả xét nghiệm", "KQ", "KQ xét nghiệm"),
    "dose": ("Mũi số", "Mũi", "Mũi tiêm", "Mũi thứ", "Liều"),
    "given_on": ("Ngày tiêm", "Ngày tiêm chủng"),
    "vaccine": ("Tên vắc xin", "Vắc xin", "Loại vắc xin", "Tên vaccine", "Vaccine"),
    "place": ("Nơi tiêm", "Cơ sở tiêm chủng", "Địa điểm tiêm", "Điểm tiêm"),
}
_FIELD_BY_KEY = {
    _header_key(a): name for name, aliases in _ALIASES.items() for a in aliases
}

_METHODS = {
    "test nhanh": ScreeningMethod.RAPID_ANTIGEN,
    "nhanh": ScreeningMethod.RAPID_ANTIGEN,
    "khang nguyen": ScreeningMethod.RAPID_ANTIGEN,
    "test nhanh khang nguyen": ScreeningMethod.RAPID_ANTIGEN,
    "xet nghiem nhanh": ScreeningMethod.RAPID_ANTIGEN,
    "xet nghiem nhanh khang nguyen": ScreeningMethod.RAPID_ANTIGEN,
    "rapid antigen": ScreeningMethod.RAPID_ANTIGEN,
    "rt pcr": ScreeningMethod.RT_PCR,
    "pcr": ScreeningMethod.RT_PCR,
    "rtpcr": ScreeningMethod.RT_PCR,
}
_RESULTS = {
    "am tinh": ScreeningResult.NEGATIVE,
    "am": ScreeningResult.NEGATIVE,
    "negative": ScreeningResult.NEGATIVE,
    "duong tinh": ScreeningResult.POSITIVE,
    "duong": ScreeningResult.POSITIVE,
    "positive": ScreeningResult.POSITIVE,
    "cho ket qua": ScreeningResult.PENDING,
    "dang cho": ScreeningResult.PENDING,
    "chua co ket qua": ScreeningResult.PENDING,
    "pending": ScreeningResult.PENDING,
    "khong hop le": ScreeningResult.INVALID,
    "khong xac dinh": ScreeningResult.INVALID,
    "invalid": ScreeningResult.INVALID,
}


class ImportFileError(Exception):
    """The file as a whole cannot be read (message already translated)."""


@dataclass
class ScreeningImport:
    """What an import found and did."""

    kind: str  # "tests" or "vaccinations"
    rows: int = 0
    created: int = 0
    duplicates: int = 0
    errors: list[RowError] = field(default_factory=list)
    imported: bool = False

    @property
    def invalid_rows(self) -> int:
        return len({error.row for error in self.errors})


def _field_of(cell: object) -> str | None:
    key = _header_key(cell)
    if not key:
        return None
    return _FIELD_BY_KEY.get(key) or _match_header(str(cell))


def _rows(
    stream: IO[bytes], required: tuple[str, ...]
) -> tuple[dict[str, int], dict[str, str], Iterator[tuple[int, tuple[Any, ...]]]]:
    """Columns (field → index), their headers as written, and the data rows."""
    if not zipfile.is_zipfile(stream):
        raise ImportFileError(_("Upload an Excel workbook (.xlsx)."))
    stream.seek(0)
    try:
        book = load_workbook(stream, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ImportFileError(
            _("The Excel file could not be read; it may be damaged.")
        ) from exc
    sheet = book.active
    rows = sheet.iter_rows(values_only=True)
    for number, cells in enumerate(rows, start=1):
        if number > HEADER_SCAN_ROWS:
            break
        columns: dict[str, int] = {}
        headers: dict[str, str] = {}
        for index, cell in enumerate(cells):
            name = _field_of(cell)
            if name and name not in columns:
                columns[name], headers[name] = index, nfc(str(cell))
        if all(name in columns for name in required):
            numbered = ((n, r) for n, r in enumerate(rows, start=number + 1))
            return columns, headers, numbered
    raise ImportFileError(
        _("No header row was found; the file needs the columns %(columns)s.")
        % {"columns": ", ".join(required)}
    )


def _too_long(limit: int) -> str:
    return _("At most %(max)d characters.") % {"max": limit}


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return nfc(str(value))


class _Rows:
    """Reads one row's cells and collects its errors."""

    def __init__(self, report: ScreeningImport, headers: dict[str, str]) -> None:
        self.report, self.headers = report, headers

    def error(self, row: int, name: str, value: object, message: str) -> None:
        shown = value.strftime("%d/%m/%Y") if isinstance(value, date) else _text(value)
        self.report.errors.append(
            RowError(row, self.headers.get(name, ""), shown[:60], message)
        )

    def day(self, row: int, name: str, value: object, label: Any) -> date | None:
        try:
            day = parse_date(value)
        except ValueError as exc:
            self.error(row, name, value, str(exc))
            return None
        if day is None:
            self.error(row, name, value, _("Enter the %(label)s.") % {"label": label})
        elif day > timezone.localdate():
            self.error(
                row,
                name,
                value,
                capfirst(
                    _("The %(label)s cannot be in the future.") % {"label": label}
                ),
            )
            return None
        return day

    def choice(
        self, row: int, name: str, value: object, table: dict[str, str], message: str
    ) -> str | None:
        found = table.get(_header_key(value))
        if found is None:
            self.error(row, name, value, message)
        return found


def _national_ids(
    cells: list[tuple[int, tuple[Any, ...]]], column: int
) -> dict[str, Worker]:
    """Workers by national ID hash, for every ID cell of the file (chunked)."""
    hashes = set()
    for _number, row in cells:
        digits = _id_digits(row[column] if column < len(row) else None)
        if digits:
            hashes.add(crypto.lookup_hash(digits))
    found: dict[str, Worker] = {}
    listed = list(hashes)
    for start in range(0, len(listed), 900):
        workers = with_paths(
            Worker.objects.filter(national_id_hash__in=listed[start : start + 900])
        )
        found.update({w.national_id_hash: w for w in workers})
    return found


def _id_digits(value: object) -> str:
    text = _text(value).replace(" ", "").replace(".", "")
    if text.isdigit():
        return _restore_national_id(text) if isinstance(value, int | float) else text
    return ""


def _import(
    stream: IO[bytes],
    *,
    by: Any,
    kind: str,
    required: tuple[str, ...],
    parse_row: Callable[[_Rows, int, dict[str, Any], Worker], Any],
    save: Callable[[list[Any], ScreeningImport], None],
    check: Callable[[list[Any], _Rows], None] | None = None,
) -> ScreeningImport:
    report = ScreeningImport(kind=kind)
    try:
        columns, headers, numbered = _rows(stream, required)
    except ImportFileError as exc:
        report.errors.append(RowError(0, "", "", str(exc)))
        return report
    reader = _Rows(report, headers)
    cells = []
    for number, row in numbered:
        if all(value is None or _text(value) == "" for value in row):
            continue
        cells.append((number, row))
        if len(cells) > MAX_ROWS:
            report.errors.append(
                RowError(
                    number,
                    "",
                    "",
                    _("At most %(max)d rows per file.") % {"max": MAX_ROWS},
                )
            )
            return report
    report.rows = len(cells)
    workers = _national_ids(cells, columns["national_id"])
    allowed = Access(by).recordable(workers.values())
    parsed = []
    for number, row in cells:
        values = {
            name: row[index] if index < len(row) else None
            for name, index in columns.items()
        }
        raw_id = values["national_id"]
        digits = _id_digits(raw_id)
        try:
            normalise_national_id(digits or _text(raw_id))
        except ValidationError as exc:
            reader.error(number, "national_id", raw_id, " ".join(exc.messages))
            continue
        worker = workers.get(crypto.lookup_hash(digits))
        if worker is None or worker.pk not in allowed:
            reader.error(
                number,
                "national_id",
                raw_id,
                _("No worker with this national ID in your scope."),
            )
            continue
        if worker.employment_status != EmploymentStatus.ACTIVE:
            reader.error(
                number,
                "national_id",
                raw_id,
                _("%(name)s is not working now; nothing is recorded for them.")
                % {"name": worker.full_name},
            )
            continue
        name = _text(values.get("full_name"))
        if name and fold(name) != worker.name_folded:
            reader.error(
                number,
                "full_name",
                name,
                _("The national ID belongs to %(name)s.") % {"name": worker.full_name},
            )
            continue
        item = parse_row(reader, number, values, worker)
        if item is not None:
            parsed.append(item)
    if check is not None and not report.errors:
        check(parsed, reader)
    if report.errors:
        return report
    with transaction.atomic():
        save(parsed, report)
        audit.record(
            audit.AuditAction.IMPORT,
            None,
            changes={"kind": kind, "rows": report.rows, "created": report.created},
            user=by,
            object_repr=kind,
        )
    report.imported = True
    return report


def import_tests_xlsx(stream: IO[bytes], *, by: Any) -> ScreeningImport:
    """Import individual test results (one row per test)."""
    seen: dict[uuid.UUID, int] = {}

    def parse_row(
        reader: _Rows, number: int, values: dict[str, Any], worker: Worker
    ) -> Any:
        sampled_on = reader.day(number, "sampled_on", values["sampled_on"], SAMPLE_DATE)
        raw_method = values["method"]
        if "gop" in _header_key(raw_method).split():
            reader.error(
                number,
                "method",
                raw_method,
                _("Pooled samples are recorded on the pool page, not imported."),
            )
            method = None
        else:
            method = reader.choice(
                number,
                "method",
                raw_method,
                _METHODS,
                _("Write “Test nhanh” or “RT-PCR”."),
            )
        facility = _text(values["facility"])
        if not facility:
            reader.error(number, "facility", "", _("Enter the testing facility."))
        elif len(facility) > MAX_TEXT:
            reader.error(number, "facility", facility, _too_long(MAX_TEXT))
            facility = ""
        raw_result = values.get("result")
        result = (
            ScreeningResult.PENDING
            if _text(raw_result) == ""
            else reader.choice(
                number,
                "result",
                raw_result,
                _RESULTS,
                _("Write Âm tính, Dương tính, Chờ kết quả or Không hợp lệ."),
            )
        )
        if None in (sampled_on, method, result) or not facility:
            return None
        client_id = uuid.uuid5(
            _NAMESPACE, f"test:{worker.pk}:{method}:{sampled_on}:{fold(facility)}"
        )
        if client_id in seen:
            reader.error(
                number,
                "national_id",
                values["national_id"],
                _("The same test as row %(row)d.") % {"row": seen[client_id]},
            )
            return None
        seen[client_id] = number
        return ScreeningTest(
            worker=worker,
            method=method,
            sampled_on=sampled_on,
            facility=facility,
            result=result,
            recorded_by=by if getattr(by, "pk", None) else None,
            client_id=client_id,
        )

    def save(items: list[ScreeningTest], report: ScreeningImport) -> None:
        known = set(
            ScreeningTest.objects.filter(
                client_id__in=[t.client_id for t in items]
            ).values_list("client_id", flat=True)
        )
        fresh = [t for t in items if t.client_id not in known]
        ScreeningTest.objects.bulk_create(fresh, batch_size=1000)
        audit_created(
            fresh, by, lambda t: {"method": t.method, "sampled_on": str(t.sampled_on)}
        )
        report.created, report.duplicates = len(fresh), len(items) - len(fresh)

    return _import(
        stream,
        by=by,
        kind="tests",
        required=("national_id", "sampled_on", "method", "facility", "result"),
        parse_row=parse_row,
        save=save,
    )


def import_vaccinations_xlsx(stream: IO[bytes], *, by: Any) -> ScreeningImport:
    """Import vaccination doses (one row per dose). A dose already recorded
    with the same date is a duplicate; with another date, an error."""
    seen: dict[tuple[int, int], int] = {}

    def parse_row(
        reader: _Rows, number: int, values: dict[str, Any], worker: Worker
    ) -> Any:
        raw_dose = values["dose"]
        text = _text(raw_dose)
        dose = int(text) if text.isdigit() else None
        if dose is None or not 1 <= dose <= MAX_DOSE:
            reader.error(
                number,
                "dose",
                raw_dose,
                _("The dose number is a whole number from 1 to %(max)d.")
                % {"max": MAX_DOSE},
            )
            dose = None
        given_on = reader.day(number, "given_on", values["given_on"], VACCINATION_DATE)
        vaccine = _text(values["vaccine"])
        place = _text(values.get("place"))
        if not vaccine:
            reader.error(number, "vaccine", "", _("Enter the vaccine name."))
        elif len(vaccine) > MAX_VACCINE:
            reader.error(number, "vaccine", vaccine, _too_long(MAX_VACCINE))
            vaccine = ""
        if len(place) > MAX_TEXT:
            reader.error(number, "place", place, _too_long(MAX_TEXT))
            return None
        if dose is None or given_on is None or not vaccine:
            return None
        if (worker.pk, dose) in seen:
            reader.error(
                number,
                "dose",
                raw_dose,
                _("Dose %(dose)d of this worker is also on row %(row)d.")
                % {"dose": dose, "row": seen[(worker.pk, dose)]},
            )
            return None
        seen[(worker.pk, dose)] = number
        row = Vaccination(
            worker=worker,
            dose=dose,
            given_on=given_on,
            vaccine=vaccine,
            place=place,
            recorded_by=by if getattr(by, "pk", None) else None,
            client_id=uuid.uuid5(_NAMESPACE, f"dose:{worker.pk}:{dose}"),
        )
        row._row = number  # type: ignore[attr-defined]
        return row

    def check(items: list[Vaccination], reader: _Rows) -> None:
        existing = {
            (v.worker_id, v.dose): v
            for v in Vaccination.objects.filter(
                worker_id__in={v.worker_id for v in items}
            )
        }
        for row in items:
            old = existing.get((row.worker_id, row.dose))
            if old is not None and old.given_on != row.given_on:
                reader.error(
                    row._row,  # type: ignore[attr-defined]
                    "dose",
                    row.dose,
                    _("%(name)s already has dose %(dose)d recorded (%(day)s).")
                    % {
                        "name": row.worker.full_name,
                        "dose": row.dose,
                        "day": old.given_on.strftime("%d/%m/%Y"),
                    },
                )
            elif old is not None:
                row._known = True  # type: ignore[attr-defined]

    def save(items: list[Vaccination], report: ScreeningImport) -> None:
        fresh = [row for row in items if not getattr(row, "_known", False)]
        Vaccination.objects.bulk_create(fresh, batch_size=1000)
        audit_created(
            fresh, by, lambda v: {"dose": v.dose, "given_on": str(v.given_on)}
        )
        report.created, report.duplicates = len(fresh), len(items) - len(fresh)

    return _import(
        stream,
        by=by,
        kind="vaccinations",
        required=("national_id", "dose", "given_on", "vaccine"),
        parse_row=parse_row,
        save=save,
        check=check,
    )
