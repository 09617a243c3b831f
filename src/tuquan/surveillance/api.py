"""API of outbreak alerts: list and read (scoped), and a detection run for
health officers.

No ``from __future__ import annotations``: ninja reads the annotations of the
operations at import time. ``/alerts/detect`` is declared before
``/alerts/{alert_id}`` so that its path is not taken for an id.
"""

from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Schema

from tuquan.organisations.api import caller, get_visible_or_404, paged
from tuquan.organisations.schemas import READ_ERRORS, WRITE_ERRORS, InputDate
from tuquan.surveillance.filters import AlertFilter
from tuquan.surveillance.models import OutbreakAlert
from tuquan.surveillance.services import default_day, detect_for

router = Router(tags=["surveillance"])


class AlertOut(Schema):
    id: int
    unit_kind: str
    unit_name: str
    organisation_id: int | None
    workshop_id: int | None
    day: date
    series: str
    method: str
    observed: float
    expected: float
    sigma: float
    statistic: float
    threshold: float
    upper_bound: float | None
    message: str
    window_start: date
    window: list[float]


class DetectIn(Schema):
    day: InputDate | None = None


class DetectOut(Schema):
    day: date
    units: int
    alarms: int
    created: int
    updated: int
    removed: int
    by_method: dict[str, int]
    by_series: dict[str, int]
    by_kind: dict[str, int]


@router.get("/alerts", response={200: list[AlertOut], **READ_ERRORS})
@paged
def list_alerts(
    request: HttpRequest, filters: Query[AlertFilter]
) -> QuerySet[OutbreakAlert]:
    """Outbreak alerts in your scope, newest day first, strongest first."""
    alerts = OutbreakAlert.objects.visible_to(caller(request))
    return filters.filter(alerts).order_by("-day", "-statistic", "id")


@router.post("/alerts/detect", response={200: DetectOut, **WRITE_ERRORS})
def detect_alerts(request: HttpRequest, payload: DetectIn) -> Any:
    """Run the detection for one day (yesterday when left out) over the units
    in your scope; health officers only. Rerunning a day never duplicates an
    alert: it updates them and removes those that no longer alarm."""
    detection = detect_for(user=caller(request), day=payload.day or default_day())
    return detection.as_dict()


@router.get("/alerts/{alert_id}", response={200: AlertOut, **READ_ERRORS})
def get_alert(request: HttpRequest, alert_id: int) -> OutbreakAlert:
    return get_visible_or_404(
        OutbreakAlert.objects.visible_to(caller(request)), alert_id
    )
