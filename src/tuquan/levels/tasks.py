"""Weekly run of the epidemic level assessment."""

from __future__ import annotations

from datetime import date, timedelta

from celery import shared_task

from tuquan.levels.services import compute_levels, current_week


@shared_task(name="tuquan.levels.compute_weekly_levels")
def compute_weekly_levels(
    week_start: str | None = None, current: bool = False
) -> dict[str, object]:
    """Assess every commune and zone for one week: ``week_start``
    (YYYY-MM-DD, a Monday), else the current week with ``current``, else the
    week that has just ended (the Monday run)."""
    if week_start:
        monday = date.fromisoformat(week_start)
    elif current:
        monday = current_week()
    else:
        monday = current_week() - timedelta(days=7)
    rows = compute_levels(week_start=monday)
    by_level: dict[str, int] = {}
    for row in rows:
        key = str(row.level) if row.level is not None else "none"
        by_level[key] = by_level.get(key, 0) + 1
    return {"week_start": monday.isoformat(), "units": len(rows), "levels": by_level}
