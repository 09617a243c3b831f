"""Refreshing the daily rollups from the other apps' tables.

One day is recomputed as a whole in one transaction: a handful of aggregation
queries (GROUP BY enterprise, team or node path) whose results are written with
one bulk insert per table after deleting the day's old rows. Nothing loops over
source rows in Python; the loops below run over enterprises, teams and nodes.

Definitions (mirrored by tests/test_rollup_figures.py):

- registered: the worker's enterprise is set, the day is within their employment
  dates (open ends count), and they have not left without an end date;
- present: distinct workers with an "in" passage at a gate that day, counted for
  the enterprise recorded on the passage;
- declarations / symptomatic: health declarations of the day (not ``healthy``);
- new cases: cases confirmed that day; in isolation: confirmed on or before the
  day and not closed on or before it;
- in quarantine: confirmed close contacts (F1) decided on or before the day, whose
  quarantine runs through the day and who were not released on or before it;
- tests / positive: screening tests sampled that day; vaccinated: registered
  workers (team: members) with a first or second dose given on or before the
  day (fully: a second dose);
- workers are counted for their current enterprise (the workers table keeps no
  history of employers, so a rebuild uses today's employer for past days);
- message reach: deliveries of the outreach app sent, read, and answered right
  that day, for the enterprise the delivery was counted for;
- security rows are counted on the node in their ``scope_path``: incident reports
  by received time, tips by received time, patrols by start time, violations by
  time of the violation, fines by decision date, outbreak alerts by day;
  overdue hand-overs: deadline passed by the end of the day and not received by
  the police by then.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction
from django.db.models import (
    Count,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from tuquan.organisations.choices import OrgKind
from tuquan.reports.models import (
    EnterpriseDay,
    IncidentDay,
    NodeDay,
    RollupRun,
    TeamDay,
)


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The local day as [start, end) aware datetimes, so time ranges use the
    plain indexes on both databases."""
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    end = timezone.make_aware(
        dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min)
    )
    return start, end


def registered_q(day: dt.date, prefix: str = "") -> Q:
    """Workers employed on ``day`` (``prefix`` reaches the worker from a row)."""
    from tuquan.people.models import EmploymentStatus

    p = prefix
    return (
        Q(**{f"{p}enterprise__isnull": False})
        & (
            Q(**{f"{p}employment_start__isnull": True})
            | Q(**{f"{p}employment_start__lte": day})
        )
        & (
            Q(**{f"{p}employment_end__isnull": True})
            | Q(**{f"{p}employment_end__gte": day})
        )
        & ~Q(
            **{
                f"{p}employment_status": EmploymentStatus.LEFT,
                f"{p}employment_end__isnull": True,
            }
        )
    )


def _counts(qs: QuerySet, key: str, **aggregates: Any) -> dict[Any, dict[str, int]]:
    out: dict[Any, dict[str, int]] = {}
    for row in qs.values(key).annotate(**aggregates).order_by():
        out[row[key]] = {name: row[name] or 0 for name in aggregates}
    return out


def counted_with_coverage(
    workers: QuerySet, key: str, day: dt.date, count_as: str | None
) -> dict[Any, dict[str, int]]:
    """Per group: the workers counted (``workers_registered`` or ``count_as``)
    and how many of them had a first or second dose, and a second dose, by
    ``day``. A worker has one row per dose number, so two outer joins on the
    dose number count each worker once: a correlated EXISTS per worker or a
    COUNT(DISTINCT) over every dose costs several times more."""
    from tuquan.screening.models import Vaccination

    # No ORDER BY in the derived table (the workers' default ordering sorts).
    inner, params = (
        workers.values(group_key=F(key), worker_key=F("pk"))
        .order_by()
        .query.sql_with_params()
    )
    doses = Vaccination._meta.db_table
    sql = f"""
        SELECT w.group_key,
               COUNT(*),
               SUM(CASE WHEN v1.id IS NOT NULL OR v2.id IS NOT NULL THEN 1 ELSE 0 END),
               COUNT(v2.id)
        FROM ({inner}) w
        LEFT JOIN {doses} v1
            ON v1.worker_id = w.worker_key AND v1.dose = 1 AND v1.given_on <= %s
        LEFT JOIN {doses} v2
            ON v2.worker_id = w.worker_key AND v2.dose = 2 AND v2.given_on <= %s
        GROUP BY w.group_key
    """
    out: dict[Any, dict[str, int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, day, day])
        for group, counted, one, two in cursor.fetchall():
            out[group] = {
                count_as or "workers_registered": counted,
                "vaccinated": one,
                "fully_vaccinated": two or 0,
            }
    return out


