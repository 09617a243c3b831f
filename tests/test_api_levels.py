"""GET /api/v1/epidemic-levels, GET /api/v1/epidemic-levels/{id} and
PUT /api/v1/epidemic-levels/units/{id}/capacity."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from tests.conftest import Province
from tuquan.health.models import Case, CaseOutcome, DiseaseProfile
from tuquan.levels.models import CapacityEntry, WeeklyLevel
from tuquan.levels.services import compute_levels

pytestmark = pytest.mark.django_db

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
WEEK = date(2021, 10, 11)
NOW = datetime(2021, 10, 20, 9, 0, tzinfo=HCM)
URL = "/api/v1/epidemic-levels"


@pytest.fixture(autouse=True)
def frozen() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def put_capacity(client: Client, unit: Any, body: dict[str, Any]) -> Any:
    return client.put(
        f"{URL}/units/{unit.pk}/capacity",
        data=json.dumps(body),
        content_type="application/json",
    )


def add_case(worker: Any) -> None:
    Case.objects.create(
        worker=worker,
        profile=DiseaseProfile.objects.get(code="covid-19"),
        basis="positive_test",
        confirmed_on=WEEK,
        isolation_until=WEEK + timedelta(days=7),
        outcome=CaseOutcome.RECOVERED,
    )


def test_it_lists_the_week_highest_level_first(province: Province) -> None:
    add_case(province.member)
    compute_levels(week_start=WEEK)
    response = login(province.user("province")).get(URL, {"week": "2021-W41"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == 4
    first = body["items"][0]
    assert first["level"] == 4
    assert first["level_label"] == "Cấp 4 – Nguy cơ rất cao (đỏ)"
    assert first["colour"] == "red"
    assert first["cases"] == 1 and first["population"] == 4
    assert first["rate"] == "25000.00"
    assert first["thresholds_to_verify"] is True


def test_it_filters_by_kind_and_level(province: Province) -> None:
    add_case(province.member)
    compute_levels(week_start=WEEK)
    client = login(province.user("province"))
    zones = client.get(URL, {"week": "2021-10-11", "kind": "zone"}).json()
    assert {row["unit_kind"] for row in zones["items"]} == {"industrial_park"}
    red = client.get(URL, {"week": "2021-10-11", "level": 4}).json()
    assert {row["unit_id"] for row in red["items"]} == {
        province.commune_a.pk,
        province.zone_a.pk,
    }


def test_it_defaults_to_the_latest_week(province: Province) -> None:
    compute_levels(week_start=WEEK)
    compute_levels(week_start=WEEK + timedelta(days=7))
    body = login(province.user("province")).get(URL).json()
    assert {row["week_start"] for row in body["items"]} == {"2021-10-18"}


def test_it_hides_other_scopes(province: Province) -> None:
    compute_levels(week_start=WEEK)
    client = login(province.user("enterprise"))
    body = client.get(URL, {"week": "2021-W41"}).json()
    assert {row["unit_id"] for row in body["items"]} == {
        province.commune_a.pk,
        province.zone_a.pk,
    }
    other = WeeklyLevel.objects.get(unit=province.zone_b, week_start=WEEK)
    assert client.get(f"{URL}/{other.pk}").status_code == 404
    response = put_capacity(
        login(province.user("commune")),
        province.commune_b,
        {"week": "2021-W41", "status": "meets"},
    )
    assert response.status_code == 404
    assert login(province.user("outsider")).get(URL).json()["count"] == 0


def test_it_explains_one_level(province: Province) -> None:
    compute_levels(week_start=WEEK)
    row = WeeklyLevel.objects.get(unit=province.commune_a, week_start=WEEK)
    body = login(province.user("commune")).get(f"{URL}/{row.pk}").json()
    assert body["level"] == 2
    assert body["inputs"]["workers"] == 4
    assert body["explanation"][-1] == "Kết quả: Cấp 2 – Nguy cơ trung bình (vàng)."


def test_it_puts_capacity_and_returns_the_recomputed_level(
    province: Province, health_officer: Any
) -> None:
    client = login(health_officer)
    body = {"week": "2021-W41", "status": "falls_short", "treatment_beds": 8}
    response = put_capacity(client, province.zone_a, body)
    assert response.status_code == 200, response.content
    assert response.json()["level"] == 3
    assert response.json()["capacity_status"] == "falls_short"
    # PUT again: the same entry is replaced, not duplicated.
    body["status"] = "meets"
    again = put_capacity(client, province.zone_a, body)
    assert again.json()["level"] == 2
    assert CapacityEntry.objects.count() == 1


def test_it_refuses_bad_capacity_in_vietnamese(
    province: Province, health_officer: Any
) -> None:
    client = login(health_officer)
    response = put_capacity(
        client,
        province.commune_a,
        {"week": "2021-W41", "status": "meets", "treatment_beds": -1},
    )
    assert response.status_code == 422
    errors = {e["field"]: e["messages"] for e in response.json()["detail"]}
    assert errors["treatment_beds"] == ["Số giường điều trị không được âm (-1)."]
    future = put_capacity(
        client, province.commune_a, {"week": "2021-W50", "status": "meets"}
    )
    assert future.status_code == 422
    assert "chưa bắt đầu" in future.json()["detail"][0]["messages"][0]
    assert not CapacityEntry.objects.exists()


def test_it_refuses_capacity_from_a_zone_board(province: Province) -> None:
    response = put_capacity(
        login(province.user("zone")),
        province.zone_a,
        {"week": "2021-W41", "status": "meets"},
    )
    assert response.status_code == 403
    assert not CapacityEntry.objects.exists()


def test_it_refuses_a_malformed_week(province: Province) -> None:
    response = login(province.user("province")).get(URL, {"week": "tuần 41"})
    assert response.status_code == 422
    assert "không phải là một tuần" in response.json()["detail"][0]["messages"][0]


def test_it_lists_units_without_a_level_last(province: Province) -> None:
    from tests import factories as f

    empty = f.make_commune(province.province, "Xã Chưa Có Công Nhân", "70001")
    compute_levels(week_start=WEEK)
    items = login(province.user("province")).get(URL, {"week": "2021-W41"}).json()
    last = items["items"][-1]
    assert last["unit_id"] == empty.pk
    assert last["level"] is None and last["rate"] is None
    assert last["colour"] == "grey"
    assert all(row["level"] == 2 for row in items["items"][:-1])
