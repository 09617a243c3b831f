"""Epidemic levels of the sample province: this week and the three before."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tuquan.levels.models import WeeklyLevel
from tuquan.levels.services import compute_levels, current_week

DEMO_WEEKS = 4


def write_levels(writer: Any = None, weeks: int = DEMO_WEEKS) -> int:
    """Assess every commune and zone for the current week (so that today's
    demo case shows) and the ``weeks - 1`` before it, from the demo's workers,
    cases and doses; returns the rows written."""
    monday = current_week()
    written = 0
    for back in range(weeks - 1, -1, -1):
        written += len(compute_levels(week_start=monday - timedelta(days=7 * back)))
    if writer is not None:
        writer.count(WeeklyLevel, written)
    return written