def worker_figures(day: dt.date, group: str) -> dict[Any, dict[str, int]]:
    """Per-group worker figures of ``day``. ``group`` is the lookup from a worker
    to the group key: ``enterprise_id`` or ``memberships__team_id``."""
    from tuquan.gates.choices import Direction
    from tuquan.gates.models import GateEvent
    from tuquan.health.models import Case, Contact, ContactStatus, HealthDeclaration
    from tuquan.people.models import Worker
    from tuquan.screening.models import ScreeningResult, ScreeningTest

    start, end = day_bounds(day)
    membership = group.startswith("memberships")
    figures: dict[Any, dict[str, int]] = defaultdict(dict)

    def merge(rows: dict[Any, dict[str, int]]) -> None:
        for key, values in rows.items():
            if key is not None:
                figures[key].update(values)

    def via(prefix: str) -> tuple[str, Q]:
        """The group lookup from a row reaching the worker through ``prefix``,
        and for teams the condition that the membership ran on ``day``."""
        if not membership:
            return f"{prefix}{group}", Q()
        m = f"{prefix}memberships__"
        # An inner join on memberships: rows of workers in no team drop out early.
        return f"{prefix}{group}", (
            Q(**{f"{m}team__isnull": False})
            & (Q(**{f"{m}joined_on__isnull": True}) | Q(**{f"{m}joined_on__lte": day}))
            & (Q(**{f"{m}left_on__isnull": True}) | Q(**{f"{m}left_on__gt": day}))
        )

    key, cond = via("")
    base = (
        Worker.objects.filter(cond)
        if membership
        else Worker.objects.filter(registered_q(day))
    )
    merge(counted_with_coverage(base, key, day, "members" if membership else None))
    key, cond = via("worker__")
    merge(
        _counts(
            HealthDeclaration.objects.filter(cond, day=day),
            key,
            declarations=Count("pk"),
            declarations_symptomatic=Count("pk", filter=Q(healthy=False)),
        )
    )
    merge(
        _counts(
            Case.objects.filter(cond, confirmed_on__lte=day).filter(
                Q(closed_on__isnull=True) | Q(closed_on__gt=day)
            ),
            key,
            in_isolation=Count("worker", distinct=True),
        )
    )
    merge(
        _counts(Case.objects.filter(cond, confirmed_on=day), key, new_cases=Count("pk"))
    )
    merge(
        _counts(
            Contact.objects.filter(
                cond,
                status=ContactStatus.CONFIRMED,
                decided_at__lt=end,
                quarantine_until__gte=day,
            ).filter(Q(released_on__isnull=True) | Q(released_on__gt=day)),
            key,
            in_quarantine=Count("worker", distinct=True),
        )
    )
    presence = GateEvent.objects.filter(
        occurred_at__gte=start, occurred_at__lt=end, direction=Direction.IN
    )
    if membership:
        merge(
            _counts(presence.filter(cond), key, present=Count("worker", distinct=True))
        )
    else:
        # Counted for the enterprise written on the passage (the employer then).
        merge(
            _counts(
                presence.filter(enterprise__isnull=False),
                "enterprise_id",
                workers_present=Count("worker", distinct=True),
            )
        )
        merge(message_reach(day))
        merge(
            _counts(
                ScreeningTest.objects.filter(cond, sampled_on=day),
                key,
                tests=Count("pk"),
                tests_positive=Count("pk", filter=Q(result=ScreeningResult.POSITIVE)),
            )
        )
    return figures


def message_reach(day: dt.date) -> dict[Any, dict[str, int]]:
    """Messages to workers (outreach app) sent, read and understood (quiz
    answered right) that day, for the enterprise each delivery was counted for."""
    from tuquan.outreach.models import Delivery

    start, end = day_bounds(day)
    reach: dict[Any, dict[str, int]] = defaultdict(dict)
    for field, name, extra in (
        ("sent_at", "messages_sent", Q()),
        ("read_at", "messages_read", Q()),
        ("answered_at", "messages_understood", Q(quiz_right=True)),
    ):
        rows = _counts(
            Delivery.objects.filter(
                extra,
                unit__kind=OrgKind.ENTERPRISE,
                **{f"{field}__gte": start, f"{field}__lt": end},
            ),
            "unit_id",
            **{name: Count("pk")},
        )
        for key, values in rows.items():
            reach[key].update(values)
    return reach


