"""Benchmark: one week's epidemic levels for every commune and zone of a
province, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tuquan_bench_levels \\
        .venv/bin/python bench/bench_levels.py

Generated data (``--workers`` 100,000 by default):

- 100 communes with one industrial park each (200 units assessed), 10
  enterprises per park (1,000), the workers spread evenly, born 1960–2005 (a few
  are 65 or over, a few under 18);
- vaccination doses: 85 % of workers have dose 1, 70 % dose 2, 20 % dose 3,
  given before the week (about 175,000 rows);
- ``--cases`` (100) closed cases of random workers confirmed during the week;
- treatment capacity entered for a tenth of the units.

Measured: ``compute_levels`` for the week (first run creates the 200 rows,
the following ones update them in place): each run's wall time, median and max.
The database is created if missing and migrated; ``--reuse`` keeps the data of
an earlier run, ``--drop`` removes the database at the end.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tuquan.settings")
os.environ.setdefault(
    "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tuquan_bench_levels"
)
os.environ.setdefault("TUQUAN_TESTING", "1")  # test keys for the field encryption
os.environ["DEBUG"] = "0"

import django  # noqa: E402

django.setup()

import psycopg  # noqa: E402
import time_machine  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from tuquan.core.validators import tax_code_check_digit  # noqa: E402
from tuquan.health.models import Case, CaseOutcome, DiseaseProfile  # noqa: E402
from tuquan.levels.models import CapacityEntry, WeeklyLevel  # noqa: E402
from tuquan.levels.services import compute_levels  # noqa: E402
from tuquan.organisations.choices import OrgKind  # noqa: E402
from tuquan.organisations.models import AdminUnit, Enterprise, Zone  # noqa: E402
from tuquan.people.models import Worker  # noqa: E402
from tuquan.screening.models import Vaccination  # noqa: E402

MARK = "BENCH-LEVELS"
COMMUNES = 100
ENTERPRISES_PER_ZONE = 10
WEEK = date(2021, 11, 1)  # a Monday after the shipped thresholds took effect
RUNS = 5


def pg_conninfo(dbname: str | None = None) -> str:
    db = settings.DATABASES["default"]
    parts = {
        "host": db.get("HOST") or "127.0.0.1",
        "port": db.get("PORT") or 5432,
        "user": db.get("USER") or "postgres",
        "dbname": dbname or db["NAME"],
    }
    if db.get("PASSWORD"):
        parts["password"] = db["PASSWORD"]
    return " ".join(f"{key}={value}" for key, value in parts.items())


def ensure_database() -> None:
    name = settings.DATABASES["default"]["NAME"]
    with psycopg.connect(pg_conninfo("postgres"), autocommit=True) as conn:
        if not conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def drop_database() -> None:
    connection.close()
    name = settings.DATABASES["default"]["NAME"]
    with psycopg.connect(pg_conninfo("postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def tax_code(n: int) -> str:
    base = 700_000_000 + n * 13
    while tax_code_check_digit(f"{base:09d}") is None:
        base += 1
    return f"{base:09d}{tax_code_check_digit(f'{base:09d}')}"


def build(workers: int, cases: int, seed: int) -> None:
    rng = random.Random(seed)
    started = time.perf_counter()
    with transaction.atomic():
        province = AdminUnit.objects.create(
            name=f"Tỉnh {MARK}", kind=OrgKind.PROVINCE, code=f"{MARK}-p"
        )
        enterprises: list[Enterprise] = []
        units = []
        for c in range(COMMUNES):
            commune = AdminUnit.objects.create(
                name=f"Xã {MARK} {c}", kind=OrgKind.COMMUNE, parent=province
            )
            zone = Zone.objects.create(name=f"KCN {MARK} {c}", commune=commune)
            units += [commune, zone]
            for e in range(ENTERPRISES_PER_ZONE):
                n = c * ENTERPRISES_PER_ZONE + e
                enterprises.append(
                    Enterprise.objects.create(
                        name=f"Công ty {MARK} {n}", tax_code=tax_code(n), zone=zone
                    )
                )
        people = []
        for i in range(workers):
            born = date(1960, 1, 1) + timedelta(days=rng.randrange(0, 365 * 45))
            worker = Worker(
                full_name=f"Người lao động {i}",
                date_of_birth=born,
                sex=rng.choice(["male", "female"]),
                enterprise=enterprises[i % len(enterprises)],
            )
            worker.national_id = f"0660{born.year % 100:02d}{i:06d}"
            people.append(worker)
        Worker.objects.bulk_create(people, batch_size=5000)
        doses = []
        for worker in people:
            roll = rng.random()
            count = 3 if roll < 0.2 else 2 if roll < 0.7 else 1 if roll < 0.85 else 0
            for dose in range(1, count + 1):
                doses.append(
                    Vaccination(
                        worker=worker,
                        dose=dose,
                        given_on=date(2021, 7, 1) + timedelta(days=40 * dose),
                        vaccine="AstraZeneca",
                        client_id=uuid.uuid4(),
                    )
                )
        Vaccination.objects.bulk_create(doses, batch_size=5000)
        profile = DiseaseProfile.objects.get(code="covid-19")
        Case.objects.bulk_create(
            [
                Case(
                    worker=worker,
                    profile=profile,
                    basis="positive_test",
                    confirmed_on=WEEK + timedelta(days=rng.randrange(7)),
                    isolation_until=WEEK + timedelta(days=14),
                    outcome=CaseOutcome.RECOVERED,
                )
                for worker in rng.sample(people, cases)
            ],
            batch_size=5000,
        )
        CapacityEntry.objects.bulk_create(
            CapacityEntry(
                unit=unit,
                week_start=WEEK,
                status=rng.choice(["meets", "falls_short"]),
                population=rng.randrange(5_000, 50_000)
                if unit.kind == "commune"
                else None,
            )
            for unit in units[::10]
        )
    print(
        f"  built {workers:,} workers, {len(doses):,} doses, {cases:,} cases "
        f"in {time.perf_counter() - started:.1f} s",
        flush=True,
    )


def measure() -> None:
    timings = []
    # The week must not be in the future: run "on" the following Wednesday.
    with time_machine.travel(WEEK + timedelta(days=9), tick=True):
        for _ in range(RUNS):
            started = time.perf_counter()
            rows = compute_levels(week_start=WEEK)
            timings.append((time.perf_counter() - started) * 1000)
    levels: dict[int | None, int] = {}
    for row in WeeklyLevel.objects.filter(week_start=WEEK):
        levels[row.level] = levels.get(row.level, 0) + 1
    print(f"  units assessed: {len(rows)}; levels: {dict(sorted(levels.items()))}")
    print(
        "  compute_levels, one week: "
        + ", ".join(f"{t:.0f}" for t in timings)
        + f" ms (median {statistics.median(timings):.0f} ms, max {max(timings):.0f} ms)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=100_000)
    parser.add_argument("--cases", type=int, default=100)
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--drop", action="store_true")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("PostgreSQL only: set DATABASE_URL=postgres://…")
    ensure_database()
    call_command("migrate", verbosity=0)
    built = Zone.objects.filter(name__startswith=f"KCN {MARK}").exists()
    if built and not args.reuse:
        drop_database()
        ensure_database()
        connection.close()
        call_command("migrate", verbosity=0)
        built = False
    if not built:
        print(f"Building {args.workers:,} workers…", flush=True)
        build(args.workers, args.cases, args.seed)
    measure()
    if args.drop:
        drop_database()


if __name__ == "__main__":
    main()
