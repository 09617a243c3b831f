"""The daily detection: alerts stored once per unit, day, series and method,
updated (never duplicated) on a rerun, in plain Vietnamese."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from tests import factories as f
from tests.conftest import Province
from tuquan.health.models import DiseaseProfile, HealthDeclaration
from tuquan.surveillance import methods
from tuquan.surveillance.models import OutbreakAlert
from tuquan.surveillance.services import (
    alert_message,
    detect_for,
    detect_outbreaks,
    home_todo,
    recent_alert_units,
)
from tuquan.surveillance.tasks import detect_outbreaks_task

pytestmark = pytest.mark.django_db

DAY = date(2026, 11, 28)
START = DAY - timedelta(days=27)


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


@pytest.fixture
def cluster(province: Province) -> Province:
    """Team A grows to 8 members who all declare healthy for 27 days; on the
    28th, 5 of them declare symptoms (team baseline 0 a day)."""
    extra = [
        f.make_worker(f"Công nhân Số {i}", enterprise=province.enterprise_a)
        for i in range(5)
    ]
    for worker in extra:
        worker.memberships.create(team=province.team_a)
    province.colleague.memberships.create(team=province.team_a)
    team = [province.leader, province.member, province.colleague, *extra]
    sick = set(w.pk for w in team[:5])
    for i in range(28):
        day = START + timedelta(days=i)
        for worker in team:
            declare(worker, day, sick=day == DAY and worker.pk in sick)
    return province


def team_alerts(province: Province) -> Any:
    return OutbreakAlert.objects.filter(unit_key=f"team:{province.team_a.pk}")


def test_it_raises_alerts_for_a_cluster_with_every_method(cluster: Province) -> None:
    found = detect_outbreaks(day=DAY)
    alerts = team_alerts(cluster)
    # Team series 0 × 27 then 5 (sd floored to 1):
    #   C1 = C2 = 5 > 3; C3 = 0 + 0 + (5 - 1) = 4 > 2; CUSUM = 5 - 1.04 = 3.96 > 2.26
    assert {a.method for a in alerts} == set(methods.METHODS)
    c2 = alerts.get(method=methods.C2)
    assert c2.series == "symptomatic"
    assert (c2.observed, c2.expected, c2.statistic) == (5, 0, 5)
    assert c2.upper_bound == pytest.approx(3.0)
    assert c2.window == [0] * 27 + [5]
    assert c2.window_start == START
    assert c2.organisation_id == cluster.team_a.pk
    assert c2.scope_path == cluster.team_a.path
    # The enterprise and the zone see the same 5 (no other declarations there).
    kinds = set(OutbreakAlert.objects.values_list("unit_kind", flat=True))
    assert {"team", "enterprise", "zone"} <= kinds
    assert found.alarms == OutbreakAlert.objects.count()
    assert found.created == found.alarms
    assert found.by_method[methods.C2] >= 1


def test_it_writes_the_message_in_plain_vietnamese(cluster: Province) -> None:
    detect_outbreaks(day=DAY)
    c2 = team_alerts(cluster).get(method=methods.C2)
    assert c2.message == (
        "Tổ tự quản Xưởng Rang: 5 người khai có triệu chứng hôm 28/11/2026, "
        "bình thường khoảng 0/ngày; ngưỡng 3 (phương pháp EARS C2)"
    )


def test_it_formats_decimals_and_missing_declarations_the_vietnamese_way() -> None:
    result = methods.Result(methods.C2, 5, 0.6, 0.5, 8.8, 3.0, 2.1, True)
    with translation.override("vi"):
        text = alert_message(
            unit="Tổ X", series="missing", day=DAY, method=methods.C2, result=result
        )
    assert text == (
        "Tổ X: 5 người chưa khai báo y tế hôm 28/11/2026, bình thường khoảng "
        "0,6/ngày; ngưỡng 2,1 (phương pháp EARS C2)"
    )


def test_it_never_duplicates_an_alert_on_a_rerun(cluster: Province) -> None:
    first = detect_outbreaks(day=DAY)
    ids = set(OutbreakAlert.objects.values_list("pk", flat=True))
    again = detect_outbreaks(day=DAY)
    assert set(OutbreakAlert.objects.values_list("pk", flat=True)) == ids
    assert again.created == 0
    assert again.updated == first.alarms
    assert again.removed == 0


def test_it_updates_and_withdraws_alerts_when_the_counts_change(
    cluster: Province,
) -> None:
    detect_outbreaks(day=DAY)
    c1 = team_alerts(cluster).get(method=methods.C1)
    # Two of the five declared again, healthy: 3 sick left, C1 = 3, no alarm;
    # C3 = 3 - 1 = 2, no alarm; CUSUM = 3 - 1.04 = 1.96, no alarm.
    for declaration in HealthDeclaration.objects.filter(day=DAY, healthy=False)[:2]:
        declaration.healthy = True
        declaration.save()
    found = detect_outbreaks(day=DAY)
    assert not team_alerts(cluster).exists()
    assert not OutbreakAlert.objects.filter(pk=c1.pk).exists()
    assert found.removed >= 4


def test_it_does_not_alarm_on_a_steady_unit(province: Province) -> None:
    # Leader sick every day for 28 days: baseline 1, sd 0 floored to 1: C1 = 0.
    for i in range(28):
        declare(province.leader, START + timedelta(days=i), sick=True)
    found = detect_outbreaks(day=DAY)
    assert found.alarms == 0
    assert found.units > 0


def test_it_refuses_a_day_in_the_future(province: Province) -> None:
    with pytest.raises(ValidationError) as exc:
        detect_outbreaks(day=date(2026, 12, 1))
    assert "01/12/2026" in str(exc.value)


def test_it_limits_a_health_officers_run_to_their_scope(
    cluster: Province, health_officer: Any
) -> None:
    # An enterprise officer is not a health officer.
    with pytest.raises(PermissionDenied):
        detect_for(user=cluster.user("enterprise"), day=DAY)
    # A health officer of zone B's commune only: nothing of zone A is judged.
    from tuquan.accounts.choices import Role
    from tuquan.organisations.choices import AgencyFunction, OrgKind
    from tuquan.organisations.models import Organisation

    agency = Organisation.objects.create(
        kind=OrgKind.AGENCY,
        name="Trạm Y tế B",
        parent=cluster.commune_b,
        jurisdiction=cluster.commune_b,
        function=AgencyFunction.HEALTH,
    )
    officer_b = f.make_user(
        "yteb", Role.AGENCY_OFFICER, agency, function=AgencyFunction.HEALTH
    )
    found = detect_for(user=officer_b, day=DAY)
    assert found.alarms == 0
    assert not OutbreakAlert.objects.exists()
    # The province health officer's run finds the cluster; officer B's rerun
    # then leaves zone A's alerts alone.
    assert detect_for(user=health_officer, day=DAY).alarms > 0
    count = OutbreakAlert.objects.count()
    assert detect_for(user=officer_b, day=DAY).removed == 0
    assert OutbreakAlert.objects.count() == count


def test_it_hides_other_scopes(cluster: Province, health_officer: Any) -> None:
    detect_outbreaks(day=DAY)
    visible = OutbreakAlert.objects.visible_to
    assert set(
        visible(cluster.user("team_leader")).values_list("unit_kind", flat=True)
    ) == {"team"}
    assert visible(cluster.user("enterprise")).filter(unit_kind="zone").count() == 0
    assert visible(cluster.user("enterprise_b")).count() == 0
    assert visible(cluster.user("outsider")).count() == 0
    assert visible(cluster.user("worker")).count() == 0
    assert visible(health_officer).count() == OutbreakAlert.objects.count()
    assert recent_alert_units(cluster.user("team_leader")) == 1


def test_it_runs_as_a_celery_task(cluster: Province) -> None:
    result = detect_outbreaks_task.delay(DAY.isoformat()).get()
    assert result["day"] == "2026-11-28"
    assert result["alarms"] == OutbreakAlert.objects.count() > 0
    # Without a day: the last complete day (yesterday, 28/11 here).
    assert detect_outbreaks_task.delay().get()["day"] == "2026-11-28"


def test_it_offers_a_home_todo_to_those_who_see_alerts(cluster: Province) -> None:
    detect_outbreaks(day=DAY)
    text, url, count = home_todo(cluster.user("team_leader"))
    assert count == 1
    assert url.endswith("?since=2026-11-27")
    assert home_todo(cluster.user("outsider")) is None
    assert home_todo(cluster.user("enterprise_b")) is None


def test_it_says_when_earlier_days_already_passed_the_threshold() -> None:
    # CUSUM carried past h + k by the previous days: no count threshold to give.
    result = methods.Result(methods.CUSUM, 1, 0, 1, 7.88, 2.26, None, True)
    with translation.override("vi"):
        text = alert_message(
            unit="Tổ X", series="symptomatic", day=DAY, method=methods.CUSUM,
            result=result,
        )  # fmt: skip
    assert text == (
        "Tổ X: 1 người khai có triệu chứng hôm 28/11/2026, bình thường khoảng "
        "0/ngày; các ngày trước đã vượt ngưỡng: chỉ số 7,88, trên ngưỡng 2,26 "
        "(phương pháp CUSUM)"
    )
