"""Benchmark: the incident report list of the provincial police over N reports.

Builds N incident reports (default 200,000) over 10 communes, 10 zones, 200
enterprises and 40 boarding houses, spread over the last year, every kind and
status, with a police hand-over for the kinds that may be a crime; then requests
the HTML list (a page of 50, in-process test client: view, template and queries)
and the API list as the provincial police, unfiltered and with filters, and
prints p50/p95/max per request. Target: p95 ≤ 150 ms for a filtered page.

    createdb -h 127.0.0.1 -U postgres tq_security
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tq_security \\
        .venv/bin/python bench/bench_incidents.py --reports 200000

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

from tuquan.accounts.choices import Role  # noqa: E402
from tuquan.accounts.models import RoleAssignment, User  # noqa: E402
from tuquan.core.validators import tax_code_check_digit  # noqa: E402
from tuquan.organisations.choices import AgencyFunction, OrgKind  # noqa: E402
from tuquan.organisations.models import (  # noqa: E402
    AdminUnit,
    Enterprise,
    Organisation,
    Residence,
    Zone,
)
from tuquan.security.choices import ReportStatus, Source  # noqa: E402
from tuquan.security.models import (  # noqa: E402
    SEVERITY_RANK,
    HandOver,
    IncidentKind,
    IncidentReport,
    ReportTransition,
)

MARK = "BENCHSEC"
DESCRIPTIONS = [
    "Mất trộm xe máy tại bãi giữ xe ca đêm",
    "Hai nhóm công nhân xô xát sau giờ tan ca",
    "Phát hiện người lạ lảng vảng quanh khu nhà trọ",
    "Tụ tập đánh bài ăn tiền trong phòng trọ",
    "Cháy chập điện tại kho thành phẩm, đã dập tắt",
    "Va chạm giao thông trước cổng khu công nghiệp",
    "Kẻ gian cạy tủ đồ cá nhân trong nhà xưởng",
]


def tax_code(n: int) -> str:
    base = 700000000 + n * 17
    while tax_code_check_digit(f"{base:09d}") is None:
        base += 1
    return f"{base:09d}{tax_code_check_digit(f'{base:09d}')}"


def build(reports: int, seed: int) -> tuple[dict[str, User], dict[str, int]]:
    """The tree, the police, and ``reports`` reports; returns the personas and
    a few ids the requests filter on."""
    rng = random.Random(seed)
    kinds = list(IncidentKind.objects.all())
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
        police = Organisation.objects.create(
            kind=OrgKind.AGENCY,
            name=f"Công an tỉnh {MARK}",
            parent=province,
            jurisdiction=province,
            function=AgencyFunction.POLICE,
        )
        stations = [
            Organisation.objects.create(
                kind=OrgKind.AGENCY,
                name=f"Công an xã {MARK} {i}",
                parent=commune,
                jurisdiction=commune,
                function=AgencyFunction.POLICE,
            )
            for i, commune in enumerate(communes)
        ]
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
            for i in range(200)
        ]
        houses = [
            Residence.objects.create(
                name=f"Nhà trọ {MARK} {i}",
                address=f"{i} Đường số {i % 7}",
                commune=communes[i % 10],
            )
            for i in range(40)
        ]
        now = timezone.now()
        statuses = ReportStatus.values
        batch: list[IncidentReport] = []
        for i in range(reports):
            kind = rng.choice(kinds)
            received = now - timedelta(seconds=rng.randrange(0, 365 * 86400))
            report = IncidentReport(
                reference=f"VB{i:08d}",
                kind=kind,
                severity=kind.default_severity,
                severity_rank=SEVERITY_RANK[kind.default_severity],
                status=rng.choice(statuses),
                source=rng.choice(Source.values),
                may_be_crime=kind.may_be_crime,
                occurred_at=received - timedelta(minutes=rng.randrange(0, 600)),
                received_at=received,
                description=rng.choice(DESCRIPTIONS),
                is_sample=True,
            )
            if rng.random() < 0.8:
                ent = ents[rng.randrange(len(ents))]
                zone = zones[ents.index(ent) % 10]
                report.enterprise, report.zone = ent, zone
                report.commune = communes[zones.index(zone)]
                report.scope_path = ent.path
            else:
                house = houses[rng.randrange(len(houses))]
                report.residence = house
                report.commune = communes[houses.index(house) % 10]
                report.scope_path = house.path
            batch.append(report)
            if len(batch) == 5000:
                _flush(batch, stations, communes)
                batch = []
        _flush(batch, stations, communes)
        user = User.objects.create_user(username="bench_police", password="x")
        RoleAssignment.objects.create(
            user=user,
            role=Role.AGENCY_OFFICER,
            organisation=police,
            function=AgencyFunction.POLICE,
        )
        station_user = User.objects.create_user(username="bench_cax", password="x")
        RoleAssignment.objects.create(
            user=station_user,
            role=Role.AGENCY_OFFICER,
            organisation=stations[0],
            function=AgencyFunction.POLICE,
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    ids = {
        "zone": zones[3].pk,
        "theft": IncidentKind.objects.get(code="theft").pk,
    }
    return {"provincial police": user, "commune police": station_user}, ids


def _flush(
    batch: list[IncidentReport], stations: list[Organisation], communes: list[AdminUnit]
) -> None:
    created = IncidentReport.objects.bulk_create(batch)
    if created and created[0].pk is None:  # SQLite before RETURNING: re-read
        refs = [r.reference for r in batch]
        created = list(IncidentReport.objects.filter(reference__in=refs))
    station_of = {c.pk: s for c, s in zip(communes, stations, strict=True)}
    HandOver.objects.bulk_create(
        [
            HandOver(
                report_id=r.pk,
                commune_id=r.commune_id,
                police_unit=station_of[r.commune_id],
                deadline=r.received_at + timedelta(hours=24),
                status="concluded",
                created_at=r.received_at,
            )
            for r in created
            if r.may_be_crime
        ]
    )


def reused() -> tuple[dict[str, User], dict[str, int]]:
    users = {
        "provincial police": User.objects.get(username="bench_police"),
        "commune police": User.objects.get(username="bench_cax"),
    }
    zone = Zone.objects.get(name=f"KCN {MARK} 3")
    return users, {"zone": zone.pk, "theft": IncidentKind.objects.get(code="theft").pk}


def reused_count() -> int:
    province = AdminUnit.objects.get(name=f"Tỉnh {MARK}")
    return IncidentReport.objects.filter(scope_path__startswith=province.path).count()


def clean() -> None:
    province = AdminUnit.objects.filter(name=f"Tỉnh {MARK}").first()
    with transaction.atomic():
        if province is not None:
            reports = IncidentReport.objects.filter(
                scope_path__startswith=province.path
            )
            # Raw deletes: 200,000 rows through the ORM collector take minutes.
            HandOver.objects.filter(report__in=reports)._raw_delete("default")
            ReportTransition.objects.filter(report__in=reports)._raw_delete("default")
            reports._raw_delete("default")
        User.objects.filter(username__startswith="bench_").delete()
        for kind in (
            OrgKind.RESIDENCE,
            OrgKind.ENTERPRISE,
            OrgKind.INDUSTRIAL_PARK,
            OrgKind.AGENCY,
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
    parser.add_argument("--reports", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument(
        "--reuse", action="store_true", help="measure data kept by an earlier --keep"
    )
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    if args.reuse and User.objects.filter(username="bench_police").exists():
        users, ids = reused()
        print(f"database: {connection.vendor}; reusing {reused_count():,} reports")
    else:
        clean()
        started = time.perf_counter()
        users, ids = build(args.reports, args.seed)
        print(
            f"database: {connection.vendor}; built {args.reports:,} reports in "
            f"{time.perf_counter() - started:.1f} s"
        )
    since = (timezone.localdate() - timedelta(days=90)).isoformat()
    requests = [
        ("list, unfiltered", "/security/reports/"),
        ("list kind+status", "/security/reports/?kind=theft&status=received"),
        ("list severity+since", f"/security/reports/?severity=high&since={since}"),
        (
            "list place+status",
            f"/security/reports/?place={ids['zone']}&status=verifying",
        ),
        ("list kind, page 5", "/security/reports/?kind=theft&page=5"),
        ("API kind+status", "/api/v1/incident-reports?kind=theft&status=received"),
        (
            "API place+since",
            f"/api/v1/incident-reports?place={ids['zone']}&since={since}",
        ),
    ]
    print(f"{'persona':<20}{'request':<24}{'p50 ms':>8}{'p95 ms':>8}{'max ms':>8}")
    try:
        for name, user in users.items():
            client = Client()
            client.force_login(user)
            for label, url in requests:
                times = sorted(measure(client, url, args.repeat))
                p95 = times[int(len(times) * 0.95) - 1]
                print(
                    f"{name:<20}{label:<24}{statistics.median(times):8.1f}"
                    f"{p95:8.1f}{times[-1]:8.1f}"
                )
    finally:
        if not args.keep:
            clean()


if __name__ == "__main__":
    main()
