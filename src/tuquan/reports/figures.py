"""The figures of a scope over a period, read only from the rollup tables.

The dashboard, the API and the official reports all call :func:`summary`, so the
figures they show are the same numbers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db.models import Case, Count, F, IntegerField, Max, Q, Sum, When

from tuquan.organisations.choices import ADMIN_KINDS, ZONE_KINDS, OrgKind
from tuquan.organisations.models import Organisation
from tuquan.reports.models import (
    EnterpriseDay,
    IncidentDay,
    NodeDay,
    RollupRun,
    TeamDay,
)

# Kinds of child shown in drill-down tables (committees, agencies and gates hang
# in the tree but have no figures of their own).
CHILD_KINDS = (
    *ADMIN_KINDS,
    *ZONE_KINDS,
    OrgKind.ENTERPRISE,
    OrgKind.RESIDENCE,
    OrgKind.TEAM,
)
# Scopes whose worker figures come from their teams' members, not employers.
MEMBER_SCOPES = (OrgKind.TEAM, OrgKind.RESIDENCE)

FLOWS = (
    "declarations",
    "declarations_symptomatic",
    "new_cases",
    "tests",
    "tests_positive",
    "expected_declarations",
)
STOCKS = (
    "workers_registered",
    "workers_present",
    "in_isolation",
    "in_quarantine",
    "vaccinated",
    "fully_vaccinated",
)
NODE_FLOWS = ("incidents_new", "tips", "patrols", "violations", "fines_vnd", "alerts")


@dataclass
class Totals:
    """Figures of one unit (the scope or a child) over the period.

    Flows are sums over the period's days: ``declarations``,
    ``declarations_symptomatic``, ``new_cases``, ``tests``, ``tests_positive``,
    ``expected_declarations`` (registered workers summed over the days),
    ``incidents_new``, ``tips``, ``patrols``, ``violations``, ``fines_vnd``,
    ``alerts`` (outbreak alerts). Stocks are at the period's last day:
    ``workers_registered``, ``workers_present``, ``in_isolation``,
    ``in_quarantine`` (F1 contacts), ``vaccinated`` (one dose or more),
    ``fully_vaccinated``, ``handovers_overdue``, ``epidemic_level`` (the highest
    assessed level of a unit inside, or None), ``modes`` (enterprises per
    operating mode) and ``risk_bands`` (enterprises per risk group).
    """

    declarations: int = 0
    declarations_symptomatic: int = 0
    new_cases: int = 0
    tests: int = 0
    tests_positive: int = 0
    expected_declarations: int = 0
    workers_registered: int = 0
    workers_present: int = 0
    in_isolation: int = 0
    in_quarantine: int = 0
    vaccinated: int = 0
    fully_vaccinated: int = 0
    incidents_new: int = 0
    tips: int = 0
    patrols: int = 0
    violations: int = 0
    fines_vnd: int = 0
    alerts: int = 0
    handovers_overdue: int = 0
    epidemic_level: int | None = None
    modes: dict[str, int] = field(default_factory=dict)
    risk_bands: dict[str, int] = field(default_factory=dict)

    @property
    def declaration_rate(self) -> float | None:
        """Declarations per expected declaration, in percent."""
        if not self.expected_declarations:
            return None
        return round(100 * self.declarations / self.expected_declarations, 1)

    @property
    def vaccination_coverage(self) -> float | None:
        if not self.workers_registered:
            return None
        return round(100 * self.vaccinated / self.workers_registered, 1)

    @property
    def full_coverage(self) -> float | None:
        if not self.workers_registered:
            return None
        return round(100 * self.fully_vaccinated / self.workers_registered, 1)

    @property
    def workforce_lost(self) -> int:
        """Workers kept away by isolation or quarantine."""
        return self.in_isolation + self.in_quarantine

    @property
    def presence_rate(self) -> float | None:
        if not self.workers_registered:
            return None
        return round(100 * self.workers_present / self.workers_registered, 1)

    @property
    def enterprises(self) -> int:
        return sum(self.modes.values())

    def add(self, row: dict[str, Any], names: tuple[str, ...]) -> None:
        for name in names:
            setattr(self, name, getattr(self, name) + (row.get(name) or 0))

    def raise_level(self, level: int | None) -> None:
        if level and (self.epidemic_level is None or level > self.epidemic_level):
            self.epidemic_level = level


@dataclass
class DayPoint:
    """One day of the time series over the whole scope."""

    day: dt.date
    declarations: int = 0
    expected_declarations: int = 0
    declarations_symptomatic: int = 0
    new_cases: int = 0
    workers_present: int = 0
    workers_registered: int = 0
    in_isolation: int = 0
    in_quarantine: int = 0
    incidents_new: int = 0
    tips: int = 0
    violations: int = 0


@dataclass
class ChildRow:
    """A child unit of the scope with its totals, for drill-down tables."""

    id: int
    name: str
    kind: str
    path: str
    totals: Totals


@dataclass
class Summary:
    """Everything the dashboard and the official report show for a scope.

    ``scope``, ``start`` and ``end`` (inclusive) as asked; ``last_day``: the last
    day of the period with rollup rows (stocks are read there; None when the
    period has no data at all, ``has_data`` False); ``totals``: the scope's
    :class:`Totals`; ``series``: one :class:`DayPoint` per day of the period;
    ``children``: one :class:`ChildRow` per child unit (communes, zones,
    enterprises, residences or teams directly under the scope) in tree order;
    ``incidents``: ``(kind code, state, count)`` of incident reports received in
    the period; ``refreshed_at``: when the period's last rollup ran.
    """

    scope: Organisation
    start: dt.date
    end: dt.date
    last_day: dt.date | None
    totals: Totals
    series: list[DayPoint]
    children: list[ChildRow]
    incidents: list[tuple[str, str, int]]
    refreshed_at: dt.datetime | None

    @property
    def has_data(self) -> bool:
        return self.last_day is not None

    @property
    def incidents_by_kind(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for kind, _state, count in self.incidents:
            out[kind] = out.get(kind, 0) + count
        return out

    @property
    def incidents_by_state(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for _kind, state, count in self.incidents:
            out[state] = out.get(state, 0) + count
        return out


def _child_of(path: str, children: list[tuple[str, ChildRow]]) -> ChildRow | None:
    for prefix, row in children:
        if path.startswith(prefix):
            return row
    return None


CACHE_SECONDS = 15 * 60


def summary(*, scope: Organisation, start: dt.date, end: dt.date) -> Summary:
    """The figures of ``scope``'s subtree from ``start`` to ``end`` inclusive.

    Reads only the rollup tables (a fixed number of queries whatever the size
    of the period or the tree). The caller has checked that the user may see
    ``scope``. Results are cached under a key holding the newest refresh time
    of the period's days: any refresh of one of them (whole or partial) makes
    a new key, so a cached summary is never older than the rollups.
    """
    stamp = RollupRun.objects.filter(day__gte=start, day__lte=end).aggregate(
        newest=Max("refreshed_at"), days=Count("pk")
    )
    newest = stamp["newest"].isoformat() if stamp["newest"] else "-"
    key = (
        f"reports:summary:{scope.pk}:{scope.path}:{start.isoformat()}:"
        f"{end.isoformat()}:{stamp['days']}:{newest}"
    )
    found = cache.get(key)
    if found is None:
        found = compute_summary(scope=scope, start=start, end=end)
        cache.set(key, found, CACHE_SECONDS)
    return found


def compute_summary(*, scope: Organisation, start: dt.date, end: dt.date) -> Summary:
    """:func:`summary` without the cache."""
    prefix = scope.path
    in_period = Q(path__startswith=prefix, day__gte=start, day__lte=end)
    members = scope.kind in MEMBER_SCOPES
    worker_model = TeamDay if members else EnterpriseDay
    last_day = (
        worker_model.objects.filter(in_period).aggregate(d=Max("day"))["d"]
        or NodeDay.objects.filter(in_period).aggregate(d=Max("day"))["d"]
    )

    kids = list(
        Organisation.objects.filter(parent=scope, kind__in=CHILD_KINDS)
        .order_by("kind", "name")
        .values_list("pk", "name", "short_name", "kind", "path")
    )
    child_rows = [
        ChildRow(id=pk, name=short or name, kind=kind, path=path, totals=Totals())
        for pk, name, short, kind, path in kids
    ]
    by_prefix = [(row.path, row) for row in child_rows]
    totals = Totals()
    days = (end - start).days + 1
    series = {
        start + dt.timedelta(days=i): DayPoint(day=start + dt.timedelta(days=i))
        for i in range(max(days, 0))
    }

    def at_end(name: str) -> Sum:
        return Sum(
            Case(When(day=last_day, then=F(name)), default=0),
            output_field=IntegerField(),
        )

    # Worker figures per source row over the period, stocks at the last day.
    if members:
        flow_map = {
            "declarations": "declarations",
            "declarations_symptomatic": "declarations_symptomatic",
            "new_cases": "new_cases",
            "expected_declarations": "members",
        }
        stock_map = {
            "workers_registered": "members",
            "workers_present": "present",
            "in_isolation": "in_isolation",
            "in_quarantine": "in_quarantine",
            "vaccinated": "vaccinated",
            "fully_vaccinated": "fully_vaccinated",
        }
    else:
        flow_map = {name: name for name in FLOWS}
        flow_map["expected_declarations"] = "workers_registered"
        stock_map = {name: name for name in STOCKS}
    # Flows summed over the period per row source; stocks read from the last
    # day's rows alone (cheaper than a CASE per aggregate over every day).
    key = "team_id" if members else "enterprise_id"
    for row in (
        worker_model.objects.filter(in_period)
        .values(key, "path")
        .annotate(**{k: Sum(v) for k, v in flow_map.items()})
        .order_by()
    ):
        child = _child_of(row["path"], by_prefix)
        totals.add(row, tuple(flow_map))
        if child is not None:
            child.totals.add(row, tuple(flow_map))
    extra = () if members else ("operating_mode", "risk_band")
    if last_day is not None:
        for row in worker_model.objects.filter(
            path__startswith=prefix, day=last_day
        ).values("path", *stock_map.values(), *extra):
            values = {name: row[column] for name, column in stock_map.items()}
            child = _child_of(row["path"], by_prefix)
            for target in (totals, child.totals) if child is not None else (totals,):
                target.add(values, tuple(stock_map))
                mode, band = row.get("operating_mode"), row.get("risk_band")
                if mode:
                    target.modes[mode] = target.modes.get(mode, 0) + 1
                if band:
                    target.risk_bands[band] = target.risk_bands.get(band, 0) + 1

    if scope.kind == OrgKind.ENTERPRISE and child_rows:
        # An enterprise's children are its teams: their rows show the members'
        # figures (the enterprise's own total stays its employees').
        for row in (
            TeamDay.objects.filter(in_period)
            .values("team_id", "path")
            .annotate(
                declarations=Sum("declarations"),
                declarations_symptomatic=Sum("declarations_symptomatic"),
                new_cases=Sum("new_cases"),
                expected_declarations=Sum("members"),
                workers_registered=at_end("members"),
                workers_present=at_end("present"),
                in_isolation=at_end("in_isolation"),
                in_quarantine=at_end("in_quarantine"),
                vaccinated=at_end("vaccinated"),
                fully_vaccinated=at_end("fully_vaccinated"),
            )
        ):
            child = _child_of(row["path"], by_prefix)
            if child is not None:
                child.totals.add(row, (*FLOWS, *STOCKS))

    series_fields = {
        "declarations": Sum(flow_map["declarations"]),
        "expected_declarations": Sum(flow_map["expected_declarations"]),
        "declarations_symptomatic": Sum(flow_map["declarations_symptomatic"]),
        "new_cases": Sum(flow_map["new_cases"]),
        "workers_present": Sum(stock_map["workers_present"]),
        "workers_registered": Sum(stock_map["workers_registered"]),
        "in_isolation": Sum("in_isolation"),
        "in_quarantine": Sum("in_quarantine"),
    }
    for row in (
        worker_model.objects.filter(in_period)
        .values("day")
        .annotate(**series_fields)
        .order_by()
    ):
        point = series.get(row["day"])
        if point is not None:
            for name in series_fields:
                setattr(point, name, row[name] or 0)

    # Security and public-health figures, counted on the node they name.
    node_aggregates: dict[str, Any] = {name: Sum(name) for name in NODE_FLOWS}
    node_aggregates["handovers_overdue"] = at_end("handovers_overdue")
    node_aggregates["level"] = Max(
        Case(When(day=last_day, then=F("epidemic_level")), default=None)
    )
    node_rows = (
        NodeDay.objects.filter(in_period).values("path").annotate(**node_aggregates)
    )
    for row in node_rows:
        targets = [totals]
        child = _child_of(row["path"], by_prefix)
        if child is not None:
            targets.append(child.totals)
        for target in targets:
            target.add(row, (*NODE_FLOWS, "handovers_overdue"))
            target.raise_level(row["level"])
    for row in (
        NodeDay.objects.filter(in_period)
        .values("day")
        .annotate(
            incidents_new=Sum("incidents_new"),
            tips=Sum("tips"),
            violations=Sum("violations"),
        )
        .order_by()
    ):
        point = series.get(row["day"])
        if point is not None:
            point.incidents_new = row["incidents_new"] or 0
            point.tips = row["tips"] or 0
            point.violations = row["violations"] or 0

    incidents = [
        (row["kind"], row["state"], row["n"])
        for row in IncidentDay.objects.filter(in_period)
        .values("kind", "state")
        .annotate(n=Sum("count"))
        .order_by("kind", "state")
    ]
    refreshed_at = None
    if last_day is not None:
        refreshed_at = (
            RollupRun.objects.filter(day=last_day)
            .values_list("refreshed_at", flat=True)
            .first()
        )
    return Summary(
        scope=scope,
        start=start,
        end=end,
        last_day=last_day,
        totals=totals,
        series=list(series.values()),
        children=child_rows,
        incidents=incidents,
        refreshed_at=refreshed_at,
    )
