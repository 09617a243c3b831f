"""Benchmark: F1 candidates for one case, in a province of 100,000 workers
with 30 days of gate passages (about 6 M) and daily health declarations.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tuquan_bench_tracing \\
        .venv/bin/python bench/bench_tracing.py

The database is created if missing and migrated, filled (a few minutes), and
the timings printed. The data stays for the next run (``--reuse`` skips the
build); ``--drop`` removes the database at the end.

Generated data (``--workers`` 100,000 by default, the rest in proportion):

- 10 communes, one industrial park each, 20 enterprises per park (200), 500
  workers each; each enterprise has its own factory gate (workers pass their
  employer's gate; the park's gate is for vehicles);
- per enterprise: 5 workshops of 4 production lines (25 workers a line), a day
  and a night shift, 3 shuttle bus routes (30 % of workers ride one);
  a self-management team per line (25 members);
- 100 boarding houses (10 per commune) with rooms of 4: 40 % of workers live in
  one;
- every worker passes their employer's gate in and out every day for 30 days,
  arriving up to 40 minutes before the shift and leaving up to 30 minutes after
  it (about 250 passages around each shift change at each gate); riders'
  entries carry their bus route: 100,000 × 30 × 2 = 6,000,000 passages;
- a health declaration per worker per day (3,000,000; 1 % with symptoms).

Measured: ``trace_case`` (find the F1 candidates with reasons and score, and
store them) for 200 cases of random workers, confirmed on random days of the
last three weeks; p50, p95 and max in milliseconds, and the candidates found.
Target: p95 ≤ 100 ms.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tuquan.settings")
os.environ.setdefault(
    "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tuquan_bench_tracing"
)
os.environ.setdefault("TUQUAN_TESTING", "1")  # test keys for the field encryption
os.environ["DEBUG"] = "0"

import django  # noqa: E402

django.setup()

import psycopg  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from tuquan.core.text import fold  # noqa: E402
from tuquan.core.validators import (  # noqa: E402
    national_id_century_sex_digit,
    tax_code_check_digit,
)
from tuquan.gates.choices import GateKind  # noqa: E402
from tuquan.gates.models import Gate, GateEvent  # noqa: E402
from tuquan.health.models import Case, DiseaseProfile, HealthDeclaration  # noqa: E402
from tuquan.health.tracing import trace_case  # noqa: E402
from tuquan.organisations.choices import OrgKind, TeamKind  # noqa: E402
from tuquan.organisations.demo_catalogue import person_name  # noqa: E402
from tuquan.organisations.models import (  # noqa: E402
    AdminUnit,
    BusRoute,
    Enterprise,
    Line,
    Residence,
    Room,
    Shift,
    Team,
    Workshop,
    Zone,
)
from tuquan.people.models import TeamMembership, Worker  # noqa: E402

MARK = "BENCH-TRACING"
TARGET_P95_MS = 100.0
COMMUNES = 10
ENTERPRISES_PER_ZONE = 20
WORKSHOPS = 5
LINES = 4
ROUTES = 3


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
    base = 600_000_000 + n * 17
    while tax_code_check_digit(f"{base:09d}") is None:
        base += 1
    return f"{base:09d}{tax_code_check_digit(f'{base:09d}')}"


def step(label: str, started: float) -> float:
    now = time.perf_counter()
    print(f"  {label}: {now - started:.1f} s", flush=True)
    return now


def build(workers: int, days: int, seed: int, declarations: bool) -> None:
    rng = random.Random(seed)
    clock = time.perf_counter()
    per_enterprise = max(workers // (COMMUNES * ENTERPRISES_PER_ZONE), 1)
    with transaction.atomic():
        province = AdminUnit.objects.create(
            name=f"Tỉnh {MARK}", kind=OrgKind.PROVINCE, code=f"{MARK}-p"
        )
        communes, zones, residences = [], [], []
        gates: dict[int, Gate] = {}
        for c in range(COMMUNES):
            commune = AdminUnit.objects.create(
                name=f"Xã {MARK} {c}",
                kind=OrgKind.COMMUNE,
                parent=province,
                code=f"{MARK}-{c}",
            )
            zone = Zone.objects.create(name=f"KCN {MARK} {c}", commune=commune)
            communes.append(commune)
            zones.append(zone)
            for r in range(10):
                residences.append(
                    Residence.objects.create(
                        name=f"Nhà trọ {MARK} {c}-{r}", commune=commune, address="1"
                    )
                )
        # Per enterprise: workshops, lines, shifts, routes, a team per line.
        units = []  # (enterprise, zone index, [(workshop, line, team)], shifts, routes)
        for z, zone in enumerate(zones):
            for e in range(ENTERPRISES_PER_ZONE):
                n = z * ENTERPRISES_PER_ZONE + e
                ent = Enterprise.objects.create(
                    name=f"Công ty {MARK} {n}",
                    tax_code=tax_code(n),
                    code=tax_code(n),
                    zone=zone,
                    registered_workforce=per_enterprise,
                )
                gates[ent.pk] = Gate.objects.create(
                    site=ent, name=f"Cổng {n}", gate_kind=GateKind.WORKER
                )
                shifts = [
                    Shift.objects.create(
                        enterprise=ent,
                        name="Ca ngày",
                        starts_at="07:00",
                        ends_at="15:00",
                    ),
                    Shift.objects.create(
                        enterprise=ent,
                        name="Ca đêm",
                        starts_at="19:00",
                        ends_at="03:00",
                    ),
                ]
                routes = BusRoute.objects.bulk_create(
                    [BusRoute(enterprise=ent, name=f"Tuyến {k}") for k in range(ROUTES)]
                )
                lines = []
                for w in range(WORKSHOPS):
                    workshop = Workshop.objects.create(
                        enterprise=ent, name=f"Xưởng {w}"
                    )
                    for k in range(LINES):
                        line = Line.objects.create(
                            workshop=workshop, name=f"Chuyền {k}"
                        )
                        team = Team.objects.create(
                            name=f"Tổ {n}-{w}-{k}",
                            team_kind=TeamKind.WORKPLACE,
                            enterprise=ent,
                        )
                        lines.append((workshop, line, team))
                units.append((ent, z, lines, shifts, routes))
        clock = step("tree (200 enterprises, 4,000 teams)", clock)

        people: list[Worker] = []
        placement = []  # per worker: (zone index, shift index)
        born0 = date(1975, 1, 1)
        serial = 0
        for ent, z, lines, shifts, routes in units:
            for i in range(per_enterprise):
                workshop, line, _team = lines[i % len(lines)]
                shift_index = (i // len(lines)) % 2
                sex = rng.choice(["male", "female"])
                born = born0 + timedelta(days=rng.randrange(0, 365 * 30))
                worker = Worker(
                    full_name=person_name(rng, sex),
                    date_of_birth=born,
                    sex=sex,
                    enterprise=ent,
                    workshop=workshop,
                    line=line,
                    shift=shifts[shift_index],
                    bus_route=routes[i % ROUTES] if rng.random() < 0.3 else None,
                    is_sample=True,
                )
                worker.national_id = (
                    f"066{national_id_century_sex_digit(born.year, sex)}"
                    f"{born.year % 100:02d}{serial:06d}"
                )
                worker.name_folded = fold(worker.full_name)
                people.append(worker)
                placement.append((z, shift_index))
                serial += 1
        clock = step("workers built", clock)
        # 40 % live in a boarding house of their commune, four to a room.
        rooms_to_make: list[Room] = []
        residents: dict[int, list[Worker]] = {}
        for worker, (z, _s) in zip(people, placement, strict=True):
            if rng.random() < 0.4:
                residence = residences[z * 10 + rng.randrange(10)]
                worker.residence = residence
                residents.setdefault(residence.pk, []).append(worker)
        for residence in residences:
            group = residents.get(residence.pk, [])
            rooms = [
                Room(residence=residence, number=f"{k + 1:03d}")
                for k in range(-(-len(group) // 4))
            ]
            rooms_to_make.extend(rooms)
            for k, worker in enumerate(group):
                worker.room = rooms[k // 4]
        Room.objects.bulk_create(rooms_to_make, batch_size=5000)
        for worker in people:
            if worker.room is not None:
                worker.room_id = worker.room.pk
        Worker.objects.bulk_create(people, batch_size=5000)
        memberships = []
        k = 0
        for _ent, _z, lines, _shifts, _routes in units:
            for i in range(per_enterprise):
                memberships.append(
                    TeamMembership(team=lines[i % len(lines)][2], worker=people[k])
                )
                k += 1
        TeamMembership.objects.bulk_create(memberships, batch_size=5000)
    clock = step("workers, rooms and memberships stored", clock)

    today = timezone.localdate()
    tz = timezone.get_current_timezone()
    received = timezone.now()
    names = (
        "client_id, gate_id, site_id, worker_id, enterprise_id, direction, "
        "occurred_at, received_at, bus_route_id, flag, source"
    )
    count = 0
    with psycopg.connect(pg_conninfo()) as conn:
        with conn.cursor() as cursor:
            with cursor.copy(
                f"COPY {GateEvent._meta.db_table} ({names}) FROM STDIN"
            ) as copy:
                for d in range(days, 0, -1):
                    day = today - timedelta(days=d)
                    for worker, (_z, s) in zip(people, placement, strict=True):
                        gate = gates[worker.enterprise_id]
                        start = datetime(
                            day.year, day.month, day.day, 7 if s == 0 else 19, tzinfo=tz
                        )
                        arrive = start - timedelta(minutes=rng.uniform(0, 40))
                        leave = start + timedelta(hours=8, minutes=rng.uniform(0, 30))
                        copy.write_row(
                            (
                                uuid.uuid4(),
                                gate.pk,
                                gate.site_id,
                                worker.pk,
                                worker.enterprise_id,
                                "in",
                                arrive,
                                received,
                                worker.bus_route_id,
                                "",
                                "device",
                            )
                        )
                        copy.write_row(
                            (
                                uuid.uuid4(),
                                gate.pk,
                                gate.site_id,
                                worker.pk,
                                worker.enterprise_id,
                                "out",
                                leave,
                                received,
                                None,
                                "",
                                "device",
                            )
                        )
                        count += 2
        conn.commit()
    clock = step(f"{count:,} gate passages (COPY)", clock)

    if declarations:
        profile = DiseaseProfile.objects.filter(active=True).first()
        names = (
            "worker_id, day, profile_id, healthy, symptoms, exposures, by_proxy, "
            "client_id, declared_at, updated_at"
        )
        rows = 0
        with psycopg.connect(pg_conninfo()) as conn:
            with conn.cursor() as cursor:
                with cursor.copy(
                    f"COPY {HealthDeclaration._meta.db_table} ({names}) FROM STDIN"
                ) as copy:
                    for d in range(days, 0, -1):
                        day = today - timedelta(days=d)
                        moment = datetime(day.year, day.month, day.day, 6, tzinfo=tz)
                        for worker in people:
                            sick = rng.random() < 0.01
                            copy.write_row(
                                (
                                    worker.pk,
                                    day,
                                    profile.pk,
                                    not sick,
                                    '["fever"]' if sick else "[]",
                                    "[]",
                                    False,
                                    uuid.uuid4(),
                                    moment,
                                    moment,
                                )
                            )
                            rows += 1
            conn.commit()
        clock = step(f"{rows:,} health declarations (COPY)", clock)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    step("vacuum analyze", clock)


def measure(cases: int, seed: int) -> None:
    rng = random.Random(seed + 1)
    profile = DiseaseProfile.objects.filter(active=True, person_to_person=True).first()
    ids = list(
        Worker.objects.filter(
            enterprise__name__startswith=f"Công ty {MARK}"
        ).values_list("pk", flat=True)
    )
    Case.objects.filter(worker_id__in=ids).delete()
    today = timezone.localdate()
    chosen = rng.sample(ids, cases)
    made = []
    for worker_id in chosen:
        confirmed = today - timedelta(days=rng.randrange(1, 22))
        made.append(
            Case(
                worker_id=worker_id,
                profile=profile,
                basis="positive_test",
                confirmed_on=confirmed,
                isolation_until=confirmed + timedelta(days=profile.isolation_days),
            )
        )
    Case.objects.bulk_create(made)
    cases_rows = list(
        Case.objects.filter(worker_id__in=chosen).select_related("worker", "profile")
    )
    # Warm the connection and the caches the way a running worker has them.
    trace_case(cases_rows[0])
    timings, found = [], []
    for case in cases_rows:
        started = time.perf_counter()
        contacts = trace_case(case)
        timings.append((time.perf_counter() - started) * 1000)
        found.append(len(contacts))
    timings.sort()
    p95 = timings[min(len(timings) - 1, int(len(timings) * 0.95))]
    events = GateEvent.objects.count()
    declarations = HealthDeclaration.objects.count()
    workers = len(ids)
    print()
    print(
        f"Data: {workers:,} workers, {events:,} gate passages, {declarations:,} declarations"
    )
    print(f"trace_case for {len(timings)} cases (find F1 with reasons + store):")
    print(
        f"  p50 {statistics.median(timings):.1f} ms   p95 {p95:.1f} ms   max {timings[-1]:.1f} ms"
    )
    print(
        f"  candidates per case: median {statistics.median(found):.0f}, max {max(found)}"
    )
    verdict = "met" if p95 <= TARGET_P95_MS else "MISSED"
    print(f"  target p95 ≤ {TARGET_P95_MS:.0f} ms: {verdict}")
    Case.objects.filter(pk__in=[c.pk for c in cases_rows]).delete()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument(
        "--reuse", action="store_true", help="keep the data of the last run"
    )
    parser.add_argument("--no-declarations", action="store_true")
    parser.add_argument(
        "--drop", action="store_true", help="drop the database at the end"
    )
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("PostgreSQL only: set DATABASE_URL=postgres://…")
    ensure_database()
    call_command("migrate", verbosity=0)
    built = Enterprise.objects.filter(name__startswith=f"Công ty {MARK}").exists()
    if built and not args.reuse:
        print("Removing the data of an earlier run…", flush=True)
        drop_database()
        ensure_database()
        connection.close()
        call_command("migrate", verbosity=0)
        built = False
    if not built:
        print(f"Building {args.workers:,} workers × {args.days} days…", flush=True)
        build(args.workers, args.days, args.seed, not args.no_declarations)
    measure(args.cases, args.seed)
    if args.drop:
        drop_database()


if __name__ == "__main__":
    main()
