"""JSON API of the organisation registry: the tree, zones, enterprises (with
their workshops, shifts, bus routes and operating mode), residences and teams.

Operations parse input, resolve ids through ``visible_to`` and call the services;
the shared helpers here are also used by ``tuquan.people.api``.
"""

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination, paginate

from tuquan.core.validators import normalise_phone
from tuquan.organisations.choices import OrgKind
from tuquan.organisations.filters import (
    EnterpriseFilter,
    OrganisationFilter,
    ResidenceFilter,
    TeamFilter,
    ZoneFilter,
)
from tuquan.organisations.models import (
    AdminUnit,
    BusRoute,
    Enterprise,
    OperatingModeChange,
    Organisation,
    Residence,
    Room,
    Shift,
    Team,
    Workshop,
    Zone,
)
from tuquan.organisations.schemas import (
    READ_ERRORS,
    WRITE_ERRORS,
    AdminUnitOut,
    BusRouteOut,
    CreateSchema,
    EnterpriseIn,
    EnterpriseOut,
    EnterprisePatch,
    InputSchema,
    OperatingModeChangeOut,
    OperatingModeIn,
    OrganisationOut,
    ResidenceIn,
    ResidenceOut,
    ResidencePatch,
    RoomOut,
    ShiftOut,
    TeamIn,
    TeamOut,
    TeamPatch,
    WorkshopOut,
    ZoneIn,
    ZoneOut,
    ZonePatch,
)
from tuquan.organisations.services import change_operating_mode as change_mode
from tuquan.organisations.services import save_node

router = Router()

# One pagination for every list of the API (documented in tuquan.api).
PAGE_SIZE = 50
MAX_PAGE_SIZE = 100

M = TypeVar("M", bound=models.Model)
NodeT = TypeVar("NodeT", bound=Organisation)


# --- helpers shared with tuquan.people.api --------------------------------------


def caller(request: HttpRequest) -> Any:
    """The authenticated user (set by BearerToken or SessionAuth)."""
    return request.auth  # type: ignore[attr-defined]


def get_visible_or_404(queryset: QuerySet[M], pk: int) -> M:
    """``queryset`` is already ``visible_to`` the caller: an object outside the
    caller's scope is reported as missing, so its existence does not leak."""
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise HttpError(404, _("Not found."))
    return obj


