"""Infrastructure tasks."""

from __future__ import annotations

import socket

from celery import shared_task
from django.db import connection
from django.utils import timezone


@shared_task(name="tuquan.core.ping")
def ping() -> dict[str, str]:
    """Round trip through the broker: who ran it, when, and which database it sees.

    Used to check that a worker is alive and configured like the web nodes.
    """
    return {
        "host": socket.gethostname(),
        "at": timezone.now().isoformat(),
        "database": connection.vendor,
    }
