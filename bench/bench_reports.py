"""Benchmark: the dual-goal dashboard and the daily rollups on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/reports_bench \\
        .venv/bin/python bench/bench_reports.py --days 365 --workers 100000

Builds, set-based with ``generate_series``, a province of 10 communes, 10 zones
and 200 enterprises (``--enterprises``) with N workers, one health declaration
per worker per day for D days (365 × 100,000 = 36.5 M, 2 % with symptoms),
vaccinations, cases with their close contacts, gate passages for the last
7 days, incident reports, tips and violations; then fills the rollups of every
day. Prints:

- the time to refresh one day's rollups (all tables, one transaction; target
  ≤ 1 s), five runs;
- the province dashboard's server time (Django test client, in process, HTML
  page and API) for the last 30 days and the whole year: p50/p95/max over
  ``--repeat`` requests (target p95 ≤ 50 ms for 30 days).

``time_monthly_report(generate)`` times a monthly province report over the same
data for the official-reports benchmark: ``generate(scope, start, end)`` is
called ``repeat`` times and the seconds are returned.

The data is built once and kept (the build is the slow part); ``--rebuild``
drops it and builds again, ``--clean`` only removes it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault(
    "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/reports_bench"
)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tuquan.settings")
os.environ.setdefault("TUQUAN_TESTING", "1")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1")

import django

django.setup()

import psycopg  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402

from tuquan.accounts.choices import Role  # noqa: E402
from tuquan.accounts.models import RoleAssignment, User  # noqa: E402
from tuquan.core import crypto  # noqa: E402
from tuquan.core.validators import tax_code_check_digit  # noqa: E402
from tuquan.organisations.choices import AgencyFunction, OrgKind  # noqa: E402
from tuquan.organisations.models import (  # noqa: E402
    AdminUnit,
    Enterprise,
    Organisation,
    Zone,
)
from tuquan.reports import rollup  # noqa: E402
from tuquan.reports.models import (  # noqa: E402
    EnterpriseDay,
    IncidentDay,
    NodeDay,
    RollupRun,
    TeamDay,
)

MARK = "BENCH-RPT"
LAST_DAY = dt.date(2021, 12, 31)


def tax_code(n: int) -> str:
    base = 810_000_000 + n * 19
    while tax_code_check_digit(f"{base:09d}") is None:
        base += 1
    return f"{base:09d}{tax_code_check_digit(f'{base:09d}')}"


def ensure_database() -> None:
    db = settings.DATABASES["default"]
    info = (
        f"host={db.get('HOST') or '127.0.0.1'} port={db.get('PORT') or 5432} "
        f"user={db.get('USER') or 'postgres'} dbname=postgres"
    )
    with psycopg.connect(info, autocommit=True) as conn:
        found = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]]
        ).fetchone()
        if not found:
            conn.execute(f'CREATE DATABASE "{db["NAME"]}"')


def province() -> AdminUnit | None:
    return AdminUnit.objects.filter(code=f"{MARK}-p").first()


def run_sql(sql: str, params: list[Any] | None = None) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.rowcount


def drop_indexes(table: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Drop ``table``'s unique and foreign-key constraints and its secondary
    indexes (not the primary key); return their definitions."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype IN ('u', 'f')",
            [table],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint "
            "WHERE conrelid = %s::regclass)",
            [table, table],
        )
        indexes = cursor.fetchall()
        for name, _ddl in constraints:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _ddl in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    return constraints, indexes


def restore_indexes(
    table: str, saved: tuple[list[tuple[str, str]], list[tuple[str, str]]]
) -> None:
    constraints, indexes = saved
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '1GB'")
        for _name, ddl in indexes:
            cursor.execute(ddl)
        for name, ddl in constraints:
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {ddl}')


def build(*, workers: int, enterprises: int, days: int) -> AdminUnit:
    """The tree through the ORM (a few hundred rows), everything else in SQL."""
    first_day = LAST_DAY - dt.timedelta(days=days - 1)
    with transaction.atomic():
        prov = AdminUnit.objects.create(
            name=f"Tỉnh {MARK}", kind=OrgKind.PROVINCE, code=f"{MARK}-p"
        )
        communes = [
            AdminUnit.objects.create(
                name=f"Xã {MARK} {i}", kind=OrgKind.COMMUNE, parent=prov
            )
            for i in range(10)
        ]
        committee = Organisation.objects.create(
            kind=OrgKind.COMMITTEE,
            name=f"BCĐ {MARK}",
            parent=prov,
            jurisdiction=prov,
            function=AgencyFunction.OTHER,
        )
        zones = [
            Zone.objects.create(name=f"KCN {MARK} {i}", commune=communes[i])
            for i in range(10)
        ]
        for i in range(enterprises):
            Enterprise.objects.create(
                name=f"Công ty {MARK} {i}",
                tax_code=tax_code(i),
                zone=zones[i % 10],
                code=tax_code(i),
            )
        user, _created = User.objects.get_or_create(username="bench_reports_province")
        RoleAssignment.objects.create(
            user=user, role=Role.PROVINCE_COMMITTEE, organisation=committee
        )
    enc = crypto.encrypt("066095000000")
    started = time.perf_counter()
    # Workers: employers round-robin; 5 % joined during the year.
    run_sql(
        """
        INSERT INTO people_worker (full_name, name_folded, date_of_birth, sex,
            national_id_enc, national_id_hash, national_id_tail, phone_enc,
            phone_hash, phone_tail, enterprise_id, employment_status,
            employment_start, is_sample, created_at, updated_at)
        SELECT 'Công nhân ' || g, 'cong nhan ' || g, DATE '1990-01-01' + (mod(g, 5000)),
            CASE WHEN mod(g, 2) = 0 THEN 'male' ELSE 'female' END,
            %s, md5(%s || g), lpad(mod(g, 10000)::text, 4, '0'), '', '', '',
            e.ids[1 + mod(g, array_length(e.ids, 1))], 'active',
            CASE WHEN mod(g, 20) = 0 THEN %s::date + mod(g, 300) END, true, now(), now()
        FROM generate_series(1, %s) g,
             (SELECT array_agg(organisation_ptr_id ORDER BY organisation_ptr_id) ids
              FROM organisations_enterprise e JOIN organisations_organisation o
              ON o.id = e.organisation_ptr_id WHERE o.path LIKE %s) e
        """,
        [enc, MARK, first_day, workers, f"{prov.path}%"],
    )
    print(f"  workers: {time.perf_counter() - started:.1f} s", flush=True)
    worker_range = f"""
        SELECT w.id FROM people_worker w JOIN organisations_organisation o
        ON o.id = w.enterprise_id WHERE o.path LIKE '{prov.path}%%'
    """
    profile = run_sql("SELECT 1")  # keep the cursor warm
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM health_diseaseprofile ORDER BY id LIMIT 1")
        profile = cursor.fetchone()[0]
    # Declarations, one month per statement so progress shows. Indexes and
    # constraints are dropped first and built once at the end: inserting 36.5 M
    # rows into a random-UUID unique index row by row takes hours.
    saved = drop_indexes("health_healthdeclaration")
    day = first_day
    while day <= LAST_DAY:
        month_end = min(
            LAST_DAY,
            (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
            - dt.timedelta(days=1),
        )
        started = time.perf_counter()
        rows = run_sql(
            f"""
            INSERT INTO health_healthdeclaration (worker_id, day, profile_id,
                healthy, symptoms, exposures, by_proxy, client_id, declared_at,
                updated_at)
            SELECT w.id, d::date, %s, random() > 0.02, '[]', '[]', false,
                gen_random_uuid(), d + interval '7 hours', now()
            FROM generate_series(%s::date, %s::date, interval '1 day') d
            CROSS JOIN ({worker_range}) w
            """,
            [profile, day, month_end],
        )
        print(
            f"  declarations {day:%Y-%m}: {rows:,} in "
            f"{time.perf_counter() - started:.1f} s",
            flush=True,
        )
        day = month_end + dt.timedelta(days=1)
    started = time.perf_counter()
    restore_indexes("health_healthdeclaration", saved)
    print(f"  indexes rebuilt: {time.perf_counter() - started:.1f} s", flush=True)
    started = time.perf_counter()
    run_sql(
        f"""
        INSERT INTO screening_vaccination (worker_id, dose, given_on, vaccine,
            place, client_id, created_at)
        SELECT w.id, dose, %s::date + mod(w.id * dose, %s)::int, 'AZ', '',
            gen_random_uuid(), now()
        FROM ({worker_range}) w CROSS JOIN generate_series(1, 2) dose
        WHERE mod(w.id + dose, 5) <> 0
        """,
        [first_day, days],
    )
    # Cases (0.3 % of workers over the year) and three close contacts each.
    run_sql(
        f"""
        INSERT INTO health_case (worker_id, profile_id, basis, confirmed_on,
            isolation_until, outcome, closed_on, note, created_at)
        SELECT w.id, %s, 'rt_pcr', %s::date + mod(w.id, %s)::int,
            %s::date + mod(w.id, %s)::int + 10,
            CASE WHEN mod(w.id, 2) = 0 THEN 'recovered' ELSE 'isolating' END,
            CASE WHEN mod(w.id, 2) = 0 THEN %s::date + mod(w.id, %s)::int + 10 END, '', now()
        FROM ({worker_range}) w WHERE mod(w.id, 300) = 0
        """,
        [profile, first_day, days, first_day, days, first_day, days],
    )
    run_sql(
        """
        INSERT INTO health_contact (case_id, generation, worker_id, reasons, score,
            status, decided_at, quarantine_until, traced_at)
        SELECT c.id, 1, c.worker_id + k, '[]', 50, 'confirmed',
            c.confirmed_on + interval '1 day', c.confirmed_on + 14,
            c.confirmed_on + interval '9 hours'
        FROM health_case c CROSS JOIN generate_series(1, 3) k
        JOIN people_worker w ON w.id = c.worker_id + k
        """
    )
    # Gate passages: the last 7 days, 90 % of workers in.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT o.id FROM organisations_organisation o WHERE o.kind = "
            "'industrial_park' AND o.path LIKE %s ORDER BY o.id LIMIT 1",
            [f"{prov.path}%"],
        )
        zone_id = cursor.fetchone()[0]
    from tuquan.gates.models import Gate

    gate = Gate.objects.create(site_id=zone_id, name=f"Cổng {MARK}")
    run_sql(
        f"""
        INSERT INTO gates_gateevent (client_id, gate_id, site_id, worker_id,
            enterprise_id, direction, occurred_at, received_at, flag, source)
        SELECT gen_random_uuid(), %s, %s, w.id, w.enterprise_id, 'in',
            d + interval '6 hours 50 minutes', d + interval '7 hours', '', 'scan'
        FROM generate_series(%s::date - 6, %s::date, interval '1 day') d
        CROSS JOIN (SELECT id, enterprise_id FROM people_worker
                    WHERE id IN ({worker_range})) w
        WHERE mod(w.id + extract(day from d)::int, 10) <> 0
        """,
        [gate.pk, zone_id, LAST_DAY, LAST_DAY],
    )
    # Security: 20 incident reports, 5 tips a day over the province's nodes.
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM security_incidentkind ORDER BY id")
        kinds = [row[0] for row in cursor.fetchall()]
    run_sql(
        """
        INSERT INTO security_incidentreport (reference, kind_id, severity,
            severity_rank, status, source, may_be_crime, occurred_at, received_at,
            description, people_involved, place_text, scope_path, team_path,
            contact, status_key_hash, assignee, rejection_reason, is_sample,
            updated_at)
        SELECT 'BR-' || g, (%s::bigint[])[1 + mod(g, %s)], 'medium', 2,
            (ARRAY['received','in_handling','resolved','closed'])[1 + mod(g, 4)],
            'officer', false, d + interval '10 hours', d + interval '10 hours',
            'Sự việc', '', '', o.path, '', '', '', '', '', true, now()
        FROM generate_series(%s::date, %s::date, interval '1 day') d
        CROSS JOIN generate_series(1, 20) k
        CROSS JOIN LATERAL (SELECT (extract(doy from d)::int * 20 + k) AS g) gg
        JOIN LATERAL (SELECT path FROM organisations_organisation
                      WHERE path LIKE %s AND kind IN ('enterprise', 'industrial_park',
                      'commune') ORDER BY id OFFSET mod(gg.g, 200) LIMIT 1) o ON true
        """,
        [kinds, len(kinds), first_day, LAST_DAY, f"{prov.path}_%"],
    )
    run_sql(
        """
        INSERT INTO tips_tip (kind, place_text, description, scope_path, status,
            received_at, updated_at, receipt_lookup, receipt_salt, receipt_hash,
            receipt_expires_at)
        SELECT 'other', 'Chợ', 'Tin báo', %s, 'received', d + interval '20 hours',
            now(), 'L' || k, 's', 'h', now()
        FROM generate_series(%s::date, %s::date, interval '1 day') d
        CROSS JOIN generate_series(1, 5) k
        """,
        [prov.path, first_day, LAST_DAY],
    )
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"  vacuum analyze: {time.perf_counter() - started:.1f} s", flush=True)
    return prov


def clean() -> None:
    prov = province()
    if prov is None:
        return
    like = f"{prov.path}%"
    workers = (
        "SELECT w.id FROM people_worker w JOIN organisations_organisation o "
        "ON o.id = w.enterprise_id WHERE o.path LIKE %s"
    )
    for sql in (
        f"DELETE FROM health_contact WHERE worker_id IN ({workers})",
        f"DELETE FROM health_case WHERE worker_id IN ({workers})",
        f"DELETE FROM health_healthdeclaration WHERE worker_id IN ({workers})",
        f"DELETE FROM screening_vaccination WHERE worker_id IN ({workers})",
        f"DELETE FROM gates_gateevent WHERE worker_id IN ({workers})",
        "DELETE FROM security_incidentreport WHERE scope_path LIKE %s",
        "DELETE FROM tips_tip WHERE scope_path LIKE %s",
        f"DELETE FROM people_worker WHERE id IN ({workers})",
    ):
        run_sql(sql, [like])
    for model in (EnterpriseDay, TeamDay, NodeDay, IncidentDay, RollupRun):
        model.objects.all().delete()
    User.objects.filter(username="bench_reports_province").delete()
    for kind in (
        OrgKind.GATE,
        OrgKind.ENTERPRISE,
        OrgKind.INDUSTRIAL_PARK,
        OrgKind.COMMITTEE,
        OrgKind.COMMUNE,
        OrgKind.PROVINCE,
    ):
        for org in Organisation.objects.filter(kind=kind, path__startswith=prov.path):
            org.specific().delete()


def fill_rollups(days: int) -> float:
    first_day = LAST_DAY - dt.timedelta(days=days - 1)
    started = time.perf_counter()
    day = first_day
    while day <= LAST_DAY:
        rollup.refresh_day(day)
        if day.day == 1:
            print(f"  rollups {day:%Y-%m} …", flush=True)
        day += dt.timedelta(days=1)
    with connection.cursor() as cursor:
        # Fresh statistics, as autovacuum would have them after a day's refresh.
        for model in (EnterpriseDay, TeamDay, NodeDay, IncidentDay):
            cursor.execute(f"ANALYZE {model._meta.db_table}")
    return time.perf_counter() - started


def timings(fn: Callable[[], Any], repeat: int) -> list[float]:
    fn()  # warm-up
    out = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return sorted(out)


def line(label: str, values: list[float], unit: str = "ms") -> None:
    p95 = values[max(0, int(len(values) * 0.95) - 1)]
    print(
        f"{label:<44}{statistics.median(values):9.1f}{p95:9.1f}{values[-1]:9.1f} {unit}"
    )


def time_monthly_report(
    generate: Callable[[Organisation, dt.date, dt.date], Any], repeat: int = 3
) -> list[float]:
    """Seconds taken by ``generate(scope, start, end)`` for the bench province's
    last full month (December), ``repeat`` times. Build the data first (run this
    script once with --keep-going or call ``ensure_built``)."""
    prov = province()
    if prov is None:
        raise SystemExit("Run bench/bench_reports.py first to build the data.")
    start, end = LAST_DAY.replace(day=1), LAST_DAY
    out = []
    for _ in range(repeat):
        began = time.perf_counter()
        generate(prov, start, end)
        out.append(time.perf_counter() - began)
    return out


def ensure_built(*, workers: int, enterprises: int, days: int) -> AdminUnit:
    ensure_database()
    call_command("migrate", verbosity=0)
    prov = province()
    if prov is None:
        started = time.perf_counter()
        print("building the data …", flush=True)
        prov = build(workers=workers, enterprises=enterprises, days=days)
        print(f"built in {time.perf_counter() - started:.1f} s", flush=True)
        seconds = fill_rollups(days)
        print(f"filled {days} days of rollups in {seconds:.1f} s", flush=True)
    return prov


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", type=int, default=100_000)
    parser.add_argument("--enterprises", type=int, default=200)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--clean", action="store_true")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("This benchmark runs on PostgreSQL (set DATABASE_URL).")
    ensure_database()
    call_command("migrate", verbosity=0)
    if args.rebuild or args.clean:
        clean()
        if args.clean:
            return
    prov = ensure_built(
        workers=args.workers, enterprises=args.enterprises, days=args.days
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM health_healthdeclaration WHERE day BETWEEN %s AND %s",
            [LAST_DAY - dt.timedelta(days=args.days - 1), LAST_DAY],
        )
        declarations = cursor.fetchone()[0]
    print(
        f"database: {connection.settings_dict['NAME']}; declarations in the period: "
        f"{declarations:,}; enterprise-day rollup rows: "
        f"{EnterpriseDay.objects.count():,}"
    )
    print(f"{'case':<44}{'p50':>9}{'p95':>9}{'max':>9}")
    refresh = timings(lambda: rollup.refresh_day(LAST_DAY), 5)
    line("refresh one day's rollups (target ≤ 1000)", refresh)
    user = User.objects.get(username="bench_reports_province")
    client = Client()
    client.force_login(user)
    month = {"start": "02/12/2021", "end": "31/12/2021"}
    year = {
        "start": (LAST_DAY - dt.timedelta(days=args.days - 1)).strftime("%d/%m/%Y"),
        "end": "31/12/2021",
    }

    def page(params: dict[str, str]) -> Callable[[], Any]:
        def get() -> None:
            response = client.get(f"/dashboard/{prov.pk}/", params)
            assert response.status_code == 200, response.status_code

        return get

    def api(params: dict[str, str]) -> Callable[[], Any]:
        def get() -> None:
            response = client.get(f"/api/v1/dashboard/{prov.pk}", params)
            assert response.status_code == 200, response.status_code

        return get

    line(
        "province dashboard, 30 days (target p95 ≤ 50)",
        timings(page(month), args.repeat),
    )

    def uncached(fn: Callable[[], Any]) -> Callable[[], Any]:
        def run() -> None:
            cache.clear()  # every request computes the figures again
            fn()

        return run

    line("  the same, summary not cached", timings(uncached(page(month)), args.repeat))
    line("province dashboard API, 30 days", timings(api(month), args.repeat))
    line(
        "province dashboard, whole period, not cached",
        timings(uncached(page(year)), args.repeat),
    )
    zone = Zone.objects.filter(path__startswith=prov.path).first()
    assert zone is not None

    def zone_page() -> None:
        assert client.get(f"/dashboard/{zone.pk}/", month).status_code == 200

    line("zone dashboard, 30 days", timings(zone_page, args.repeat))

    def map_page() -> None:
        response = client.get(f"/dashboard/{prov.pk}/map/", {"day": "31/12/2021"})
        assert response.status_code == 200

    line("province map", timings(map_page, args.repeat))

    def monthly_report(scope: Organisation, start: dt.date, end: dt.date) -> None:
        # The whole path of the page's request, run here instead of by Celery;
        # the cache is emptied so the figures are computed, not reused.
        from tuquan.reports.official import generate, request_report

        cache.clear()
        report, _created = request_report(
            user=user, scope=scope, kind="monthly", day=start, queue=False
        )
        done = generate(report)
        assert done.state == "done", done.error

    seconds = sorted(s * 1000 for s in time_monthly_report(monthly_report, repeat=3))
    line("monthly province report .docx + .xlsx (≤ 10000)", seconds)


if __name__ == "__main__":
    main()
