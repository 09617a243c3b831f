"""Celery task of the surveillance app: the daily outbreak detection.

Without a broker (CELERY_TASK_ALWAYS_EAGER) ``delay()`` runs it in-process.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from celery import shared_task

from tuquan.surveillance.services import default_day, detect_outbreaks


@shared_task(name="tuquan.surveillance.detect_outbreaks")
def detect_outbreaks_task(day: str | None = None) -> dict[str, Any]:
    """Judge ``day`` (YYYY-MM-DD; the last complete day when left out) for
    every unit; returns the counts. Scheduled once a day by Celery beat."""
    when = date.fromisoformat(day) if day else default_day()
    return detect_outbreaks(day=when).as_dict()
