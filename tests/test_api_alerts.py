"""API of outbreak alerts: GET /alerts (filters, pages), GET /alerts/{id},
POST /alerts/detect for health officers."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from tests import factories as f
from tests.conftest import Province
from tests.test_outbreak_pages import make_alert
from tuquan.health.models import DiseaseProfile, HealthDeclaration
from tuquan.surveillance import methods
from tuquan.surveillance.models import OutbreakAlert

pytestmark = pytest.mark.django_db

DAY = date(2026, 11, 28)
API = "/api/v1"


@pytest.fixture(autouse=True)
def frozen() -> Any:
    tz = ZoneInfo("Asia/Ho_Chi_Minh")
    with time_machine.travel(datetime(2026, 11, 29, 9, 0, tzinfo=tz), tick=False):
        yield


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def alerts(province: Province) -> dict[str, Any]:
    return {
        "team": make_alert(province.team_a, "team"),
        "enterprise": make_alert(province.enterprise_a, "enterprise", series="missing"),
        "outside": make_alert(province.team_b, "team", method=methods.CUSUM),
    }


def test_it_lists_alerts_paginated(
    province: Province, alerts: dict[str, Any], health_officer: Any
) -> None:
    response = login(health_officer).get(f"{API}/alerts")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    item = next(i for i in body["items"] if i["id"] == alerts["team"].pk)
    assert item["unit_kind"] == "team"
    assert item["observed"] == 5 and item["expected"] == 0.6
    assert item["threshold"] == 3 and item["upper_bound"] == 2.1
    assert item["message"].startswith(province.team_a.name)
    assert len(item["window"]) == 28
    page = login(health_officer).get(f"{API}/alerts", {"page_size": 1, "page": 2})
    assert page.json()["count"] == 3 and len(page.json()["items"]) == 1


def test_it_filters_alerts(
    province: Province, alerts: dict[str, Any], health_officer: Any
) -> None:
    client = login(health_officer)
    ids = lambda **q: [i["id"] for i in client.get(f"{API}/alerts", q).json()["items"]]  # noqa: E731
    assert ids(kind="enterprise") == [alerts["enterprise"].pk]
    assert ids(series="missing") == [alerts["enterprise"].pk]
    assert ids(method=methods.CUSUM) == [alerts["outside"].pk]
    assert ids(day="2026-11-27") == []
    assert len(ids(since="2026-11-28", until="2026-11-28")) == 3
    assert client.get(f"{API}/alerts", {"kind": "planet"}).status_code == 422


def test_it_gets_one_alert(province: Province, alerts: dict[str, Any]) -> None:
    alert = alerts["team"]
    response = login(province.user("team_leader")).get(f"{API}/alerts/{alert.pk}")
    assert response.status_code == 200
    assert response.json()["day"] == "2026-11-28"


def test_it_hides_other_scopes(province: Province, alerts: dict[str, Any]) -> None:
    leader = login(province.user("team_leader"))
    listed = [i["id"] for i in leader.get(f"{API}/alerts").json()["items"]]
    assert listed == [alerts["team"].pk]
    assert leader.get(f"{API}/alerts/{alerts['outside'].pk}").status_code == 404
    assert leader.get(f"{API}/alerts/{alerts['enterprise'].pk}").status_code == 404
    other = login(province.user("enterprise_b"))
    listed = [i["id"] for i in other.get(f"{API}/alerts").json()["items"]]
    assert listed == [alerts["outside"].pk]
    assert login(province.user("outsider")).get(f"{API}/alerts").json()["count"] == 0
    assert Client().get(f"{API}/alerts").status_code == 401


def test_it_runs_detection_for_health_officers_only(
    province: Province, health_officer: Any
) -> None:
    profile = DiseaseProfile.objects.order_by("pk").first()
    extra = [
        f.make_worker(
            f"Công nhân {i}", enterprise=province.enterprise_a, teams=(province.team_a,)
        )
        for i in range(4)
    ]
    for i in range(28):
        day = DAY - timedelta(days=27 - i)
        for worker in [province.leader, *extra]:
            HealthDeclaration.objects.create(
                worker=worker,
                day=day,
                profile=profile,
                healthy=day != DAY,
                client_id=uuid.uuid4(),
                declared_at=timezone.now(),
            )
    url = f"{API}/alerts/detect"
    refused = login(province.user("enterprise")).post(
        url, {"day": "2026-11-28"}, content_type="application/json"
    )
    assert refused.status_code == 403
    assert not OutbreakAlert.objects.exists()
    client = login(health_officer)
    response = client.post(url, {"day": "2026-11-28"}, content_type="application/json")
    assert response.status_code == 200
    body = response.json()
    assert body["day"] == "2026-11-28"
    # 5 sick in team A (baseline 0): every method alarms for the team.
    assert body["by_kind"]["team"] == 4
    assert body["created"] == body["alarms"] == OutbreakAlert.objects.count()
    again = client.post(url, {"day": "2026-11-28"}, content_type="application/json")
    assert again.json()["created"] == 0
    assert again.json()["updated"] == body["alarms"]
    typed = client.post(url, {"day": "28/11/2026"}, content_type="application/json")
    assert typed.json()["day"] == "2026-11-28"  # dd/mm/yyyy as typed by people
    future = client.post(url, {"day": "2026-12-01"}, content_type="application/json")
    assert future.status_code == 422
    assert "01/12/2026" in future.json()["detail"][0]["messages"][0]
