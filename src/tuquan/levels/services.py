"""Weekly epidemic levels: counting, the matrix, hand-entered capacity.

A worker belongs to the units above their anchor (the enterprise they work
for, else the residence they live in) — the same anchor that decides who sees
them. A case counts where its worker is anchored, so cases and population are
counted over the same people. A commune contains the zones inside it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from tuquan.accounts.choices import Role
from tuquan.accounts.scoping import scope_paths
from tuquan.core import audit
from tuquan.health.cases import is_health_officer_for
from tuquan.health.models import Case
from tuquan.levels.choices import (
    CapacityStatus,
    Coverage,
    CoverageSource,
    EpidemicLevel,
    PopulationSource,
)
from tuquan.levels.models import CapacityEntry, LevelRule, ThresholdSet, WeeklyLevel
from tuquan.organisations.choices import OrgKind
from tuquan.organisations.models import Organisation
from tuquan.people.models import EmploymentStatus, Worker

UNIT_KINDS = (OrgKind.COMMUNE, OrgKind.INDUSTRIAL_PARK, OrgKind.INDUSTRIAL_CLUSTER)
ZONE_KINDS = (OrgKind.INDUSTRIAL_PARK, OrgKind.INDUSTRIAL_CLUSTER)
PER = 100_000
HUNDRED = Decimal(100)
CENT = Decimal("0.01")
# Roles that enter capacity besides health officers (issue 4, part 7).
CAPACITY_ROLES = frozenset({Role.PROVINCE_COMMITTEE, Role.COMMUNE_COMMITTEE})

# Lists show the highest level first and units without a level last, on
# PostgreSQL (NULLs first in DESC) as on SQLite.
HIGHEST_FIRST = F("level").desc(nulls_last=True)

_ISO_WEEK = re.compile(r"^(\d{4})-W(\d{1,2})$")


# --- weeks ------------------------------------------------------------------------


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def current_week() -> date:
    return monday_of(timezone.localdate())


def parse_week(value: str | None) -> date | None:
    """``2021-W41`` (an HTML week input) or any ``YYYY-MM-DD`` of the week →
    its Monday; None when empty. Malformed text is a ValidationError."""
    value = (value or "").strip()
    if not value:
        return None
    match = _ISO_WEEK.match(value)
    try:
        if match:
            return date.fromisocalendar(int(match[1]), int(match[2]), 1)
        return monday_of(date.fromisoformat(value))
    except ValueError as exc:
        raise ValidationError(
            {"week": _("“%(value)s” is not a week (e.g. 2021-W41).") % {"value": value}}
        ) from exc


def check_week(week_start: date) -> None:
    """A Monday, not after the current week."""
    if week_start.weekday() != 0:
        raise ValidationError(
            {
                "week": _("The week must start on a Monday; %(day)s is not one.")
                % {"day": week_start.strftime("%d/%m/%Y")}
            }
        )
    if week_start > current_week():
        raise ValidationError(
            {
                "week": _(
                    "The week starting %(day)s has not begun yet: choose this "
                    "week or an earlier one."
                )
                % {"day": week_start.strftime("%d/%m/%Y")}
            }
        )


# --- thresholds ---------------------------------------------------------------------


def threshold_set_for(week_start: date) -> ThresholdSet:
    """The active set in force on ``week_start`` (latest start, then version)."""
    found = (
        ThresholdSet.objects.filter(active=True, effective_from__lte=week_start)
        .order_by("-effective_from", "-version")
        .first()
    )
    if found is None:
        raise ValidationError(
            _(
                "No epidemic level threshold set is in force on %(day)s: "
                "ask the administrator to add one."
            )
            % {"day": week_start.strftime("%d/%m/%Y")}
        )
    return found


def rate_per_100k(cases: int, population: int) -> Decimal | None:
    """New cases per 100,000 people: exact (for comparing with thresholds)."""
    if population <= 0:
        return None
    return Decimal(cases * PER) / Decimal(population)


def percent(part: int, whole: int) -> Decimal | None:
    if whole <= 0:
        return None
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(CENT, ROUND_HALF_UP)


def coverage_is_high(
    threshold_set: ThresholdSet,
    one_dose: Decimal | None,
    full_dose: Decimal | None,
    elderly: Decimal | None,
) -> bool:
    """High when every criterion of the set holds. An unknown share fails its
    criterion (a level is never lowered on missing data) — except the ≥ 65
    share, which is unknown exactly where nobody is 65 or over."""
    if one_dose is None or one_dose < threshold_set.high_one_dose_pct:
        return False
    wanted = threshold_set.high_full_dose_pct
    if wanted is not None and (full_dose is None or full_dose < wanted):
        return False
    wanted = threshold_set.high_elderly_full_dose_pct
    return wanted is None or elderly is None or elderly >= wanted


def match_rule(rules: list[LevelRule], rate: Decimal, coverage: str) -> LevelRule:
    for rule in rules:
        if rule.matches(rate, coverage):
            return rule
    raise ValidationError(
        _(
            "No rule of the threshold set covers %(rate)s new cases per 100,000 "
            "with %(coverage)s: complete the rules in the admin."
        )
        % {
            "rate": rate.quantize(CENT, ROUND_HALF_UP),
            "coverage": Coverage(coverage).label,
        }
    )


# --- counting -----------------------------------------------------------------------


@dataclass
class Tally:
    """What is counted for one unit."""

    workers: int = 0
    adults: int = 0
    elderly: int = 0
    one_dose: int = 0
    full_dose: int = 0
    elderly_full: int = 0
    cases: int = 0
    vaccinations_known: bool = False


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _vaccination_model() -> tuple[Any, str, str] | None:
    """The screening app's dose model, if installed: (model, dose field, date
    field). Imported here, not at module level, so levels work without it."""
    if not apps.is_installed("tuquan.screening"):
        return None
    try:
        model = apps.get_model("screening", "Vaccination")
    except LookupError:
        return None
    names = {f.name for f in model._meta.get_fields()}
    dose = next((n for n in ("dose", "dose_number") if n in names), None)
    given = next((n for n in ("given_on", "date", "vaccinated_on") if n in names), None)
    if "worker" not in names or dose is None or given is None:
        return None
    # The model may exist before its migration has run.
    if model._meta.db_table not in connection.introspection.table_names():
        return None
    return model, dose, given


def _spread(
    rows: list[dict[str, Any]], unit_ids: set[int], tallies: dict[int, Tally]
) -> None:
    """Add each row's counts to every unit on its anchor's path."""
    for row in rows:
        path = row.pop("anchor") or ""
        for part in path.split("/"):
            if part and int(part) in unit_ids:
                tally = tallies[int(part)]
                for key, value in row.items():
                    setattr(tally, key, getattr(tally, key) + value)


def _anchor() -> Coalesce:
    return Coalesce(F("enterprise__path"), F("residence__path"))


def count_units(
    unit_ids: set[int], week_start: date, threshold_set: ThresholdSet
) -> dict[int, Tally]:
    """Workers, adults, doses and new cases of the week for every unit, in a
    few grouped queries whatever the number of units."""
    week_end = week_start + timedelta(days=6)
    adult_born = _years_before(week_end, 18)
    elderly_born = _years_before(week_end, 65)
    tallies: dict[int, Tally] = defaultdict(Tally)
    active = Worker.objects.filter(employment_status=EmploymentStatus.ACTIVE)
    aggregates: dict[str, Any] = {
        "workers": Count("pk"),
        "adults": Count("pk", filter=Q(date_of_birth__lte=adult_born)),
        "elderly": Count("pk", filter=Q(date_of_birth__lte=elderly_born)),
    }
    found = _vaccination_model()
    if found is not None:
        model, dose, given = found
        doses = model.objects.filter(**{f"{given}__lte": week_end})
        one = doses.values("worker_id")
        full = doses.filter(**{f"{dose}__gte": threshold_set.full_dose_count}).values(
            "worker_id"
        )
        adult = Q(date_of_birth__lte=adult_born)
        old = Q(date_of_birth__lte=elderly_born)
        aggregates |= {
            "one_dose": Count("pk", filter=adult & Q(pk__in=one)),
            "full_dose": Count("pk", filter=adult & Q(pk__in=full)),
            "elderly_full": Count("pk", filter=old & Q(pk__in=full)),
        }
    rows = list(
        active.annotate(anchor=_anchor()).values("anchor").annotate(**aggregates)
    )
    _spread(rows, unit_ids, tallies)
    cases = Case.objects.filter(confirmed_on__range=(week_start, week_end))
    if threshold_set.disease_id:
        cases = cases.filter(profile_id=threshold_set.disease_id)
    # A case counts where its worker is anchored now (as the population).
    case_rows = list(
        cases.annotate(
            anchor=Coalesce(F("worker__enterprise__path"), F("worker__residence__path"))
        )
        .values("anchor")
        .annotate(cases=Count("pk"))
    )
    _spread(case_rows, unit_ids, tallies)
    for unit_id in unit_ids:
        tallies[unit_id].vaccinations_known = found is not None
    return tallies


# --- the assessment -----------------------------------------------------------------


def level_units() -> QuerySet[Organisation]:
    """Every commune and zone (the units assessed)."""
    return Organisation.objects.filter(kind__in=UNIT_KINDS)


def assess(
    *,
    unit: Organisation,
    week_start: date,
    tally: Tally,
    entry: CapacityEntry | None,
    threshold_set: ThresholdSet,
    rules: list[LevelRule],
    row: WeeklyLevel,
) -> WeeklyLevel:
    """Fill ``row`` from the counts, the hand-entered values and the matrix."""
    row.unit, row.week_start, row.threshold_set = unit, week_start, threshold_set
    row.cases, row.workers = tally.cases, tally.workers
    if entry is not None and entry.population:
        row.population = entry.population
        row.population_source = PopulationSource.ENTERED
    else:
        row.population, row.population_source = tally.workers, PopulationSource.WORKERS
    exact = rate_per_100k(row.cases, row.population)
    row.rate = None if exact is None else exact.quantize(CENT, ROUND_HALF_UP)
    if entry is not None and entry.coverage_one_dose_pct is not None:
        row.coverage_source = CoverageSource.ENTERED
        row.coverage_one_dose_pct = entry.coverage_one_dose_pct
        row.coverage_full_dose_pct = entry.coverage_full_dose_pct
        row.coverage_elderly_pct = entry.coverage_elderly_pct
    elif tally.vaccinations_known and tally.one_dose:
        # No dose recorded in the unit at all means nobody entered them, not
        # that nobody is vaccinated: that is "unknown", below.
        row.coverage_source = CoverageSource.VACCINATIONS
        row.coverage_one_dose_pct = percent(tally.one_dose, tally.adults)
        row.coverage_full_dose_pct = percent(tally.full_dose, tally.adults)
        row.coverage_elderly_pct = percent(tally.elderly_full, tally.elderly)
    else:
        row.coverage_source = CoverageSource.UNKNOWN
        row.coverage_one_dose_pct = None
        row.coverage_full_dose_pct = None
        row.coverage_elderly_pct = None
    high = coverage_is_high(
        threshold_set,
        row.coverage_one_dose_pct,
        row.coverage_full_dose_pct,
        row.coverage_elderly_pct,
    )
    row.coverage = Coverage.HIGH if high else Coverage.LOW
    row.capacity_status = entry.status if entry is not None else ""
    row.treatment_beds = entry.treatment_beds if entry is not None else None
    if exact is None:
        row.rule, row.base_level, row.level = None, None, None
    else:
        rule = match_rule(rules, exact, row.coverage)
        row.rule, row.base_level = rule, rule.level
        short = row.capacity_status == CapacityStatus.FALLS_SHORT
        raise_one = short and threshold_set.raise_if_capacity_short
        row.level = (
            min(rule.level + 1, EpidemicLevel.VERY_HIGH) if raise_one else rule.level
        )
    row.inputs = {
        "workers": tally.workers,
        "adults": tally.adults,
        "elderly": tally.elderly,
        "adults_one_dose": tally.one_dose,
        "adults_full_dose": tally.full_dose,
        "elderly_full_dose": tally.elderly_full,
        "vaccinations_known": tally.vaccinations_known,
        "rate_exact": None if exact is None else str(exact.quantize(Decimal("1e-6"))),
        "threshold_set": {
            "id": threshold_set.pk,
            "name": threshold_set.name,
            "version": threshold_set.version,
            "to_verify": threshold_set.to_verify,
        },
        "rule": None
        if row.rule is None
        else {
            "id": row.rule.pk,
            "rate_from": str(row.rule.rate_from),
            "rate_below": None
            if row.rule.rate_below is None
            else str(row.rule.rate_below),
            "coverage": row.rule.coverage,
            "level": row.rule.level,
            "to_verify": row.rule.to_verify,
        },
        "capacity_entry": None if entry is None else entry.pk,
    }
    row.computed_at = timezone.now()
    return row


def compute_levels(
    *, week_start: date, units: list[Organisation] | None = None
) -> list[WeeklyLevel]:
    """Assess ``week_start``'s ISO week for every commune and zone (or only
    ``units``). Recomputing a week updates its rows in place."""
    check_week(week_start)
    threshold_set = threshold_set_for(week_start)
    rules = list(threshold_set.rules.all())
    targets = list(units) if units is not None else list(level_units())
    unit_ids = {u.pk for u in targets}
    tallies = count_units(unit_ids, week_start, threshold_set)
    entries = {
        e.unit_id: e
        for e in CapacityEntry.objects.filter(
            week_start=week_start, unit_id__in=unit_ids
        )
    }
    with transaction.atomic():
        # Lock the units first: two runs of the same week (the weekly task and
        # an officer's button) then take turns instead of colliding.
        list(
            Organisation.objects.select_for_update()
            .filter(pk__in=unit_ids)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        existing = {
            row.unit_id: row
            for row in WeeklyLevel.objects.filter(
                week_start=week_start, unit_id__in=unit_ids
            )
        }
        rows = [
            assess(
                unit=unit,
                week_start=week_start,
                tally=tallies[unit.pk],
                entry=entries.get(unit.pk),
                threshold_set=threshold_set,
                rules=rules,
                row=existing.get(unit.pk) or WeeklyLevel(),
            )
            for unit in targets
        ]
        # Rewrite rather than bulk_update: each row keeps its id, and a
        # delete plus one INSERT is several times faster than the CASE
        # statements bulk_update compiles (bench/bench_levels.py).
        WeeklyLevel.objects.filter(pk__in=[r.pk for r in existing.values()]).delete()
        WeeklyLevel.objects.bulk_create(rows, batch_size=1000)
    return rows


# --- hand-entered capacity ------------------------------------------------------------


def may_enter_capacity(user: Any, unit: Organisation) -> bool:
    """Province and commune committees over the unit, and health officers."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser or is_health_officer_for(user, unit.path):
        return True
    paths = scope_paths(user, CAPACITY_ROLES) or []
    return any(unit.path.startswith(p) for p in paths)


