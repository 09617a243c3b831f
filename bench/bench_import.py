"""Benchmark: importing a 100,000-row roster (.xlsx) into one enterprise.

Builds a valid, varied roster in a temporary directory, creates an enterprise
with its shifts, bus routes, teams and residences, and runs the real import
service in-process (``import_workers``, bulk writes in one transaction). Then
it times a naive import of a smaller file that calls ``save_worker`` once per
row, for comparison. Prints elapsed seconds, rows/s and peak RSS of each.

    createdb -h 127.0.0.1 -U postgres tuquan_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tuquan_bench \\
        .venv/bin/python bench/bench_import.py --rows 100000

Each measurement runs in a fresh child process so that its peak RSS
(``ru_maxrss``) is its own and not the file generator's. The database is
migrated if needed; everything the benchmark created is deleted at the end
(unless --keep). Without DATABASE_URL it uses the SQLite default.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import secrets
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tuquan.settings")
if not os.environ.get("SECRET_KEY"):
    # Benchmark keys (the test ones); never DEBUG, which would keep every query.
    os.environ.setdefault("TUQUAN_TESTING", "1")
os.environ["DEBUG"] = "0"

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from tuquan.core.context import acting_as  # noqa: E402
from tuquan.core.models import AuditEntry  # noqa: E402
from tuquan.core.validators import (  # noqa: E402
    MOBILE_PREFIXES,
    NATIONAL_ID_PROVINCE_CODES,
    national_id_century_sex_digit,
    tax_code_check_digit,
)
from tuquan.organisations.choices import OrgKind, TeamKind  # noqa: E402
from tuquan.organisations.models import (  # noqa: E402
    AdminUnit,
    BusRoute,
    Enterprise,
    Organisation,
    Residence,
    Shift,
    Team,
    Zone,
)
from tuquan.people.models import Employment, TeamMembership, Worker  # noqa: E402
from tuquan.people.roster_file import (  # noqa: E402
    EXPORT_HEADERS,
    parse_date,
    parse_sex,
    read_roster,
    write_xlsx,
)

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Võ", "Đặng", "Bùi", "Đỗ"]
MIDDLE = ["Văn", "Thị", "Đức", "Ngọc", "Minh", "Thu", "Hữu", "Kim", "Xuân", "Thanh"]
GIVEN = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Đông",
    "Hà",
    "Hạnh",
    "Hùng",
    "Lan",
    "Mai",
    "Nam",
    "Nga",
    "Phúc",
    "Quân",
    "Sơn",
    "Thảo",
    "Trang",
    "Tuấn",
    "Vy",
    "Yến",
]
WORKSHOPS = [
    f"Xưởng {name}"
    for name in (
        "May",
        "Cắt",
        "Đóng gói",
        "Hoàn thiện",
        "Kho",
        "Rang",
        "Xay",
        "Cơ điện",
    )
]
SHIFTS = [("Ca 1", 6, 14), ("Ca 2", 14, 22), ("Ca 3", 22, 6), ("Hành chính", 8, 17)]
ROUTES = ["Tuyến Hòa Phú", "Tuyến Buôn Ma Thuột", "Tuyến Ea Kao", "Tuyến Cư Êbur"]
TEAMS = [f"Tổ tự quản số {n}" for n in range(1, 13)]
RESIDENCES = ["Nhà trọ Bench Hoa Mai", "Ký túc xá Bench Số 1", "Nhà trọ Bench Phúc Lộc"]
MARK = "BENCH-IMPORT"
PREFIXES = sorted(MOBILE_PREFIXES)
PROVINCE_CODES = sorted(NATIONAL_ID_PROVINCE_CODES)


def peak_rss_mb() -> float:
    # Linux reports ru_maxrss in KiB.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def tax_code(seed: int) -> str:
    base = 300_000_000 + seed
    while (digit := tax_code_check_digit(f"{base:09d}")) is None:
        base += 1
    return f"{base:09d}{digit}"


def roster_rows(count: int, first_serial: int, seed: int, residences: list[str]) -> Any:
    """Valid, varied rows in the EXPORT_HEADERS order."""
    rng = random.Random(seed)
    for n in range(first_serial, first_serial + count):
        sex = rng.choice(("male", "female"))
        born = date(1970, 1, 1) + timedelta(days=rng.randrange(35 * 365))
        national_id = (
            f"{rng.choice(PROVINCE_CODES)}"
            f"{national_id_century_sex_digit(born.year, sex)}"
            f"{born.year % 100:02d}{n % 1_000_000:06d}"
        )
        phone = f"{rng.choice(PREFIXES)}{n % 10_000_000:07d}"
        middle = "Thị" if sex == "female" and rng.random() < 0.7 else rng.choice(MIDDLE)
        workshop = rng.choice(WORKSHOPS)
        has_home = rng.random() < 0.6
        start = date(2010, 1, 1) + timedelta(days=rng.randrange(15 * 365))
        yield [
            f"{rng.choice(FAMILY)} {middle} {rng.choice(GIVEN)}",
            born if rng.random() < 0.5 else born.strftime("%d/%m/%Y"),
            "Nữ" if sex == "female" else "Nam",
            national_id,
            phone if rng.random() < 0.8 else f"{phone[:4]} {phone[4:7]} {phone[7:]}",
            workshop,
            f"Chuyền {rng.randrange(1, 6)}",
            rng.choice(TEAMS) if rng.random() < 0.7 else "",
            rng.choice(SHIFTS)[0],
            rng.choice(residences) if has_home else "",
            f"P.{rng.randrange(1, 41):03d}" if has_home else "",
            rng.choice(ROUTES) if rng.random() < 0.5 else "",
            start,
        ]


def build_file(
    path: Path, rows: int, first_serial: int, seed: int, residences: list[str]
) -> None:
    if path.suffix == ".csv":
        # UTF-8 with BOM, dates as dd/mm/yyyy: what Excel's "CSV UTF-8" writes.
        with open(path, "w", encoding="utf-8-sig", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(EXPORT_HEADERS.values())
            for row in roster_rows(rows, first_serial, seed, residences):
                writer.writerow(
                    v.strftime("%d/%m/%Y") if isinstance(v, date) else v for v in row
                )
        return
    data = write_xlsx(
        list(EXPORT_HEADERS.values()),
        roster_rows(rows, first_serial, seed, residences),
        sheet_title="Danh sách",
        title="DANH SÁCH CÔNG NHÂN (dữ liệu thử hiệu năng)",
    )
    path.write_bytes(data)


def setup_enterprise(residences: list[str]) -> Enterprise:
    """An enterprise with shifts, routes, teams and residences, flagged MARK."""
    with transaction.atomic():
        province = AdminUnit.objects.create(
            name=f"Tỉnh {MARK}", kind=OrgKind.PROVINCE, code=MARK[:8]
        )
        commune = AdminUnit.objects.create(
            name=f"Xã {MARK}", kind=OrgKind.COMMUNE, parent=province, code=MARK[:8]
        )
        zone = Zone.objects.create(
            name=f"KCN {MARK}", kind=OrgKind.INDUSTRIAL_PARK, commune=commune
        )
        code = tax_code(random.randrange(1_000_000, 90_000_000))
        while Enterprise.objects.filter(tax_code=code).exists():
            code = tax_code(random.randrange(1_000_000, 90_000_000))
        enterprise = Enterprise.objects.create(
            name=f"Công ty {MARK}", zone=zone, tax_code=code, code=code
        )
        for name, start, end in SHIFTS:
            Shift.objects.create(
                enterprise=enterprise,
                name=name,
                starts_at=f"{start:02d}:00",
                ends_at=f"{end:02d}:00",
            )
        for name in ROUTES:
            BusRoute.objects.create(enterprise=enterprise, name=name)
        for name in TEAMS:
            Team.objects.create(
                name=name, team_kind=TeamKind.WORKPLACE, enterprise=enterprise
            )
        for name in residences:
            Residence.objects.create(name=name, commune=commune, address="1 Bench")
    return enterprise


def cleanup(enterprise_id: int, audit_from: int) -> None:
    enterprise = Enterprise.objects.get(pk=enterprise_id)
    province_path = enterprise.path.split("/")[0] + "/"
    with transaction.atomic():
        workers = Worker.objects.filter(enterprise_id=enterprise_id)
        TeamMembership.objects.filter(worker__in=workers)._raw_delete(connection.alias)
        Employment.objects.filter(worker__in=workers)._raw_delete(connection.alias)
        Team.objects.filter(path__startswith=province_path).update(
            leader=None, deputy=None
        )
        workers._raw_delete(connection.alias)
        # The audit log is append-only for the application; the benchmark
        # removes only the rows it wrote.
        AuditEntry.objects.filter(
            pk__gt=audit_from, scope_path__startswith=province_path
        )._raw_delete(connection.alias)
        nodes = Organisation.objects.filter(path__startswith=province_path)
        for node in nodes.order_by("-depth"):
            node.specific().delete()


# --------------------------------------------------------------------------
# Child processes
# --------------------------------------------------------------------------


def child_import(path: str, enterprise_id: int) -> dict[str, Any]:
    from tuquan.people.roster_import import SystemActor, import_workers

    enterprise = Enterprise.objects.get(pk=enterprise_id)
    marks: dict[str, float] = {}
    started = time.perf_counter()

    def progress(phase: str, done: int, total: int | None) -> None:
        if total is not None and done >= total:
            marks.setdefault(f"{phase}_done", time.perf_counter() - started)

    actor = SystemActor()
    with acting_as(actor, via="cli"):
        report = import_workers(
            source=path,
            filename=Path(path).name,
            enterprise=enterprise,
            by=actor,
            progress=progress,
        )
    elapsed = time.perf_counter() - started
    return {
        "rows": report.rows,
        "created": report.created,
        "invalid": report.invalid,
        "first_errors": [e.message for e in report.errors[:3]],
        "imported": report.imported,
        "seconds": elapsed,
        "read_and_check_seconds": marks.get("checking_done"),
        "save_seconds": elapsed - marks.get("checking_done", elapsed),
        "peak_rss_mb": peak_rss_mb(),
    }


def child_reimport(path: str, enterprise_id: int) -> dict[str, Any]:
    result = child_import(path, enterprise_id)
    result["audit_entries_after"] = AuditEntry.objects.count()
    return result


def child_read(path: str) -> dict[str, Any]:
    """Reading alone (roster_file), to tell file parsing from our work."""
    started = time.perf_counter()
    with read_roster(path, Path(path).name) as table:
        rows = sum(1 for _row in table.rows)
    return {
        "rows": rows,
        "seconds": time.perf_counter() - started,
        "peak_rss_mb": peak_rss_mb(),
    }


def child_naive(path: str, enterprise_id: int) -> dict[str, Any]:
    """The obvious implementation: save_worker() for every row."""
    from tuquan.organisations.models import Line, Room, Workshop
    from tuquan.people.roster_import import SystemActor
    from tuquan.people.services import save_worker

    enterprise = Enterprise.objects.get(pk=enterprise_id)
    province_path = enterprise.path.split("/")[0] + "/"
    actor = SystemActor()
    started = time.perf_counter()
    rows = 0
    with acting_as(actor, via="cli"), read_roster(path, Path(path).name) as table:
        for row in table.rows:
            values = row.values
            workshop, _ = Workshop.objects.get_or_create(
                enterprise=enterprise, name=values["workshop"]
            )
            line, _ = Line.objects.get_or_create(workshop=workshop, name=values["line"])
            residence = room = None
            if values["residence"]:
                residence = Residence.objects.get(
                    name=values["residence"], path__startswith=province_path
                )
                room, _ = Room.objects.get_or_create(
                    residence=residence, number=values["room"]
                )
            teams = []
            if values["team"]:
                teams = [Team.objects.get(enterprise=enterprise, name=values["team"])]
            save_worker(
                by=actor,
                values={
                    "full_name": values["full_name"],
                    "date_of_birth": parse_date(values["date_of_birth"]),
                    "sex": parse_sex(values["sex"]),
                    "national_id": values["national_id"],
                    "phone": values["phone"],
                    "enterprise": enterprise,
                    "workshop": workshop,
                    "line": line,
                    "shift": Shift.objects.get(
                        enterprise=enterprise, name=values["shift"]
                    ),
                    "residence": residence,
                    "room": room,
                    "bus_route": BusRoute.objects.filter(
                        enterprise=enterprise, name=values["bus_route"] or "-"
                    ).first(),
                    "employment_start": parse_date(values["employment_start"]),
                },
                teams=teams,
            )
            rows += 1
    return {
        "rows": rows,
        "seconds": time.perf_counter() - started,
        "peak_rss_mb": peak_rss_mb(),
    }


def child_fernet(count: int) -> dict[str, Any]:
    from tuquan.core import crypto

    started = time.perf_counter()
    for n in range(count):
        crypto.encrypt(f"0660951{n:05d}")
    encrypt = time.perf_counter() - started
    started = time.perf_counter()
    for n in range(count):
        crypto.lookup_hash(f"0660951{n:05d}")
    return {
        "count": count,
        "encrypt_seconds": encrypt,
        "hash_seconds": time.perf_counter() - started,
    }


CHILDREN = {
    "import": child_import,
    "reimport": child_reimport,
    "read": child_read,
    "naive": child_naive,
}


def run_child(*args: str) -> dict[str, Any]:
    completed = subprocess.run(
        [sys.executable, __file__, "--child", *args],
        capture_output=True,
        text=True,
    )
    if completed.returncode:
        sys.stderr.write(completed.stderr)
        raise SystemExit(f"benchmark step {args[0]} failed")
    return json.loads(completed.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--naive-rows", type=int, default=5_000)
    parser.add_argument(
        "--time-reading",
        action="store_true",
        help="also time reading the file alone (roster_file)",
    )
    parser.add_argument(
        "--reimport",
        action="store_true",
        help="also time importing the same file again (no changes)",
    )
    parser.add_argument(
        "--format",
        choices=("xlsx", "csv"),
        default="xlsx",
        help="file format of the roster (csv shows the import without xlsx parsing)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the data")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        kind, *rest = args.child
        if kind == "fernet":
            result = child_fernet(int(rest[0]))
        elif kind == "read":
            result = child_read(rest[0])
        else:
            result = CHILDREN[kind](rest[0], int(rest[1]))
        print(json.dumps(result))
        return

    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    # Residences are matched by name: make this run's names unique.
    residences = [f"{name} {secrets.token_hex(3)}" for name in RESIDENCES]
    with tempfile.TemporaryDirectory(prefix="tuquan-bench-") as tmp:
        big = Path(tmp) / f"danh-sach-{args.rows}.{args.format}"
        small = Path(tmp) / "danh-sach-naive.xlsx"
        started = time.perf_counter()
        build_file(big, args.rows, 1, seed=1, residences=residences)
        build_file(small, args.naive_rows, 500_000, seed=2, residences=residences)
        print(
            f"built {args.rows:,} + {args.naive_rows:,} rows in "
            f"{time.perf_counter() - started:.1f} s ({big.stat().st_size / 1e6:.1f} MB)"
        )

        audit_from = (
            AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first()
        )
        enterprise = setup_enterprise(residences)
        try:
            if args.time_reading:
                read = run_child("read", str(big))
                print(
                    f"read only (roster_file): {read['rows']:,} rows in "
                    f"{read['seconds']:.1f} s, peak RSS {read['peak_rss_mb']:.0f} MB"
                )
            bulk = run_child("import", str(big), str(enterprise.pk))
            print(
                f"bulk import: {bulk['created']:,} of {bulk['rows']:,} rows in "
                f"{bulk['seconds']:.1f} s = "
                f"{bulk['rows'] / bulk['seconds']:,.0f} rows/s "
                f"(read+check {bulk['read_and_check_seconds']:.1f} s, "
                f"save {bulk['save_seconds']:.1f} s), "
                f"peak RSS {bulk['peak_rss_mb']:.0f} MB"
            )
            if bulk["invalid"]:
                print(f"  invalid rows: {bulk['invalid']} {bulk['first_errors']}")
            if args.reimport:
                again = run_child("reimport", str(big), str(enterprise.pk))
                print(
                    f"re-import (no changes): {again['seconds']:.1f} s, "
                    f"{again['created']} created, "
                    f"peak RSS {again['peak_rss_mb']:.0f} MB"
                )
            fernet = run_child("fernet", str(args.rows * 2))
            print(
                f"Fernet: {fernet['count']:,} encryptions (ID + phone per row) "
                f"{fernet['encrypt_seconds']:.1f} s; lookup hashes "
                f"{fernet['hash_seconds']:.1f} s"
            )
            naive = run_child("naive", str(small), str(enterprise.pk))
            rate = naive["rows"] / naive["seconds"]
            print(
                f"naive save_worker per row: {naive['rows']:,} rows in "
                f"{naive['seconds']:.1f} s = {rate:,.0f} rows/s "
                f"(100,000 rows would take ~{args.rows / rate:,.0f} s), "
                f"peak RSS {naive['peak_rss_mb']:.0f} MB"
            )
            speedup = (bulk["rows"] / bulk["seconds"]) / rate
            print(f"bulk vs naive: {speedup:.0f}x faster per row")
        finally:
            if not args.keep:
                cleanup(enterprise.pk, audit_from or 0)
                print("cleaned up")


if __name__ == "__main__":
    main()
