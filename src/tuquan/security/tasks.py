"""Background work of the security app (eager when no Celery broker is set)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="tuquan.security.escalate_overdue_handovers")
def escalate_overdue_handovers() -> int:
    """Pass hand-overs the commune police did not receive in time to the
    provincial police; returns how many. Run every few minutes by beat."""
    from tuquan.security.services import escalate_overdue_handovers as escalate

    return escalate()