def _check_percent(errors: dict[str, list[str]], name: str, value: Any) -> None:
    if value is not None and not Decimal(0) <= Decimal(value) <= HUNDRED:
        errors.setdefault(name, []).append(
            _("A percentage is between 0 and 100; %(value)s is not.") % {"value": value}
        )


def set_capacity(
    *,
    unit: Organisation,
    week_start: date,
    by: Any,
    status: str,
    treatment_beds: int | None = None,
    population: int | None = None,
    coverage_one_dose_pct: Decimal | None = None,
    coverage_full_dose_pct: Decimal | None = None,
    coverage_elderly_pct: Decimal | None = None,
    note: str = "",
) -> CapacityEntry:
    """Enter (or correct) a unit's treatment capacity for a week, then
    recompute that unit's level for the week."""
    if unit.kind not in UNIT_KINDS:
        raise ValidationError(
            {"unit": _("Levels are assessed for communes and zones only.")}
        )
    if not may_enter_capacity(by, unit):
        raise PermissionDenied(
            _(
                "Only the province or commune committee and health officers "
                "enter treatment capacity."
            )
        )
    check_week(week_start)
    errors: dict[str, list[str]] = {}
    if status not in CapacityStatus.values:
        errors["status"] = [_("Choose whether the capacity meets the needs.")]
    if treatment_beds is not None and treatment_beds < 0:
        errors["treatment_beds"] = [
            _("The number of treatment beds cannot be negative (%(value)s).")
            % {"value": treatment_beds}
        ]
    if population is not None and population <= 0:
        errors["population"] = [
            _("The population must be a positive number (%(value)s).")
            % {"value": population}
        ]
    for name, value in (
        ("coverage_one_dose_pct", coverage_one_dose_pct),
        ("coverage_full_dose_pct", coverage_full_dose_pct),
        ("coverage_elderly_pct", coverage_elderly_pct),
    ):
        _check_percent(errors, name, value)
    if coverage_one_dose_pct is None and (
        coverage_full_dose_pct is not None or coverage_elderly_pct is not None
    ):
        errors.setdefault("coverage_one_dose_pct", []).append(
            _("Enter the share with at least one dose as well.")
        )
    if errors:
        raise ValidationError(errors)
    values = {
        "status": status,
        "treatment_beds": treatment_beds,
        "population": population,
        "coverage_one_dose_pct": coverage_one_dose_pct,
        "coverage_full_dose_pct": coverage_full_dose_pct,
        "coverage_elderly_pct": coverage_elderly_pct,
        "note": note.strip(),
        "entered_by": by,
    }
    with transaction.atomic():
        entry, created = CapacityEntry.objects.select_for_update().update_or_create(
            unit=unit, week_start=week_start, defaults=values
        )
        audit.record(
            audit.AuditAction.CREATE if created else audit.AuditAction.UPDATE,
            entry,
            changes={
                "status": status,
                "treatment_beds": treatment_beds,
                "population": population,
            },
            user=by,
            scope_path=unit.path,
        )
        compute_levels(week_start=week_start, units=[unit])
    return entry
