"""Screening schedules and the "due today" list: the rotating share, workers
tested in the round dropping off, and the follow-ups of a positive pool."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from tests import factories as f
from tests.conftest import Province
from tuquan.people.models import EmploymentStatus
from tuquan.screening import services
from tuquan.screening.models import ScreeningMethod

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 10)


def test_it_rotates_the_share_so_everyone_is_reached() -> None:
    ids = list(range(1, 11))
    rounds = [services.cohort(ids, 20, number) for number in range(5)]
    assert rounds[0] == [1, 2] and rounds[1] == [3, 4] and rounds[4] == [9, 10]
    assert sorted(sum(rounds, [])) == ids
    # 30 % of 10 is 3 a round: four rounds reach everyone, wrapping around.
    assert services.cohort(ids, 30, 3) == [10, 1, 2]
    assert services.cohort(ids, 100, 7) == ids
    assert services.cohort([], 50, 1) == []


def _schedule(province: Province, **extra: Any) -> Any:
    values = {
        "enterprise": province.enterprise_a,
        "every_days": 7,
        "share_percent": 50,
        "method": ScreeningMethod.RAPID_ANTIGEN,
        "starts_on": TODAY - timedelta(days=7),
        "active": True,
        "by": province.user("enterprise"),
        **extra,
    }
    return services.save_schedule(**values)


def _record(province: Province, worker: Any, day: date, **extra: Any) -> Any:
    values = {
        "worker": worker,
        "method": ScreeningMethod.RAPID_ANTIGEN,
        "sampled_on": day,
        "facility": "Trạm Y tế",
        "result": "negative",
        "by": province.user("enterprise"),
        "client_id": uuid.uuid4(),
        **extra,
    }
    return services.record_test(**values)


@time_machine.travel(TODAY, tick=False)
def test_it_lists_the_rounds_share_less_those_already_tested(
    province: Province,
) -> None:
    extra = f.make_worker("Võ Thị Mai", enterprise=province.enterprise_a)
    _schedule(province)
    ids = sorted(
        w.pk for w in (province.leader, province.member, province.colleague, extra)
    )
    # Round 1 (started today) of 50 % of 4 workers: the third and fourth by id.
    due = services.due_today(enterprise=province.enterprise_a, day=TODAY)
    assert sorted(item.worker.pk for item in due) == ids[2:]
    assert {item.reason for item in due} == {services.SCHEDULE}
    _record(province, due[0].worker, TODAY)
    after = services.due_today(enterprise=province.enterprise_a, day=TODAY)
    assert [item.worker.pk for item in after] == [due[1].worker.pk]
    # A test before the round began does not count for this round.
    _record(province, after[0].worker, TODAY - timedelta(days=3))
    assert len(services.due_today(enterprise=province.enterprise_a, day=TODAY)) == 1
    # Last round (a week ago) asked for the first two.
    earlier = services.due_today(
        enterprise=province.enterprise_a, day=TODAY - timedelta(days=7)
    )
    assert sorted(item.worker.pk for item in earlier) == ids[:2]


@time_machine.travel(TODAY, tick=False)
def test_it_ignores_stopped_schedules_and_inactive_workers(
    province: Province,
) -> None:
    schedule = _schedule(province, share_percent=100)
    province.colleague.employment_status = EmploymentStatus.LEFT
    province.colleague.save()
    due = services.due_today(enterprise=province.enterprise_a, day=TODAY)
    assert {item.worker.pk for item in due} == {province.leader.pk, province.member.pk}
    services.save_schedule(
        enterprise=province.enterprise_a,
        every_days=7,
        share_percent=100,
        method=schedule.method,
        starts_on=schedule.starts_on,
        active=False,
        by=province.user("enterprise"),
        schedule=schedule,
    )
    assert services.due_today(enterprise=province.enterprise_a, day=TODAY) == []


@time_machine.travel(TODAY, tick=False)
def test_it_lists_pool_members_until_their_individual_test(
    province: Province,
) -> None:
    pool_day = TODAY - timedelta(days=2)
    services.record_pool(
        workers=[province.member, province.colleague],
        sampled_on=pool_day,
        facility="CDC Đắk Lắk",
        result="positive",
        by=province.user("enterprise"),
        client_id=uuid.uuid4(),
    )
    due = services.due_today(enterprise=province.enterprise_a, day=TODAY)
    assert {item.worker.pk for item in due} == {
        province.member.pk,
        province.colleague.pk,
    }
    assert {item.reason for item in due} == {services.POOL_FOLLOWUP}
    # A test on the pool's own day is not a follow-up; a later one is.
    _record(province, province.member, pool_day)
    _record(province, province.colleague, TODAY, method=ScreeningMethod.RT_PCR)
    due = services.due_today(enterprise=province.enterprise_a, day=TODAY)
    assert [item.worker.pk for item in due] == [province.member.pk]
    _record(province, province.member, TODAY)
    assert services.due_today(enterprise=province.enterprise_a, day=TODAY) == []


@time_machine.travel(TODAY, tick=False)
def test_it_asks_nothing_after_a_negative_pool(province: Province) -> None:
    services.record_pool(
        workers=[province.member, province.colleague],
        sampled_on=TODAY,
        facility="CDC",
        result="negative",
        by=province.user("enterprise"),
        client_id=uuid.uuid4(),
    )
    assert services.due_today(enterprise=province.enterprise_a, day=TODAY) == []


def test_it_lets_only_editors_plan_and_checks_the_figures(
    province: Province,
) -> None:
    with pytest.raises(PermissionDenied):
        _schedule(province, by=province.user("team_leader"))
    with pytest.raises(PermissionDenied):
        _schedule(province, by=province.user("enterprise_b"))
    with pytest.raises(ValidationError) as exc:
        _schedule(province, every_days=0, share_percent=120, method="x")
    assert set(exc.value.message_dict) == {"every_days", "share_percent", "method"}
    client_id = uuid.uuid4()
    first = _schedule(province, client_id=client_id)
    assert _schedule(province, client_id=client_id).pk == first.pk


@time_machine.travel(TODAY, tick=False)
def test_it_computes_the_due_list_in_a_fixed_number_of_queries(
    province: Province,
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _schedule(province, share_percent=100)
    services.record_pool(
        workers=[province.member, province.colleague],
        sampled_on=TODAY,
        facility="CDC",
        result="positive",
        by=province.user("enterprise"),
        client_id=uuid.uuid4(),
    )

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            services.due_today(enterprise=province.enterprise_a, day=TODAY)
        return len(captured)

    before = queries()
    for number in range(20):
        f.make_worker(f"Công nhân {number}", enterprise=province.enterprise_a)
    assert queries() == before == 5
