"""What the dual-goal dashboard shows: the scope the user may see, the period,
the figures from :func:`tuquan.reports.figures.summary`, the links from each
figure to the rows behind it, and the charts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tuquan.accounts.scoping import scope_paths
from tuquan.organisations.choices import OrgKind
from tuquan.organisations.models import Organisation
from tuquan.reports.charts import line_chart
from tuquan.reports.figures import Summary, summary

MAX_DAYS = 366
DEFAULT_DAYS = 30


def parse_day(value: str | None, field: str) -> dt.date | None:
    """A date typed as dd/mm/yyyy (or ISO, from links and the API)."""
    value = (value or "").strip()
    if not value:
        return None
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValidationError(
        {field: _("Enter a date as dd/mm/yyyy, for example 31/07/2021.")}
    )


def period(
    start: str | dt.date | None, end: str | dt.date | None
) -> tuple[dt.date, dt.date]:
    """The period asked for, by default the 30 days ending today."""
    end_day = end if isinstance(end, dt.date) else parse_day(end, "end")
    start_day = start if isinstance(start, dt.date) else parse_day(start, "start")
    end_day = end_day or timezone.localdate()
    start_day = start_day or end_day - dt.timedelta(days=DEFAULT_DAYS - 1)
    if start_day > end_day:
        raise ValidationError({"start": _("The start of the period is after its end.")})
    if (end_day - start_day).days + 1 > MAX_DAYS:
        raise ValidationError(
            {"start": _("A period covers at most 366 days; choose a shorter one.")}
        )
    return start_day, end_day


def home_scope(user: Any) -> Organisation | None:
    """The widest unit the user may see (their dashboard's default)."""
    paths = scope_paths(user)
    if paths is None:
        return Organisation.objects.filter(kind=OrgKind.PROVINCE).order_by("pk").first()
    if not paths:
        return None
    top = min(paths, key=lambda p: (p.count("/"), p))
    ids = [part for part in top.split("/") if part]
    return Organisation.objects.filter(pk=int(ids[-1])).first()


def visible_scope(user: Any, pk: int) -> Organisation:
    """The unit ``pk`` if the user may see its figures, else PermissionDenied."""
    scope = Organisation.objects.visible_to(user).filter(pk=pk).first()
    if scope is None or scope_paths(user) == []:
        raise PermissionDenied(
            _("You may not see the figures of this unit: it is outside your area.")
        )
    return scope


def may_refresh(user: Any, scope: Organisation) -> bool:
    paths = scope_paths(user)
    return paths is None or any(scope.path.startswith(p) for p in paths)


def _url(name: str, args: tuple[Any, ...] = (), **params: Any) -> str:
    try:
        base = reverse(name, args=args)
    except NoReverseMatch:
        return ""
    query = {k: v for k, v in params.items() if v not in (None, "")}
    return f"{base}?{urlencode(query)}" if query else base


def figure_links(scope: Organisation, start: dt.date, end: dt.date) -> dict[str, str]:
    """Where each figure's rows are listed (each list scopes by its user; the
    filters narrow to this unit and period where the list has them)."""
    worker_filter: dict[str, Any] = {}
    if scope.kind == OrgKind.ENTERPRISE:
        worker_filter = {"enterprise": scope.pk}
    elif scope.kind == OrgKind.RESIDENCE:
        worker_filter = {"residence": scope.pk}
    elif scope.kind == OrgKind.TEAM:
        worker_filter = {"team": scope.pk}
    since, until = start.isoformat(), end.isoformat()
    links = {
        "workers": _url("worker_list", **worker_filter),
        "cases": _url("case_list", status="open"),
        "new_cases": _url("case_list", status="all"),
        "tests": _url("screening_positives"),
        "incidents": _url("report_list", place=scope.pk, since=since, until=until),
        "handovers": _url("handover_list", state="open"),
        "tips": _url("tip_list"),
        "violations": _url("violation_list", **{"from": since, "to": until}),
        "levels": _url("epidemic_level_list"),
        "alerts": _url("alert_list"),
        "risk": _url("risk_assessment_list"),
        "enterprises": _url("enterprise_list"),
        "declarations": _url("team_roll_call", args=(scope.pk,))
        if scope.kind == OrgKind.TEAM
        else _url("worker_list", **worker_filter),
    }
    return links


def incident_link(scope: Organisation, start: dt.date, end: dt.date, **f: str) -> str:
    return _url(
        "report_list",
        place=scope.pk,
        since=start.isoformat(),
        until=end.isoformat(),
        **f,
    )


@dataclass
class Dashboard:
    scope: Organisation
    summary: Summary
    links: dict[str, str]
    charts: list[Any]
    ancestors: list[Organisation]
    incident_rows: list[dict[str, Any]]
    mode_rows: list[tuple[str, int]]
    band_rows: list[tuple[str, int]]
    level_label: str
    can_refresh: bool


def build(user: Any, scope: Organisation, start: dt.date, end: dt.date) -> Dashboard:
    from tuquan.security.models import IncidentKind

    result = summary(scope=scope, start=start, end=end)
    days = [p.day for p in result.series]
    charts = [
        line_chart(
            title=_("Epidemic"),
            days=days,
            lines=[
                (_("New cases"), "#c0392b", [p.new_cases for p in result.series]),
                (
                    _("Symptomatic declarations"),
                    "#e67e22",
                    [p.declarations_symptomatic for p in result.series],
                ),
                (
                    _("In isolation or quarantine"),
                    "#8e44ad",
                    [p.in_isolation + p.in_quarantine for p in result.series],
                ),
            ],
        ),
        line_chart(
            title=_("Production"),
            days=days,
            lines=[
                (
                    _("Workers registered"),
                    "#7f8c8d",
                    [p.workers_registered for p in result.series],
                ),
                (
                    _("Workers present"),
                    "#27ae60",
                    [p.workers_present for p in result.series],
                ),
                (_("Declarations"), "#2980b9", [p.declarations for p in result.series]),
            ],
        ),
        line_chart(
            title=_("Security"),
            days=days,
            lines=[
                (_("Incidents"), "#c0392b", [p.incidents_new for p in result.series]),
                (_("Tips"), "#2c3e50", [p.tips for p in result.series]),
                (_("Violations"), "#d35400", [p.violations for p in result.series]),
            ],
        ),
    ]
    from tuquan.levels.choices import EpidemicLevel
    from tuquan.organisations.choices import OperatingMode
    from tuquan.riskassess.choices import Band
    from tuquan.security.choices import ReportStatus

    totals = result.totals
    mode_rows = [
        (str(label), totals.modes.get(value, 0))
        for value, label in OperatingMode.choices
    ]
    band_rows = [
        (str(label), totals.risk_bands[value])
        for value, label in Band.choices
        if totals.risk_bands.get(value)
    ]
    level_label = (
        str(EpidemicLevel(totals.epidemic_level).label)
        if totals.epidemic_level in EpidemicLevel.values
        else ""
    )
    states = dict(ReportStatus.choices)
    names = (
        dict(IncidentKind.objects.values_list("code", "name"))
        if result.incidents
        else {}
    )
    incident_rows = [
        {
            "kind": names.get(kind, kind),
            "state": str(states.get(state, state)),
            "count": count,
            "url": incident_link(scope, start, end, kind=kind, status=state),
        }
        for kind, state, count in result.incidents
    ]
    visible = scope_paths(user)
    ancestors = [
        a
        for a in scope.ancestors()
        if visible is None or any(a.path.startswith(p) for p in visible)
    ]
    return Dashboard(
        scope=scope,
        summary=result,
        links=figure_links(scope, start, end),
        charts=charts,
        ancestors=ancestors,
        incident_rows=incident_rows,
        mode_rows=mode_rows,
        band_rows=band_rows,
        level_label=level_label,
        can_refresh=may_refresh(user, scope),
    )
