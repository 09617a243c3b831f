"""Benchmark: early outbreak detection over 10,000 units × 28 days, on PostgreSQL.

Builds a province whose units add up to ``--units`` (default 10,000): 20 zones,
then per zone enterprises, each with 3 workshops and 4 workplace teams, and
boarding houses for the rest (with the defaults: 20 zones, 1,000 enterprises,
3,000 workshops, 4,000 teams, 1,980 residences). ``--workers`` workers (default
100,000) are spread evenly over the enterprises, their workshops and teams, and
at random over the residences; 10 % started work inside the window. For 28 days
each worker declares with probability 0.85, with symptoms with probability
0.01. Planted on the last day: 6 sick members in each of 40 teams, and 60 % of
the workers of 20 workshops not declaring. Declarations are COPYed.

Then it times ``detect_outbreaks(day=...)`` ``--runs`` times (the first run
creates the alerts, the next ones update them in place), with the series SQL
(10 aggregate queries) timed separately, and checks that the planted units
were found.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tuquan_bench_outbreak \\
        .venv/bin/python bench/bench_outbreak.py

The database is created if missing and migrated; the data is flagged and
removed at the end unless --keep is given (--reuse runs on data kept before).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tuquan.settings")
os.environ.setdefault(
    "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tuquan_bench_outbreak"
)
if not os.environ.get("SECRET_KEY"):
    os.environ.setdefault("TUQUAN_TESTING", "1")
os.environ["DEBUG"] = "0"

import django  # noqa: E402

django.setup()

import psycopg  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.utils import timezone  # noqa: E402

from tuquan.core.text import fold  # noqa: E402
from tuquan.core.validators import tax_code_check_digit  # noqa: E402
from tuquan.health.models import DiseaseProfile, HealthDeclaration  # noqa: E402
from tuquan.organisations.choices import OrgKind, TeamKind  # noqa: E402
from tuquan.organisations.models import (  # noqa: E402
    AdminUnit,
    Enterprise,
    Organisation,
    Residence,
    Team,
    Workshop,
    Zone,
)
from tuquan.people.models import TeamMembership, Worker  # noqa: E402
from tuquan.surveillance.models import OutbreakAlert  # noqa: E402
from tuquan.surveillance.series import unit_series  # noqa: E402
from tuquan.surveillance.services import detect_outbreaks  # noqa: E402

MARK = "BENCH-OUTBREAK"
DAYS = 28
TARGET_SECONDS = 5.0
ZONES = 20
WORKSHOPS_PER_ENTERPRISE = 3
TEAMS_PER_ENTERPRISE = 4
DECLARED_SHARE = 0.85
SICK_SHARE = 0.01
PLANTED_TEAMS = 40
PLANTED_SICK = 6
PLANTED_WORKSHOPS = 20
PLANTED_MISSING_SHARE = 0.60


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
        found = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not found:
            conn.execute(f'CREATE DATABASE "{name}"')


def tax_code(n: int) -> str:
    base = 600_000_000 + n * 13
    while tax_code_check_digit(f"{base:09d}") is None:
        base += 1
    return f"{base:09d}{tax_code_check_digit(f'{base:09d}')}"


def plan(units: int) -> tuple[int, int]:
    """(enterprises, residences) so that zones + enterprises × (1 + workshops +
    teams) + residences = ``units``, residences about a fifth of the units."""
    per_enterprise = 1 + WORKSHOPS_PER_ENTERPRISE + TEAMS_PER_ENTERPRISE
    enterprises = max(ZONES, int((units - ZONES) * 0.8) // per_enterprise)
    residences = units - ZONES - enterprises * per_enterprise
    if residences < 1:
        raise SystemExit(f"--units {units} is too small")
    return enterprises, residences


class Built:
    """Ids the measurements need."""

    def __init__(self) -> None:
        self.province_path = ""
        self.teams: list[int] = []
        self.workshops: list[int] = []
        self.planted_teams: list[int] = []
        self.planted_workshops: list[int] = []


def build(units: int, workers: int, day: date, seed: int) -> Built:
    rng = random.Random(seed)
    enterprises_n, residences_n = plan(units)
    built = Built()
    started = time.perf_counter()
    with transaction.atomic():
        province = AdminUnit.objects.create(
            name=f"Tỉnh {MARK}", kind=OrgKind.PROVINCE, code=f"{MARK}-p"
        )
        built.province_path = province.path
        commune = AdminUnit.objects.create(
            name=f"Xã {MARK}", kind=OrgKind.COMMUNE, parent=province, code=f"{MARK}-c"
        )
        zones = [
            Zone.objects.create(name=f"KCN {MARK} {i}", commune=commune)
            for i in range(ZONES)
        ]
        enterprises, workshops, teams = [], [], []
        for i in range(enterprises_n):
            enterprise = Enterprise.objects.create(
                name=f"Công ty {MARK} {i}",
                tax_code=tax_code(i),
                code=tax_code(i),
                zone=zones[i % ZONES],
            )
            enterprises.append(enterprise)
            own = Workshop.objects.bulk_create(
                [
                    Workshop(enterprise=enterprise, name=f"Xưởng {k + 1}")
                    for k in range(WORKSHOPS_PER_ENTERPRISE)
                ]
            )
            workshops.append(own)
            teams.append(
                [
                    Team.objects.create(
                        name=f"Tổ {k + 1} {MARK} {i}",
                        team_kind=TeamKind.WORKPLACE,
                        enterprise=enterprise,
                    )
                    for k in range(TEAMS_PER_ENTERPRISE)
                ]
            )
        residences = [
            Residence.objects.create(
                name=f"Nhà trọ {MARK} {i}", commune=commune, address="1 Bench"
            )
            for i in range(residences_n)
        ]
        print(
            f"  {ZONES} zones, {enterprises_n:,} enterprises, "
            f"{enterprises_n * WORKSHOPS_PER_ENTERPRISE:,} workshops, "
            f"{enterprises_n * TEAMS_PER_ENTERPRISE:,} teams, {residences_n:,} "
            f"residences = {units:,} units in {time.perf_counter() - started:.1f} s"
        )
        started = time.perf_counter()
        rows: list[Worker] = []
        window_start = day - timedelta(days=DAYS - 1)
        placement = []
        for w in range(workers):
            e = w * enterprises_n // workers
            started_on = None
            if rng.random() < 0.10:
                started_on = window_start + timedelta(days=rng.randrange(-30, DAYS))
            worker = Worker(
                full_name=f"Công nhân {MARK} {w}",
                name_folded=fold(f"Công nhân {MARK} {w}"),
                date_of_birth=date(1995, 1, 1),
                sex="male",
                enterprise=enterprises[e],
                workshop=workshops[e][w % WORKSHOPS_PER_ENTERPRISE],
                residence=residences[rng.randrange(residences_n)],
                employment_start=started_on,
                is_sample=True,
                national_id_enc="-",
                national_id_hash=f"{MARK}-{w}",
                national_id_tail=f"{w % 10000:04d}",
            )
            rows.append(worker)
            placement.append((e, w % TEAMS_PER_ENTERPRISE))
        Worker.objects.bulk_create(rows, batch_size=5000)
        TeamMembership.objects.bulk_create(
            [
                TeamMembership(worker=worker, team=teams[e][t])
                for worker, (e, t) in zip(rows, placement, strict=True)
            ],
            batch_size=5000,
        )
        print(f"  {workers:,} workers in {time.perf_counter() - started:.1f} s")
    built.teams = [t.pk for row in teams for t in row]
    built.workshops = [w.pk for row in workshops for w in row]
    built.planted_teams = rng.sample(built.teams, PLANTED_TEAMS)
    built.planted_workshops = rng.sample(built.workshops, PLANTED_WORKSHOPS)
    write_declarations(built, rows, placement, teams, day, rng)
    return built


def write_declarations(
    built: Built,
    workers: list[Worker],
    placement: list[tuple[int, int]],
    teams: list[list[Team]],
    day: date,
    rng: random.Random,
) -> None:
    started = time.perf_counter()
    profile = DiseaseProfile.objects.filter(active=True).order_by("pk").first()
    assert profile is not None, "no disease profile: migrations not applied?"
    planted_teams = set(built.planted_teams)
    planted_workshops = set(built.planted_workshops)
    sick_left: dict[int, int] = dict.fromkeys(planted_teams, PLANTED_SICK)
    window_start = day - timedelta(days=DAYS - 1)
    now = datetime.now(UTC)
    columns = (
        "worker_id, day, profile_id, healthy, symptoms, exposures, by_proxy, "
        "client_id, declared_at, updated_at"
    )
    count = 0
    with psycopg.connect(pg_conninfo()) as conn:
        with conn.cursor() as cursor:
            table = HealthDeclaration._meta.db_table
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for i in range(DAYS):
                    when = window_start + timedelta(days=i)
                    last = when == day
                    for worker, (e, t) in zip(workers, placement, strict=True):
                        if worker.employment_start and worker.employment_start > when:
                            continue
                        share = DECLARED_SHARE
                        if last and worker.workshop_id in planted_workshops:
                            share = 1 - PLANTED_MISSING_SHARE
                        if rng.random() > share:
                            continue
                        sick = rng.random() < SICK_SHARE
                        team = teams[e][t].pk
                        if last and sick_left.get(team, 0) > 0:
                            sick = True
                            sick_left[team] -= 1
                        copy.write_row(
                            (
                                worker.pk,
                                when,
                                profile.pk,
                                not sick,
                                '["fever"]' if sick else "[]",
                                "[]",
                                False,
                                uuid.uuid4(),
                                now,
                                now,
                            )
                        )
                        count += 1
        conn.commit()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(
        f"  {count:,} declarations over {DAYS} days COPYed in "
        f"{time.perf_counter() - started:.1f} s"
    )


def clean() -> None:
    province = Organisation.objects.filter(
        kind=OrgKind.PROVINCE, name=f"Tỉnh {MARK}"
    ).first()
    if province is None:
        return
    path = province.path
    with transaction.atomic(), connection.cursor() as cursor:
        OutbreakAlert.objects.filter(scope_path__startswith=path)._raw_delete(
            connection.alias
        )
        workers = Worker.objects.filter(national_id_hash__startswith=f"{MARK}-")
        HealthDeclaration.objects.filter(worker__in=workers)._raw_delete(
            connection.alias
        )
        TeamMembership.objects.filter(worker__in=workers)._raw_delete(connection.alias)
        workers._raw_delete(connection.alias)
        nodes = Organisation.objects.filter(path__startswith=path)
        Workshop.objects.filter(enterprise__in=nodes)._raw_delete(connection.alias)
        for model in (Team, Residence, Enterprise, Zone, AdminUnit):
            cursor.execute(
                f"DELETE FROM {model._meta.db_table} WHERE organisation_ptr_id IN "
                f"(SELECT id FROM {Organisation._meta.db_table} WHERE path LIKE %s)",
                [path + "%"],
            )
        cursor.execute(
            f"DELETE FROM {Organisation._meta.db_table} WHERE path LIKE %s",
            [path + "%"],
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--keep", action="store_true", help="keep the data")
    parser.add_argument("--reuse", action="store_true", help="use kept data")
    args = parser.parse_args()
    ensure_database()
    call_command("migrate", verbosity=0)
    if connection.vendor != "postgresql":
        raise SystemExit("this benchmark needs PostgreSQL (DATABASE_URL)")
    day = timezone.localdate() - timedelta(days=1)
    print(
        f"database: {settings.DATABASES['default']['NAME']}; judged day "
        f"{day:%d/%m/%Y}, window {DAYS} days"
    )
    if not args.reuse:
        clean()
        print("building:")
        built = build(args.units, args.workers, day, args.seed)
    try:
        started = time.perf_counter()
        series = unit_series(day=day, days=DAYS)
        sql_seconds = time.perf_counter() - started
        kinds: dict[str, int] = {}
        for entry in series:
            kinds[entry.kind] = kinds.get(entry.kind, 0) + 1
        print(
            f"series (3 aggregate queries + Python): {len(series):,} units "
            f"({', '.join(f'{k} {n:,}' for k, n in sorted(kinds.items()))}) × "
            f"{DAYS} days in {sql_seconds:.2f} s"
        )
        timings = []
        for run in range(args.runs):
            started = time.perf_counter()
            found = detect_outbreaks(day=day)
            seconds = time.perf_counter() - started
            timings.append(seconds)
            print(
                f"run {run + 1}: detect_outbreaks {seconds:.2f} s; "
                f"{found.units:,} units, {found.alarms:,} alerts "
                f"({found.created:,} new, {found.updated:,} updated, "
                f"{found.removed:,} removed); by method {found.by_method}; "
                f"by series {found.by_series}"
            )
        if not args.reuse:
            alerted = set(
                OutbreakAlert.objects.filter(day=day, series="symptomatic")
                .values_list("unit_key", flat=True)
                .distinct()
            )
            hit_teams = sum(f"team:{pk}" in alerted for pk in built.planted_teams)
            missing = set(
                OutbreakAlert.objects.filter(day=day, series="missing")
                .values_list("unit_key", flat=True)
                .distinct()
            )
            hit_shops = sum(
                f"workshop:{pk}" in missing for pk in built.planted_workshops
            )
            print(
                f"planted: {hit_teams}/{PLANTED_TEAMS} teams with "
                f"{PLANTED_SICK} sick found; {hit_shops}/{PLANTED_WORKSHOPS} "
                f"workshops with {PLANTED_MISSING_SHARE:.0%} missing found"
            )
        breakdown = (
            OutbreakAlert.objects.filter(day=day)
            .values_list("series", "unit_kind")
            .annotate(n=Count("id"))
            .order_by("series", "unit_kind")
        )
        print(
            "alerts by series and unit kind (all methods): "
            + ", ".join(f"{s} {k} {n:,}" for s, k, n in breakdown)
        )
        worst = max(timings)
        print(
            f"RESULT: median {statistics.median(timings):.2f} s, worst "
            f"{worst:.2f} s over {args.runs} runs; target ≤ {TARGET_SECONDS:g} s: "
            f"{'PASS' if worst <= TARGET_SECONDS else 'FAIL'}"
        )
    finally:
        if not args.keep:
            started = time.perf_counter()
            clean()
            print(f"cleaned up in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
