"""Alert pages: the list with its filters, one alert with its bar chart, the
detection button for health officers, and scope."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from tests.conftest import Province
from tuquan.surveillance import methods
from tuquan.surveillance.models import OutbreakAlert

pytestmark = pytest.mark.django_db

DAY = date(2026, 11, 28)


@pytest.fixture(autouse=True)
def frozen() -> Any:
    tz = ZoneInfo("Asia/Ho_Chi_Minh")
    with time_machine.travel(datetime(2026, 11, 29, 9, 0, tzinfo=tz), tick=False):
        yield


def make_alert(org: Any, kind: str, method: str = methods.C2, **extra: Any) -> Any:
    values = {
        "unit_kind": kind,
        "organisation": org,
        "unit_key": f"{kind}:{org.pk}",
        "unit_name": org.name,
        "scope_path": org.path,
        "day": DAY,
        "series": "symptomatic",
        "method": method,
        "observed": 5,
        "expected": 0.6,
        "sigma": 0.5,
        "statistic": 8.8,
        "threshold": 3,
        "upper_bound": 2.1,
        "window": [0, 1] * 13 + [0, 5],
        "window_start": DAY - timedelta(days=27),
        "message": f"{org.name}: 5 người khai có triệu chứng",
        **extra,
    }
    return OutbreakAlert.objects.create(**values)


@pytest.fixture
def alerts(province: Province) -> dict[str, Any]:
    return {
        "team": make_alert(province.team_a, "team"),
        "zone": make_alert(province.zone_a, "zone", series="missing", statistic=9.5),
        "outside": make_alert(province.team_b, "team", method=methods.CUSUM),
    }


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_it_lists_alerts_with_their_message(
    province: Province, alerts: dict[str, Any], health_officer: Any
) -> None:
    response = login(health_officer).get(reverse("alert_list"))
    assert response.status_code == 200
    # Newest day first, then the strongest statistic.
    assert list(response.context["page_obj"]) == [
        alerts["zone"],
        alerts["team"],
        alerts["outside"],
    ]
    assert "5 người khai có triệu chứng" in response.content.decode()
    assert response.context["may_detect"] is True


def test_it_filters_by_kind_series_method_and_day(
    province: Province, alerts: dict[str, Any], health_officer: Any
) -> None:
    client = login(health_officer)
    url = reverse("alert_list")
    page = client.get(url, {"kind": "zone"}).context["page_obj"]
    assert list(page) == [alerts["zone"]]
    page = client.get(url, {"series": "missing"}).context["page_obj"]
    assert list(page) == [alerts["zone"]]
    page = client.get(url, {"method": methods.CUSUM}).context["page_obj"]
    assert list(page) == [alerts["outside"]]
    assert not client.get(url, {"day": "2026-11-27"}).context["page_obj"]
    # htmx asks for the results only.
    partial = client.get(url, {"kind": "team"}, headers={"HX-Request": "true"})
    assert b"<form" not in partial.content
    assert b"alert-list" in partial.content


def test_it_shows_an_alert_with_its_daily_counts_as_svg(
    province: Province, alerts: dict[str, Any]
) -> None:
    alert = alerts["team"]
    response = login(province.user("team_leader")).get(
        reverse("alert_detail", args=[alert.pk])
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<rect") == 28
    assert 'class="bar-day"' in html
    assert "line-bound" in html
    # Coordinates use a dot whatever the language (Vietnamese uses a comma).
    chart = response.context["chart"]
    last = chart["bars"][-1]
    assert last["judged"] and last["value"] == 5
    assert f'y="{last["y"]}"' in html
    assert "28/11/2026" in html


def test_it_hides_other_scopes(province: Province, alerts: dict[str, Any]) -> None:
    leader = login(province.user("team_leader"))
    page = leader.get(reverse("alert_list")).context["page_obj"]
    assert list(page) == [alerts["team"]]
    assert (
        leader.get(reverse("alert_detail", args=[alerts["zone"].pk])).status_code == 404
    )
    enterprise = login(province.user("enterprise"))
    assert list(enterprise.get(reverse("alert_list")).context["page_obj"]) == [
        alerts["team"]
    ]
    other = login(province.user("enterprise_b"))
    assert list(other.get(reverse("alert_list")).context["page_obj"]) == [
        alerts["outside"]
    ]
    assert (
        other.get(reverse("alert_detail", args=[alerts["team"].pk])).status_code == 404
    )
    assert Client().get(reverse("alert_list")).status_code == 302


def test_it_lets_only_health_officers_run_detection(
    province: Province, health_officer: Any
) -> None:
    leader = login(province.user("team_leader"))
    assert leader.get(reverse("alert_list")).context["may_detect"] is False
    response = leader.post(reverse("alert_detect"), {"day": "2026-11-28"})
    assert response.status_code == 403
    response = login(health_officer).post(
        reverse("alert_detect"), {"day": "2026-11-28"}, follow=True
    )
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].endswith("?day=2026-11-28")
    future = login(health_officer).post(
        reverse("alert_detect"), {"day": "2026-12-05"}, follow=True
    )
    assert "05/12/2026" in future.content.decode()
