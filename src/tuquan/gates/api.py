"""API for gate devices and offline phones: batches of worker passages, single
scans, the passage log and presence.

``POST /gate-events`` reads its body itself (orjson) rather than through a
schema: a batch holds up to 5,000 events and validating each through pydantic
would cost more than storing it. The schema below documents the shape.
"""

import uuid
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from tuquan.core.batch import read_json
from tuquan.gates.choices import Direction
from tuquan.gates.filters import GateEventFilter
from tuquan.gates.models import GateEvent
from tuquan.gates.presence import site_headcounts
from tuquan.gates.services import (
    MAX_BATCH,
    cached_gate,
    record_gate_events,
    scan_card,
    sees_gate,
)
from tuquan.organisations.api import caller, paged
from tuquan.organisations.schemas import READ_ERRORS, WRITE_ERRORS, ErrorOut

router = Router(tags=["gates"])


class GateEventIn(Schema):
    client_id: uuid.UUID = Field(description="Made by the device, once per passage.")
    gate: int = Field(description="Id of the gate where the card was read.")
    card: str = Field(description="The card code (with or without dash, any case).")
    direction: Direction
    occurred_at: datetime = Field(
        description="When the card was read (ISO 8601; without offset: Vietnam time)."
    )
    bus_route: int | None = Field(
        None, description="Shuttle bus route the worker came on, if any."
    )


class GateEventBatchIn(Schema):
    events: list[GateEventIn] = Field(max_length=MAX_BATCH)


class RejectedOut(Schema):
    index: int
    client_id: str | None
    field: str
    reason: str


class GateEventBatchOut(Schema):
    accepted: list[str]
    duplicates: list[str]
    rejected: list[RejectedOut]


_BATCH_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": GateEventBatchIn.model_json_schema(
                    ref_template="#/components/schemas/{model}"
                )
            }
        },
    }
}


@router.post(
    "/gate-events",
    response={200: GateEventBatchOut, 400: ErrorOut, **WRITE_ERRORS},
    openapi_extra=_BATCH_BODY,
    summary="Record a batch of worker passages",
)
def record_gate_events_api(request: HttpRequest) -> HttpResponse:
    """Up to 5,000 passages per request, each with a client UUID. The answer
    lists the accepted, the duplicates (stored by an earlier request) and the
    rejected with the reason; a rejected passage never blocks the others."""
    body = read_json(request)
    if not isinstance(body, dict) or "events" not in body:
        raise ValidationError(
            {"events": _('Send the passages as a list under "events".')}
        )
    result = record_gate_events(events=body["events"], by=caller(request))
    return HttpResponse(result.payload(), content_type="application/json")


class ScanIn(Schema):
    card: str
    direction: Direction
    bus_route: int | None = None
    client_id: uuid.UUID | None = None
    occurred_at: datetime | None = None


class ScanOut(Schema):
    status: str = Field(
        description="allowed, unknown_card, revoked, other_site, not_active, "
        "must_not_work or already_inside"
    )
    message: str
    allowed: bool
    recorded: bool
    worker: str | None
    enterprise: str | None
    flag: str


@router.post(
    "/gates/{gate_id}/scan",
    response={200: ScanOut, **WRITE_ERRORS},
    summary="Scan one card at a gate",
)
def scan_gate_card(request: HttpRequest, gate_id: int, payload: ScanIn) -> Any:
    """What the guard's page does: judge the card and store the passage when
    it is allowed."""
    user = caller(request)
    gate = cached_gate(gate_id)
    if gate is None or not sees_gate(user, gate):
        raise HttpError(404, _("Not found."))
    outcome = scan_card(
        gate=gate,
        code=payload.card,
        direction=payload.direction,
        by=user,
        bus_route_id=payload.bus_route,
        client_id=payload.client_id,
        occurred_at=payload.occurred_at,
    )
    card = outcome.card
    return {
        "status": str(outcome.status),
        "message": outcome.message,
        "allowed": outcome.allowed,
        "recorded": outcome.recorded,
        "worker": card.full_name if card and outcome.allowed else None,
        "enterprise": card.enterprise_name if card and outcome.allowed else None,
        "flag": outcome.flag,
    }


class GateEventOut(Schema):
    id: int
    client_id: uuid.UUID
    gate_id: int
    worker_id: int
    worker: str = Field(alias="worker.full_name")
    enterprise_id: int | None
    direction: str
    occurred_at: datetime
    received_at: datetime
    bus_route_id: int | None
    flag: str
    source: str


@router.get(
    "/gate-events",
    response={200: list[GateEventOut], **READ_ERRORS},
    summary="Passages at the gates you can see",
)
@paged
def list_gate_events(request: HttpRequest, filters: Query[GateEventFilter]) -> Any:
    events = GateEvent.objects.visible_to(caller(request)).select_related("worker")
    return filters.filter(events)


class HeadcountOut(Schema):
    site_id: int
    site: str
    inside: int
    registered: int
    active_workers: int


@router.get(
    "/presence",
    response={200: list[HeadcountOut], **READ_ERRORS},
    summary="Who is inside each zone and enterprise now",
)
def list_presence(request: HttpRequest) -> Any:
    """Per site (zone, enterprise) you can see: workers inside now, the
    registered workforce and the active workers on the roster."""
    return [row._asdict() for row in site_headcounts(caller(request))]
