"""Delivery of the outbox. Beat runs ``deliver_due`` every minute; sending a
message also starts it at once."""

from __future__ import annotations

from celery import shared_task

from tuquan.outreach import services


@shared_task(name="tuquan.outreach.deliver_due")
def deliver_due(channel: str | None = None) -> dict[str, int]:
    """Send the due rows of every channel (or one) within its rate limit;
    failures are retried with exponential back-off until the last attempt."""
    return services.deliver_due(channel=channel)
