"""Weekly epidemic levels (Resolution 128/NQ-CP): the arithmetic checked by
hand, each boundary of the shipped matrix, capacity raising a level,
recomputation in place, permissions and bad input."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from tests import factories as f
from tests.conftest import Province
from tuquan.health.models import Case, CaseOutcome, DiseaseProfile
from tuquan.levels.choices import CapacityStatus, Coverage, CoverageSource
from tuquan.levels.models import LevelRule, ThresholdSet, WeeklyLevel
from tuquan.levels.services import (
    compute_levels,
    match_rule,
    parse_week,
    rate_per_100k,
    set_capacity,
    threshold_set_for,
)
from tuquan.levels.tasks import compute_weekly_levels
from tuquan.levels.thresholds import install_shipped

pytestmark = pytest.mark.django_db

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
WEEK = date(2021, 10, 11)  # Monday; the Resolution is dated 11/10/2021
NOW = datetime(2021, 10, 20, 9, 0, tzinfo=HCM)  # Wednesday of the next week


@pytest.fixture(autouse=True)
def frozen() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def rules() -> list[LevelRule]:
    return list(install_shipped().rules.all())


def add_cases(worker: Any, n: int, day: date = WEEK) -> None:
    """``n`` closed cases (several per worker are allowed once closed)."""
    profile = DiseaseProfile.objects.get(code="covid-19")
    Case.objects.bulk_create(
        Case(
            worker=worker,
            profile=profile,
            basis="positive_test",
            confirmed_on=day,
            isolation_until=day + timedelta(days=7),
            outcome=CaseOutcome.RECOVERED,
            closed_on=day + timedelta(days=7),
        )
        for _ in range(n)
    )


def vaccinate(worker: Any, doses: int, on: date = date(2021, 9, 1)) -> None:
    from tuquan.screening.models import Vaccination

    for dose in range(1, doses + 1):
        Vaccination.objects.create(
            worker=worker,
            dose=dose,
            given_on=on + timedelta(days=28 * (dose - 1)),
            vaccine="AstraZeneca",
            client_id=uuid.uuid4(),
        )


def level_of(unit: Any, week: date = WEEK) -> WeeklyLevel:
    return WeeklyLevel.objects.get(unit=unit, week_start=week)


def test_it_ships_the_thresholds_as_data_marked_to_verify() -> None:
    shipped = threshold_set_for(WEEK)
    assert shipped.to_verify
    assert shipped.high_one_dose_pct == Decimal("70")
    assert shipped.rules.count() == 8
    assert all(rule.to_verify for rule in shipped.rules.all())


def test_it_computes_the_rate_per_100000_by_hand() -> None:
    # 3 cases among 4 workers: 3 × 100000 / 4 = 75000.
    assert rate_per_100k(3, 4) == Decimal("75000")
    # 7 cases among 12345 people: 700000 / 12345 = 56.7031...
    assert rate_per_100k(7, 12345).quantize(Decimal("0.01")) == Decimal("56.70")
    assert rate_per_100k(1, 0) is None


@pytest.mark.parametrize(
    ("rate", "coverage", "level"),
    [
        ("0", Coverage.HIGH, 1),
        ("19.999", Coverage.HIGH, 1),
        ("20", Coverage.HIGH, 2),
        ("49.999", Coverage.HIGH, 2),
        ("50", Coverage.HIGH, 3),
        ("149.999", Coverage.HIGH, 3),
        ("150", Coverage.HIGH, 4),
        ("0", Coverage.LOW, 2),
        ("19.999", Coverage.LOW, 2),
        ("20", Coverage.LOW, 3),
        ("49.999", Coverage.LOW, 3),
        ("50", Coverage.LOW, 4),
        ("150", Coverage.LOW, 4),
        ("100000", Coverage.LOW, 4),
    ],
)
def test_it_applies_each_boundary_of_the_matrix(
    rules: list[LevelRule], rate: str, coverage: str, level: int
) -> None:
    assert match_rule(rules, Decimal(rate), coverage).level == level


def test_it_counts_workers_and_cases_of_the_week(province: Province) -> None:
    add_cases(province.member, 1)
    add_cases(province.member, 1, day=WEEK + timedelta(days=6))  # Sunday: in
    add_cases(province.member, 1, day=WEEK - timedelta(days=1))  # Sunday before: out
    add_cases(province.outsider, 2, day=WEEK + timedelta(days=7))  # next week: out
    rows = compute_levels(week_start=WEEK)
    assert {row.unit_id for row in rows} == {
        province.commune_a.pk,
        province.commune_b.pk,
        province.zone_a.pk,
        province.zone_b.pk,
    }
    commune = level_of(province.commune_a)
    # Commune A: leader, member, colleague (enterprise A) and resident
    # (enterprise A2), all inside zone A: 4 workers, 2 cases.
    assert (commune.workers, commune.population, commune.cases) == (4, 4, 2)
    assert commune.rate == Decimal("50000.00")  # 2 × 100000 / 4
    assert commune.coverage_source == CoverageSource.UNKNOWN
    assert commune.coverage == Coverage.LOW
    assert commune.level == 4
    zone = level_of(province.zone_a)
    assert (zone.population, zone.cases) == (4, 2)
    quiet = level_of(province.commune_b)
    assert (quiet.population, quiet.cases, quiet.rate) == (1, 0, Decimal("0.00"))
    assert quiet.level == 2  # no case, but coverage unknown counts as low


def test_it_uses_the_entered_population_and_coverage(
    province: Province, health_officer: Any
) -> None:
    add_cases(province.member, 20)
    # 20 × 100000 / 100000 = 20.00: exactly the lower bound of group 2.
    set_capacity(
        unit=province.commune_a,
        week_start=WEEK,
        by=health_officer,
        status=CapacityStatus.MEETS,
        population=100_000,
        coverage_one_dose_pct=Decimal("72.5"),
        coverage_elderly_pct=Decimal("85"),
    )
    row = level_of(province.commune_a)
    assert row.population_source == "entered"
    assert row.rate == Decimal("20.00")
    assert row.coverage_source == CoverageSource.ENTERED
    assert row.coverage == Coverage.HIGH
    assert row.level == 2
    # One case fewer: 19 per 100,000, group 1, high coverage: level 1.
    Case.objects.filter(pk=Case.objects.first().pk).delete()
    compute_levels(week_start=WEEK)
    assert level_of(province.commune_a).level == 1


def test_it_computes_coverage_from_the_vaccination_records(
    province: Province,
) -> None:
    # 4 adults in commune A: 3 with one dose or more (75 %), 2 fully (50 %).
    vaccinate(province.leader, 2)
    vaccinate(province.member, 2)
    vaccinate(province.colleague, 1)
    vaccinate(province.resident, 1, on=WEEK + timedelta(days=7))  # after the week
    compute_levels(week_start=WEEK)
    row = level_of(province.commune_a)
    assert row.coverage_source == CoverageSource.VACCINATIONS
    assert row.coverage_one_dose_pct == Decimal("75.00")
    assert row.coverage_full_dose_pct == Decimal("50.00")
    assert row.coverage_elderly_pct is None  # nobody is 65 or over
    assert row.coverage == Coverage.HIGH  # 75 % ≥ 70 %
    assert row.level == 1  # no case


def test_it_counts_only_adults_for_coverage(province: Province) -> None:
    # A 17-year-old apprentice joins: 4 adults of 5 workers; coverage is a share
    # of adults, population is every worker.
    f.make_worker("Võ Văn Trẻ", enterprise=province.enterprise_a, born=date(2004, 5, 1))
    for worker in (province.leader, province.member, province.colleague):
        vaccinate(worker, 1)
    compute_levels(week_start=WEEK)
    row = level_of(province.zone_a)
    assert row.population == 5
    assert row.inputs["adults"] == 4
    assert row.coverage_one_dose_pct == Decimal("75.00")


def test_it_raises_the_level_when_capacity_falls_short(
    province: Province, health_officer: Any
) -> None:
    set_capacity(
        unit=province.zone_a,
        week_start=WEEK,
        by=health_officer,
        status=CapacityStatus.FALLS_SHORT,
        treatment_beds=0,
    )
    row = level_of(province.zone_a)
    assert (row.base_level, row.level) == (2, 3)
    assert row.raised


def test_it_never_raises_above_level_4(province: Province, health_officer: Any) -> None:
    add_cases(province.member, 1)
    set_capacity(
        unit=province.zone_a,
        week_start=WEEK,
        by=health_officer,
        status=CapacityStatus.FALLS_SHORT,
    )
    row = level_of(province.zone_a)
    assert (row.base_level, row.level) == (4, 4)


def test_it_recomputes_in_place(province: Province) -> None:
    first = compute_levels(week_start=WEEK)
    row = level_of(province.commune_a)
    assert row.cases == 0
    add_cases(province.member, 1)
    again = compute_levels(week_start=WEEK)
    assert len(first) == len(again)
    assert WeeklyLevel.objects.filter(week_start=WEEK).count() == 4
    updated = level_of(province.commune_a)
    assert updated.pk == row.pk
    assert updated.cases == 1
    assert updated.computed_at >= row.computed_at


def test_it_uses_the_latest_threshold_set_in_force(province: Province) -> None:
    shipped = threshold_set_for(WEEK)
    stricter = ThresholdSet.objects.create(
        name=shipped.name,
        version=2,
        effective_from=WEEK,
        high_one_dose_pct=Decimal("90"),
        to_verify=False,
    )
    LevelRule.objects.create(
        threshold_set=stricter, rate_from=0, coverage=Coverage.HIGH, level=1
    )
    LevelRule.objects.create(
        threshold_set=stricter, rate_from=0, coverage=Coverage.LOW, level=3
    )
    compute_levels(week_start=WEEK)
    row = level_of(province.commune_b)
    assert row.threshold_set == stricter
    assert row.level == 3


def test_it_refuses_a_week_without_rules(province: Province) -> None:
    with pytest.raises(ValidationError, match="Không có bộ ngưỡng"):
        compute_levels(week_start=date(2020, 1, 6))


def test_it_refuses_a_future_week(province: Province) -> None:
    with pytest.raises(ValidationError, match="chưa bắt đầu"):
        compute_levels(week_start=date(2021, 10, 25))


def test_it_refuses_a_week_not_starting_on_monday(province: Province) -> None:
    with pytest.raises(ValidationError, match="phải bắt đầu vào thứ Hai"):
        compute_levels(week_start=date(2021, 10, 12))


def test_it_parses_weeks() -> None:
    assert parse_week("2021-W41") == WEEK
    assert parse_week("2021-10-14") == WEEK
    assert parse_week("") is None
    with pytest.raises(ValidationError, match="không phải là một tuần"):
        parse_week("tuần 41")


def test_it_refuses_negative_capacity_in_vietnamese(
    province: Province, health_officer: Any
) -> None:
    with pytest.raises(ValidationError) as caught:
        set_capacity(
            unit=province.commune_a,
            week_start=WEEK,
            by=health_officer,
            status=CapacityStatus.MEETS,
            treatment_beds=-5,
            population=0,
            coverage_one_dose_pct=Decimal("120"),
        )
    errors = caught.value.message_dict
    assert "không được âm" in errors["treatment_beds"][0]
    assert "phải là số dương" in errors["population"][0]
    assert "từ 0 đến 100" in errors["coverage_one_dose_pct"][0]
    assert not WeeklyLevel.objects.exists()


def test_it_refuses_capacity_for_a_future_week(
    province: Province, health_officer: Any
) -> None:
    with pytest.raises(ValidationError, match="chưa bắt đầu"):
        set_capacity(
            unit=province.commune_a,
            week_start=date(2021, 11, 1),
            by=health_officer,
            status=CapacityStatus.MEETS,
        )


def test_it_refuses_capacity_for_an_enterprise(
    province: Province, health_officer: Any
) -> None:
    with pytest.raises(ValidationError, match="chỉ đánh giá cho xã"):
        set_capacity(
            unit=province.enterprise_a,
            week_start=WEEK,
            by=health_officer,
            status=CapacityStatus.MEETS,
        )


@pytest.mark.parametrize("persona", ["province", "commune"])
def test_it_lets_committees_enter_capacity(province: Province, persona: str) -> None:
    entry = set_capacity(
        unit=province.commune_a,
        week_start=WEEK,
        by=province.user(persona),
        status=CapacityStatus.MEETS,
        treatment_beds=40,
    )
    assert entry.entered_by == province.user(persona)
    assert level_of(province.commune_a).treatment_beds == 40


@pytest.mark.parametrize(
    "persona", ["zone", "enterprise", "team_leader", "worker", "police", "auditor"]
)
def test_it_refuses_capacity_from_other_roles(province: Province, persona: str) -> None:
    with pytest.raises(PermissionDenied):
        set_capacity(
            unit=province.zone_a,
            week_start=WEEK,
            by=province.user(persona),
            status=CapacityStatus.MEETS,
        )


def test_it_refuses_capacity_outside_the_commune(province: Province) -> None:
    with pytest.raises(PermissionDenied):
        set_capacity(
            unit=province.commune_b,
            week_start=WEEK,
            by=province.user("commune"),
            status=CapacityStatus.MEETS,
        )


def test_it_replaces_the_capacity_of_the_week(
    province: Province, health_officer: Any
) -> None:
    for status in (CapacityStatus.FALLS_SHORT, CapacityStatus.MEETS):
        set_capacity(
            unit=province.zone_a, week_start=WEEK, by=health_officer, status=status
        )
    assert province.zone_a.capacity_entries.count() == 1
    assert level_of(province.zone_a).level == 2


def test_it_hides_other_scopes(province: Province) -> None:
    compute_levels(week_start=WEEK)
    seen = {
        row.unit_id
        for row in WeeklyLevel.objects.visible_to(province.user("enterprise"))
    }
    # Enterprise A's officer sees the level of their zone and commune only.
    assert seen == {province.zone_a.pk, province.commune_a.pk}
    assert not WeeklyLevel.objects.visible_to(province.user("outsider")).exists()
    assert not WeeklyLevel.objects.visible_to(province.user("worker")).exists()
    b_seen = {
        row.unit_id
        for row in WeeklyLevel.objects.visible_to(province.user("enterprise_b"))
    }
    assert b_seen == {province.zone_b.pk, province.commune_b.pk}


def test_it_runs_as_a_celery_task_for_the_last_week(province: Province) -> None:
    result = compute_weekly_levels.delay().get()
    assert result["week_start"] == "2021-10-11"
    assert result["units"] == 4
    current = compute_weekly_levels.delay(current=True).get()
    assert current["week_start"] == "2021-10-18"
    assert WeeklyLevel.objects.count() == 8
