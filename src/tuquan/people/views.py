"""Worker pages: list, detail, create/edit and revealing personal data.

Lists never decrypt: they show the masked ID from the stored last digits. The
clear ID and phone appear only through ``reveal_personal_data`` (audited).
"""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tuquan.accounts.scoping import can_edit, can_see_personal_data
from tuquan.organisations.models import (
    Enterprise,
    Organisation,
    Residence,
    Shift,
    Team,
    Workshop,
)
from tuquan.organisations.templatetags.registry import phone_display
from tuquan.organisations.views import (
    add_service_errors,
    breadcrumbs,
    current_teams,
    forbidden,
    has_edit_scope,
    read_filters,
    registry_view,
    render_list,
    visible_choices,
)
from tuquan.people.filters import WorkerFilter
from tuquan.people.forms import WorkerForm
from tuquan.people.models import (
    Employment,
    EmploymentStatus,
    Sex,
    TeamMembership,
    Worker,
)
from tuquan.people.services import reveal_personal_data, save_worker


def may_see_personal(user: Any, worker: Worker) -> bool:
    """The rule ``reveal_personal_data`` applies (it audits every reveal)."""
    return bool(
        user.is_superuser or can_see_personal_data(user, worker.scope_path or "-")
    )


@registry_view
def worker_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    filters = read_filters(request, WorkerFilter)
    workers = filters.ordered(
        filters.filter(Worker.objects.visible_to(user)).select_related(
            "enterprise", "workshop", "shift", "residence"
        )
    )
    enterprise_id = filters.enterprise or 0
    teams = Team.objects.visible_to(user)
    if filters.enterprise or filters.residence:
        teams = teams.filter(
            Q(enterprise_id=enterprise_id) | Q(residence_id=filters.residence or 0)
        )
    context = {
        "filters": filters,
        "enterprises": visible_choices(Enterprise.objects.visible_to(user)),
        # Workshops and shifts only make sense once an enterprise is chosen.
        "workshops": Workshop.objects.visible_to(user).filter(
            enterprise_id=enterprise_id
        )
        if enterprise_id
        else Workshop.objects.none(),
        "shifts": Shift.objects.visible_to(user).filter(enterprise_id=enterprise_id)
        if enterprise_id
        else Shift.objects.none(),
        "residences": visible_choices(Residence.objects.visible_to(user)),
        "teams": visible_choices(teams),
        "sexes": Sex.choices,
        "statuses": EmploymentStatus.choices,
        "can_create": has_edit_scope(user),
        # The export applies the same filters; blank boxes are left out.
        "export_query": urlencode(
            [(k, v) for k, v in request.GET.items() if v.strip() and k != "page"]
        ),
    }
    return render_list(
        request,
        template="people/worker_list.html",
        partial="people/worker_table.html",
        queryset=workers,
        context=context,
    )


@registry_view
def worker_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    worker = get_object_or_404(
        Worker.objects.visible_to(user).select_related(
            "enterprise",
            "workshop",
            "line",
            "shift",
            "residence",
            "room",
            "bus_route",
        ),
        pk=pk,
    )
    anchor = worker.enterprise or worker.residence
    crumbs = breadcrumbs(user, anchor)
    visible_ids = set(
        Organisation.objects.visible_to(user)
        .filter(pk__in=[worker.enterprise_id or 0, worker.residence_id or 0])
        .values_list("pk", flat=True)
    )
    if anchor is not None and anchor.pk in visible_ids:
        crumbs.append(anchor)
    employments = (
        Employment.objects.visible_to(user)
        .filter(worker=worker)
        .select_related("enterprise")
    )
    memberships = (
        TeamMembership.objects.visible_to(user)
        .filter(worker=worker)
        .select_related("team")
        .order_by(F("left_on").desc(nulls_first=True), "team__name_folded")
    )
    return render(
        request,
        "people/worker_detail.html",
        {
            "worker": worker,
            "crumbs": crumbs,
            "visible_ids": visible_ids,
            "employments": employments,
            "memberships": memberships,
            "can_reveal": may_see_personal(user, worker),
            "can_edit": bool(worker.scope_path) and can_edit(user, worker.scope_path),
        },
    )


