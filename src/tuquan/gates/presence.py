"""Who is inside now, headcounts against the workforce, and daily history.

A site (zone or enterprise) counts its people at its own gates: a worker is
inside when their latest passage there was "in" and is less than
``TUQUAN_PRESENCE_MAX_HOURS`` old (the end-of-day rule: an entry whose exit was
never scanned stops counting after the longest shift). An enterprise without a
gate of its own counts its workers at its zone's gates; a zone without a
perimeter gate adds up its enterprises' gates.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from tuquan.gates.choices import Direction
from tuquan.gates.models import Gate, GateEvent, Presence
from tuquan.gates.services import presence_cutoff
from tuquan.organisations.choices import ZONE_KINDS, OrgKind
from tuquan.organisations.models import Enterprise, Organisation, Zone
from tuquan.people.models import EmploymentStatus, Worker


class Headcount(NamedTuple):
    site_id: int
    site: str
    inside: int
    registered: int
    active_workers: int


def _sites_with_gates(site_ids: set[int]) -> set[int]:
    return set(
        Gate.objects.filter(site_id__in=site_ids, active=True).values_list(
            "site_id", flat=True
        )
    )


def inside_now(user: Any) -> QuerySet[Presence]:
    """Presence rows of workers inside now, among those ``user`` may see."""
    return Presence.objects.visible_to(user).filter(
        direction=Direction.IN, occurred_at__gte=presence_cutoff()
    )


def site_presence(site: Organisation) -> QuerySet[Presence]:
    """Presence rows of the people inside ``site`` now (see the module rule)."""
    current = Presence.objects.filter(
        direction=Direction.IN, occurred_at__gte=presence_cutoff()
    )
    if Gate.objects.filter(site=site, active=True).exists():
        return current.filter(site=site)
    if site.kind == OrgKind.ENTERPRISE:
        zone_id = Enterprise.objects.filter(pk=site.pk).values_list(
            "zone_id", flat=True
        )
        return current.filter(site_id__in=zone_id, enterprise_id=site.pk)
    enterprises = Organisation.objects.filter(
        path__startswith=site.path, kind=OrgKind.ENTERPRISE
    ).values("pk")
    return current.filter(site_id__in=enterprises)


def site_headcounts(user: Any) -> list[Headcount]:
    """Zones and enterprises ``user`` sees: inside now, registered workforce and
    workers on the roster, in tree order. Three queries whatever the size."""
    enterprises = list(
        Enterprise.objects.visible_to(user)
        .annotate(
            active_workers=Count(
                "workers",
                filter=Q(workers__employment_status=EmploymentStatus.ACTIVE),
            )
        )
        .values(
            "pk",
            "name",
            "short_name",
            "path",
            "zone_id",
            "registered_workforce",
            "active_workers",
        )
        .order_by("path")
    )
    zones = list(
        Zone.objects.visible_to(user)
        .values("pk", "name", "short_name", "path")
        .order_by("path")
    )
    site_ids = {row["pk"] for row in enterprises} | {row["pk"] for row in zones}
    gated = _sites_with_gates(site_ids)
    counts: dict[tuple[int, int | None], int] = {}
    for row in (
        Presence.objects.filter(
            direction=Direction.IN, occurred_at__gte=presence_cutoff()
        )
        .filter(Q(site_id__in=site_ids) | Q(enterprise_id__in=site_ids))
        .values("site_id", "enterprise_id")
        .annotate(n=Count("id"))
    ):
        counts[(row["site_id"], row["enterprise_id"])] = row["n"]
    by_site: dict[int, int] = defaultdict(int)
    for (site_id, _enterprise), n in counts.items():
        by_site[site_id] += n
    result: list[Headcount] = []
    zone_totals: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    for ent in enterprises:
        if ent["pk"] in gated:
            inside = by_site[ent["pk"]]
        else:
            inside = counts.get((ent["zone_id"], ent["pk"]), 0)
        total = zone_totals[ent["zone_id"]] if ent["zone_id"] else None
        if total is not None:
            total[0] += by_site[ent["pk"]] if ent["pk"] in gated else 0
            total[1] += ent["registered_workforce"]
            total[2] += ent["active_workers"]
        result.append(
            Headcount(
                ent["pk"],
                ent["short_name"] or ent["name"],
                inside,
                ent["registered_workforce"],
                ent["active_workers"],
            )
        )
    zone_rows = []
    for zone in zones:
        inside_gates, registered, active = zone_totals.get(zone["pk"], [0, 0, 0])
        inside = by_site[zone["pk"]] if zone["pk"] in gated else inside_gates
        zone_rows.append(
            Headcount(
                zone["pk"],
                zone["short_name"] or zone["name"],
                inside,
                registered,
                active,
            )
        )
    return zone_rows + result


class Breakdown(NamedTuple):
    label: str
    inside: int
    roster: int


def enterprise_breakdown(enterprise: Enterprise) -> dict[str, list[Breakdown]]:
    """Inside now against the active roster, by workshop and by shift."""
    inside = site_presence(enterprise)
    roster = Worker.objects.filter(
        enterprise=enterprise, employment_status=EmploymentStatus.ACTIVE
    )
    result: dict[str, list[Breakdown]] = {}
    for key, field in (("workshop", "workshop__name"), ("shift", "shift__name")):
        present = {
            row["label"]: row["n"]
            for row in inside.annotate(label=F(f"worker__{field}"))
            .values("label")
            .annotate(n=Count("id"))
        }
        listed = {
            row["label"]: row["n"]
            for row in roster.annotate(label=F(field))
            .values("label")
            .annotate(n=Count("id"))
        }
        labels = sorted(set(present) | set(listed), key=lambda x: (x is None, x or ""))
        result[key] = [
            Breakdown(label or "", present.get(label, 0), listed.get(label, 0))
            for label in labels
        ]
    return result


class DayRow(NamedTuple):
    day: date
    entries: int
    exits: int
    workers: int


def site_events(site: Organisation) -> QuerySet[GateEvent]:
    """Passages that count for ``site`` (the same rule as presence), selected
    by gate so that the (gate, time) index serves them."""
    own = Gate.objects.filter(site=site).values("pk")
    if own.exists():
        return GateEvent.objects.filter(gate_id__in=own)
    if site.kind == OrgKind.ENTERPRISE:
        zone_id = Enterprise.objects.filter(pk=site.pk).values("zone_id")
        zone_gates = Gate.objects.filter(site_id__in=zone_id).values("pk")
        return GateEvent.objects.filter(gate_id__in=zone_gates, enterprise_id=site.pk)
    enterprise_gates = Gate.objects.filter(
        site__path__startswith=site.path, site__kind=OrgKind.ENTERPRISE
    ).values("pk")
    return GateEvent.objects.filter(gate_id__in=enterprise_gates)


def day_history(site: Organisation, days: int = 14) -> list[DayRow]:
    """Entries, exits and distinct workers per day, newest first."""
    today = timezone.localdate()
    start = timezone.make_aware(
        datetime.combine(today - timedelta(days=days - 1), datetime.min.time())
    )
    rows = (
        site_events(site)
        .filter(occurred_at__gte=start)
        .annotate(day=TruncDate("occurred_at"))
        .values("day")
        .annotate(
            entries=Count("id", filter=Q(direction=Direction.IN)),
            exits=Count("id", filter=Q(direction=Direction.OUT)),
            workers=Count("worker_id", distinct=True),
        )
        .order_by("-day")
    )
    return [DayRow(r["day"], r["entries"], r["exits"], r["workers"]) for r in rows]


def missing_checkouts(site: Organisation, day: date) -> QuerySet[GateEvent]:
    """Entries on ``day`` never followed by an exit within the longest shift."""
    start = timezone.make_aware(datetime.combine(day, datetime.min.time()))
    end = start + timedelta(days=1)
    window = timedelta(hours=settings.TUQUAN_PRESENCE_MAX_HOURS)
    exits = GateEvent.objects.filter(
        site_id=OuterRef("site_id"),
        worker_id=OuterRef("worker_id"),
        direction=Direction.OUT,
        occurred_at__gt=OuterRef("occurred_at"),
        occurred_at__lte=OuterRef("occurred_at") + window,
    )
    return (
        site_events(site)
        .filter(direction=Direction.IN, occurred_at__gte=start, occurred_at__lt=end)
        .filter(occurred_at__lt=timezone.now() - window)
        .annotate(left=Exists(exits))
        .filter(left=False)
        .select_related("worker", "gate")
        .order_by("occurred_at")
    )


def is_zone(site: Organisation) -> bool:
    return site.kind in ZONE_KINDS
