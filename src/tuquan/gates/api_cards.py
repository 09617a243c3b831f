"""API for gates and worker cards (see tuquan.gates.cards).

Gates are nodes of the organisation tree: created through ``save_node`` like
zones and enterprises. A guard sees only the gate they are assigned to.
"""

from datetime import datetime
from typing import Any, Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from tuquan.gates.cards import issue_card, revoke_card
from tuquan.gates.forms_cards import GateFilter
from tuquan.gates.models import Gate, WorkerCard
from tuquan.organisations.api import (
    References,
    caller,
    created,
    errors_named_as,
    get_visible_or_404,
    paged,
)
from tuquan.organisations.models import Organisation
from tuquan.organisations.schemas import (
    READ_ERRORS,
    WRITE_ERRORS,
    CreateSchema,
    InputSchema,
    OrganisationOut,
)
from tuquan.organisations.services import save_node
from tuquan.people.models import Worker

router = Router(tags=["gates"])

GateKindValue = Literal["worker", "vehicle", "both"]


class GateIn(CreateSchema):
    name: str = Field(min_length=1, max_length=255)
    short_name: str = Field("", max_length=120)
    site_id: int = Field(description="The zone or enterprise the gate belongs to")
    gate_kind: GateKindValue = "both"
    active: bool = True


class GateOut(OrganisationOut):
    site_id: int
    gate_kind: str
    active: bool


class CardOut(Schema):
    id: int
    worker_id: int
    code: str
    display_code: str = Field(description="The code as printed: ABCD-EFGH")
    qr_payload: str = Field(description="What the card's QR code holds")
    issued_at: datetime
    revoked_at: datetime | None
    revoke_reason: str


class CardIssueIn(InputSchema):
    replace: bool = Field(
        False,
        description="Revoke the worker's active card (reason “replaced”) and issue "
        "a new one; without it, an active card is an error",
    )


class CardRevokeIn(InputSchema):
    reason: str = Field(min_length=1, max_length=200)


# --- gates ----------------------------------------------------------------------


@router.get(
    "/gates",
    response={200: list[GateOut], **READ_ERRORS},
    summary="List gates and checkpoints",
)
@paged
def list_gates(request: HttpRequest, filters: Query[GateFilter]) -> QuerySet[Gate]:
    """`site` gives a zone's or an enterprise's gates (a zone's include those of
    its enterprises)."""
    qs = Gate.objects.visible_to(caller(request))
    return filters.filter(qs).order_by("name_folded", "pk")


@router.get(
    "/gates/{gate_id}",
    response={200: GateOut, **READ_ERRORS},
    summary="Get one gate",
)
def get_gate(request: HttpRequest, gate_id: int) -> Gate:
    return get_visible_or_404(Gate.objects.visible_to(caller(request)), gate_id)


@router.post(
    "/gates",
    response={201: GateOut, 200: GateOut, **WRITE_ERRORS},
    summary="Create a gate at a zone or an enterprise",
)
def create_gate(request: HttpRequest, payload: GateIn) -> Status[Any]:
    user = caller(request)
    refs = References(user)
    # The kind of site (zone or enterprise) is checked by Gate.clean().
    site = refs.get(Organisation, "site_id", payload.site_id)
    refs.raise_errors()
    gate = Gate(
        name=payload.name,
        short_name=payload.short_name,
        site=site,
        gate_kind=payload.gate_kind,
        active=payload.active,
    )
    with errors_named_as(GateIn):
        saved = save_node(node=gate, by=user, client_id=payload.client_id)
    return created(saved)


# --- cards ----------------------------------------------------------------------


@router.get(
    "/workers/{worker_id}/cards",
    response={200: list[CardOut], **READ_ERRORS},
    tags=["workers"],
    summary="List a worker's cards, newest first (at most one active)",
)
@paged
def list_worker_cards(request: HttpRequest, worker_id: int) -> QuerySet[WorkerCard]:
    user = caller(request)
    worker = get_visible_or_404(Worker.objects.visible_to(user), worker_id)
    return (
        WorkerCard.objects.visible_to(user)
        .filter(worker=worker)
        .order_by("-issued_at", "-id")
    )


@router.post(
    "/workers/{worker_id}/cards",
    response={201: CardOut, **WRITE_ERRORS},
    tags=["workers"],
    summary="Issue a card to a worker (or replace the active one)",
)
def issue_worker_card(
    request: HttpRequest, worker_id: int, payload: CardIssueIn
) -> Status[WorkerCard]:
    user = caller(request)
    worker = get_visible_or_404(Worker.objects.visible_to(user), worker_id)
    card = issue_card(worker=worker, by=user, replace=payload.replace)
    return Status(201, card)


@router.post(
    "/cards/{card_id}/revoke",
    response={200: CardOut, **WRITE_ERRORS},
    tags=["workers"],
    summary="Revoke a card (the gate then answers “card revoked”)",
)
def revoke_card_api(
    request: HttpRequest, card_id: int, payload: CardRevokeIn
) -> WorkerCard:
    user = caller(request)
    card = get_visible_or_404(
        WorkerCard.objects.visible_to(user).select_related(
            "worker__enterprise", "worker__residence"
        ),
        card_id,
    )
    return revoke_card(card=card, by=user, reason=payload.reason)
