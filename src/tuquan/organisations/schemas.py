"""API schemas of the organisation registry: ``XIn`` (create), ``XPatch`` (partial
update) and ``XOut`` (answer) per resource, plus the shared date input and error
shapes used by every router."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import BeforeValidator, ConfigDict
from pydantic_core import PydanticCustomError

from tuquan.core.validators import mask
from tuquan.organisations.choices import OperatingMode, ResidenceKind, TeamKind

# Formats a date may be typed in: ISO for machines, dd/mm/yyyy for people
# (with the separators spreadsheets and phones produce).
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y")


def parse_date_input(value: Any) -> Any:
    """Accept a date as ``YYYY-MM-DD`` or ``dd/mm/yyyy``; leave other types to
    pydantic, which reports them as ``date_type``."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date) or not isinstance(value, str):
        return value
    text = value.strip()
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    # Same error type as pydantic's own, so the handler words it the same way.
    raise PydanticCustomError("date_parsing", "Input should be a valid date")


InputDate = Annotated[
    date,
    BeforeValidator(parse_date_input),
    Field(description="YYYY-MM-DD or dd/mm/yyyy"),
]


def masked_tail(tail: str) -> str:
    """``•••••••••456`` from the stored last four digits (nothing decrypted)."""
    return mask("0" * 8 + tail, 3) if tail else ""


class InputSchema(Schema):
    # A misspelt field must not be silently ignored (a PATCH would do nothing).
    model_config = ConfigDict(extra="forbid")


class CreateSchema(InputSchema):
    client_id: uuid.UUID | None = Field(
        None,
        description="Made by the client; a retry with the same id returns the first "
        "result (200) instead of creating a duplicate.",
    )


# --- errors (documentation of the shapes api.py produces) ---------------------


class ErrorOut(Schema):
    detail: str


class FieldErrorOut(Schema):
    field: str
    messages: list[str]


class ValidationErrorOut(Schema):
    detail: list[FieldErrorOut]


READ_ERRORS: dict[int, Any] = {401: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut}
WRITE_ERRORS: dict[int, Any] = {**READ_ERRORS, 403: ErrorOut}


# --- the tree -----------------------------------------------------------------


class OrganisationOut(Schema):
    id: int
    kind: str
    name: str
    short_name: str
    code: str
    parent_id: int | None
    path: str = Field(description="Ids from the root, e.g. 1/7/42/")
    depth: int


class AdminUnitOut(OrganisationOut):
    division_type: str
    remote: bool


# --- zones --------------------------------------------------------------------

ZoneKind = Literal["industrial_park", "industrial_cluster"]


class ZoneIn(CreateSchema):
    name: str = Field(min_length=1, max_length=255)
    short_name: str = Field("", max_length=120)
    code: str = Field("", max_length=32)
    kind: ZoneKind = "industrial_park"
    commune_id: int
    management_board_id: int | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    area_ha: Decimal | None = None


class ZonePatch(InputSchema):
    name: str | None = Field(None, min_length=1, max_length=255)
    short_name: str | None = Field(None, max_length=120)
    code: str | None = Field(None, max_length=32)
    kind: ZoneKind | None = None
    commune_id: int | None = None
    management_board_id: int | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    area_ha: Decimal | None = None


class ZoneOut(OrganisationOut):
    commune_id: int | None
    management_board_id: int | None
    latitude: float | None
    longitude: float | None
    area_ha: float | None


# --- enterprises --------------------------------------------------------------


class EnterpriseIn(CreateSchema):
    name: str = Field(min_length=1, max_length=255)
    short_name: str = Field("", max_length=120)
    tax_code: str = Field(description="10 digits, or 10-3 for a branch")
    zone_id: int | None = Field(None, description="The zone; or give commune_id")
    commune_id: int | None = Field(None, description="For enterprises outside zones")
    address: str = Field("", max_length=255)
    sector: str = Field("", max_length=120)
    registered_workforce: int = Field(0, ge=0)


class EnterprisePatch(InputSchema):
    name: str | None = Field(None, min_length=1, max_length=255)
    short_name: str | None = Field(None, max_length=120)
    tax_code: str | None = None
    zone_id: int | None = None
    commune_id: int | None = None
    address: str | None = Field(None, max_length=255)
    sector: str | None = Field(None, max_length=120)
    registered_workforce: int | None = Field(None, ge=0)


