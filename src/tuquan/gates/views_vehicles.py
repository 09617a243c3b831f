"""Pages for vehicle entries and visitors.

Guards use the forms on a phone at their own gate; the zone board uses the
lists on a desktop and clears the red "not disinfected" flags (htmx partials).
Lists never decrypt: ID and phone are shown masked from the stored tails.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tuquan.accounts.scoping import can_edit
from tuquan.gates.forms_vehicles import (
    VehicleEntryFilter,
    VehicleEntryForm,
    VisitorFilter,
    VisitorForm,
)
from tuquan.gates.models import Gate, VehicleEntry, Visitor
from tuquan.gates.vehicles import (
    check_in_visitor,
    check_out_visitor,
    may_record_at,
    record_vehicle_entry,
    review_vehicle_entry,
)
from tuquan.organisations.views import (
    add_service_errors,
    forbidden,
    get_visible,
    read_filters,
    registry_view,
    render_list,
)


def _gates(user: Any) -> list[Gate]:
    return list(Gate.objects.visible_to(user).order_by("name_folded", "pk"))


def _recording_gates(user: Any, gates: list[Gate], *, vehicles: bool) -> list[Gate]:
    """Gates where ``user`` may record (for the "record" buttons of a list)."""
    return [
        g
        for g in gates
        if g.active and (g.takes_vehicles or not vehicles) and may_record_at(user, g)
    ]


# --------------------------------------------------------------------------------------
# Vehicle entries
# --------------------------------------------------------------------------------------


@registry_view
@require_http_methods(["GET", "POST"])
def vehicle_entry_create(request: HttpRequest, gate_pk: int) -> HttpResponse:
    user = request.user
    gate = get_visible(Gate, request, gate_pk)
    if not may_record_at(user, gate):
        return forbidden(request, _("You may not record at this gate."))
    if request.method == "POST":
        form = VehicleEntryForm(request.POST)
        if form.is_valid():
            try:
                entry = record_vehicle_entry(
                    gate=gate,
                    values=form.values(),
                    by=user,
                    client_id=form.cleaned_data.get("client_id"),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                if entry.needs_review:
                    messages.warning(
                        request,
                        _(
                            "Saved: %(plate)s. Not disinfected: the zone board "
                            "will be alerted."
                        )
                        % {"plate": entry.plate},
                    )
                else:
                    messages.success(
                        request, _("Saved: %(plate)s.") % {"plate": entry.plate}
                    )
                return redirect("vehicle_entry_create", gate_pk=gate.pk)
    else:
        form = VehicleEntryForm(initial={"client_id": uuid.uuid4()})
    recent = (
        VehicleEntry.objects.visible_to(user)
        .filter(gate=gate)
        .order_by("-occurred_at", "-id")[:5]
    )
    return render(
        request,
        "gates/vehicle_form.html",
        {"form": form, "gate": gate, "recent": recent},
    )


@registry_view
def vehicle_entry_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    filters = read_filters(request, VehicleEntryFilter)
    entries = (
        filters.filter(VehicleEntry.objects.visible_to(user))
        .select_related("gate")
        .order_by("-occurred_at", "-id")
    )
    gates = _gates(user)
    return render_list(
        request,
        template="gates/vehicle_list.html",
        partial="gates/vehicle_table.html",
        queryset=entries,
        context={
            "filters": filters,
            "gates": gates,
            "recording_gates": _recording_gates(user, gates, vehicles=True),
            "reviewable": _reviewable_paths(user, gates),
        },
    )


def _reviewable_paths(user: Any, gates: list[Gate]) -> set[int]:
    """Ids of the gates whose entries ``user`` may review."""
    return {g.pk for g in gates if can_edit(user, g.path)}


@registry_view
@require_POST
def vehicle_entry_review(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    entry = get_visible(VehicleEntry, request, pk)
    try:
        review_vehicle_entry(entry=entry, by=user, note=request.POST.get("note", ""))
    except ValidationError as exc:
        if not request.htmx:
            messages.error(request, " ".join(exc.messages))
    else:
        if not request.htmx:
            messages.success(request, _("Marked as reviewed."))
    if request.htmx:
        entry.refresh_from_db()
        return render(
            request,
            "gates/vehicle_row.html",
            {"entry": entry, "reviewable": _reviewable_paths(user, [entry.gate])},
        )
    return redirect(request.POST.get("next") or "vehicle_entry_list")


# --------------------------------------------------------------------------------------
# Visitors
# --------------------------------------------------------------------------------------


@registry_view
def visitor_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if "inside" not in request.GET:
        # The guard's first question: who is still inside?
        request.GET = request.GET.copy()
        request.GET["inside"] = "true"
    filters = read_filters(request, VisitorFilter)
    visitors = (
        filters.filter(Visitor.objects.visible_to(user))
        .select_related("gate", "host")
        .order_by("-time_in", "-id")
    )
    gates = _gates(user)
    recording = _recording_gates(user, gates, vehicles=False)
    return render_list(
        request,
        template="gates/visitor_list.html",
        partial="gates/visitor_table.html",
        queryset=visitors,
        context={
            "filters": filters,
            "gates": gates,
            "recording_gates": recording,
            "recording_ids": {g.pk for g in recording},
        },
    )


@registry_view
@require_http_methods(["GET", "POST"])
def visitor_check_in(request: HttpRequest, gate_pk: int) -> HttpResponse:
    user = request.user
    gate = get_visible(Gate, request, gate_pk)
    if not may_record_at(user, gate):
        return forbidden(request, _("You may not record at this gate."))
    if request.method == "POST":
        form = VisitorForm(request.POST, gate=gate)
        if form.is_valid():
            try:
                visitor = check_in_visitor(
                    gate=gate,
                    values=form.values(),
                    by=user,
                    client_id=form.cleaned_data.get("client_id"),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request, _("Checked in: %(name)s.") % {"name": visitor.full_name}
                )
                return redirect("visitor_list")
    else:
        form = VisitorForm(initial={"client_id": uuid.uuid4()}, gate=gate)
    return render(request, "gates/visitor_form.html", {"form": form, "gate": gate})


@registry_view
@require_POST
def visitor_check_out(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    visitor = get_visible(Visitor, request, pk)
    error = ""
    try:
        check_out_visitor(visitor=visitor, by=user)
    except ValidationError as exc:
        error = " ".join(exc.messages)
    if request.htmx:
        visitor.refresh_from_db()
        return render(
            request,
            "gates/visitor_row.html",
            {
                "visitor": visitor,
                "error": error,
                "recording_ids": {visitor.gate_id},
            },
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(
            request, _("Checked out: %(name)s.") % {"name": visitor.full_name}
        )
    return redirect("visitor_list")
