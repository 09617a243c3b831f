"""API schemas of health declarations and the roll call, and the list filter
shared by the API and any HTML list of declarations."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from django.db.models import Q
from ninja import Field, FilterSchema, Schema

from tuquan.health.rollcall import MAX_BATCH


class DeclarationIn(Schema):
    client_id: uuid.UUID = Field(
        description="Made by the device, once per declaration."
    )
    worker: int = Field(description="Id of the worker the declaration is for.")
    day: date | None = Field(
        None, description="YYYY-MM-DD; today (Vietnam time) when left out."
    )
    symptoms: list[str] = Field(
        default_factory=list, description="Symptom codes of the current disease."
    )
    exposures: list[str] = Field(
        default_factory=list, description="Exposure question codes answered yes."
    )


class DeclarationBatchIn(Schema):
    declarations: list[DeclarationIn] = Field(max_length=MAX_BATCH)


class RejectedOut(Schema):
    index: int
    client_id: str | None
    field: str
    reason: str


class DeclarationBatchOut(Schema):
    accepted: list[str]
    duplicates: list[str]
    rejected: list[RejectedOut]


class DeclarationOut(Schema):
    id: int
    client_id: uuid.UUID
    worker_id: int
    worker: str = Field(alias="worker.full_name")
    day: date
    healthy: bool
    symptoms: list[str]
    exposures: list[str]
    by_proxy: bool
    declared_at: datetime


class DeclarationFilter(FilterSchema):
    day: date | None = None
    team: int | None = Field(None, description="Current members of this team")
    enterprise: int | None = Field(None, description="Workers of this enterprise")
    healthy: bool | None = None

    def filter_team(self, value: int | None) -> Q:
        if not value:
            return Q()
        return Q(
            worker__memberships__team_id=value,
            worker__memberships__left_on__isnull=True,
        )

    def filter_enterprise(self, value: int | None) -> Q:
        return Q(worker__enterprise_id=value) if value else Q()


class SymptomOut(Schema):
    code: str
    label: str


class RollCallMemberOut(Schema):
    worker_id: int
    worker: str
    status: str = Field(description="healthy, symptoms or missing")
    symptoms: list[SymptomOut]
    exposures: list[SymptomOut]
    by_proxy: bool
    declared_at: datetime | None


class RollCallCountsOut(Schema):
    members: int
    healthy: int
    symptoms: int
    missing: int
    by_proxy: int


class RollCallOut(Schema):
    team_id: int
    team: str
    day: date
    counts: RollCallCountsOut
    members: list[RollCallMemberOut]