def enterprise_rows(day: dt.date) -> list[EnterpriseDay]:
    """One EnterpriseDay per enterprise for ``day``."""
    from tuquan.organisations.models import Enterprise, OperatingModeChange
    from tuquan.riskassess.models import Assessment

    _start, end = day_bounds(day)
    changes = OperatingModeChange.objects.filter(enterprise=OuterRef("pk"))
    enterprises = Enterprise.objects.annotate(
        # The mode in force that day: the last change on or before it, else the
        # mode before the first later change, else today's mode.
        mode_then=Coalesce(
            Subquery(
                changes.filter(effective_on__lte=day)
                .order_by("-effective_on", "-pk")
                .values("mode")[:1]
            ),
            Subquery(
                changes.filter(effective_on__gt=day)
                .order_by("effective_on", "pk")
                .values("previous_mode")[:1]
            ),
            F("operating_mode"),
        ),
        band_then=Subquery(
            Assessment.objects.filter(enterprise=OuterRef("pk"), submitted_at__lt=end)
            .order_by("-submitted_at", "-pk")
            .values("band")[:1]
        ),
    ).values_list("pk", "path", "mode_then", "band_then")
    figures = worker_figures(day, "enterprise_id")
    rows = []
    for pk, path, mode, band in enterprises:
        rows.append(
            EnterpriseDay(
                day=day,
                enterprise_id=pk,
                path=path,
                operating_mode=mode or "",
                risk_band=band or "",
                **figures.get(pk, {}),
            )
        )
    return rows


def team_rows(day: dt.date) -> list[TeamDay]:
    from tuquan.organisations.models import Team

    figures = worker_figures(day, "memberships__team_id")
    return [
        TeamDay(day=day, team_id=pk, path=path, **figures.get(pk, {}))
        for pk, path in Team.objects.values_list("pk", "path")
    ]


def _node_id(path: str) -> int | None:
    parts = [part for part in path.split("/") if part]
    return int(parts[-1]) if parts and parts[-1].isdigit() else None


def node_rows(day: dt.date) -> tuple[list[NodeDay], list[IncidentDay]]:
    """NodeDay and IncidentDay rows of ``day`` (only nodes with something)."""
    from tuquan.levels.models import WeeklyLevel
    from tuquan.organisations.models import Organisation
    from tuquan.patrols.models import PatrolSession
    from tuquan.security.choices import ReportStatus
    from tuquan.security.models import HandOver, IncidentReport
    from tuquan.surveillance.models import OutbreakAlert
    from tuquan.tips.models import Tip
    from tuquan.violations.models import SanctionDecision, Violation

    start, end = day_bounds(day)
    by_path: dict[str, dict[str, int]] = defaultdict(dict)

    def merge(rows: Iterable[dict[str, Any]], key: str = "path") -> None:
        for row in rows:
            path = row.pop(key)
            if path:
                for name, value in row.items():
                    by_path[path][name] = by_path[path].get(name, 0) + (value or 0)

    reports = IncidentReport.objects.filter(
        received_at__gte=start, received_at__lt=end
    ).exclude(status=ReportStatus.DUPLICATE)
    merge(
        reports.values(path=F("scope_path"))
        .annotate(incidents_new=Count("pk"))
        .order_by()
    )
    merge(
        HandOver.objects.filter(deadline__lt=end)
        .filter(Q(received_at__isnull=True) | Q(received_at__gte=end))
        .values(path=F("report__scope_path"))
        .annotate(handovers_overdue=Count("pk"))
        .order_by()
    )
    merge(
        Tip.objects.filter(received_at__gte=start, received_at__lt=end)
        .values(path=F("scope_path"))
        .annotate(tips=Count("pk"))
        .order_by()
    )
    merge(
        PatrolSession.objects.filter(started_at__gte=start, started_at__lt=end)
        .values(path=F("team__path"))
        .annotate(patrols=Count("pk"))
        .order_by()
    )
    merge(
        Violation.objects.filter(occurred_at__gte=start, occurred_at__lt=end)
        .values(path=F("scope_path"))
        .annotate(violations=Count("pk"))
        .order_by()
    )
    merge(
        SanctionDecision.objects.filter(issued_on=day)
        .values(path=F("scope_path"))
        .annotate(fines_vnd=Sum("fine_amount"))
        .order_by()
    )
    merge(
        OutbreakAlert.objects.filter(day=day)
        .values(path=F("scope_path"))
        .annotate(alerts=Count("pk"))
        .order_by()
    )
    week = day - dt.timedelta(days=day.weekday())
    levels = dict(
        WeeklyLevel.objects.filter(week_start=week).values_list("unit__path", "level")
    )
    for path in levels:
        by_path[path].setdefault("alerts", 0)

    ids = {path: _node_id(path) for path in by_path}
    existing = set(
        Organisation.objects.filter(pk__in=[i for i in ids.values() if i]).values_list(
            "pk", flat=True
        )
    )
    nodes = [
        NodeDay(
            day=day,
            organisation_id=ids[path],
            path=path,
            epidemic_level=levels.get(path),
            **values,
        )
        for path, values in by_path.items()
        if ids[path] in existing
    ]
    incidents = [
        IncidentDay(
            day=day,
            organisation_id=_node_id(row["scope_path"]),
            path=row["scope_path"],
            kind=row["kind__code"],
            state=row["status"],
            count=row["n"],
        )
        for row in reports.values("scope_path", "kind__code", "status")
        .annotate(n=Count("pk"))
        .order_by()
        if _node_id(row["scope_path"]) in existing
    ]
    return nodes, incidents


