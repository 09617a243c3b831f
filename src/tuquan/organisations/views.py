"""Registry pages: zones, enterprises, residences, teams and the generic node page.

Views are thin: they read through ``visible_to``, render, and hand writes to the
services in ``organisations.services`` and ``people.services``. List pages
answer htmx requests with the table partial only. The helpers at the top are
shared with the worker pages in ``people.views``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import pydantic
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.db.models import (
    Case,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from ninja import FilterSchema

from tuquan.accounts.choices import EDITOR_ROLES
from tuquan.accounts.scoping import can_edit, scope_paths
from tuquan.core.validators import mask
from tuquan.organisations.choices import (
    ZONE_KINDS,
    OperatingMode,
    OrgKind,
    ResidenceKind,
    TeamKind,
)
from tuquan.organisations.filters import (
    EnterpriseFilter,
    ResidenceFilter,
    TeamFilter,
    ZoneFilter,
)
from tuquan.organisations.forms import (
    AddMemberForm,
    BusRouteForm,
    EnterpriseForm,
    LineForm,
    OperatingModeForm,
    RegistryModelForm,
    ResidenceForm,
    RoomForm,
    ShiftForm,
    TeamForm,
    TeamOfficersForm,
    WorkshopForm,
    ZoneForm,
)
from tuquan.organisations.models import (
    AdminUnit,
    BusRoute,
    Enterprise,
    Line,
    OperatingModeChange,
    Organisation,
    Residence,
    Room,
    Shift,
    Team,
    Workshop,
    Zone,
)
from tuquan.organisations.services import (
    change_operating_mode,
    may_edit_node,
    save_node,
    save_part,
)
from tuquan.people.models import MembershipRole, TeamMembership, Worker
from tuquan.people.services import (
    add_team_member,
    remove_team_member,
)

PER_PAGE = 50
ModelT = TypeVar("ModelT", bound=models.Model)
ViewFunc = Callable[..., HttpResponse]

# --------------------------------------------------------------------------------------
# Helpers shared by the registry and worker pages
# --------------------------------------------------------------------------------------


def forbidden(request: HttpRequest, message: str = "") -> HttpResponse:
    """A 403 page (or fragment, for htmx) that says why, in Vietnamese."""
    template = (
        "organisations/_forbidden.html"
        if request.htmx
        else "organisations/forbidden.html"
    )
    text = message or _("You do not have permission to do this.")
    return render(request, template, {"message": text}, status=403)


def registry_view(view: ViewFunc) -> ViewFunc:
    """Log-in required; a ``PermissionDenied`` from a service becomes a 403 page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as exc:
            return forbidden(request, str(exc))

    return login_required(wrapper)


def get_visible(model: type[ModelT], request: HttpRequest, pk: int) -> ModelT:
    """The object with ``pk`` if the user may see it, else 404."""
    visible = model.objects.visible_to(request.user)  # type: ignore[attr-defined]
    return get_object_or_404(visible, pk=pk)


def read_filters(request: HttpRequest, schema: type[FilterSchema]) -> FilterSchema:
    """The filter schema from the query string; blank or malformed values
    (a hand-edited URL) are ignored rather than answered with an error."""
    params = {
        name: request.GET[name].strip()
        for name in schema.model_fields
        if request.GET.get(name, "").strip()
    }
    try:
        return schema(**params)
    except pydantic.ValidationError as exc:
        bad = {str(err["loc"][0]) for err in exc.errors() if err.get("loc")}
        return schema(**{k: v for k, v in params.items() if k not in bad})


def wants_partial(request: HttpRequest) -> bool:
    """htmx asked for the table only: not a history restore, not a boosted link,
    and not a filter that re-renders the whole page (it targets ``#main`` because
    it changes the other filters' options)."""
    htmx = getattr(request, "htmx", None)
    return (
        bool(htmx)
        and not htmx.history_restore_request
        and not htmx.boosted
        and htmx.target != "main"
    )


