"""API for vehicle entries and visitors (see tuquan.gates.vehicles).

``POST /vehicle-entries`` takes batches of up to 5,000 entries from gate
devices and offline phones. Its body is parsed here with orjson rather than by
a pydantic schema: per-entry checks live in the service, which reports every
bad entry with a reason and stores the good ones beside it.
"""

import uuid
from datetime import datetime
from typing import Any

import orjson
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from tuquan.core.batch import read_json
from tuquan.gates.forms_vehicles import VehicleEntryFilter, VisitorFilter
from tuquan.gates.models import Gate, VehicleEntry, Visitor
from tuquan.gates.vehicles import (
    MAX_BATCH,
    check_in_visitor,
    check_out_visitor,
    record_vehicle_entries,
    review_vehicle_entry,
)
from tuquan.organisations.api import caller, created, get_visible_or_404, paged
from tuquan.organisations.models import Enterprise
from tuquan.organisations.schemas import (
    READ_ERRORS,
    WRITE_ERRORS,
    CreateSchema,
    ErrorOut,
    InputSchema,
)

router = Router(tags=["gates"])


# --- schemas --------------------------------------------------------------------


class VehicleEntryOut(Schema):
    id: int
    client_id: uuid.UUID
    gate_id: int
    plate: str
    vehicle_kind: str
    driver_name: str
    driver_phone: str = Field(alias="driver_phone_masked")
    origin: str
    cargo: str
    direction: str
    occurred_at: datetime
    disinfected: bool
    disinfected_by: str
    disinfection_method: str
    driver_declared: bool
    needs_review: bool
    reviewed_at: datetime | None


class VehicleEntryItemIn(Schema):
    """One entry of a batch (documentation: the body is parsed by hand)."""

    client_id: uuid.UUID
    gate_id: int
    plate: str = Field(description="Any spacing: 51A-123.45, 51a 12345, 29B1 12345")
    vehicle_kind: str = Field(description="truck, shuttle_bus, car, motorbike")
    direction: str = Field(description="in or out")
    occurred_at: datetime = Field(description="ISO 8601, with time zone")
    disinfected: bool = False
    disinfected_by: str = Field("", description="Required when disinfected")
    disinfection_method: str = Field(
        "", description="spray, tunnel, wipe, other; required when disinfected"
    )
    driver_declared: bool = False
    driver_name: str = ""
    driver_phone: str = ""
    origin: str = ""
    cargo: str = ""


class VehicleEntriesIn(Schema):
    entries: list[VehicleEntryItemIn] = Field(max_length=MAX_BATCH)


class BatchItemOut(Schema):
    index: int
    client_id: str


class BatchRejectedOut(Schema):
    index: int
    client_id: str | None
    field: str
    reason: str


class BatchOut(Schema):
    accepted: list[BatchItemOut]
    duplicate: list[BatchItemOut]
    rejected: list[BatchRejectedOut]


class ReviewIn(InputSchema):
    note: str = Field("", max_length=500)


class VisitorIn(CreateSchema):
    gate_id: int
    full_name: str = Field(min_length=1, max_length=120)
    national_id: str = Field(description="12-digit citizen ID; answered masked")
    organisation_name: str = Field("", max_length=200)
    host_id: int | None = Field(
        None, description="An enterprise of the gate's zone, or the gate's own"
    )
    purpose: str = Field(min_length=1, max_length=255)
    time_in: datetime | None = Field(None, description="Default: now")


class VisitorOut(Schema):
    id: int
    gate_id: int
    full_name: str
    national_id: str = Field(alias="national_id_masked")
    organisation_name: str
    host_id: int | None
    purpose: str
    time_in: datetime
    time_out: datetime | None


class CheckOutIn(InputSchema):
    at: datetime | None = Field(None, description="Default: now")


# --- vehicle entries --------------------------------------------------------------

BATCH_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": VehicleEntriesIn.model_json_schema(
                    ref_template="#/components/schemas/{model}"
                )
            }
        },
    }
}


def _entries_of(request: HttpRequest) -> list[Any]:
    """The ``entries`` list of a request body, or a request-level error."""
    data = read_json(request)
    if not isinstance(data, dict):
        raise ValidationError(
            {"__all__": [_("The request body must be a JSON object.")]}
        )
    entries = data.get("entries")
    if not isinstance(entries, list):
        raise ValidationError(
            {"entries": [_("The field “entries” must be a list of entries.")]}
        )
    if len(entries) > MAX_BATCH:
        raise ValidationError(
            {
                "entries": [
                    _("A batch holds at most %(max)s entries; this one has %(n)s.")
                    % {"max": MAX_BATCH, "n": len(entries)}
                ]
            }
        )
    return entries


