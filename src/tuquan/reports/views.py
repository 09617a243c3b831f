"""The dual-goal dashboard and the map (thin: parsing, scoping, rendering)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuquan.organisations.views import forbidden, registry_view
from tuquan.reports import dashboard, mapview, services


def _denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return forbidden(request, str(exc))


@registry_view
def dashboard_home(request: HttpRequest) -> HttpResponse:
    scope = dashboard.home_scope(request.user)
    if scope is None:
        return forbidden(request, _("Your account has no unit whose figures you see."))
    url = reverse("dashboard", args=(scope.pk,))
    if request.GET:
        url = f"{url}?{request.GET.urlencode()}"
    return redirect(url)


@registry_view
def dashboard_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        scope = dashboard.visible_scope(request.user, pk)
    except PermissionDenied as exc:
        return _denied(request, exc)
    errors: list[str] = []
    try:
        start, end = dashboard.period(request.GET.get("start"), request.GET.get("end"))
    except ValidationError as exc:
        errors = exc.messages
        start, end = dashboard.period(None, None)
    board = dashboard.build(request.user, scope, start, end)
    return render(
        request,
        "reports/dashboard.html",
        {
            "board": board,
            "s": board.summary,
            "t": board.summary.totals,
            "start": start,
            "end": end,
            "errors": errors,
        },
    )


@registry_view
@require_POST
def dashboard_refresh(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        scope = dashboard.visible_scope(request.user, pk)
        start, end = dashboard.period(
            request.POST.get("start"), request.POST.get("end")
        )
        days = services.request_refresh(
            scope=scope, start=start, end=end, by=request.user
        )
    except PermissionDenied as exc:
        return _denied(request, exc)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("dashboard", pk=pk)
    messages.success(
        request,
        _("Refreshing the figures from %(start)s to %(end)s.")
        % {"start": start.strftime("%d/%m/%Y"), "end": end.strftime("%d/%m/%Y")}
        if len(days) > 1
        else _("Refreshing the figures."),
    )
    query = f"?start={start:%d/%m/%Y}&end={end:%d/%m/%Y}"
    return redirect(reverse("dashboard", args=(pk,)) + query)


@registry_view
def dashboard_map(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        scope = dashboard.visible_scope(request.user, pk)
    except PermissionDenied as exc:
        return _denied(request, exc)
    errors: list[str] = []
    try:
        _start, end = dashboard.period(None, request.GET.get("day"))
    except ValidationError as exc:
        errors = exc.messages
        _start, end = dashboard.period(None, None)
    colour_by = "risk" if request.GET.get("colour") == "risk" else "level"
    drawing = mapview.build(scope=scope, day=end, colour_by=colour_by)
    return render(
        request,
        "reports/map.html",
        {
            "scope": scope,
            "map": drawing,
            "day": end,
            "colour_by": colour_by,
            "errors": errors,
        },
    )
