"""Use cases of the reports app: refreshing a scope's rollups on demand."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from tuquan.core import audit
from tuquan.organisations.models import Organisation
from tuquan.reports.dashboard import may_refresh

MAX_REFRESH_DAYS = 31


def request_refresh(
    *, scope: Organisation, start: dt.date, end: dt.date, by: Any
) -> list[str]:
    """Queue a refresh of ``scope``'s rollups for the period's days (at most the
    last 31 of them, none in the future). Only rows under the scope are
    rewritten, so a unit cannot change another unit's figures."""
    if not may_refresh(by, scope):
        raise PermissionDenied(_("You may not refresh the figures of this unit."))
    today = timezone.localdate()
    end = min(end, today)
    if start > end:
        raise ValidationError({"start": _("The period is in the future.")})
    start = max(start, end - dt.timedelta(days=MAX_REFRESH_DAYS - 1))
    days = [
        (start + dt.timedelta(days=i)).isoformat()
        for i in range((end - start).days + 1)
    ]
    from tuquan.reports.tasks import refresh_rollups

    refresh_rollups.delay(days=days, path=scope.path)
    # Rollups are derived data; the log still says who asked for the work.
    audit.record(
        audit.AuditAction.UPDATE,
        scope,
        changes={"rollups_refreshed": [days[0], days[-1]]},
        user=by,
        object_repr=str(scope),
    )
    return days