def refresh_day(day: dt.date, *, path: str = "") -> RollupRun:
    """Recompute the rollups of ``day`` in one transaction; with ``path``, only
    the rows of that subtree are rewritten (a refresh asked from a dashboard)."""
    began = time.monotonic()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Grouping 100,000 workers or doses in memory beats sorting them.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL work_mem = '64MB'")
        enterprises = enterprise_rows(day)
        teams = team_rows(day)
        nodes, incidents = node_rows(day)
        if path:
            enterprises = [r for r in enterprises if r.path.startswith(path)]
            teams = [r for r in teams if r.path.startswith(path)]
            nodes = [r for r in nodes if r.path.startswith(path)]
            incidents = [r for r in incidents if r.path.startswith(path)]
        for model in (EnterpriseDay, TeamDay, NodeDay, IncidentDay):
            model.objects.filter(day=day, path__startswith=path).delete()
        EnterpriseDay.objects.bulk_create(enterprises, batch_size=2000)
        TeamDay.objects.bulk_create(teams, batch_size=2000)
        NodeDay.objects.bulk_create(nodes, batch_size=2000)
        IncidentDay.objects.bulk_create(incidents, batch_size=2000)
        run, _created = RollupRun.objects.update_or_create(
            day=day,
            defaults={
                "refreshed_at": timezone.now(),
                "seconds": time.monotonic() - began,
            },
        )
    return run


def first_day() -> dt.date | None:
    """The earliest day any source table has data for (for a rebuild)."""
    from tuquan.health.models import Case, HealthDeclaration
    from tuquan.security.models import IncidentReport

    candidates = [
        HealthDeclaration.objects.order_by("day").values_list("day", flat=True).first(),
        Case.objects.order_by("confirmed_on")
        .values_list("confirmed_on", flat=True)
        .first(),
    ]
    first_report = (
        IncidentReport.objects.order_by("received_at")
        .values_list("received_at", flat=True)
        .first()
    )
    if first_report is not None:
        candidates.append(timezone.localdate(first_report))
    days = [d for d in candidates if d is not None]
    return min(days) if days else None


def rebuild(*, until: dt.date | None = None) -> int:
    """Delete every rollup and recompute each day from the first day with data
    to ``until`` (today). Returns the number of days refreshed."""
    until = until or timezone.localdate()
    with transaction.atomic():
        for model in (EnterpriseDay, TeamDay, NodeDay, IncidentDay, RollupRun):
            model.objects.all().delete()
    start = first_day()
    if start is None:
        return 0
    count = 0
    day = start
    while day <= until:
        refresh_day(day)
        day += dt.timedelta(days=1)
        count += 1
    return count
