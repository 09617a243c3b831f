"""Teams at work: one team's activity over a quarter (page and the panel on the
team page), and the quarterly summary of every team in the user's scope,
sortable and exportable as .xlsx for the emulation review."""

from __future__ import annotations

import io
from typing import Any

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from tuquan.accounts.scoping import scope_paths
from tuquan.core import audit
from tuquan.core.models import AuditAction
from tuquan.organisations.models import Team
from tuquan.organisations.views import breadcrumbs, registry_view
from tuquan.patrols.activity import (
    SORTS,
    Quarter,
    parse_quarter,
    quarter_of,
    summary,
    team_activity,
)

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _quarter(request: HttpRequest) -> tuple[Quarter, str]:
    """The quarter asked for, or the current one with the reason it was not
    understood."""
    try:
        return parse_quarter(request.GET.get("quarter")), ""
    except ValidationError as exc:
        return parse_quarter(None), " ".join(exc.messages)


def _team(request: HttpRequest, pk: int) -> Team:
    return get_object_or_404(
        Team.objects.visible_to(request.user).select_related("leader"), pk=pk
    )


@registry_view
def team_activity_page(request: HttpRequest, pk: int) -> HttpResponse:
    team = _team(request, pk)
    quarter, problem = _quarter(request)
    return render(
        request,
        "patrols/team_activity.html",
        {
            "team": team,
            "crumbs": breadcrumbs(request.user, team),
            "activity": team_activity(team, quarter.start, quarter.end),
            "quarter": quarter,
            "problem": problem,
        },
    )


@registry_view
def team_activity_panel(request: HttpRequest, pk: int) -> HttpResponse:
    """The current quarter's figures, for the team page (loaded by htmx)."""
    team = _team(request, pk)
    quarter, _problem = _quarter(request)
    return render(
        request,
        "patrols/_team_activity.html",
        {
            "team": team,
            "activity": team_activity(team, quarter.start, quarter.end),
            "quarter": quarter,
        },
    )


def _sort(request: HttpRequest) -> str:
    sort = request.GET.get("sort", "name")
    return sort if sort.lstrip("-") in SORTS else "name"


@registry_view
def team_activity_summary(request: HttpRequest) -> HttpResponse:
    quarter, problem = _quarter(request)
    sort = _sort(request)
    rows = summary(
        Team.objects.visible_to(request.user), quarter.start, quarter.end, sort
    )
    return render(
        request,
        "patrols/team_summary.html",
        {
            "page_obj": Paginator(rows, 50).get_page(request.GET.get("page")),
            "quarter": quarter,
            "this_quarter": quarter_of(quarter.start),
            "problem": problem,
            "sort": sort,
            "columns": [
                ("name", _("Team")),
                ("members", _("Members")),
                ("sessions", _("Patrols")),
                ("scans", _("Checkpoints scanned")),
                ("reports", _("Reports made")),
                ("rate", _("Declaration rate")),
            ],
        },
    )


def _percent(rate: float | None) -> Any:
    return round(rate, 4) if rate is not None else None


@registry_view
def team_activity_export(request: HttpRequest) -> HttpResponse:
    """The summary as .xlsx (every team in scope, in the chosen order)."""
    quarter, _problem = _quarter(request)
    rows = summary(
        Team.objects.visible_to(request.user).select_related(
            "enterprise", "residence", "leader"
        ),
        quarter.start,
        quarter.end,
        _sort(request),
    )
    book = Workbook(write_only=True)
    sheet = book.create_sheet(quarter.code)
    bold = Font(bold=True)
    headers = [
        _("Team"),
        _("Enterprise or residence"),
        _("Team leader"),
        _("Members"),
        _("Pledge recorded"),
        _("Patrols"),
        _("Checkpoints scanned"),
        _("Observations"),
        _("Reports made"),
        _("Declarations"),
        _("Declaration rate"),
    ]
    title = _("Teams at work, %(quarter)s") % {"quarter": quarter.label}
    sheet.append([title])
    header_cells = []
    for text in headers:
        cell = sheet_cell(sheet, text)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    count = 0
    for team in rows.iterator(chunk_size=500):
        count += 1
        sheet.append(
            [
                team.name,
                str(team.enterprise or team.residence or ""),
                str(team.leader or ""),
                team.members_n,
                _("yes") if team.pledge or team.pledge_file else _("not recorded"),
                team.sessions_n,
                team.scans_n,
                team.observations_n,
                team.reports_n,
                team.declarations_n,
                _percent(team.rate),
            ]
        )
    out = io.BytesIO()
    book.save(out)
    audit.record(
        AuditAction.EXPORT,
        None,
        changes={"what": "team_activity", "quarter": quarter.code, "rows": count},
        user=request.user,
        object_repr=title,
        scope_path=(scope_paths(request.user) or [""])[0],
    )
    response = HttpResponse(out.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = (
        f'attachment; filename="hoat-dong-to-{quarter.code}.xlsx"'
    )
    return response


def sheet_cell(sheet: Any, value: Any) -> Any:
    from openpyxl.cell import WriteOnlyCell

    return WriteOnlyCell(sheet, value=value)
