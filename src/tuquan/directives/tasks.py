"""Daily deadline reminders of directive tasks."""

from __future__ import annotations

from celery import shared_task

from tuquan.directives.services import send_reminders as _send_reminders


@shared_task(name="tuquan.directives.send_reminders")
def send_reminders() -> dict[str, int]:
    """Create the reminders due today (three days before a deadline, the day
    after it was missed), shown in the units' inboxes and e-mailed to their
    officers; idempotent per (task, unit, period, kind)."""
    return {"created": _send_reminders()}