@registry_view
@require_POST
def worker_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the national ID and phone in clear (htmx swaps them into the page)."""
    worker = get_object_or_404(Worker.objects.visible_to(request.user), pk=pk)
    try:
        personal = reveal_personal_data(worker=worker, by=request.user)
    except PermissionDenied as exc:
        return forbidden(request, str(exc))
    template = "people/_personal.html" if request.htmx else "people/worker_reveal.html"
    return render(request, template, {"worker": worker, "personal": personal})


def _initial_for(worker: Worker) -> dict[str, Any]:
    initial: dict[str, Any] = {
        name: getattr(worker, name)
        for name in (
            "full_name",
            "date_of_birth",
            "sex",
            "employment_status",
            "employment_start",
            "employment_end",
        )
    }
    for name in (
        "enterprise",
        "workshop",
        "line",
        "shift",
        "bus_route",
        "residence",
        "room",
    ):
        initial[name] = getattr(worker, f"{name}_id")
    initial["teams"] = [team.pk for team in current_teams(worker)]
    return initial


def _query_initial(request: HttpRequest) -> dict[str, Any]:
    """Prefill from the query string (``?enterprise=3``, or the whole form when
    htmx re-renders a dependent block); never ID or phone, which stay out of URLs."""
    initial: dict[str, Any] = {}
    for name in WorkerForm.base_fields:
        if name in request.GET and name not in ("national_id", "phone"):
            multi = name == "teams"
            initial[name] = (
                request.GET.getlist(name) if multi else request.GET.get(name)
            )
    return initial


def _worker_form(request: HttpRequest, worker: Worker | None) -> HttpResponse:
    user = request.user
    show_personal = worker is not None and may_see_personal(user, worker)
    kwargs: dict[str, Any] = {
        "user": user,
        "worker": worker,
        "show_personal": show_personal,
        "reload_url": request.path,
    }
    if request.method == "POST":
        form = WorkerForm(request.POST, **kwargs)
        if form.is_valid():
            teams = list(form.cleaned_data["teams"])
            if worker is not None:
                offered = set(form.offered_teams().values_list("pk", flat=True))
                teams += [t for t in current_teams(worker) if t.pk not in offered]
            try:
                saved = save_worker(
                    by=user,
                    values=form.values(),
                    worker=worker,
                    teams=teams,
                    client_id=form.cleaned_data.get("client_id"),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("worker_detail", pk=saved.pk)
    else:
        initial = _initial_for(worker) if worker is not None else {}
        initial.update(_query_initial(request))
        if worker is None:
            initial.setdefault("client_id", uuid.uuid4())
        elif show_personal and not request.htmx:
            # Prefilling the clear values is a reveal: it goes through the
            # audited service.
            personal = reveal_personal_data(worker=worker, by=user)
            initial["national_id"] = personal["national_id"]
            initial["phone"] = phone_display(personal["phone"])
        form = WorkerForm(initial=initial, **kwargs)
    return render(
        request,
        "people/worker_form.html",
        {
            "form": form,
            "worker": worker,
            "crumbs": breadcrumbs(user, worker.enterprise or worker.residence)
            if worker is not None
            else [],
        },
    )


@registry_view
@require_http_methods(["GET", "POST"])
def worker_create(request: HttpRequest) -> HttpResponse:
    if not has_edit_scope(request.user):
        raise PermissionDenied(_("You may not register workers."))
    return _worker_form(request, None)


@registry_view
@require_http_methods(["GET", "POST"])
def worker_edit(request: HttpRequest, pk: int) -> HttpResponse:
    worker = get_object_or_404(
        Worker.objects.visible_to(request.user).select_related(
            "enterprise", "residence"
        ),
        pk=pk,
    )
    if not (worker.scope_path and can_edit(request.user, worker.scope_path)):
        raise PermissionDenied(_("You may not change this worker."))
    return _worker_form(request, worker)
