"""Background work of the health app (eager when no Celery broker is set)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="health.trace_case_contacts")
def trace_case_contacts(case_id: int) -> int:
    """Look for the F1 candidates of a newly confirmed case; returns how many."""
    from tuquan.health.models import Case
    from tuquan.health.tracing import trace_case

    case = Case.objects.select_related("worker", "profile").filter(pk=case_id).first()
    if case is None:  # deleted before the worker got to it
        return 0
    return len(trace_case(case))