def render_list(
    request: HttpRequest,
    *,
    template: str,
    partial: str,
    queryset: QuerySet,
    context: dict[str, Any],
) -> HttpResponse:
    """Paginate ``queryset`` 50 a page; the whole page, or its table for htmx."""
    page = Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))
    context = {**context, "page_obj": page, "table_template": partial}
    response = render(request, partial if wants_partial(request) else template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


def add_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Put a service's ``ValidationError`` on the matching form fields."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for field, field_messages in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, field_messages)


def can_create(user: Any, form_class: type[RegistryModelForm]) -> bool:
    """Is there somewhere ``user`` may hang a new node of this form's kind?"""
    if not has_edit_scope(user):
        return False
    instance = form_class._meta.model()
    return form_class(instance=instance, user=user).has_parent_choices()


def has_edit_scope(user: Any) -> bool:
    """Does ``user`` hold an editing role anywhere?"""
    paths = scope_paths(user, EDITOR_ROLES)
    return paths is None or bool(paths)


def breadcrumbs(user: Any, node: Organisation | None) -> list[Organisation]:
    """The node's ancestors that ``user`` may see, root first."""
    if node is None or not node.path:
        return []
    return list(node.ancestors().visible_to(user))


def count_of(model: type[models.Model], field: str, **conditions: Any) -> Coalesce:
    """A correlated COUNT of ``model`` rows whose ``field`` is the outer row.

    Subqueries rather than ``Count`` joins, so several counts on one list do not
    multiply each other's rows.
    """
    counted = (
        model._default_manager.filter(**{field: OuterRef("pk")}, **conditions)
        .order_by()
        .values(field)
        .annotate(n=models.Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def initial_from_query(request: HttpRequest, form_class: type[forms.BaseForm]) -> dict:
    """Prefill a new form from the query string (``?zone=3`` from a zone page,
    or the whole form when htmx re-renders a dependent block)."""
    initial: dict[str, Any] = {}
    for name, field in form_class.base_fields.items():
        if name not in request.GET:
            continue
        if isinstance(
            field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField
        ):
            initial[name] = request.GET.getlist(name)
        else:
            initial[name] = request.GET.get(name)
    return initial


def visible_choices(queryset: QuerySet) -> QuerySet:
    return queryset.order_by("name_folded", "pk")


# --------------------------------------------------------------------------------------
# Lists
# --------------------------------------------------------------------------------------


@registry_view
def zone_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    filters = read_filters(request, ZoneFilter)
    zones = (
        filters.filter(Zone.objects.visible_to(user))
        .select_related("commune")
        .annotate(enterprise_count=count_of(Enterprise, "zone"))
        .order_by("name_folded", "pk")
    )
    context = {
        "filters": filters,
        "kinds": [(kind.value, kind.label) for kind in ZONE_KINDS],
        "communes": visible_choices(
            AdminUnit.objects.visible_to(user).filter(kind=OrgKind.COMMUNE)
        ),
        "can_create": can_create(user, ZoneForm),
    }
    return render_list(
        request,
        template="organisations/zone_list.html",
        partial="organisations/zone_table.html",
        queryset=zones,
        context=context,
    )


@registry_view
def enterprise_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    filters = read_filters(request, EnterpriseFilter)
    enterprises = (
        filters.filter(Enterprise.objects.visible_to(user))
        .select_related("zone", "commune")
        .annotate(worker_count=count_of(Worker, "enterprise"))
        .order_by("name_folded", "pk")
    )
    context = {
        "filters": filters,
        "zones": visible_choices(Zone.objects.visible_to(user)),
        "communes": visible_choices(
            AdminUnit.objects.visible_to(user).filter(kind=OrgKind.COMMUNE)
        ),
        "modes": OperatingMode.choices,
        "can_create": can_create(user, EnterpriseForm),
    }
    return render_list(
        request,
        template="organisations/enterprise_list.html",
        partial="organisations/enterprise_table.html",
        queryset=enterprises,
        context=context,
    )


@registry_view
def residence_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    filters = read_filters(request, ResidenceFilter)
    residences = (
        filters.filter(Residence.objects.visible_to(user))
        .select_related("commune")
        .annotate(
            room_count=count_of(Room, "residence"),
            resident_count=count_of(Worker, "residence"),
        )
        .order_by("name_folded", "pk")
    )
    context = {
        "filters": filters,
        "kinds": ResidenceKind.choices,
        "communes": visible_choices(
            AdminUnit.objects.visible_to(user).filter(kind=OrgKind.COMMUNE)
        ),
        "can_create": can_create(user, ResidenceForm),
    }
    return render_list(
        request,
        template="organisations/residence_list.html",
        partial="organisations/residence_table.html",
        queryset=residences,
        context=context,
    )


@registry_view
def team_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    filters = read_filters(request, TeamFilter)
    teams = (
        filters.filter(Team.objects.visible_to(user))
        .select_related("enterprise", "residence", "leader")
        .annotate(member_count=count_of(TeamMembership, "team", left_on__isnull=True))
        .order_by("name_folded", "pk")
    )
    context = {
        "filters": filters,
        "kinds": TeamKind.choices,
        "enterprises": visible_choices(Enterprise.objects.visible_to(user)),
        "residences": visible_choices(Residence.objects.visible_to(user)),
        "can_create": can_create(user, TeamForm),
    }
    return render_list(
        request,
        template="organisations/team_list.html",
        partial="organisations/team_table.html",
        queryset=teams,
        context=context,
    )


# --------------------------------------------------------------------------------------
# Detail pages
# --------------------------------------------------------------------------------------


@registry_view
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Any node: zones, enterprises, residences and teams have their own page;
    units, committees and agencies are shown here with their children."""
    node = get_visible(Organisation, request, pk)
    if node.url_name != "organisation_detail":
        return redirect(node.url_name, pk=node.pk)
    children = Organisation.objects.visible_to(request.user).filter(parent=node)
    return render(
        request,
        "organisations/organisation_detail.html",
        {
            "node": node.specific(),
            "crumbs": breadcrumbs(request.user, node),
            "children": children.order_by("kind", "name_folded", "pk"),
            "jurisdiction": (
                Organisation.objects.visible_to(request.user)
                .filter(pk=node.jurisdiction_id)
                .first()
            ),
        },
    )


@registry_view
def zone_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    zone = get_object_or_404(
        Zone.objects.visible_to(user).select_related("commune", "management_board"),
        pk=pk,
    )
    enterprises = (
        Enterprise.objects.visible_to(user)
        .filter(zone=zone)
        .annotate(worker_count=count_of(Worker, "enterprise"))
        .order_by("name_folded", "pk")
    )
    return render(
        request,
        "organisations/zone_detail.html",
        {
            "zone": zone,
            "crumbs": breadcrumbs(user, zone),
            "enterprises": enterprises,
            "can_edit": may_edit_node(user, zone),
            "can_add_enterprise": can_edit(user, zone.path),
            "board_visible": Organisation.objects.visible_to(user)
            .filter(pk=zone.management_board_id)
            .exists(),
        },
    )


@registry_view
def enterprise_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    enterprise = get_object_or_404(
        Enterprise.objects.visible_to(user).select_related("zone", "commune"), pk=pk
    )
    editing = can_edit(user, enterprise.path)
    workshops = (
        Workshop.objects.visible_to(user)
        .filter(enterprise=enterprise)
        .prefetch_related(models.Prefetch("lines", Line.objects.order_by("name")))
        .annotate(worker_count=count_of(Worker, "workshop"))
    )
    teams = (
        Team.objects.visible_to(user)
        .filter(enterprise=enterprise)
        .select_related("leader", "workshop")
        .annotate(member_count=count_of(TeamMembership, "team", left_on__isnull=True))
        .order_by("name_folded")
    )
    context = {
        "enterprise": enterprise,
        "crumbs": breadcrumbs(user, enterprise),
        "workshops": workshops,
        "shifts": Shift.objects.visible_to(user).filter(enterprise=enterprise),
        "routes": BusRoute.objects.visible_to(user).filter(enterprise=enterprise),
        "teams": teams,
        "mode_changes": OperatingModeChange.objects.visible_to(user)
        .filter(enterprise=enterprise)
        .select_related("changed_by")[:5],
        "worker_count": Worker.objects.visible_to(user)
        .filter(enterprise=enterprise)
        .count(),
        "can_edit": may_edit_node(user, enterprise),
        "can_edit_parts": editing,
    }
    if editing:
        context["part_forms"] = {
            "workshop": WorkshopForm(owner=enterprise, prefix="workshop"),
            "line": LineForm(owner=enterprise, prefix="line"),
            "shift": ShiftForm(owner=enterprise, prefix="shift"),
            "route": BusRouteForm(owner=enterprise, prefix="route"),
        }
    return render(request, "organisations/enterprise_detail.html", context)


@registry_view
def residence_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    residence = get_object_or_404(
        Residence.objects.visible_to(user).select_related("commune"), pk=pk
    )
    rooms = (
        Room.objects.visible_to(user)
        .filter(residence=residence)
        .annotate(occupancy=count_of(Worker, "room"))
    )
    teams = (
        Team.objects.visible_to(user)
        .filter(residence=residence)
        .select_related("leader")
        .annotate(member_count=count_of(TeamMembership, "team", left_on__isnull=True))
        .order_by("name_folded")
    )
    editing = can_edit(user, residence.path)
    owner_phone = (
        mask("0" * 8 + residence.owner_phone_tail, 3)
        if residence.owner_phone_tail
        else ""
    )
    rooms = list(rooms)
    return render(
        request,
        "organisations/residence_detail.html",
        {
            "residence": residence,
            "crumbs": breadcrumbs(user, residence),
            "rooms": rooms,
            "capacity": sum(room.capacity for room in rooms),
            "occupancy": sum(room.occupancy for room in rooms),
            "teams": teams,
            "resident_count": Worker.objects.visible_to(user)
            .filter(residence=residence)
            .count(),
            "owner_phone": owner_phone,
            "can_edit": may_edit_node(user, residence),
            "can_edit_parts": editing,
            "room_form": RoomForm(owner=residence) if editing else None,
        },
    )


def _team_members(user: Any, team: Team) -> QuerySet:
    """Current members, leader first, then deputy, then by name."""
    rank = Case(
        When(role=MembershipRole.LEADER, then=Value(0)),
        When(role=MembershipRole.DEPUTY, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return (
        TeamMembership.objects.visible_to(user)
        .current()
        .filter(team=team)
        .select_related("worker__enterprise")
        .annotate(rank=rank)
        .order_by("rank", "worker__name_folded", "pk")
    )


@registry_view
def team_pledge_file(request: HttpRequest, pk: int) -> HttpResponse:
    """The team's pledge file, for those who may see the team (media files
    are not served publicly: a pledge names people)."""
    team = get_visible(Team, request, pk)
    if not team.pledge_file:
        raise Http404
    return FileResponse(
        team.pledge_file.open("rb"),
        as_attachment=True,
        filename=Path(team.pledge_file.name).name,
    )


@registry_view
def team_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    team = get_object_or_404(
        Team.objects.visible_to(user).select_related(
            "enterprise", "residence", "workshop", "leader", "deputy"
        ),
        pk=pk,
    )
    visible_owner_ids = set(
        Organisation.objects.visible_to(user)
        .filter(pk__in=[team.enterprise_id or 0, team.residence_id or 0])
        .values_list("pk", flat=True)
    )
    return render(
        request,
        "organisations/team_detail.html",
        {
            "team": team,
            "crumbs": breadcrumbs(user, team),
            "members": _team_members(user, team),
            "visible_owner_ids": visible_owner_ids,
            "can_edit": may_edit_node(user, team),
        },
    )


# --------------------------------------------------------------------------------------
# Create and edit
# --------------------------------------------------------------------------------------


def node_form(
    request: HttpRequest,
    *,
    form_class: type[RegistryModelForm],
    node: Organisation,
    title: str,
    cancel_url: str,
    form_kwargs: dict[str, Any] | None = None,
) -> HttpResponse:
    """Create or edit a tree node through ``save_node``."""
    is_new = node.pk is None
    kwargs: dict[str, Any] = {
        "instance": node,
        "user": request.user,
        "reload_url": request.path,
        **(form_kwargs or {}),
    }
    if is_new and not form_class(**kwargs).has_parent_choices():
        # Nowhere this user may hang such a node (a team leader adding an
        # enterprise): refuse rather than show a form that cannot succeed.
        raise PermissionDenied(_("You may not add this here."))
    if request.method == "POST":
        form = form_class(request.POST, request.FILES, **kwargs)
        if form.is_valid():
            node = form.save(commit=False)
            try:
                node = save_node(
                    node=node,
                    by=request.user,
                    client_id=form.cleaned_data.get("client_id"),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect(node.url_name, pk=node.pk)
    else:
        initial = initial_from_query(request, form_class)
        if is_new and "client_id" not in initial:
            initial["client_id"] = uuid.uuid4()
        form = form_class(initial=initial, **kwargs)
    return render(
        request,
        "organisations/node_form.html",
        {
            "form": form,
            "title": title,
            "node": None if is_new else node,
            "crumbs": breadcrumbs(request.user, node if not is_new else None),
            "cancel_url": cancel_url,
        },
    )


def require_node_edit(request: HttpRequest, node: Organisation) -> None:
    if not may_edit_node(request.user, node):
        raise PermissionDenied(
            _("You may not change this part of the organisation tree.")
        )


@registry_view
@require_http_methods(["GET", "POST"])
def zone_create(request: HttpRequest) -> HttpResponse:
    return node_form(
        request,
        form_class=ZoneForm,
        node=Zone(kind=OrgKind.INDUSTRIAL_PARK),
        title=_("New zone"),
        cancel_url=reverse("zone_list"),
    )


@registry_view
@require_http_methods(["GET", "POST"])
def zone_edit(request: HttpRequest, pk: int) -> HttpResponse:
    zone = get_visible(Zone, request, pk)
    require_node_edit(request, zone)
    return node_form(
        request,
        form_class=ZoneForm,
        node=zone,
        title=_("Edit zone"),
        cancel_url=reverse("zone_detail", args=[zone.pk]),
    )


@registry_view
@require_http_methods(["GET", "POST"])
def enterprise_create(request: HttpRequest) -> HttpResponse:
    return node_form(
        request,
        form_class=EnterpriseForm,
        node=Enterprise(kind=OrgKind.ENTERPRISE),
        title=_("New enterprise"),
        cancel_url=reverse("enterprise_list"),
    )


@registry_view
@require_http_methods(["GET", "POST"])
def enterprise_edit(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = get_visible(Enterprise, request, pk)
    require_node_edit(request, enterprise)
    return node_form(
        request,
        form_class=EnterpriseForm,
        node=enterprise,
        title=_("Edit enterprise"),
        cancel_url=reverse("enterprise_detail", args=[enterprise.pk]),
    )


def _show_owner_phone(user: Any, residence: Residence) -> bool:
    from tuquan.accounts.scoping import can_see_personal_data

    return bool(residence.path) and can_see_personal_data(user, residence.path)


@registry_view
@require_http_methods(["GET", "POST"])
def residence_create(request: HttpRequest) -> HttpResponse:
    return node_form(
        request,
        form_class=ResidenceForm,
        node=Residence(kind=OrgKind.RESIDENCE),
        title=_("New residence"),
        cancel_url=reverse("residence_list"),
    )


@registry_view
@require_http_methods(["GET", "POST"])
def residence_edit(request: HttpRequest, pk: int) -> HttpResponse:
    residence = get_visible(Residence, request, pk)
    require_node_edit(request, residence)
    return node_form(
        request,
        form_class=ResidenceForm,
        node=residence,
        title=_("Edit residence"),
        cancel_url=reverse("residence_detail", args=[residence.pk]),
        form_kwargs={"show_phone": _show_owner_phone(request.user, residence)},
    )


@registry_view
@require_http_methods(["GET", "POST"])
def team_create(request: HttpRequest) -> HttpResponse:
    return node_form(
        request,
        form_class=TeamForm,
        node=Team(kind=OrgKind.TEAM),
        title=_("New self-management team"),
        cancel_url=reverse("team_list"),
    )


@registry_view
@require_http_methods(["GET", "POST"])
def team_edit(request: HttpRequest, pk: int) -> HttpResponse:
    team = get_visible(Team, request, pk)
    require_node_edit(request, team)
    return node_form(
        request,
        form_class=TeamForm,
        node=team,
        title=_("Edit self-management team"),
        cancel_url=reverse("team_detail", args=[team.pk]),
    )


# --------------------------------------------------------------------------------------
# Parts, operating mode, team members
# --------------------------------------------------------------------------------------

PART_FORMS: dict[str, tuple[type[forms.ModelForm], str]] = {
    "workshop": (WorkshopForm, "workshops"),
    "line": (LineForm, "workshops"),
    "shift": (ShiftForm, "shifts"),
    "route": (BusRouteForm, "routes"),
}


def _part_form(
    request: HttpRequest,
    *,
    owner: Organisation,
    form_class: type[forms.ModelForm],
    prefix: str,
    back_url: str,
    title: str,
) -> HttpResponse:
    if not can_edit(request.user, owner.path):
        raise PermissionDenied(
            _("You may not change this part of the organisation tree.")
        )
    if request.method == "POST":
        form = form_class(request.POST, owner=owner, prefix=prefix)
        if form.is_valid():
            try:
                save_part(part=form.save(commit=False), owner=owner, by=request.user)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect(back_url)
    else:
        form = form_class(owner=owner, prefix=prefix)
    return render(
        request,
        "organisations/part_form.html",
        {
            "form": form,
            "owner": owner,
            "title": title,
            "cancel_url": back_url,
            "crumbs": [*breadcrumbs(request.user, owner), owner],
        },
    )


@registry_view
@require_http_methods(["GET", "POST"])
def enterprise_add_part(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """Add a workshop, production line, shift or bus route to an enterprise."""
    if kind not in PART_FORMS:
        raise Http404
    enterprise = get_visible(Enterprise, request, pk)
    form_class, anchor = PART_FORMS[kind]
    titles = {
        "workshop": _("New workshop"),
        "line": _("New production line"),
        "shift": _("New shift"),
        "route": _("New shuttle bus route"),
    }
    return _part_form(
        request,
        owner=enterprise,
        form_class=form_class,
        prefix=kind,
        back_url=reverse("enterprise_detail", args=[enterprise.pk]) + f"#{anchor}",
        title=titles[kind],
    )


@registry_view
@require_http_methods(["GET", "POST"])
def residence_add_room(request: HttpRequest, pk: int) -> HttpResponse:
    residence = get_visible(Residence, request, pk)
    return _part_form(
        request,
        owner=residence,
        form_class=RoomForm,
        prefix="",
        back_url=reverse("residence_detail", args=[residence.pk]) + "#rooms",
        title=_("New room"),
    )


@registry_view
@require_http_methods(["GET", "POST"])
def enterprise_mode(request: HttpRequest, pk: int) -> HttpResponse:
    """Change an enterprise's operating mode; shows the history of changes."""
    user = request.user
    enterprise = get_visible(Enterprise, request, pk)
    editing = can_edit(user, enterprise.path)
    form = None
    if editing:
        if request.method == "POST":
            form = OperatingModeForm(request.POST)
            if form.is_valid():
                try:
                    change_operating_mode(
                        enterprise=enterprise,
                        mode=form.cleaned_data["mode"],
                        effective_on=form.cleaned_data["effective_on"],
                        reason=form.cleaned_data["reason"],
                        by=user,
                    )
                except ValidationError as exc:
                    add_service_errors(form, exc)
                else:
                    messages.success(request, _("The operating mode was changed."))
                    return redirect("enterprise_mode", pk=enterprise.pk)
        else:
            form = OperatingModeForm()
    elif request.method == "POST":
        raise PermissionDenied(
            _("You may not change this part of the organisation tree.")
        )
    history = (
        OperatingModeChange.objects.visible_to(user)
        .filter(enterprise=enterprise)
        .select_related("changed_by")
    )
    return render(
        request,
        "organisations/enterprise_mode.html",
        {
            "enterprise": enterprise,
            "crumbs": [*breadcrumbs(user, enterprise), enterprise],
            "form": form,
            "history": history,
        },
    )


def current_teams(worker: Worker) -> list[Team]:
    # All of the worker's current teams, including ones this user cannot see:
    # set_worker_teams replaces the whole set, and those must be kept.
    return list(
        Team.objects.filter(
            memberships__worker=worker, memberships__left_on__isnull=True
        )
    )


@registry_view
@require_http_methods(["GET", "POST"])
def team_members(request: HttpRequest, pk: int) -> HttpResponse:
    """Add and remove members, and choose the leader and deputy among them."""
    user = request.user
    team = get_visible(Team, request, pk)
    editing = can_edit(user, team.path)
    members = _team_members(user, team)
    member_workers = Worker.objects.visible_to(user).filter(
        memberships__team=team, memberships__left_on__isnull=True
    )
    owner_q = models.Q(pk__in=[])
    if team.enterprise_id:
        owner_q |= models.Q(enterprise_id=team.enterprise_id)
    if team.residence_id:
        owner_q |= models.Q(residence_id=team.residence_id)
    candidates = (
        Worker.objects.visible_to(user)
        .filter(owner_q)
        .exclude(pk__in=member_workers.values("pk"))
        .order_by("name_folded", "pk")
    )
    add_form = AddMemberForm(candidates=candidates, prefix="add")
    officers_form = TeamOfficersForm(
        members=member_workers.order_by("name_folded"),
        prefix="officers",
        initial={"leader": team.leader_id, "deputy": team.deputy_id},
    )
    if request.method == "POST":
        if not editing:
            raise PermissionDenied(_("You may not change this team."))
        action = request.POST.get("action")
        if action == "add":
            add_form = AddMemberForm(request.POST, candidates=candidates, prefix="add")
            if add_form.is_valid():
                add_team_member(
                    team=team, worker=add_form.cleaned_data["worker"], by=user
                )
                messages.success(request, _("The worker was added to the team."))
                return redirect("team_members", pk=team.pk)
        elif action == "remove":
            worker = get_object_or_404(member_workers, pk=request.POST.get("worker"))
            remove_team_member(team=team, worker=worker, by=user)
            messages.success(request, _("The worker was removed from the team."))
            return redirect("team_members", pk=team.pk)
        elif action == "officers":
            officers_form = TeamOfficersForm(
                request.POST,
                members=member_workers.order_by("name_folded"),
                prefix="officers",
            )
            if officers_form.is_valid():
                team.leader = officers_form.cleaned_data["leader"]
                team.deputy = officers_form.cleaned_data["deputy"]
                try:
                    save_node(node=team, by=user)
                except ValidationError as exc:
                    add_service_errors(officers_form, exc)
                else:
                    messages.success(request, _("Saved."))
                    return redirect("team_members", pk=team.pk)
        else:
            raise Http404
    return render(
        request,
        "organisations/team_members.html",
        {
            "team": team,
            "crumbs": [*breadcrumbs(user, team), team],
            "members": members,
            "editing": editing,
            "add_form": add_form,
            "officers_form": officers_form,
        },
    )
