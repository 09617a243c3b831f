"""Benchmark: the scoped, searched worker list (a page of 50) over N workers.

Builds N workers (default 100,000) in the database named by DATABASE_URL (or
the SQLite default), then requests the worker list page and the API list as
three personas (province committee, commune officer, enterprise officer), with
and without an accent-free search, and prints p50/p95/max per case.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tuquan_bench \
        .venv/bin/python bench/bench_worker_list.py --workers 100000

The data is flagged and removed at the end unless --keep is given.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tuquan.settings")
os.environ.setdefault("TUQUAN_TESTING", "1")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402

from tuquan.accounts.choices import Role  # noqa: E402
from tuquan.accounts.models import RoleAssignment, User  # noqa: E402
from tuquan.core.text import fold  # noqa: E402
from tuquan.core.validators import (  # noqa: E402
    national_id_century_sex_digit,
    tax_code_check_digit,
)
from tuquan.organisations.choices import AgencyFunction, OrgKind  # noqa: E402
from tuquan.organisations.demo_catalogue import person_name  # noqa: E402
from tuquan.organisations.models import (  # noqa: E402
    AdminUnit,
    Enterprise,
    Organisation,
    Zone,
)
from tuquan.people.models import Worker  # noqa: E402

MARK = "BENCH"


def tax_code(n: int) -> str:
    base = 600000000 + n * 13
    while tax_code_check_digit(f"{base:09d}") is None:
        base += 1
    return f"{base:09d}{tax_code_check_digit(f'{base:09d}')}"


def build(workers: int, enterprises: int, seed: int) -> dict[str, User]:
    rng = random.Random(seed)
    with transaction.atomic():
        province = AdminUnit.objects.create(
            name=f"Tỉnh {MARK}", kind=OrgKind.PROVINCE, code=f"{MARK}-p"
        )
        communes = [
            AdminUnit.objects.create(
                name=f"Xã {MARK} {i}",
                kind=OrgKind.COMMUNE,
                parent=province,
                code=f"{MARK}-c{i}",
            )
            for i in range(10)
        ]
        committee = Organisation.objects.create(
            kind=OrgKind.COMMITTEE,
            name=f"BCĐ {MARK}",
            parent=province,
            jurisdiction=province,
            function=AgencyFunction.OTHER,
        )
        zones = [
            Zone.objects.create(name=f"KCN {MARK} {i}", commune=communes[i])
            for i in range(10)
        ]
        ents = [
            Enterprise.objects.create(
                name=f"Công ty {MARK} {i}",
                tax_code=tax_code(i),
                zone=zones[i % 10],
                code=tax_code(i),
            )
            for i in range(enterprises)
        ]
        batch: list[Worker] = []
        start = date(1970, 1, 1)
        for i in range(workers):
            sex = rng.choice(["male", "female"])
            born = start + timedelta(days=rng.randrange(0, 365 * 35))
            worker = Worker(
                full_name=person_name(rng, sex),
                date_of_birth=born,
                sex=sex,
                enterprise=ents[i % enterprises],
                is_sample=True,
            )
            worker.national_id = (
                f"066{national_id_century_sex_digit(born.year, sex)}"
                f"{born.year % 100:02d}{i:06d}"
            )
            worker.phone = f"+8491{i:07d}"
            # bulk_create skips save(): fold the search name here.
            worker.name_folded = fold(worker.full_name)
            batch.append(worker)
            if len(batch) == 5000:
                Worker.objects.bulk_create(batch)
                batch = []
        Worker.objects.bulk_create(batch)
        users = {}
        for name, role, org in (
            ("bench_province", Role.PROVINCE_COMMITTEE, committee),
            ("bench_commune", Role.COMMUNE_COMMITTEE, communes[0]),
            ("bench_enterprise", Role.ENTERPRISE_OFFICER, ents[0]),
        ):
            user = User.objects.create_user(username=name, password="x")
            RoleAssignment.objects.create(user=user, role=role, organisation=org)
            users[name] = user
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Earlier runs leave dead rows behind: vacuum, or scans measure bloat.
            cursor.execute("VACUUM ANALYZE")
    return users


def clean() -> None:
    with transaction.atomic():
        Worker.objects.filter(enterprise__name__contains=MARK).delete()
        User.objects.filter(username__startswith="bench_").delete()
        for kind in (
            OrgKind.ENTERPRISE,
            OrgKind.INDUSTRIAL_PARK,
            OrgKind.COMMITTEE,
            OrgKind.COMMUNE,
            OrgKind.PROVINCE,
        ):
            for org in Organisation.objects.filter(kind=kind, name__contains=MARK):
                org.specific().delete()


def measure(client: Client, url: str, repeat: int) -> list[float]:
    client.get(url)  # warm-up
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", type=int, default=100_000)
    parser.add_argument("--enterprises", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    clean()
    started = time.perf_counter()
    users = build(args.workers, args.enterprises, args.seed)
    print(
        f"database: {connection.vendor}; built {args.workers:,} workers in "
        f"{time.perf_counter() - started:.1f} s"
    )
    print(f"{'persona':<18}{'request':<34}{'p50 ms':>8}{'p95 ms':>8}{'max ms':>8}")
    try:
        for name, user in users.items():
            client = Client()
            client.force_login(user)
            for label, url in (
                ("page 1", "/workers/"),
                ("search 'nguyen van'", "/workers/?q=nguyen+van"),
                ("search 'yen', page 3", "/workers/?q=yen&page=3"),
                ("API search 'thi lan'", "/api/v1/workers?q=thi+lan"),
            ):
                times = sorted(measure(client, url, args.repeat))
                p95 = times[int(len(times) * 0.95) - 1]
                print(
                    f"{name:<18}{label:<34}{statistics.median(times):8.1f}"
                    f"{p95:8.1f}{times[-1]:8.1f}"
                )
    finally:
        if not args.keep:
            clean()


if __name__ == "__main__":
    main()
