"""Guard's scan page and the presence pages.

The scan page is built for a cheap Android phone at the gate: one form, big
coloured answers, a camera where the browser can read QR codes, and a queue in
the phone's storage for scans made while the network is down (sent later to
``POST /api/v1/gate-events`` with their original time, see static scan.js).
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tuquan.gates.choices import Direction, EventFlag, ScanStatus
from tuquan.gates.models import Gate, GateEvent
from tuquan.gates.presence import (
    day_history,
    enterprise_breakdown,
    missing_checkouts,
    site_headcounts,
    site_presence,
)
from tuquan.gates.services import may_record_at, scan_card
from tuquan.gates.vehicles import unreviewed_vehicle_flags
from tuquan.organisations.choices import ZONE_KINDS, OperatingMode, OrgKind
from tuquan.organisations.models import BusRoute, Enterprise, Organisation
from tuquan.organisations.views import breadcrumbs, forbidden, registry_view

# Colour of the answer box for each scan status.
TONES = {
    ScanStatus.ALLOWED: "ok",
    ScanStatus.ALREADY_INSIDE: "warn",
}


def _scan_gate(request: HttpRequest, pk: int) -> Gate:
    gate = get_object_or_404(
        Gate.objects.visible_to(request.user).select_related("site"), pk=pk
    )
    return gate


def _routes_at(gate: Gate) -> list[BusRoute]:
    """Bus routes of the enterprises at this gate that run one route, two
    destinations: the guard picks the bus a worker came on."""
    enterprises = Enterprise.objects.filter(
        path__startswith=gate.site.path, operating_mode=OperatingMode.FIXED_ROUTE
    )
    return list(
        BusRoute.objects.filter(enterprise__in=enterprises)
        .select_related("enterprise")
        .order_by("enterprise__name", "name")
    )


def _inside_count(gate: Gate) -> int:
    return site_presence(gate.site).count()


@registry_view
@require_http_methods(["GET", "POST"])
def gate_scan(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the scan page. POST (htmx): judge one card, answer the result box
    and, out of band, the new presence count."""
    gate = _scan_gate(request, pk)
    if not may_record_at(request.user, gate):
        return forbidden(request, _("You do not record passages at this gate."))
    if request.method == "GET":
        return _scan_page(request, gate, {})
    context = {"outcome": _scan_outcome(request, gate)}
    if not request.htmx:  # a phone without JavaScript gets the whole page
        return _scan_page(request, gate, context)
    context["inside"] = _inside_count(gate)
    return render(request, "gates/_scan_result.html", context)


def _scan_page(request: HttpRequest, gate: Gate, extra: dict[str, Any]) -> HttpResponse:
    context = {
        "gate": gate,
        "routes": _routes_at(gate),
        "inside": _inside_count(gate),
        **extra,
    }
    return render(request, "gates/scan.html", context)


def _scan_outcome(request: HttpRequest, gate: Gate) -> dict[str, Any]:
    """The answer box for one posted scan."""
    direction = request.POST.get("direction", "")
    code = request.POST.get("code", "")
    if not code.strip():
        return {
            "tone": "bad",
            "title": _("No card code"),
            "message": _("Type the code printed under the QR, or scan it."),
        }
    try:
        client_id = uuid.UUID(request.POST.get("client_id", ""))
    except ValueError:
        client_id = None
    route = request.POST.get("bus_route", "")
    try:
        outcome = scan_card(
            gate=gate,
            code=code,
            direction=direction,
            by=request.user,
            bus_route_id=int(route) if route.isdigit() else None,
            client_id=client_id,
        )
    except ValidationError as exc:
        return {
            "tone": "bad",
            "title": _("Not recorded"),
            "message": " ".join(exc.messages),
        }
    card = outcome.card
    # Never name a worker from outside this gate's zone or enterprise.
    if card is not None and not (card.enterprise_path or "").startswith(gate.site.path):
        card = None
    status_label = ScanStatus(outcome.status).label
    return {
        "tone": TONES.get(outcome.status, "bad"),
        "title": (_("Allowed in") if direction == Direction.IN else _("Allowed out"))
        if outcome.allowed
        else status_label,
        "message": outcome.message,
        "worker": card.full_name if card is not None else "",
        "enterprise": card.enterprise_name if card is not None else "",
        "flag": EventFlag(outcome.flag).label if outcome.flag else "",
        "time": timezone.localtime(outcome.occurred_at)
        if outcome.occurred_at
        else None,
    }


def _visible_site(request: HttpRequest, pk: int) -> Organisation:
    site = (
        Organisation.objects.visible_to(request.user)
        .filter(pk=pk, kind__in=[*ZONE_KINDS, OrgKind.ENTERPRISE])
        .first()
    )
    if site is None:
        raise Http404
    return site


@registry_view
def presence_overview(request: HttpRequest) -> HttpResponse:
    """Headcount now, per zone and enterprise, against the workforce."""
    rows = site_headcounts(request.user)
    zone_ids = set(
        Organisation.objects.filter(
            pk__in=[row.site_id for row in rows], kind__in=ZONE_KINDS
        ).values_list("pk", flat=True)
    )
    recordable = [
        gate
        for gate in Gate.objects.visible_to(request.user)
        .filter(active=True)
        .select_related("site")
        .order_by("name")
        if may_record_at(request.user, gate)
    ]
    return render(
        request,
        "gates/presence_overview.html",
        {
            "zones": [row for row in rows if row.site_id in zone_ids],
            "enterprises": [row for row in rows if row.site_id not in zone_ids],
            "scan_gates": recordable,
            "vehicle_flags": unreviewed_vehicle_flags(request.user),
        },
    )


@registry_view
def presence_site(request: HttpRequest, pk: int) -> HttpResponse:
    """One zone or enterprise: who is inside now, by workshop and shift, the
    last two weeks, and entries never checked out on a chosen day."""
    site = _visible_site(request, pk)
    inside = (
        site_presence(site)
        .select_related("worker", "gate")
        .order_by("-occurred_at", "worker_id")
    )
    page = Paginator(inside, 50).get_page(request.GET.get("page"))
    day = parse_date(request.GET.get("day") or "") or (
        timezone.localdate() - timedelta(days=1)
    )
    context = {
        "site": site,
        "crumbs": breadcrumbs(request.user, site),
        "page_obj": page,
        "inside_count": page.paginator.count,
        "history": day_history(site),
        "day": day,
        "missing": list(missing_checkouts(site, day)[:200]),
        "flags": _recent_flags(request, site),
    }
    if site.kind == OrgKind.ENTERPRISE:
        context["breakdown"] = enterprise_breakdown(Enterprise.objects.get(pk=site.pk))
        context["registered"] = Enterprise.objects.get(pk=site.pk).registered_workforce
    return render(request, "gates/presence_site.html", context)


def _recent_flags(request: HttpRequest, site: Organisation) -> list[GateEvent]:
    since = timezone.now() - timedelta(days=7)
    return list(
        GateEvent.objects.visible_to(request.user)
        .filter(occurred_at__gte=since)
        .exclude(flag="")
        .filter(Q(gate__path__startswith=site.path) | Q(enterprise_id=site.pk))
        .select_related("worker", "gate")
        .order_by("-occurred_at")[:50]
    )