@router.post(
    "/vehicle-entries",
    response={200: BatchOut, 400: ErrorOut, **WRITE_ERRORS},
    summary="Record a batch of vehicle entries (up to 5,000, idempotent)",
    openapi_extra=BATCH_BODY,
)
def record_vehicle_entries_api(request: HttpRequest) -> HttpResponse:
    """Each entry carries its own `client_id`. The answer lists, by index in the
    request, the entries `accepted` (stored now), `duplicate` (stored by an
    earlier request: a replay is harmless) and `rejected` (with the field and a
    reason in Vietnamese). A bad entry never stops the others. Times more than
    5 minutes in the future or older than 30 days are rejected."""
    entries = _entries_of(request)
    result = record_vehicle_entries(events=entries, by=caller(request))
    return HttpResponse(orjson.dumps(result.as_dict()), content_type="application/json")


@router.get(
    "/vehicle-entries",
    response={200: list[VehicleEntryOut], **READ_ERRORS},
    summary="List vehicle entries (driver phone masked)",
)
@paged
def list_vehicle_entries(
    request: HttpRequest, filters: Query[VehicleEntryFilter]
) -> QuerySet[VehicleEntry]:
    """Newest first. `not_disinfected=true` gives the vehicles that came in
    without disinfection; `unreviewed=true` those the board has not cleared."""
    entries = VehicleEntry.objects.visible_to(caller(request))
    return filters.filter(entries).order_by("-occurred_at", "-id")


@router.post(
    "/vehicle-entries/{entry_id}/review",
    response={200: VehicleEntryOut, **WRITE_ERRORS},
    summary="Mark a not-disinfected vehicle as reviewed by the board",
)
def review_vehicle_entry_api(
    request: HttpRequest, entry_id: int, payload: ReviewIn
) -> VehicleEntry:
    """Editors over the gate's zone or enterprise only; the note goes to the
    audit log."""
    user = caller(request)
    entry = get_visible_or_404(VehicleEntry.objects.visible_to(user), entry_id)
    return review_vehicle_entry(entry=entry, by=user, note=payload.note)


# --- visitors ---------------------------------------------------------------------


@router.post(
    "/visitors",
    response={201: VisitorOut, 200: VisitorOut, **WRITE_ERRORS},
    summary="Check in a visitor",
)
def check_in_visitor_api(request: HttpRequest, payload: VisitorIn) -> Status[Any]:
    user = caller(request)
    gate = Gate.objects.visible_to(user).filter(pk=payload.gate_id).first()
    if gate is None:
        raise ValidationError(
            {
                "gate_id": [
                    _("There is no gate with id %(id)s in your scope.")
                    % {"id": payload.gate_id}
                ]
            }
        )
    host = None
    if payload.host_id is not None:
        host = Enterprise.objects.filter(
            pk=payload.host_id, path__startswith=gate.site.path
        ).first()
        if host is None:
            raise ValidationError(
                {
                    "host_id": [
                        _("There is no enterprise with id %(id)s in the gate's zone.")
                        % {"id": payload.host_id}
                    ]
                }
            )
    values = payload.model_dump(exclude={"client_id", "gate_id", "host_id"})
    values["host"] = host
    try:
        visitor = check_in_visitor(
            gate=gate, values=values, by=user, client_id=payload.client_id
        )
    except ValidationError as exc:
        if hasattr(exc, "error_dict") and "host" in exc.error_dict:
            exc.error_dict["host_id"] = exc.error_dict.pop("host")
        if hasattr(exc, "error_dict") and "gate" in exc.error_dict:
            exc.error_dict["gate_id"] = exc.error_dict.pop("gate")
        raise
    return created(visitor)


@router.get(
    "/visitors",
    response={200: list[VisitorOut], **READ_ERRORS},
    summary="List visitors (citizen ID masked)",
)
@paged
def list_visitors(
    request: HttpRequest, filters: Query[VisitorFilter]
) -> QuerySet[Visitor]:
    """Newest first; `inside=true` gives the visitors not checked out yet."""
    visitors = Visitor.objects.visible_to(caller(request))
    return filters.filter(visitors).order_by("-time_in", "-id")


@router.post(
    "/visitors/{visitor_id}/check-out",
    response={200: VisitorOut, **WRITE_ERRORS},
    summary="Check a visitor out",
)
def check_out_visitor_api(
    request: HttpRequest, visitor_id: int, payload: CheckOutIn
) -> Visitor:
    user = caller(request)
    visitor = get_visible_or_404(Visitor.objects.visible_to(user), visitor_id)
    return check_out_visitor(visitor=visitor, by=user, at=payload.at)