class EnterpriseOut(OrganisationOut):
    tax_code: str
    zone_id: int | None
    commune_id: int | None
    address: str
    sector: str
    registered_workforce: int
    operating_mode: str


class OperatingModeIn(InputSchema):
    mode: OperatingMode
    effective_on: InputDate | None = Field(None, description="Today if left out")
    reason: str = Field(min_length=1)


class OperatingModeChangeOut(Schema):
    id: int
    enterprise_id: int
    mode: str
    previous_mode: str
    effective_on: date
    reason: str
    created_at: datetime


class LineOut(Schema):
    id: int
    name: str


class WorkshopOut(Schema):
    id: int
    enterprise_id: int
    name: str
    lines: list[LineOut]

    @staticmethod
    def resolve_lines(obj: Any) -> list[Any]:
        return list(obj.lines.all())  # prefetched by the operation


class ShiftOut(Schema):
    id: int
    enterprise_id: int
    name: str
    starts_at: time
    ends_at: time


class BusRouteOut(Schema):
    id: int
    enterprise_id: int
    name: str
    stops: list[str]
    plate: str

    @staticmethod
    def resolve_stops(obj: Any) -> list[str]:
        return [line.strip() for line in obj.stops.splitlines() if line.strip()]


# --- residences ---------------------------------------------------------------


class ResidenceIn(CreateSchema):
    name: str = Field(min_length=1, max_length=255)
    short_name: str = Field("", max_length=120)
    residence_kind: ResidenceKind = ResidenceKind.BOARDING_HOUSE
    address: str = Field(min_length=1, max_length=255)
    commune_id: int
    owner_name: str = Field("", max_length=120)
    owner_phone: str = ""


class ResidencePatch(InputSchema):
    name: str | None = Field(None, min_length=1, max_length=255)
    short_name: str | None = Field(None, max_length=120)
    residence_kind: ResidenceKind | None = None
    address: str | None = Field(None, min_length=1, max_length=255)
    commune_id: int | None = None
    owner_name: str | None = Field(None, max_length=120)
    owner_phone: str | None = None


class ResidenceOut(OrganisationOut):
    residence_kind: str
    address: str
    commune_id: int | None
    owner_name: str
    owner_phone_masked: str

    @staticmethod
    def resolve_owner_phone_masked(obj: Any) -> str:
        return masked_tail(obj.owner_phone_tail)


class RoomOut(Schema):
    id: int
    residence_id: int
    number: str
    capacity: int


# --- teams --------------------------------------------------------------------


class TeamIn(CreateSchema):
    name: str = Field(min_length=1, max_length=255)
    short_name: str = Field("", max_length=120)
    team_kind: TeamKind = TeamKind.WORKPLACE
    enterprise_id: int | None = Field(None, description="Required for workplace teams")
    workshop_id: int | None = None
    residence_id: int | None = Field(
        None, description="Required for boarding-house teams"
    )
    leader_id: int | None = None
    deputy_id: int | None = None
    pledge: str = ""
    founded_on: InputDate | None = None


class TeamPatch(InputSchema):
    name: str | None = Field(None, min_length=1, max_length=255)
    short_name: str | None = Field(None, max_length=120)
    team_kind: TeamKind | None = None
    enterprise_id: int | None = None
    workshop_id: int | None = None
    residence_id: int | None = None
    leader_id: int | None = None
    deputy_id: int | None = None
    pledge: str | None = None
    founded_on: InputDate | None = None


class TeamOut(OrganisationOut):
    team_kind: str
    enterprise_id: int | None
    workshop_id: int | None
    residence_id: int | None
    leader_id: int | None
    deputy_id: int | None
    pledge: str
    founded_on: date | None


class TeamMembersIn(InputSchema):
    worker_ids: list[int] = Field(
        description="The team's members after the call; others leave today"
    )


class TeamMemberOut(Schema):
    worker_id: int
    full_name: str
    role: str
    joined_on: date | None

    @staticmethod
    def resolve_full_name(obj: Any) -> str:
        return obj.worker.full_name
