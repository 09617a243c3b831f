"""API of the dual-goal dashboard: a scope's figures over a period (read from
the rollups, the same numbers as the dashboard and the official reports), and
an on-demand refresh of the scope's rollups."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from tuquan.accounts.scoping import scope_paths
from tuquan.organisations.api import caller, get_visible_or_404
from tuquan.organisations.models import Organisation
from tuquan.organisations.schemas import READ_ERRORS, WRITE_ERRORS
from tuquan.reports import dashboard, services
from tuquan.reports.figures import Totals, summary

router = Router(tags=["reports"])


class PeriodIn(Schema):
    start: str | None = Field(
        None,
        description="first day, dd/mm/yyyy or YYYY-MM-DD (default: 29 days before end)",
    )
    end: str | None = Field(None, description="last day, inclusive (default: today)")


class TotalsOut(Schema):
    declarations: int
    expected_declarations: int
    declaration_rate: float | None
    declarations_symptomatic: int
    new_cases: int
    in_isolation: int
    in_quarantine: int
    tests: int
    tests_positive: int
    vaccinated: int
    fully_vaccinated: int
    vaccination_coverage: float | None
    epidemic_level: int | None
    alerts: int
    risk_bands: dict[str, int]
    workers_registered: int
    workers_present: int
    workforce_lost: int
    modes: dict[str, int]
    incidents_new: int
    handovers_overdue: int
    tips: int
    patrols: int
    violations: int
    fines_vnd: int


class DayOut(Schema):
    day: dt.date
    declarations: int
    expected_declarations: int
    declarations_symptomatic: int
    new_cases: int
    workers_present: int
    workers_registered: int
    in_isolation: int
    in_quarantine: int
    incidents_new: int
    tips: int
    violations: int


class ChildOut(Schema):
    id: int
    name: str
    kind: str
    totals: TotalsOut


class IncidentCountOut(Schema):
    kind: str
    state: str
    count: int


class SummaryOut(Schema):
    scope_id: int
    scope: str
    start: dt.date
    end: dt.date
    last_day: dt.date | None
    refreshed_at: dt.datetime | None
    totals: TotalsOut
    series: list[DayOut]
    children: list[ChildOut]
    incidents: list[IncidentCountOut]


class RefreshOut(Schema):
    scope_id: int
    days: list[dt.date]


def _totals(totals: Totals) -> dict[str, Any]:
    names = TotalsOut.model_fields
    return {name: getattr(totals, name) for name in names}


def _scope(request: HttpRequest, scope_id: int) -> Organisation:
    user = caller(request)
    visible = Organisation.objects.visible_to(user)
    if scope_paths(user) == []:
        visible = visible.none()
    return get_visible_or_404(visible, scope_id)


@router.get(
    "/dashboard/{scope_id}",
    response={200: SummaryOut, **READ_ERRORS},
    summary="Get a unit's dashboard figures for a period",
)
def get_dashboard(
    request: HttpRequest, scope_id: int, period: Query[PeriodIn]
) -> dict[str, Any]:
    """Epidemic, production and security figures of a unit in your scope,
    per day and per child unit, read from the daily rollups."""
    scope = _scope(request, scope_id)
    start, end = dashboard.period(period.start, period.end)
    result = summary(scope=scope, start=start, end=end)
    return {
        "scope_id": scope.pk,
        "scope": str(scope),
        "start": start,
        "end": end,
        "last_day": result.last_day,
        "refreshed_at": result.refreshed_at,
        "totals": _totals(result.totals),
        "series": [vars(point) for point in result.series],
        "children": [
            {"id": c.id, "name": c.name, "kind": c.kind, "totals": _totals(c.totals)}
            for c in result.children
        ],
        "incidents": [
            {"kind": kind, "state": state, "count": count}
            for kind, state, count in result.incidents
        ],
    }


@router.post(
    "/dashboard/{scope_id}/refresh",
    response={202: RefreshOut, **WRITE_ERRORS},
    summary="Refresh a unit's rollups for a period",
)
def refresh_dashboard(request: HttpRequest, scope_id: int, payload: PeriodIn) -> Status:
    """Queues the recomputation of the unit's rollups for the period's days
    (at most the last 31, none in the future); only rows under the unit change."""
    scope = _scope(request, scope_id)
    start, end = dashboard.period(payload.start, payload.end)
    days = services.request_refresh(
        scope=scope, start=start, end=end, by=caller(request)
    )
    return Status(202, {"scope_id": scope.pk, "days": days})
