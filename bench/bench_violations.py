"""Benchmark: the scoped, filtered violation list (a page of 50) over N
violations, and the repeat-offender look-up for one subject.

Builds N violations (default 100,000) of W workers (default 20,000) and a few
organisations in the database named by DATABASE_URL, then requests the list
page and the API list as three personas (province committee, commune officer,
zone board) with several filters, in-process like bench_worker_list.py, and
times ``repeat_offences`` for the subjects with the most violations. Prints
p50/p95/max per case; targets: list p95 ≤ 150 ms, repeat look-up ≤ 20 ms.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tq_violations \
        .venv/bin/python bench/bench_violations.py --violations 100000

The data is flagged and removed at the end unless --keep is given.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
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
from django.utils import timezone  # noqa: E402

from bench.bench_worker_list import tax_code  # noqa: E402
from tuquan.accounts.choices import Role  # noqa: E402
from tuquan.accounts.models import RoleAssignment, User  # noqa: E402
from tuquan.core.text import fold  # noqa: E402
from tuquan.core.validators import national_id_century_sex_digit  # noqa: E402
from tuquan.organisations.choices import AgencyFunction, OrgKind  # noqa: E402
from tuquan.organisations.demo_catalogue import person_name  # noqa: E402
from tuquan.organisations.models import (  # noqa: E402
    AdminUnit,
    Enterprise,
    Organisation,
    Zone,
)
from tuquan.people.models import Worker  # noqa: E402
from tuquan.violations.choices import Detection, SubjectKind  # noqa: E402
from tuquan.violations.models import LegalProvision, Violation  # noqa: E402
from tuquan.violations.services import repeat_offences  # noqa: E402

MARK = "VBENCH"


def build(
    violations: int, workers: int, enterprises: int, seed: int
) -> tuple[dict[str, User], list[str]]:
    rng = random.Random(seed)
    provisions = list(LegalProvision.objects.all())
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
                tax_code=tax_code(5000 + i),
                zone=zones[i % 10],
                code=tax_code(5000 + i),
            )
            for i in range(enterprises)
        ]
        people: list[Worker] = []
        for i in range(workers):
            sex = rng.choice(["male", "female"])
            worker = Worker(
                full_name=person_name(rng, sex),
                date_of_birth=timezone.localdate() - timedelta(days=9000 + i % 5000),
                sex=sex,
                enterprise=ents[i % enterprises],
                is_sample=True,
            )
            worker.national_id = (
                f"066{national_id_century_sex_digit(1995, sex)}95{800000 + i:06d}"
            )
            worker.name_folded = fold(worker.full_name)
            people.append(worker)
        Worker.objects.bulk_create(people, batch_size=5000)
        users = {}
        for name, role, org in (
            ("vbench_province", Role.PROVINCE_COMMITTEE, committee),
            ("vbench_commune", Role.COMMUNE_COMMITTEE, communes[0]),
            ("vbench_zone", Role.ZONE_BOARD, zones[3]),
        ):
            user = User.objects.create_user(username=name, password="x")
            RoleAssignment.objects.create(user=user, role=role, organisation=org)
            users[name] = user
        officer = users["vbench_province"]
        path_of = {e.pk: e.path for e in ents}
        now = timezone.now()
        rows: list[Violation] = []
        for i in range(violations):
            when = now - timedelta(minutes=rng.randrange(1, 2 * 365 * 24 * 60))
            provision = rng.choice(provisions)
            if i % 10 == 0:  # one in ten against an organisation
                ent = rng.choice(ents)
                kind, worker, org = SubjectKind.ORGANISATION, None, ent
                key, label, site_id = f"o:{ent.pk}", ent.name, ent.pk
            else:
                # A skewed pick: a few workers offend again and again (the
                # busiest has ~130 violations over the two years).
                worker = people[int(workers * rng.random() ** 1.5)]
                kind, org = SubjectKind.WORKER, None
                key, label = f"w:{worker.pk}", worker.full_name
                site_id = worker.enterprise_id
            row = Violation(
                subject_kind=kind,
                worker=worker,
                organisation=org,
                subject_key=key,
                subject_label=label,
                provision=provision,
                occurred_at=when,
                place=f"Xưởng {i % 7}",
                site_id=site_id,
                detection=rng.choice(Detection.values),
                record_number=f"{i}/BB-{MARK}",
                officer=officer,
                state="decided" if rng.random() < 0.3 else "recorded",
            )
            row.scope_path = path_of[row.site_id]
            rows.append(row)
        # Repeat flags as record_violation would have set them.
        last: dict[str, object] = {}
        for row in sorted(rows, key=lambda r: (r.subject_key, r.occurred_at)):
            before = last.get(row.subject_key)
            row.is_repeat = (
                before is not None and row.occurred_at - before <= timedelta(days=365)
            )
            last[row.subject_key] = row.occurred_at
        Violation.objects.bulk_create(rows, batch_size=5000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    # The subjects with the most violations: the worst case of the look-up.
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.subject_key] = counts.get(row.subject_key, 0) + 1
    busiest = sorted(counts, key=lambda k: -counts[k])[:200]
    print(f"busiest subject has {counts[busiest[0]]} violations")
    return users, busiest


def clean() -> None:
    with transaction.atomic():
        Violation.objects.filter(record_number__endswith=f"BB-{MARK}").delete()
        Worker.objects.filter(enterprise__name__contains=MARK).delete()
        User.objects.filter(username__startswith="vbench_").delete()
        for kind in (
            OrgKind.ENTERPRISE,
            OrgKind.INDUSTRIAL_PARK,
            OrgKind.COMMITTEE,
            OrgKind.COMMUNE,
            OrgKind.PROVINCE,
        ):
            for org in Organisation.objects.filter(kind=kind, name__contains=MARK):
                org.specific().delete()


def summary(times: list[float]) -> tuple[float, float, float]:
    times = sorted(times)
    return statistics.median(times), times[int(len(times) * 0.95) - 1], times[-1]


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
    parser.add_argument("--violations", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=20_000)
    parser.add_argument("--enterprises", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    clean()
    started = time.perf_counter()
    users, busiest = build(args.violations, args.workers, args.enterprises, args.seed)
    print(
        f"database: {connection.vendor}; built {args.violations:,} violations in "
        f"{time.perf_counter() - started:.1f} s"
    )
    mask = LegalProvision.objects.get(code="nd117-12-1a-khau-trang").pk
    since = (timezone.localdate() - timedelta(days=90)).isoformat()
    print(f"{'persona':<17}{'request':<40}{'p50 ms':>8}{'p95 ms':>8}{'max ms':>8}")
    try:
        for name, user in users.items():
            client = Client()
            client.force_login(user)
            for label, url in (
                ("page 1", "/violations/"),
                (
                    "provision + patrol",
                    f"/violations/?provision={mask}&detection=patrol",
                ),
                (
                    "last 90 days, recorded, page 3",
                    f"/violations/?from={since}&state=recorded&page=3",
                ),
                (
                    "organisations, repeat only",
                    "/violations/?subject_kind=organisation&repeat=1",
                ),
                (
                    "API provision + gate flag",
                    f"/api/v1/violations?provision={mask}&detection=gate_flag",
                ),
            ):
                p50, p95, top = summary(measure(client, url, args.repeat))
                print(f"{name:<17}{label:<40}{p50:8.1f}{p95:8.1f}{top:8.1f}")
        now = timezone.now()
        times = []
        for key in busiest:
            began = time.perf_counter()
            list(repeat_offences(key, now))
            times.append((time.perf_counter() - began) * 1000)
        p50, p95, top = summary(times)
        label = f"repeat look-up ({len(busiest)} busiest subjects)"
        print(f"{'-':<17}{label:<40}{p50:8.1f}{p95:8.1f}{top:8.1f}")
        if connection.vendor == "postgresql":
            sql, params = repeat_offences(busiest[0], now).query.sql_with_params()
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN " + sql, params)
                print("plan:", " / ".join(r[0].strip() for r in cursor.fetchall()[:3]))
    finally:
        if not args.keep:
            clean()


if __name__ == "__main__":
    main()