class References:
    """Resolves the ids of a request body through ``visible_to`` and collects one
    error per field for ids outside the caller's scope."""

    def __init__(self, user: Any) -> None:
        self.user = user
        self.errors: dict[str, list[str]] = {}

    def _visible(self, model: type[M]) -> QuerySet[M]:
        return model.objects.visible_to(self.user)  # type: ignore[attr-defined]

    def add_error(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(message)

    def _missing(self, model: type[models.Model], field: str, pk: Any) -> None:
        self.add_error(
            field,
            _("There is no %(model)s with id %(id)s in your scope.")
            % {"model": model._meta.verbose_name, "id": pk},
        )

    def get(self, model: type[M], field: str, pk: int | None) -> M | None:
        if pk is None:
            return None
        obj = self._visible(model).filter(pk=pk).first()
        if obj is None:
            self._missing(model, field, pk)
        return obj

    def many(self, model: type[M], field: str, pks: Iterable[int]) -> list[M]:
        wanted = list(dict.fromkeys(pks))
        found = {obj.pk: obj for obj in self._visible(model).filter(pk__in=wanted)}
        for pk in wanted:
            if pk not in found:
                self._missing(model, field, pk)
        return [found[pk] for pk in wanted if pk in found]

    def resolve(
        self, model: type[models.Model], data: dict[str, Any]
    ) -> dict[str, Any]:
        """``{"enterprise_id": 3}`` → ``{"enterprise": <Enterprise 3>}`` for the
        foreign keys of ``model``; other keys unchanged."""
        values: dict[str, Any] = {}
        for key, value in data.items():
            name = key.removesuffix("_id")
            if key.endswith("_id") and _is_relation(model, name):
                related = model._meta.get_field(name).related_model
                values[name] = self.get(related, key, value)  # type: ignore[arg-type]
            else:
                values[key] = value
        return values

    def raise_errors(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


def _is_relation(model: type[models.Model], name: str) -> bool:
    try:
        return model._meta.get_field(name).is_relation
    except FieldDoesNotExist:  # a plain attribute such as owner_phone
        return False


@contextmanager
def errors_named_as(schema: type[InputSchema]) -> Iterator[None]:
    """Services name errors after model fields (``enterprise``); report them under
    the request's names (``enterprise_id``) so clients can match them."""
    try:
        yield
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        fields = schema.model_fields
        renamed = {
            (f"{key}_id" if f"{key}_id" in fields else key): errors
            for key, errors in exc.error_dict.items()
        }
        raise ValidationError(renamed) from exc


def created(obj: Any) -> Status[Any]:
    """201 for a new object, 200 for a replay of an earlier create."""
    return Status(200 if getattr(obj, "_replayed", False) else 201, obj)


# Extra parsing of one resource's values (e.g. a phone number) before saving.
Prepare = Callable[[dict[str, Any], References], None]


def _create_node(
    request: HttpRequest,
    node: NodeT,
    payload: CreateSchema,
    prepare: Prepare | None = None,
) -> Status[Any]:
    refs = References(caller(request))
    data = refs.resolve(type(node), payload.model_dump(exclude={"client_id"}))
    if prepare is not None:
        prepare(data, refs)
    refs.raise_errors()
    for name, value in data.items():
        setattr(node, name, value)
    with errors_named_as(type(payload)):
        saved = save_node(node=node, by=caller(request), client_id=payload.client_id)
    return created(saved)


def _update_node(
    request: HttpRequest,
    node: NodeT,
    payload: InputSchema,
    prepare: Prepare | None = None,
) -> NodeT:
    refs = References(caller(request))
    data = refs.resolve(type(node), payload.model_dump(exclude_unset=True))
    if prepare is not None:
        prepare(data, refs)
    refs.raise_errors()
    for name, value in data.items():
        setattr(node, name, value)
    with errors_named_as(type(payload)):
        return save_node(node=node, by=caller(request))


def paged(func: Any) -> Any:
    """The one pagination of the API: page numbers, 50 a page, at most 100."""
    return paginate(
        PageNumberPagination, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE
    )(func)


# --- the tree -------------------------------------------------------------------


@router.get(
    "/organisations",
    response={200: list[OrganisationOut], **READ_ERRORS},
    tags=["organisations"],
    summary="List organisations (the tree, in path order)",
)
@paged
def list_organisations(
    request: HttpRequest, filters: Query[OrganisationFilter]
) -> QuerySet[Organisation]:
    """Every node you can see, any kind; `under` limits to a subtree."""
    qs = Organisation.objects.visible_to(caller(request))
    return filters.filter(qs).order_by("path", "pk")


@router.get(
    "/organisations/{org_id}",
    response={200: OrganisationOut, **READ_ERRORS},
    tags=["organisations"],
    summary="Get one organisation",
)
def get_organisation(request: HttpRequest, org_id: int) -> Organisation:
    return get_visible_or_404(Organisation.objects.visible_to(caller(request)), org_id)


@router.get(
    "/admin-units",
    response={200: list[AdminUnitOut], **READ_ERRORS},
    tags=["organisations"],
    summary="List administrative units (province, communes and wards)",
)
@paged
def list_admin_units(
    request: HttpRequest, filters: Query[OrganisationFilter]
) -> QuerySet[AdminUnit]:
    qs = AdminUnit.objects.visible_to(caller(request))
    return filters.filter(qs).order_by("path", "pk")


# --- zones ----------------------------------------------------------------------


@router.get(
    "/zones",
    response={200: list[ZoneOut], **READ_ERRORS},
    tags=["zones"],
    summary="List industrial parks and clusters",
)
@paged
def list_zones(request: HttpRequest, filters: Query[ZoneFilter]) -> QuerySet[Zone]:
    qs = Zone.objects.visible_to(caller(request))
    return filters.filter(qs).order_by("name_folded", "pk")


@router.get(
    "/zones/{zone_id}",
    response={200: ZoneOut, **READ_ERRORS},
    tags=["zones"],
    summary="Get one zone",
)
def get_zone(request: HttpRequest, zone_id: int) -> Zone:
    return get_visible_or_404(Zone.objects.visible_to(caller(request)), zone_id)


@router.post(
    "/zones",
    response={201: ZoneOut, 200: ZoneOut, **WRITE_ERRORS},
    tags=["zones"],
    summary="Create a zone",
)
def create_zone(request: HttpRequest, payload: ZoneIn) -> Status[Any]:
    return _create_node(request, Zone(), payload)


@router.patch(
    "/zones/{zone_id}",
    response={200: ZoneOut, **WRITE_ERRORS},
    tags=["zones"],
    summary="Change a zone (only the fields sent)",
)
def update_zone(request: HttpRequest, zone_id: int, payload: ZonePatch) -> Zone:
    zone = get_visible_or_404(Zone.objects.visible_to(caller(request)), zone_id)
    return _update_node(request, zone, payload)


# --- enterprises ----------------------------------------------------------------


@router.get(
    "/enterprises",
    response={200: list[EnterpriseOut], **READ_ERRORS},
    tags=["enterprises"],
    summary="List enterprises",
)
@paged
def list_enterprises(
    request: HttpRequest, filters: Query[EnterpriseFilter]
) -> QuerySet[Enterprise]:
    qs = Enterprise.objects.visible_to(caller(request))
    return filters.filter(qs).order_by("name_folded", "pk")


@router.get(
    "/enterprises/{enterprise_id}",
    response={200: EnterpriseOut, **READ_ERRORS},
    tags=["enterprises"],
    summary="Get one enterprise",
)
def get_enterprise(request: HttpRequest, enterprise_id: int) -> Enterprise:
    return get_visible_or_404(
        Enterprise.objects.visible_to(caller(request)), enterprise_id
    )


@router.post(
    "/enterprises",
    response={201: EnterpriseOut, 200: EnterpriseOut, **WRITE_ERRORS},
    tags=["enterprises"],
    summary="Register an enterprise",
)
def create_enterprise(request: HttpRequest, payload: EnterpriseIn) -> Status[Any]:
    node = Enterprise(kind=OrgKind.ENTERPRISE)
    return _create_node(request, node, payload)


@router.patch(
    "/enterprises/{enterprise_id}",
    response={200: EnterpriseOut, **WRITE_ERRORS},
    tags=["enterprises"],
    summary="Change an enterprise (only the fields sent)",
)
def update_enterprise(
    request: HttpRequest, enterprise_id: int, payload: EnterprisePatch
) -> Enterprise:
    enterprise = get_visible_or_404(
        Enterprise.objects.visible_to(caller(request)), enterprise_id
    )
    return _update_node(request, enterprise, payload)


@router.post(
    "/enterprises/{enterprise_id}/operating-mode",
    response={201: OperatingModeChangeOut, **WRITE_ERRORS},
    tags=["enterprises"],
    summary="Change an enterprise's operating mode (kept in its history)",
)
def change_operating_mode(
    request: HttpRequest, enterprise_id: int, payload: OperatingModeIn
) -> Status[OperatingModeChange]:
    enterprise = get_visible_or_404(
        Enterprise.objects.visible_to(caller(request)), enterprise_id
    )
    change = change_mode(
        enterprise=enterprise,
        mode=payload.mode,
        effective_on=payload.effective_on or timezone.localdate(),
        reason=payload.reason,
        by=caller(request),
    )
    return Status(201, change)


@router.get(
    "/enterprises/{enterprise_id}/workshops",
    response={200: list[WorkshopOut], **READ_ERRORS},
    tags=["enterprises"],
    summary="List an enterprise's workshops with their production lines",
)
@paged
def list_workshops(request: HttpRequest, enterprise_id: int) -> QuerySet[Workshop]:
    user = caller(request)
    enterprise = get_visible_or_404(Enterprise.objects.visible_to(user), enterprise_id)
    return (
        Workshop.objects.visible_to(user)
        .filter(enterprise=enterprise)
        .prefetch_related("lines")
        .order_by("name", "pk")
    )


@router.get(
    "/enterprises/{enterprise_id}/shifts",
    response={200: list[ShiftOut], **READ_ERRORS},
    tags=["enterprises"],
    summary="List an enterprise's shifts",
)
@paged
def list_shifts(request: HttpRequest, enterprise_id: int) -> QuerySet[Shift]:
    user = caller(request)
    enterprise = get_visible_or_404(Enterprise.objects.visible_to(user), enterprise_id)
    return (
        Shift.objects.visible_to(user)
        .filter(enterprise=enterprise)
        .order_by("starts_at", "pk")
    )


@router.get(
    "/enterprises/{enterprise_id}/bus-routes",
    response={200: list[BusRouteOut], **READ_ERRORS},
    tags=["enterprises"],
    summary="List an enterprise's shuttle bus routes",
)
@paged
def list_bus_routes(request: HttpRequest, enterprise_id: int) -> QuerySet[BusRoute]:
    user = caller(request)
    enterprise = get_visible_or_404(Enterprise.objects.visible_to(user), enterprise_id)
    return (
        BusRoute.objects.visible_to(user)
        .filter(enterprise=enterprise)
        .order_by("name", "pk")
    )


# --- residences -----------------------------------------------------------------


def _owner_phone(data: dict[str, Any], refs: References) -> None:
    """Store the owner's phone in its canonical +84 form ("" clears it)."""
    if "owner_phone" not in data:
        return
    if not data["owner_phone"]:
        data["owner_phone"] = ""
        return
    try:
        data["owner_phone"] = normalise_phone(data["owner_phone"])
    except ValidationError as exc:
        for message in exc.messages:
            refs.add_error("owner_phone", message)


@router.get(
    "/residences",
    response={200: list[ResidenceOut], **READ_ERRORS},
    tags=["residences"],
    summary="List boarding houses and dormitories",
)
@paged
def list_residences(
    request: HttpRequest, filters: Query[ResidenceFilter]
) -> QuerySet[Residence]:
    qs = Residence.objects.visible_to(caller(request))
    return filters.filter(qs).order_by("name_folded", "pk")


@router.get(
    "/residences/{residence_id}",
    response={200: ResidenceOut, **READ_ERRORS},
    tags=["residences"],
    summary="Get one residence",
)
def get_residence(request: HttpRequest, residence_id: int) -> Residence:
    return get_visible_or_404(
        Residence.objects.visible_to(caller(request)), residence_id
    )


@router.post(
    "/residences",
    response={201: ResidenceOut, 200: ResidenceOut, **WRITE_ERRORS},
    tags=["residences"],
    summary="Register a residence",
)
def create_residence(request: HttpRequest, payload: ResidenceIn) -> Status[Any]:
    node = Residence(kind=OrgKind.RESIDENCE)
    return _create_node(request, node, payload, prepare=_owner_phone)


@router.patch(
    "/residences/{residence_id}",
    response={200: ResidenceOut, **WRITE_ERRORS},
    tags=["residences"],
    summary="Change a residence (only the fields sent)",
)
def update_residence(
    request: HttpRequest, residence_id: int, payload: ResidencePatch
) -> Residence:
    residence = get_visible_or_404(
        Residence.objects.visible_to(caller(request)), residence_id
    )
    return _update_node(request, residence, payload, prepare=_owner_phone)


@router.get(
    "/residences/{residence_id}/rooms",
    response={200: list[RoomOut], **READ_ERRORS},
    tags=["residences"],
    summary="List a residence's rooms",
)
@paged
def list_rooms(request: HttpRequest, residence_id: int) -> QuerySet[Room]:
    user = caller(request)
    residence = get_visible_or_404(Residence.objects.visible_to(user), residence_id)
    return (
        Room.objects.visible_to(user)
        .filter(residence=residence)
        .order_by("number", "pk")
    )


# --- teams ----------------------------------------------------------------------


@router.get(
    "/teams",
    response={200: list[TeamOut], **READ_ERRORS},
    tags=["teams"],
    summary="List self-management teams",
)
@paged
def list_teams(request: HttpRequest, filters: Query[TeamFilter]) -> QuerySet[Team]:
    qs = Team.objects.visible_to(caller(request))
    return filters.filter(qs).order_by("name_folded", "pk")


@router.get(
    "/teams/{team_id}",
    response={200: TeamOut, **READ_ERRORS},
    tags=["teams"],
    summary="Get one team",
)
def get_team(request: HttpRequest, team_id: int) -> Team:
    return get_visible_or_404(Team.objects.visible_to(caller(request)), team_id)


@router.post(
    "/teams",
    response={201: TeamOut, 200: TeamOut, **WRITE_ERRORS},
    tags=["teams"],
    summary="Found a team",
)
def create_team(request: HttpRequest, payload: TeamIn) -> Status[Any]:
    node = Team(kind=OrgKind.TEAM)
    return _create_node(request, node, payload)


@router.patch(
    "/teams/{team_id}",
    response={200: TeamOut, **WRITE_ERRORS},
    tags=["teams"],
    summary="Change a team (only the fields sent)",
)
def update_team(request: HttpRequest, team_id: int, payload: TeamPatch) -> Team:
    team = get_visible_or_404(Team.objects.visible_to(caller(request)), team_id)
    return _update_node(request, team, payload)
