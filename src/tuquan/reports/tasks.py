"""Background work of the reports app (eager when no Celery broker is set)."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.utils import timezone

from tuquan.core.context import acting_as
from tuquan.reports.models import GeneratedReport


@shared_task(name="tuquan.reports.refresh_rollups")
def refresh_rollups(days: list[str] | None = None, path: str = "") -> list[str]:
    """Refresh the rollups of ``days`` (ISO dates; default yesterday and today),
    only under ``path`` when given. Beat runs it every 15 minutes."""
    from tuquan.reports.rollup import refresh_day

    if days:
        chosen = [dt.date.fromisoformat(day) for day in days]
    else:
        today = timezone.localdate()
        chosen = [today - dt.timedelta(days=1), today]
    for day in chosen:
        refresh_day(day, path=path)
    return [day.isoformat() for day in chosen]


@shared_task(name="tuquan.reports.generate_report")
def generate_report(report_id: int) -> str:
    """Write the files of a queued report; the row shows progress and result."""
    from tuquan.reports.official import generate

    report = GeneratedReport.objects.select_related("scope", "requested_by").get(
        pk=report_id
    )
    if report.state == GeneratedReport.State.DONE:
        return "already done"
    with acting_as(report.requested_by, via="task"):
        generate(report)
    return "done"
