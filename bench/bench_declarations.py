"""Benchmark: 100,000 health declarations through the batch API, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tuquan_bench_declarations \\
        .venv/bin/python bench/bench_declarations.py

Builds a zone of 20 enterprises with 100,000 workers (``--workers``) and a
kiosk account (a zone board officer, who may declare for every worker of the
zone) with an API token; then POSTs one declaration per worker for today
(``--declarations``, 98 % healthy, 2 % with two symptoms), 5,000 per request
(``--batch``), bodies serialised with orjson before the clock starts, over 4
connections to gunicorn, 4 processes of one thread each (the server and load
generator of bench_gates.py; with two threads per process the GIL, not the
database, set the pace).
Checks that every declaration was accepted once and stored; then sends the
whole set again to time the replay path (every item a duplicate, nothing
stored). Prints declarations per second for both. Target: ≥ 20,000 per second.

The database is created if missing and migrated; the data is removed at the end
unless --keep is given.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault(
    "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tuquan_bench_declarations"
)
sys.path.insert(0, str(ROOT))

import orjson  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.bench_gates import (  # noqa: E402  (sets Django up)
    ensure_database,
    free_port,
    load,
    start_server,
    tax_code,
)
from tuquan.accounts.choices import Role  # noqa: E402
from tuquan.accounts.models import ApiToken, RoleAssignment, User  # noqa: E402
from tuquan.core.text import fold  # noqa: E402
from tuquan.core.validators import national_id_century_sex_digit  # noqa: E402
from tuquan.health.models import (  # noqa: E402
    DeclarationRevision,
    DiseaseProfile,
    HealthDeclaration,
)
from tuquan.organisations.choices import OrgKind  # noqa: E402
from tuquan.organisations.demo_catalogue import person_name  # noqa: E402
from tuquan.organisations.models import (  # noqa: E402
    AdminUnit,
    Enterprise,
    Organisation,
    Zone,
)
from tuquan.people.models import Worker  # noqa: E402

MARK = "BENCH-DECL"
KIOSK = "bench_declarations_kiosk"
TARGET = 20_000


def build(workers: int, enterprises: int, seed: int) -> tuple[list[int], str]:
    rng = random.Random(seed)
    with transaction.atomic():
        province = AdminUnit.objects.create(
            name=f"Tỉnh {MARK}", kind=OrgKind.PROVINCE, code=f"{MARK}-p"
        )
        commune = AdminUnit.objects.create(
            name=f"Xã {MARK}", kind=OrgKind.COMMUNE, parent=province, code=f"{MARK}-c"
        )
        zone = Zone.objects.create(name=f"KCN {MARK}", commune=commune)
        ents = [
            Enterprise.objects.create(
                name=f"Công ty {MARK} {i}",
                tax_code=tax_code(5000 + i),
                code=tax_code(5000 + i),
                zone=zone,
            )
            for i in range(enterprises)
        ]
        people = []
        born0 = date(1975, 1, 1)
        for i in range(workers):
            sex = rng.choice(["male", "female"])
            born = born0 + timedelta(days=rng.randrange(0, 365 * 30))
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
            worker.name_folded = fold(worker.full_name)
            people.append(worker)
        Worker.objects.bulk_create(people, batch_size=5000)
        kiosk = User.objects.create_user(username=KIOSK, password=None)
        RoleAssignment.objects.create(
            user=kiosk, role=Role.ZONE_BOARD, organisation=zone
        )
        _token, raw = ApiToken.issue(user=kiosk, name=MARK)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return [worker.pk for worker in people], raw


def clean() -> None:
    zones = Organisation.objects.filter(
        kind=OrgKind.INDUSTRIAL_PARK, name__contains=MARK
    )
    with transaction.atomic():
        for zone in zones:
            workers = Worker.objects.filter(enterprise__path__startswith=zone.path)
            declarations = HealthDeclaration.objects.filter(worker__in=workers)
            DeclarationRevision.objects.filter(
                declaration__in=declarations
            )._raw_delete(connection.alias)
            declarations._raw_delete(connection.alias)
            workers._raw_delete(connection.alias)
        User.objects.filter(username=KIOSK).delete()
        for node in Organisation.objects.filter(name__contains=MARK).order_by("-depth"):
            node.specific().delete()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=100_000)
    parser.add_argument("--enterprises", type=int, default=20)
    parser.add_argument("--batch", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=4, help="connections")
    parser.add_argument("--gunicorn-workers", type=int, default=4)
    parser.add_argument(
        "--worker-class", choices=("sync", "gthread"), default="gthread"
    )
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("this benchmark needs PostgreSQL (DATABASE_URL)")
    ensure_database()
    call_command("migrate", verbosity=0)
    clean()
    started = time.perf_counter()
    ids, token = build(args.workers, args.enterprises, args.seed)
    print(f"built {len(ids):,} workers in {time.perf_counter() - started:.1f} s")
    profile = DiseaseProfile.objects.filter(active=True).order_by("pk").first()
    codes = [item["code"] for item in profile.symptoms]
    rng = random.Random(args.seed)
    today = timezone.localdate().isoformat()
    items = [
        {
            "client_id": str(uuid.uuid4()),
            "worker": worker_id,
            "day": today,
            "symptoms": sorted(rng.sample(codes, 2)) if rng.random() < 0.02 else [],
        }
        for worker_id in ids
    ]
    path = "/api/v1/health-declarations"
    batches = [
        (path, orjson.dumps({"declarations": items[i : i + args.batch]}))
        for i in range(0, len(items), args.batch)
    ]
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    port = free_port()
    log = Path(tempfile.gettempdir()) / f"bench_declarations_{port}.log"
    server = start_server(args, port, log)
    try:
        # Warm-up: every server process imports, connects and authenticates;
        # a declaration for an unknown worker stores nothing.
        bogus = orjson.dumps(
            {
                "declarations": [
                    {"client_id": str(uuid.uuid4()), "worker": 0, "day": today}
                ]
            }
        )
        load("batches", port, [(path, bogus)] * 12, headers, args.concurrency)
        first = load("batches", port, batches, headers, args.concurrency)
        stored = HealthDeclaration.objects.filter(worker_id__in=ids).count()
        again = load("batches", port, batches, headers, args.concurrency)
        stored_after = HealthDeclaration.objects.filter(worker_id__in=ids).count()
    finally:
        server.terminate()
        server.wait()
    setup = f"gunicorn {args.worker_class} x{args.gunicorn_workers}" + (
        f" ({args.threads} threads)" if args.worker_class == "gthread" else ""
    )
    for label, run in (("first upload", first), ("replay (all duplicates)", again)):
        rate = len(items) / run["seconds"]
        print(
            f"{label}: {len(items):,} declarations in {run['seconds']:.2f} s = "
            f"{rate:,.0f}/s ({setup}, {args.concurrency} connections, "
            f"{args.batch:,} per request); request p50 "
            f"{statistics.median(run['latencies']) * 1000:.0f} ms, max "
            f"{max(run['latencies']) * 1000:.0f} ms"
        )
        print(
            f"  HTTP {dict(run['statuses'])}; accepted {run['accepted']:,}, "
            f"duplicates {run['duplicates']:,}, rejected {run['rejected']:,}"
        )
    ok = (
        first["accepted"] == len(items)
        and again["duplicates"] == len(items)
        and stored == stored_after == len(items)
    )
    print(f"stored once each: {'yes' if ok else 'NO'} ({stored:,} rows)")
    rate = len(items) / first["seconds"]
    print(f"target ≥ {TARGET:,}/s: {'met' if rate >= TARGET else 'MISSED'}")
    if not args.keep:
        clean()


if __name__ == "__main__":
    main()
