"""Daily reminders of the movement grading's deadline."""

from __future__ import annotations

from celery import shared_task

from tuquan.recognition.services import record_reminders


@shared_task(name="tuquan.recognition.grading_reminders")
def grading_reminders(within_days: int = 14) -> dict[str, int]:
    """Record a reminder for each enterprise that has not submitted this year's
    grading while the deadline is ``within_days`` days away or less. There is
    no SMS gateway: the reminders are shown on the grading pages."""
    return {"recorded": record_reminders(within_days=within_days)}
