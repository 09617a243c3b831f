"""``tuquan import_workers`` and ``tuquan export_workers``: exit codes, output
(Vietnamese through the catalogue), acting user in the audit log."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from tests.conftest import Province
from tests.test_import_workers import make_csv, make_parts, make_xlsx, person
from tuquan.core.models import AuditAction, AuditEntry
from tuquan.people.models import Worker
from tuquan.people.roster_file import EXPORT_HEADERS

# Shift, bus route, workshop and line of enterprise A, as the rows name them.
pytestmark = pytest.mark.usefixtures("parts")


@pytest.fixture
def parts(province: Province) -> dict[str, Any]:
    return make_parts(province)


def vi(text: str) -> str:
    """A msgid as the command prints it (Vietnamese once the catalogue has it)."""
    with translation.override("vi"):
        return _(text)


def cli(*args: str) -> tuple[int, str, str]:
    """Run a command; return (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    except CommandError as exc:
        err.write(str(exc))
        code = exc.returncode
    return code, out.getvalue(), err.getvalue()


def write(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_it_imports_a_file_and_prints_the_counts(
    province: Province, tmp_path: Path
) -> None:
    rows = [person(f"Công Nhân {i}", serial=i) for i in range(1, 4)]
    path = write(tmp_path, "ds.xlsx", make_xlsx(rows))
    tax_code = province.enterprise_a.tax_code

    code, out, err = cli(
        "import_workers", path, "--enterprise", tax_code, "--as", "doanhnghiep"
    )

    assert (code, err) == (0, "")
    assert "ds.xlsx" in out and tax_code in out
    assert (
        vi("Imported: %(changed)s changed (%(created)s new, %(updated)s updated).")
        % {
            "changed": 3,
            "created": 3,
            "updated": 0,
        }
        in out
    )
    assert Worker.objects.filter(full_name__startswith="Công Nhân").count() == 3
    entry = AuditEntry.objects.get(action=AuditAction.IMPORT)
    assert (entry.username, entry.via) == ("doanhnghiep", "cli")


def test_it_reports_zero_changed_when_importing_again(
    province: Province, tmp_path: Path
) -> None:
    path = write(tmp_path, "ds.csv", make_csv([person(serial=1)]))
    tax_code = province.enterprise_a.tax_code
    assert cli("import_workers", path, "--enterprise", tax_code)[0] == 0
    entries = AuditEntry.objects.count()

    code, out, _err = cli("import_workers", path, "--enterprise", tax_code)

    assert code == 0
    assert (
        vi("Imported: %(changed)s changed (%(created)s new, %(updated)s updated).")
        % {
            "changed": 0,
            "created": 0,
            "updated": 0,
        }
        in out
    )
    assert AuditEntry.objects.count() == entries


def test_it_acts_as_the_system_without_as(province: Province, tmp_path: Path) -> None:
    path = write(tmp_path, "ds.xlsx", make_xlsx([person(serial=1)]))
    code, _out, _err = cli(
        "import_workers", path, "--enterprise", province.enterprise_a.tax_code
    )

    assert code == 0
    created = AuditEntry.objects.get(
        action=AuditAction.CREATE, object_type="people.worker"
    )
    assert (created.user, created.username, created.via) == (None, "system", "cli")


def test_it_exits_1_and_lists_errors_when_rows_are_invalid(
    province: Province, tmp_path: Path
) -> None:
    rows = [person(serial=1), person(serial=2, shift="Ca ma"), person(serial=3)]
    path = write(tmp_path, "ds.xlsx", make_xlsx(rows))
    errors = tmp_path / "loi.xlsx"

    code, out, err = cli(
        "import_workers",
        path,
        "--enterprise",
        province.enterprise_a.tax_code,
        "--error-file",
        str(errors),
    )

    assert code == 1
    assert (
        vi("Row %(row)s, column “%(column)s” (%(value)s): %(message)s")
        % {
            "row": 3,
            "column": "Ca",
            "value": "Ca ma",
            "message": vi("Unknown shift “%(value)s”.") % {"value": "Ca ma"},
        }
        in err
    )
    assert (
        vi(
            "Nothing was imported: %(count)s rows are invalid. Correct them, "
            "or use --skip-invalid to import the valid rows only."
        )
        % {"count": 1}
        in err
    )
    assert not Worker.objects.filter(full_name="Nguyễn Văn An").exists()
    sheet = openpyxl.load_workbook(errors).active
    assert sheet.cell(row=3, column=len(sheet[1])).value.startswith("Ca")


def test_it_imports_valid_rows_with_skip_invalid_and_names_skipped_rows(
    province: Province, tmp_path: Path
) -> None:
    rows = [
        person(serial=1),
        person(serial=2, phone="12"),
        person(serial=3, phone="34"),
    ]
    path = write(tmp_path, "ds.xlsx", make_xlsx(rows))

    code, out, _err = cli(
        "import_workers",
        path,
        "--enterprise",
        province.enterprise_a.tax_code,
        "--skip-invalid",
    )

    assert code == 0
    assert vi("Skipped rows: %(rows)s") % {"rows": "3–4"} in out
    assert Worker.objects.filter(full_name="Nguyễn Văn An").count() == 1


def test_it_writes_nothing_on_a_dry_run(province: Province, tmp_path: Path) -> None:
    path = write(tmp_path, "ds.xlsx", make_xlsx([person(serial=1)]))
    before = AuditEntry.objects.count()

    code, out, _err = cli(
        "import_workers",
        path,
        "--enterprise",
        province.enterprise_a.tax_code,
        "--dry-run",
    )

    assert code == 0 and vi("Dry run: nothing was written.") in out
    assert AuditEntry.objects.count() == before
    assert not Worker.objects.filter(full_name="Nguyễn Văn An").exists()


def test_it_exits_2_when_it_cannot_run(province: Province, tmp_path: Path) -> None:
    path = write(tmp_path, "ds.xlsx", make_xlsx([person(serial=1)]))
    tax_code = province.enterprise_a.tax_code

    code, _out, err = cli("import_workers", path, "--enterprise", "0100233488")
    assert code == 2 and "0100233488" in err
    code, _out, err = cli(
        "import_workers", path, "--enterprise", tax_code, "--as", "ai"
    )
    assert (
        code == 2
        and vi("No active user is called %(username)s.") % {"username": "ai"} in err
    )
    code, _out, _err = cli(
        "import_workers", str(tmp_path / "no.xlsx"), "--enterprise", tax_code
    )
    assert code == 2
    bad = write(tmp_path, "ds.csv", b"Cot A,Cot B\n1,2\n")
    assert cli("import_workers", bad, "--enterprise", tax_code)[0] == 2


def test_it_hides_other_scopes(province: Province, tmp_path: Path) -> None:
    """An enterprise-B officer can neither import into nor export enterprise A."""
    path = write(tmp_path, "ds.xlsx", make_xlsx([person(serial=1)]))
    tax_code = province.enterprise_a.tax_code

    code, _out, _err = cli(
        "import_workers", path, "--enterprise", tax_code, "--as", "doanhnghiepb"
    )
    assert code == 2
    assert not Worker.objects.filter(full_name="Nguyễn Văn An").exists()

    out_file = tmp_path / "xuat.xlsx"
    code, _out, err = cli(
        "export_workers",
        "--enterprise",
        tax_code,
        "-o",
        str(out_file),
        "--as",
        "doanhnghiepb",
    )
    assert code == 2 and tax_code in err
    assert not out_file.exists()


def test_it_exports_an_enterprise_roster(province: Province, tmp_path: Path) -> None:
    out_file = tmp_path / "xuat.xlsx"
    code, out, _err = cli(
        "export_workers",
        "--enterprise",
        province.enterprise_a.tax_code,
        "-o",
        str(out_file),
        "--as",
        "doanhnghiep",
    )

    assert code == 0
    assert (
        vi("Exported %(count)s workers to %(path)s.")
        % {
            "count": 3,
            "path": out_file,
        }
        in out
    )
    rows = list(openpyxl.load_workbook(out_file).active.iter_rows(values_only=True))
    assert list(rows[1]) == list(EXPORT_HEADERS.values())
    names = {row[0] for row in rows[2:]}
    assert names == {"Nguyễn Văn Đông", "Trần Thị Lan", "Lê Văn Hùng"}
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT)
    assert entry.changes["count"] == 3 and entry.via == "cli"


def test_it_round_trips_export_then_import_without_changes(
    province: Province, tmp_path: Path
) -> None:
    tax_code = province.enterprise_a.tax_code
    rows = [
        person(f"Người {i}", serial=i, line="Chuyền 1", team="Tổ tự quản Xưởng Rang")
        for i in range(1, 4)
    ]
    rows[0]["Tuyến xe"] = "Tuyến Buôn Ma Thuột"
    source = write(tmp_path, "ds.xlsx", make_xlsx(rows))
    assert (
        cli("import_workers", source, "--enterprise", tax_code, "--as", "doanhnghiep")[
            0
        ]
        == 0
    )
    out_file = tmp_path / "xuat.xlsx"
    assert (
        cli(
            "export_workers",
            "--enterprise",
            tax_code,
            "-o",
            str(out_file),
            "--as",
            "doanhnghiep",
        )[0]
        == 0
    )
    entries = AuditEntry.objects.exclude(action=AuditAction.EXPORT).count()

    code, out, err = cli(
        "import_workers", str(out_file), "--enterprise", tax_code, "--as", "doanhnghiep"
    )

    assert code == 0, err
    assert (
        vi(
            "Rows: %(rows)s; new: %(created)s; changed: %(updated)s; "
            "unchanged: %(unchanged)s; invalid: %(invalid)s"
        )
        % {"rows": 6, "created": 0, "updated": 0, "unchanged": 6, "invalid": 0}
        in out
    )
    assert AuditEntry.objects.exclude(action=AuditAction.EXPORT).count() == entries


@pytest.mark.parametrize("persona", ["zone"])
def test_it_exports_masked_ids_for_roles_without_personal_data(
    province: Province, tmp_path: Path, persona: str
) -> None:
    out_file = tmp_path / "xuat.xlsx"
    username = province.user(persona).username
    code, out, _err = cli(
        "export_workers",
        "--enterprise",
        province.enterprise_a.tax_code,
        "-o",
        str(out_file),
        "--as",
        username,
    )

    assert code == 0
    rows = list(openpyxl.load_workbook(out_file).active.iter_rows(values_only=True))
    assert all(row[3].startswith("•") for row in rows[2:])
    assert (
        vi(
            "National ID and phone numbers are masked: this file cannot be "
            "imported again."
        )
        in out
    )
    # Importing it back is refused row by row, with the reason.
    code, _out, err = cli(
        "import_workers", str(out_file), "--enterprise", province.enterprise_a.tax_code
    )
    assert code == 1
    assert (
        vi(
            "This national ID is masked (the file comes from an export without "
            "personal data) and cannot be imported."
        )
        in err
    )
