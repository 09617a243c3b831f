"""Rollups of the sample province: the demo's declarations, cases, passages,
incidents, tips and violations summed per day, so the dashboard, the map and
the official reports have figures right after ``tuquan demo``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from tuquan.reports.models import EnterpriseDay, NodeDay, TeamDay
from tuquan.reports.rollup import first_day, refresh_day

# The surveillance demo writes four weeks of declaration history.
DEFAULT_DAYS = 35


def build_rollups(writer: Any = None, days: int = DEFAULT_DAYS) -> int:
    """Refresh the rollups of the last ``days`` days up to today (not before the
    first day with data). Call last in ``organisations.demo`` ``run()``, after
    every other app's demo data exists. Returns the number of days refreshed."""
    today = timezone.localdate()
    start = today - dt.timedelta(days=days - 1)
    earliest = first_day()
    if earliest is not None and earliest > start:
        start = earliest
    if writer is not None:
        writer.say(_("Computing the daily figures of the dashboard…"))
    count = 0
    day = start
    while day <= today:
        refresh_day(day)
        day += dt.timedelta(days=1)
        count += 1
    if writer is not None and hasattr(writer, "count"):
        for model in (EnterpriseDay, TeamDay, NodeDay):
            writer.count(model, model.objects.filter(day__gte=start).count())
    return count
