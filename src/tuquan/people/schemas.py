"""API schemas for workers. Answers carry national ID and phone masked only; the
clear values come from the audited reveal operation (``WorkerPersonalDataOut``)."""

from __future__ import annotations

from datetime import date
from typing import Any

from ninja import Field, Schema

from tuquan.organisations.schemas import CreateSchema, InputDate, InputSchema
from tuquan.people.models import EmploymentStatus, Sex


class WorkerIn(CreateSchema):
    full_name: str = Field(min_length=1, max_length=120)
    date_of_birth: InputDate
    sex: Sex
    national_id: str = Field(description="12 digits (căn cước công dân)")
    phone: str = Field("", description="Vietnamese mobile number, any usual spelling")
    enterprise_id: int | None = None
    workshop_id: int | None = None
    line_id: int | None = None
    shift_id: int | None = None
    residence_id: int | None = None
    room_id: int | None = None
    bus_route_id: int | None = None
    employment_status: EmploymentStatus = EmploymentStatus.ACTIVE
    employment_start: InputDate | None = None
    employment_end: InputDate | None = None
    team_ids: list[int] | None = Field(
        None, description="Teams the worker belongs to (left out: no change)"
    )


class WorkerPatch(InputSchema):
    full_name: str | None = Field(None, min_length=1, max_length=120)
    date_of_birth: InputDate | None = None
    sex: Sex | None = None
    national_id: str | None = None
    phone: str | None = None
    enterprise_id: int | None = None
    workshop_id: int | None = None
    line_id: int | None = None
    shift_id: int | None = None
    residence_id: int | None = None
    room_id: int | None = None
    bus_route_id: int | None = None
    employment_status: EmploymentStatus | None = None
    employment_start: InputDate | None = None
    employment_end: InputDate | None = None
    team_ids: list[int] | None = Field(
        None,
        description="The worker's teams among those you can see; teams outside "
        "your scope are kept",
    )


class WorkerOut(Schema):
    id: int
    full_name: str
    date_of_birth: date
    sex: str
    national_id_masked: str
    phone_masked: str
    enterprise_id: int | None
    enterprise_name: str | None
    workshop_id: int | None
    line_id: int | None
    shift_id: int | None
    residence_id: int | None
    residence_name: str | None
    room_id: int | None
    bus_route_id: int | None
    employment_status: str
    employment_start: date | None
    employment_end: date | None
    team_ids: list[int] = Field(description="Current teams you can see")

    @staticmethod
    def resolve_enterprise_name(obj: Any) -> str | None:
        return obj.enterprise.name if obj.enterprise_id else None

    @staticmethod
    def resolve_residence_name(obj: Any) -> str | None:
        return obj.residence.name if obj.residence_id else None

    @staticmethod
    def resolve_team_ids(obj: Any) -> list[int]:
        # The operation prefetches ``current_memberships`` (visible teams only).
        memberships = getattr(obj, "current_memberships", None)
        if memberships is None:
            return []
        return sorted(m.team_id for m in memberships)


class WorkerPersonalDataOut(Schema):
    national_id: str
    phone: str
