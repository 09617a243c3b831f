"""Daily series per unit from three aggregate queries: symptomatic and missing declarations
for teams, residences, workshops, enterprises and zones."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from tests import factories as f
from tests.conftest import Province
from tuquan.health.models import DiseaseProfile, HealthDeclaration
from tuquan.organisations.models import Workshop
from tuquan.people.models import EmploymentStatus
from tuquan.surveillance.series import unit_series

pytestmark = pytest.mark.django_db

DAY = date(2026, 11, 28)
DAYS = 28
START = DAY - timedelta(days=DAYS - 1)  # 01/11/2026


@pytest.fixture(autouse=True)
def frozen() -> Any:
    tz = ZoneInfo("Asia/Ho_Chi_Minh")
    with time_machine.travel(datetime(2026, 11, 29, 9, 0, tzinfo=tz), tick=False):
        yield


def declare(worker: Any, day: date, *, sick: bool = False) -> None:
    HealthDeclaration.objects.create(
        worker=worker,
        day=day,
        profile=DiseaseProfile.objects.order_by("pk").first(),
        healthy=not sick,
        symptoms=["fever"] if sick else [],
        client_id=uuid.uuid4(),
        declared_at=timezone.now(),
    )


def by_unit(kind: str) -> dict[int, Any]:
    return {s.unit_id: s for s in unit_series(day=DAY, days=DAYS) if s.kind == kind}


def test_it_counts_symptoms_and_missing_declarations_per_team_and_day(
    province: Province,
) -> None:
    # Team A: leader and member. Leader declares every day, sick on the last
    # two; member declares only on the last day, healthy.
    for i in range(DAYS):
        declare(province.leader, START + timedelta(days=i), sick=i >= DAYS - 2)
    declare(province.member, DAY)
    team = by_unit("team")[province.team_a.pk]
    assert team.symptomatic == [0] * 26 + [1, 1]
    assert team.workforce == [2] * DAYS
    assert team.declared == [1] * 27 + [2]
    assert team.missing == [1] * 27 + [0]


def test_it_rolls_workers_up_to_enterprise_zone_residence_and_workshop(
    province: Province,
) -> None:
    workshop = Workshop.objects.create(enterprise=province.enterprise_a, name="Rang")
    province.member.workshop = workshop
    province.member.save()
    declare(province.leader, DAY, sick=True)  # enterprise A, residence A
    declare(province.member, DAY, sick=True)  # enterprise A, workshop Rang
    declare(province.resident, DAY, sick=True)  # enterprise A2, residence A
    enterprise = by_unit("enterprise")
    # Enterprise A: leader, member, colleague working; 2 sick, 1 missing.
    assert enterprise[province.enterprise_a.pk].symptomatic[-1] == 2
    assert enterprise[province.enterprise_a.pk].missing[-1] == 1
    assert enterprise[province.enterprise_a2.pk].symptomatic[-1] == 1
    zone = by_unit("zone")
    assert zone[province.zone_a.pk].symptomatic[-1] == 3
    assert zone[province.zone_a.pk].workforce[-1] == 4
    assert zone[province.zone_b.pk].symptomatic[-1] == 0
    residence = by_unit("residence")
    assert residence[province.residence_a.pk].symptomatic[-1] == 2
    assert by_unit("workshop")[workshop.pk].symptomatic == [0] * 27 + [1]
    # Earlier days: nobody declared, everyone missing.
    assert zone[province.zone_a.pk].missing[:-1] == [4] * 27


def test_it_counts_workers_only_while_employed_and_members(
    province: Province,
) -> None:
    started = START + timedelta(days=10)
    province.member.employment_start = started
    province.member.save()
    joined = START + timedelta(days=20)
    province.colleague.memberships.create(team=province.team_a, joined_on=joined)
    # The leader left the team on the last day: not counted that day.
    province.leader.memberships.filter(team=province.team_a).update(left_on=DAY)
    gone = f.make_worker("Võ Văn Nghỉ", enterprise=province.enterprise_a)
    gone.employment_status = EmploymentStatus.LEFT
    gone.save()
    declare(gone, DAY, sick=True)  # not working: neither counted nor declared
    team = by_unit("team")[province.team_a.pk]
    # leader: days 0-26; member: days 10-27; colleague: days 20-27
    expected = [1] * 10 + [2] * 10 + [3] * 7 + [2]
    assert team.workforce == expected
    enterprise = by_unit("enterprise")[province.enterprise_a.pk]
    assert enterprise.workforce == [2] * 10 + [3] * 18
    assert enterprise.symptomatic[-1] == 0


def test_it_ignores_a_declaration_on_a_day_outside_membership(
    province: Province,
) -> None:
    joined = DAY
    province.colleague.memberships.create(team=province.team_a, joined_on=joined)
    declare(province.colleague, DAY - timedelta(days=1), sick=True)
    declare(province.colleague, DAY, sick=True)
    team = by_unit("team")[province.team_a.pk]
    assert team.symptomatic[-2:] == [0, 1]


def test_it_reads_every_unit_with_three_queries(
    province: Province, django_assert_num_queries: Any
) -> None:
    # Declarations grouped by worker, working workers, memberships: the same
    # three queries for 5 units or 10,000.
    for worker in (province.leader, province.member, province.outsider):
        declare(worker, DAY, sick=True)
    with django_assert_num_queries(3):
        found = unit_series(day=DAY, days=DAYS)
    kinds = {s.kind for s in found}
    assert kinds == {"team", "residence", "enterprise", "zone"}
