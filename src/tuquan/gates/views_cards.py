"""Gate registry pages and worker cards: the gate list, a gate's page with its
guards and last passages, creating and editing gates, issuing and revoking a
worker's card, and printable A4 card sheets per team or enterprise.

Every read goes through ``visible_to``: an object outside the user's scope is a
404; a guard sees only the gate they are assigned to.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from tuquan.accounts.choices import Role
from tuquan.accounts.models import RoleAssignment
from tuquan.accounts.scoping import can_edit
from tuquan.gates.cards import (
    issue_card,
    issue_missing_cards,
    may_manage_cards,
    qr_svg,
    revoke_card,
    workers_missing_cards,
)
from tuquan.gates.choices import GateKind
from tuquan.gates.forms_cards import (
    GateFilter,
    GateForm,
    RevokeCardForm,
    site_choices,
)
from tuquan.gates.models import Gate, GateEvent, WorkerCard
from tuquan.health.views_declare import declare_addresses, declare_qr_svg
from tuquan.organisations.models import Enterprise, Organisation, Team
from tuquan.organisations.views import (
    add_service_errors,
    breadcrumbs,
    can_create,
    get_visible,
    node_form,
    read_filters,
    registry_view,
    render_list,
    require_node_edit,
)
from tuquan.people.models import TeamMembership, Worker

CARDS_PER_SHEET = 10  # 2 columns × 5 rows of 85 × 54 mm on A4
# Sheets per screen page: a 5,000-worker enterprise prints in a few batches
# rather than one page with thousands of inline QR codes.
SHEETS_PER_PAGE = 50
LAST_PASSAGES = 50

# --------------------------------------------------------------------------------------
# Gates
# --------------------------------------------------------------------------------------


@registry_view
def gate_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    filters = read_filters(request, GateFilter)
    gates = (
        filters.filter(Gate.objects.visible_to(user))
        .select_related("site")
        .order_by("name_folded", "pk")
    )
    return render_list(
        request,
        template="gates/gate_list.html",
        partial="gates/gate_table.html",
        queryset=gates,
        context={
            "filters": filters,
            "sites": site_choices(user),
            "kinds": GateKind.choices,
            "can_create": can_create(user, GateForm),
        },
    )


@registry_view
def gate_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    gate = get_object_or_404(
        Gate.objects.visible_to(user).select_related("site"), pk=pk
    )
    guards = (
        RoleAssignment.objects.filter(role=Role.GATE_GUARD, organisation=gate)
        .select_related("user")
        .order_by("user__username")
    )
    passages = (
        GateEvent.objects.visible_to(user)
        .filter(gate=gate)
        .select_related("worker")
        .order_by("-occurred_at", "-id")[:LAST_PASSAGES]
    )
    site_visible = (
        Organisation.objects.visible_to(user).filter(pk=gate.site_id).exists()
    )
    return render(
        request,
        "gates/gate_detail.html",
        {
            "gate": gate,
            "crumbs": breadcrumbs(user, gate),
            "guards": [a.user for a in guards],
            "passages": passages,
            "site_visible": site_visible,
            "can_edit": can_edit(user, gate.path),
        },
    )


@registry_view
@require_http_methods(["GET", "POST"])
def gate_create(request: HttpRequest) -> HttpResponse:
    return node_form(
        request,
        form_class=GateForm,
        node=Gate(),
        title=_("New gate"),
        cancel_url=reverse("gate_list"),
    )


@registry_view
@require_http_methods(["GET", "POST"])
def gate_edit(request: HttpRequest, pk: int) -> HttpResponse:
    gate = get_visible(Gate, request, pk)
    require_node_edit(request, gate)
    return node_form(
        request,
        form_class=GateForm,
        node=gate,
        title=_("Edit gate"),
        cancel_url=reverse("gate_detail", args=[gate.pk]),
    )


# --------------------------------------------------------------------------------------
# One worker's card
# --------------------------------------------------------------------------------------


@registry_view
@require_POST
def card_issue(request: HttpRequest, pk: int) -> HttpResponse:
    """Issue a card to a worker (``replace=1`` replaces the current one)."""
    worker = get_visible(Worker, request, pk)
    replace = request.POST.get("replace") in ("1", "true", "on")
    try:
        card = issue_card(worker=worker, by=request.user, replace=replace)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Card %(code)s was issued.") % {"code": card.display_code},
        )
    return redirect(_back(request, reverse("worker_detail", args=[worker.pk])))


@registry_view
@require_http_methods(["GET", "POST"])
def card_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    card = get_object_or_404(
        WorkerCard.objects.visible_to(user).select_related(
            "worker__enterprise", "worker__residence"
        ),
        pk=pk,
    )
    worker = card.worker
    back = reverse("worker_detail", args=[worker.pk])
    if request.method == "POST":
        form = RevokeCardForm(request.POST)
        if form.is_valid():
            try:
                revoke_card(card=card, by=user, reason=form.cleaned_data["reason"])
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The card was revoked."))
                return redirect(back)
    else:
        if not may_manage_cards(user, worker):
            raise PermissionDenied(
                _("You may not issue or revoke this worker's cards.")
            )
        form = RevokeCardForm()
    return render(
        request,
        "gates/card_revoke.html",
        {"card": card, "worker": worker, "form": form, "cancel_url": back},
    )


def _back(request: HttpRequest, default: str) -> str:
    """A local ``next`` address, else ``default``."""
    target = request.POST.get("next") or ""
    return target if target.startswith("/") and not target.startswith("//") else default


# --------------------------------------------------------------------------------------
# Card sheets
# --------------------------------------------------------------------------------------


def _sheet(
    request: HttpRequest,
    *,
    owner: Organisation,
    workers: QuerySet[Worker],
    title: str,
    team: Team | None,
) -> HttpResponse:
    """A4 sheets of the active cards of ``workers`` (already ``visible_to``),
    ten a sheet; editors may first issue the missing cards."""
    user = request.user
    may_issue = can_edit(user, owner.path)
    if request.method == "POST":
        if not may_issue:
            raise PermissionDenied(
                _("You may not issue or revoke this worker's cards.")
            )
        if request.POST.get("action") != "issue_missing":
            return redirect(request.path)
        count = issue_missing_cards(workers_queryset=workers, by=user)
        messages.success(
            request,
            ngettext(
                "%(count)s card was issued.", "%(count)s cards were issued.", count
            )
            % {"count": count},
        )
        return redirect(request.path)
    memberships = (
        TeamMembership.objects.visible_to(user)
        .current()
        .select_related("team")
        .order_by("team__name_folded")
    )
    cards = (
        WorkerCard.objects.visible_to(user)
        .active()
        .filter(worker__in=workers.values("pk"))
        .select_related("worker__enterprise")
        .prefetch_related(
            Prefetch(
                "worker__memberships", queryset=memberships, to_attr="current_teams"
            )
        )
        .order_by("worker__name_folded", "worker_id")
    )
    page = Paginator(cards, CARDS_PER_SHEET * SHEETS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    # Editors may add each worker's health declaration QR (a credential: the
    # link lets its holder declare for the worker).
    with_declare = may_issue and request.GET.get("declare") == "1"
    addresses = (
        declare_addresses(request, [card.worker for card in page])
        if with_declare
        else {}
    )
    items = []
    for card in page:
        if team is not None:
            team_name = str(team)
        else:
            team_name = ", ".join(str(m.team) for m in card.worker.current_teams)
        item = {"card": card, "team": team_name, "qr": qr_svg(card.qr_payload)}
        if card.worker_id in addresses:
            item["declare_qr"] = declare_qr_svg(addresses[card.worker_id])
        items.append(item)
    sheets = [
        items[i : i + CARDS_PER_SHEET] for i in range(0, len(items), CARDS_PER_SHEET)
    ]
    return render(
        request,
        "gates/card_sheet.html",
        {
            "title": title,
            "owner": owner,
            "crumbs": [*breadcrumbs(user, owner), owner],
            "sheets": sheets,
            "page_obj": page,
            "card_count": page.paginator.count,
            "missing_count": workers_missing_cards(workers).count(),
            "may_issue": may_issue,
            "with_declare": with_declare,
        },
    )


@registry_view
@require_http_methods(["GET", "POST"])
def card_sheet_enterprise(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = get_visible(Enterprise, request, pk)
    workers = Worker.objects.visible_to(request.user).filter(enterprise=enterprise)
    return _sheet(
        request,
        owner=enterprise,
        workers=workers,
        title=_("Worker cards: %(name)s") % {"name": enterprise},
        team=None,
    )


@registry_view
@require_http_methods(["GET", "POST"])
def card_sheet_team(request: HttpRequest, pk: int) -> HttpResponse:
    team = get_visible(Team, request, pk)
    workers = Worker.objects.visible_to(request.user).filter(
        pk__in=TeamMembership.objects.filter(team=team, left_on__isnull=True).values(
            "worker_id"
        )
    )
    return _sheet(
        request,
        owner=team,
        workers=workers,
        title=_("Worker cards: %(name)s") % {"name": team},
        team=team,
    )
