"""Team rating: the 15 November – 14 November period, grades as data, the cap
on "excellent" within a unit, the activity evidence and who may rate."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings

from tests import factories as f
from tests.conftest import Province
from tuquan.recognition.models import TeamGrade, TeamRating
from tuquan.recognition.services import rate_team, rating_period, team_grades

DAY = date(2026, 11, 20)


def grade(code: str) -> TeamGrade:
    team_grades()
    return TeamGrade.objects.get(code=code)


def test_it_computes_the_period_for_any_date() -> None:
    assert rating_period(date(2026, 11, 14)).start == date(2025, 11, 15)
    assert rating_period(date(2026, 11, 15)).start == date(2026, 11, 15)
    assert rating_period(date(2026, 11, 15)).end == date(2027, 11, 14)
    assert rating_period(date(2027, 1, 3)).start == date(2026, 11, 15)


def test_it_ships_four_grades(db: None) -> None:
    grades = team_grades()
    assert [g.code for g in grades] == ["xuat_sac", "tot", "dat", "chua_dat"]
    assert [g.is_excellent for g in grades] == [True, False, False, False]


def test_it_records_the_activity_evidence(province: Province) -> None:
    rating = rate_team(
        team=province.team_a,
        grade=grade("tot"),
        by=province.user("enterprise"),
        today=DAY,
    )
    assert rating.period_start == date(2026, 11, 15)
    assert rating.unit_id == province.enterprise_a.pk
    assert rating.evidence["members"] == 2
    assert rating.evidence["patrols"] == 0


def teams(province: Province, n: int) -> list:
    return [f.make_team(f"Tổ {i}", enterprise=province.enterprise_a) for i in range(n)]


def test_it_refuses_excellent_over_the_cap(province: Province) -> None:
    officer = province.user("enterprise")
    extra = teams(province, 4)
    for team in [province.team_a, *extra[:3]]:
        rate_team(team=team, grade=grade("tot"), by=officer, today=DAY)
    # 5 good or better with this one: 20 % allows one excellent.
    rate_team(team=extra[3], grade=grade("xuat_sac"), by=officer, today=DAY)
    with pytest.raises(ValidationError) as exc:
        rate_team(team=extra[0], grade=grade("xuat_sac"), by=officer, today=DAY)
    message = " ".join(exc.value.messages)
    assert "2" in message and "5" in message and "20" in message
    assert TeamRating.objects.get(team=extra[0]).grade.code == "tot"


def test_it_refuses_lowering_a_team_that_keeps_the_cap(province: Province) -> None:
    officer = province.user("enterprise")
    extra = teams(province, 4)
    for team in [province.team_a, *extra[:3]]:
        rate_team(team=team, grade=grade("tot"), by=officer, today=DAY)
    rate_team(team=extra[3], grade=grade("xuat_sac"), by=officer, today=DAY)
    with pytest.raises(ValidationError):
        rate_team(team=extra[0], grade=grade("chua_dat"), by=officer, today=DAY)
    assert TeamRating.objects.get(team=extra[0]).grade.code == "tot"


@override_settings(TUQUAN_TEAM_EXCELLENT_CAP_PERCENT=50)
def test_it_reads_the_cap_from_settings(province: Province) -> None:
    officer = province.user("enterprise")
    (other,) = teams(province, 1)
    rate_team(team=province.team_a, grade=grade("tot"), by=officer, today=DAY)
    rate_team(team=other, grade=grade("xuat_sac"), by=officer, today=DAY)
    assert TeamRating.objects.filter(grade__is_excellent=True).count() == 1


def test_it_keeps_one_rating_per_period(province: Province) -> None:
    officer = province.user("enterprise")
    rate_team(team=province.team_a, grade=grade("dat"), by=officer, today=DAY)
    rate_team(team=province.team_a, grade=grade("tot"), by=officer, today=DAY)
    rate_team(
        team=province.team_a, grade=grade("dat"), by=officer, today=date(2027, 11, 20)
    )
    assert TeamRating.objects.count() == 2


def test_it_lets_only_raters_above_the_team_rate(province: Province) -> None:
    for persona in ("team_leader", "worker", "enterprise_b", "police"):
        with pytest.raises(PermissionDenied):
            rate_team(
                team=province.team_a,
                grade=grade("tot"),
                by=province.user(persona),
                today=DAY,
            )
    rate_team(
        team=province.team_a_residence,
        grade=grade("tot"),
        by=province.user("commune"),
        today=DAY,
    )
    rate_team(
        team=province.team_a, grade=grade("dat"), by=province.user("zone"), today=DAY
    )
    assert TeamRating.objects.count() == 2


def test_it_counts_violations_among_members(province: Province) -> None:
    services = pytest.importorskip("tuquan.violations.services")
    from datetime import datetime

    import time_machine
    from django.utils import timezone

    from tuquan.violations.models import LegalProvision

    provision = LegalProvision.objects.first()
    if provision is None:
        pytest.skip("the violations app ships no legal provision")
    tz = timezone.get_fixed_timezone(7 * 60)
    with time_machine.travel(datetime(2026, 12, 1, 9, 0, tzinfo=tz)):
        services.record_violation(
            by=province.user("zone"),
            subject_kind="worker",
            worker=province.member,
            provision=provision,
            occurred_at=timezone.now(),
            place="Cổng số 1",
            detection="inspection",
            record_number="01/BB",
        )
        rating = rate_team(
            team=province.team_a, grade=grade("dat"), by=province.user("enterprise")
        )
    assert rating.evidence["violations"] == 1
