"""Pages of outbreak alerts: the list (filters, phone-friendly), one alert
with its daily counts as an inline SVG bar chart, and a detection run for
health officers."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from tuquan.health.cases import health_paths
from tuquan.organisations.views import (
    get_visible,
    read_filters,
    registry_view,
    render_list,
)
from tuquan.surveillance.filters import AlertFilter
from tuquan.surveillance.models import Method, OutbreakAlert, Series, UnitKind
from tuquan.surveillance.services import default_day, detect_for

CHART_WIDTH = 280
CHART_HEIGHT = 100


@registry_view
@require_GET
def alert_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    filters = read_filters(request, AlertFilter)
    alerts = filters.filter(OutbreakAlert.objects.visible_to(user)).order_by(
        "-day", "-statistic", "id"
    )
    return render_list(
        request,
        template="surveillance/alert_list.html",
        partial="surveillance/alert_table.html",
        queryset=alerts,
        context={
            "filters": filters,
            "kinds": UnitKind.choices,
            "series_choices": Series.choices,
            "methods": Method.choices,
            "may_detect": health_paths(user) != [],
            "detect_day": default_day(),
            "today": timezone.localdate(),
        },
    )


def chart(alert: OutbreakAlert) -> dict[str, Any]:
    """Bar geometry of the alert's window for an inline SVG (no JS library):
    one bar a day, the judged day last and highlighted, a line at the usual
    level and one at the alarm threshold."""
    values = [float(v) for v in alert.window]
    top = max([*values, alert.upper_bound or 0.0, alert.expected, 1.0])
    slot = CHART_WIDTH / max(1, len(values))

    def y(value: float) -> float:
        return round(CHART_HEIGHT - value / top * CHART_HEIGHT, 1)

    bars = [
        {
            "x": round(i * slot + slot * 0.1, 1),
            "y": y(value),
            "width": round(slot * 0.8, 1),
            "height": round(CHART_HEIGHT - y(value), 1),
            "day": when,
            "value": value,
            "judged": i == len(values) - 1,
        }
        for i, (when, value) in enumerate(alert.days())
    ]
    return {
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "bars": bars,
        "expected_y": y(alert.expected),
        "bound_y": y(alert.upper_bound) if alert.upper_bound is not None else None,
    }


@registry_view
@require_GET
def alert_detail(request: HttpRequest, pk: int) -> HttpResponse:
    alert = get_visible(OutbreakAlert, request, pk)
    others = (
        OutbreakAlert.objects.visible_to(request.user)
        .filter(unit_key=alert.unit_key, day=alert.day)
        .exclude(pk=alert.pk)
        .order_by("series", "method")
    )
    return render(
        request,
        "surveillance/alert_detail.html",
        {"alert": alert, "chart": chart(alert), "others": others},
    )


@registry_view
@require_POST
def alert_detect(request: HttpRequest) -> HttpResponse:
    """Run detection for a day over the health officer's scope."""
    try:
        day = date.fromisoformat(request.POST.get("day", ""))
    except ValueError:
        messages.error(request, _("Choose the day to check (dd/mm/yyyy)."))
        return redirect("alert_list")
    try:
        found = detect_for(user=request.user, day=day)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("alert_list")
    messages.success(
        request,
        _(
            "Checked %(units)s units for %(day)s: %(alarms)s alerts "
            "(%(created)s new, %(removed)s withdrawn)."
        )
        % {
            "units": found.units,
            "day": f"{day:%d/%m/%Y}",
            "alarms": found.alarms,
            "created": found.created,
            "removed": found.removed,
        },
    )
    return redirect(reverse("alert_list") + f"?day={day:%Y-%m-%d}")
