"""Patrol plans: a team's route of checkpoints of its own zone or residence,
days of the week, start time and duration; made by the leader or an editor
over the team, shown to those who see the team."""

from __future__ import annotations

from datetime import datetime, time

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import OUTSIDE, Province
from tests.test_patrol_sessions import make_checkpoints
from tuquan.patrols.models import PatrolPlan
from tuquan.patrols.services import create_plan

TZ = timezone.get_fixed_timezone(7 * 60)


def plan(
    province: Province, persona: str = "team_leader", **extra: object
) -> PatrolPlan:
    values: dict[str, object] = {
        "team": province.team_a,
        "name": "Ca đêm",
        "weekdays": [0, 1, 2],
        "start_time": time(21, 0),
        "duration_minutes": 60,
        "route": [],
        "by": province.user(persona),
    }
    values.update(extra)
    return create_plan(**values)  # type: ignore[arg-type]


def test_it_keeps_the_route_in_walking_order(province: Province) -> None:
    cps = make_checkpoints(province)
    made = plan(province, route=[cps[2].pk, cps[0].pk, cps[1].pk], weekdays=[4, 0, 4])
    assert made.route() == [cps[2], cps[0], cps[1]]
    assert made.weekdays == [0, 4]
    by_officer = plan(province, "enterprise", route=[cps[0].pk])
    assert by_officer.team_id == province.team_a.pk


def test_it_explains_a_wrong_plan(province: Province) -> None:
    cps = make_checkpoints(province)
    with pytest.raises(ValidationError) as caught:
        plan(
            province,
            name=" ",
            weekdays=[7],
            duration_minutes=0,
            route=[cps[0].pk, cps[0].pk, cps[3].pk],
        )
    errors = caught.value.message_dict
    assert errors["name"] == ["Hãy đặt tên cho kế hoạch."]
    assert errors["weekdays"] == ["Ngày là số từ 0 (thứ Hai) đến 6 (Chủ nhật)."]
    assert errors["duration_minutes"] == ["Thời lượng từ 1 đến 1440 phút."]
    assert "Một điểm tuần tra xuất hiện hai lần trong lộ trình." in errors["route"]
    assert (
        f"Không phải điểm tuần tra thuộc khu vực của tổ: {cps[3].pk}."
        in errors["route"]
    )
    with pytest.raises(ValidationError, match="Hãy chọn ít nhất một ngày"):
        plan(province, weekdays=[], route=[cps[0].pk])
    for persona in ("worker", "enterprise_b"):
        with pytest.raises(PermissionDenied):
            plan(province, persona, route=[cps[0].pk])
    assert not PatrolPlan.objects.exists()


def test_it_makes_a_plan_from_the_form(province: Province) -> None:
    cps = make_checkpoints(province)
    client = Client()
    client.force_login(province.user("team_leader"))
    listing = client.get(reverse("patrol_plan_list"), {"new": province.team_a.pk})
    url = reverse("patrol_plan_create", args=[province.team_a.pk])
    assert listing.url == url
    form = client.get(url).content.decode()
    assert cps[0].name in form and OUTSIDE not in form
    response = client.post(
        url,
        {
            "name": "Tuần tra cuối tuần",
            "weekdays": ["5", "6"],
            "start_time": "22:30",
            "duration_minutes": "45",
            f"stop_{cps[1].pk}": "1",
            f"order_{cps[1].pk}": "2",
            f"stop_{cps[2].pk}": "1",
            f"order_{cps[2].pk}": "1",
        },
    )
    assert response.status_code == 302
    made = PatrolPlan.objects.get()
    assert made.route() == [cps[2], cps[1]]
    assert made.start_time == time(22, 30) and made.weekdays == [5, 6]
    page = client.get(reverse("patrol_plan_list")).content.decode()
    assert "Tuần tra cuối tuần" in page and "Thứ Bảy" in page
    bad = client.post(url, {"name": "x", "start_time": "", "duration_minutes": "5"})
    assert "Hãy nhập giờ bắt đầu dạng giờ:phút." in bad.content.decode()


def test_it_hides_other_scopes(province: Province) -> None:
    cps = make_checkpoints(province)
    plan(province, route=[cps[0].pk])
    for persona in ("enterprise_b", "outsider"):
        client = Client()
        client.force_login(province.user(persona))
        assert "Ca đêm" not in client.get(reverse("patrol_plan_list")).content.decode()
    for persona in ("team_leader", "enterprise", "zone", "commune"):
        client = Client()
        client.force_login(province.user(persona))
        page = client.get(reverse("patrol_plan_list")).content.decode()
        assert "Ca đêm" in page and OUTSIDE not in page
        url = reverse("patrol_plan_create", args=[province.team_b.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"name": "x"}).status_code == 404


def test_it_shows_the_leader_the_plans_due_today(province: Province) -> None:
    cps = make_checkpoints(province)
    with time_machine.travel(datetime(2026, 11, 30, 9, 0, tzinfo=TZ), tick=False):
        plan(province, name="Ca đêm thứ Hai", weekdays=[0], route=[cps[0].pk])
        plan(province, name="Ca chiều thứ Ba", weekdays=[1], route=[cps[1].pk])
        client = Client()
        client.force_login(province.user("team_leader"))
        page = client.get(reverse("patrol_home")).content.decode()
    assert "Hôm nay: Ca đêm thứ Hai lúc 21:00" in page
    assert "Ca chiều thứ Ba" not in page
