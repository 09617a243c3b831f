"""API for weekly epidemic levels (Resolution 128/NQ-CP): the week's levels of
the communes and zones in your scope, one assessment explained, and the
hand-entered treatment capacity (PUT: entering it again replaces it)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from tuquan.levels.choices import CapacityStatus
from tuquan.levels.explain import explain, to_verify
from tuquan.levels.models import WeeklyLevel
from tuquan.levels.services import (
    HIGHEST_FIRST,
    UNIT_KINDS,
    ZONE_KINDS,
    check_week,
    parse_week,
    set_capacity,
)
from tuquan.organisations.api import caller, get_visible_or_404, paged
from tuquan.organisations.choices import OrgKind
from tuquan.organisations.models import Organisation
from tuquan.organisations.schemas import READ_ERRORS, WRITE_ERRORS

router = Router(tags=["levels"])


class LevelFilter(Schema):
    week: str | None = Field(
        None, description="ISO week (2021-W41) or any day of it; default: the latest."
    )
    kind: Literal["commune", "zone"] | None = None
    level: int | None = Field(None, ge=1, le=4)
    unit: int | None = None


class WeeklyLevelOut(Schema):
    id: int
    unit_id: int
    unit: str = Field(alias="unit.name")
    unit_kind: str = Field(alias="unit.kind")
    week_start: date
    level: int | None
    level_label: str | None
    colour: str
    base_level: int | None
    cases: int
    workers: int
    population: int
    population_source: str
    rate: Decimal | None
    coverage: str
    coverage_source: str
    coverage_one_dose_pct: Decimal | None
    coverage_full_dose_pct: Decimal | None
    coverage_elderly_pct: Decimal | None
    capacity_status: str
    treatment_beds: int | None
    thresholds_to_verify: bool
    computed_at: datetime

    @staticmethod
    def resolve_level_label(obj: WeeklyLevel) -> str | None:
        return obj.get_level_display() if obj.level else None

    @staticmethod
    def resolve_thresholds_to_verify(obj: WeeklyLevel) -> bool:
        return to_verify(obj)


class WeeklyLevelDetailOut(WeeklyLevelOut):
    explanation: list[str]
    inputs: dict[str, Any]

    @staticmethod
    def resolve_explanation(obj: WeeklyLevel) -> list[str]:
        return explain(obj)


class CapacityIn(Schema):
    week: str = Field(description="ISO week (2021-W41) or any day of it.")
    status: CapacityStatus
    treatment_beds: int | None = None
    population: int | None = None
    coverage_one_dose_pct: Decimal | None = None
    coverage_full_dose_pct: Decimal | None = None
    coverage_elderly_pct: Decimal | None = None
    note: str = ""


def _visible(request: HttpRequest) -> QuerySet[WeeklyLevel]:
    return WeeklyLevel.objects.visible_to(caller(request)).select_related(
        "unit", "threshold_set"
    )


@router.get(
    "/epidemic-levels",
    response={200: list[WeeklyLevelOut], **READ_ERRORS},
    summary="List weekly epidemic levels",
)
@paged
def list_epidemic_levels(
    request: HttpRequest, filters: Query[LevelFilter]
) -> QuerySet[WeeklyLevel]:
    """The levels of one week (default: the latest computed) for the communes
    and zones in your scope, highest level first."""
    rows = _visible(request)
    week = parse_week(filters.week)
    if week is None:
        week = rows.order_by("-week_start").values_list("week_start", flat=True).first()
    else:
        check_week(week)
    rows = rows.filter(week_start=week)
    if filters.kind == "commune":
        rows = rows.filter(unit__kind=OrgKind.COMMUNE)
    elif filters.kind == "zone":
        rows = rows.filter(unit__kind__in=ZONE_KINDS)
    if filters.level is not None:
        rows = rows.filter(level=filters.level)
    if filters.unit is not None:
        rows = rows.filter(unit_id=filters.unit)
    return rows.order_by(HIGHEST_FIRST, "unit__path", "pk")


@router.get(
    "/epidemic-levels/{level_id}",
    response={200: WeeklyLevelDetailOut, **READ_ERRORS},
    summary="Get one weekly epidemic level, explained",
)
def get_epidemic_level(request: HttpRequest, level_id: int) -> WeeklyLevel:
    return get_visible_or_404(_visible(request), level_id)


@router.put(
    "/epidemic-levels/units/{unit_id}/capacity",
    response={200: WeeklyLevelDetailOut, **WRITE_ERRORS},
    summary="Enter a unit's treatment capacity for a week",
)
def put_epidemic_capacity(
    request: HttpRequest, unit_id: int, payload: CapacityIn
) -> WeeklyLevel:
    """Province and commune committees and health officers; the unit's level
    for the week is recomputed and returned."""
    units = Organisation.objects.visible_to(caller(request)).filter(kind__in=UNIT_KINDS)
    unit = get_visible_or_404(units, unit_id)
    week = parse_week(payload.week)
    if week is None:
        raise ValidationError({"week": [_("Choose the week.")]})
    data = payload.model_dump(exclude={"week"})
    set_capacity(unit=unit, week_start=week, by=caller(request), **data)
    return _visible(request).get(unit=unit, week_start=week)
