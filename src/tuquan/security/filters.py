"""The incident report list filter, shared by the HTML list and the API."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone
from ninja import FilterSchema

from tuquan.core.scoping import paths_q
from tuquan.organisations.models import Organisation
from tuquan.security.choices import ReportStatus, Severity
from tuquan.security.models import IncidentKind


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


class ReportFilter(FilterSchema):
    kind: str | None = None
    status: ReportStatus | None = None
    severity: Severity | None = None
    since: date | None = None
    until: date | None = None
    place: int | None = None
    may_be_crime: bool | None = None
    incident: int | None = None

    def filter_kind(self, value: str | None) -> Q:
        if not value:
            return Q()
        if value.isdigit():
            return Q(kind_id=int(value))
        # The id, not a join on the code: simpler plans for the list and count.
        found = IncidentKind.objects.filter(code=value).values_list("pk", flat=True)
        return Q(kind_id=found.first() or 0)

    # Bounds on the timestamp itself rather than ``received_at__date``: a
    # range on the column can walk the (status|kind, received_at) indexes.
    def filter_since(self, value: date | None) -> Q:
        return Q(received_at__gte=_start_of(value)) if value else Q()

    def filter_until(self, value: date | None) -> Q:
        return Q(received_at__lt=_start_of(value + timedelta(days=1))) if value else Q()

    def filter_place(self, value: int | None) -> Q:
        """Reports at a node or below it (a zone, an enterprise, a commune)."""
        if not value:
            return Q()
        path = Organisation.objects.filter(pk=value).values_list("path", flat=True)
        found: Any = path.first()
        if found is None:
            return Q(pk__in=[])
        return paths_q("scope_path", [found])

    def filter_incident(self, value: int | None) -> Q:
        return Q(incident_id=value) if value else Q()
