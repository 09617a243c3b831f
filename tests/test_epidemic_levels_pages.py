"""Epidemic level pages: the week's table with coloured badges, the detail
explained in Vietnamese, the capacity form and its permissions."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from tests.conftest import Province
from tuquan.health.models import Case, CaseOutcome, DiseaseProfile
from tuquan.levels.models import CapacityEntry, WeeklyLevel
from tuquan.levels.services import compute_levels

pytestmark = pytest.mark.django_db

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
WEEK = date(2021, 10, 11)
NOW = datetime(2021, 10, 20, 9, 0, tzinfo=HCM)


@pytest.fixture(autouse=True)
def frozen() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def add_case(worker: Any, day: date = WEEK) -> None:
    Case.objects.create(
        worker=worker,
        profile=DiseaseProfile.objects.get(code="covid-19"),
        basis="positive_test",
        confirmed_on=day,
        isolation_until=day + timedelta(days=7),
        outcome=CaseOutcome.RECOVERED,
    )


def test_it_lists_the_week_with_coloured_badges(province: Province) -> None:
    add_case(province.member)
    compute_levels(week_start=WEEK)
    response = client_for(province.user("commune")).get(
        reverse("epidemic_level_list"), {"week": "2021-W41"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Tuần từ 11/10/2021 đến 17/10/2021" in html
    assert 'class="level red"' in html
    assert "Cấp 4 – Nguy cơ rất cao (đỏ)" in html
    assert "giá trị mặc định, cần xác minh" in html
    assert "Xã Hòa Phú" in html
    assert "KCN Hòa Phú" in html


def test_it_shows_the_latest_computed_week_by_default(province: Province) -> None:
    compute_levels(week_start=WEEK + timedelta(days=7))  # the current week
    compute_levels(week_start=WEEK)
    html = (
        client_for(province.user("province"))
        .get(reverse("epidemic_level_list"))
        .content.decode()
    )
    assert "Tuần từ 18/10/2021 đến 24/10/2021" in html
    assert "Cấp 2 – Nguy cơ trung bình (vàng)" in html


def test_it_filters_by_unit_kind_and_level(province: Province) -> None:
    add_case(province.member)
    compute_levels(week_start=WEEK)
    client = client_for(province.user("province"))
    url = reverse("epidemic_level_list")
    zones = client.get(url, {"week": "2021-10-11", "kind": "zone"}).content.decode()
    assert "KCN Hòa Phú" in zones
    assert "Xã Hòa Phú" not in zones
    red = client.get(url, {"week": "2021-10-11", "level": "4"}).content.decode()
    assert "KCN Hòa Phú" in red
    assert "Ngoài phạm vi" not in red.split('id="results"')[1]


def test_it_explains_a_future_week_in_vietnamese(province: Province) -> None:
    compute_levels(week_start=WEEK)
    html = (
        client_for(province.user("commune"))
        .get(reverse("epidemic_level_list"), {"week": "2021-W44"})
        .content.decode()
    )
    assert "chưa bắt đầu" in html
    assert "Tuần từ 11/10/2021" in html


def test_it_hides_other_scopes(province: Province) -> None:
    compute_levels(week_start=WEEK)
    client = client_for(province.user("enterprise"))
    html = (
        client.get(reverse("epidemic_level_list"), {"week": "2021-W41"})
        .content.decode()
        .split('id="results"')[1]
    )
    assert "KCN Hòa Phú" in html
    assert "Ngoài phạm vi" not in html
    other = WeeklyLevel.objects.get(unit=province.zone_b, week_start=WEEK)
    detail = client.get(reverse("epidemic_level_detail", args=[other.pk]))
    assert detail.status_code == 404
    form = client_for(province.user("commune")).get(
        reverse("epidemic_capacity_edit", args=[province.commune_b.pk])
    )
    assert form.status_code == 404
    nothing = client_for(province.user("outsider")).get(
        reverse("epidemic_level_list"), {"week": "2021-W41"}
    )
    assert "Chưa tính cấp độ dịch cho tuần này" in nothing.content.decode()


def test_it_explains_the_level_in_plain_vietnamese(province: Province) -> None:
    add_case(province.member)
    compute_levels(week_start=WEEK)
    row = WeeklyLevel.objects.get(unit=province.zone_a, week_start=WEEK)
    html = (
        client_for(province.user("zone"))
        .get(reverse("epidemic_level_detail", args=[row.pk]))
        .content.decode()
    )
    assert "Tỷ lệ = 1 × 100.000 ÷ 4 = 25.000,00 ca mắc mới/100.000 người/tuần" in html
    assert "Chưa rõ độ bao phủ vắc xin" in html
    assert "từ 150 ca mắc mới/100.000 người/tuần trở lên với" in html
    assert "Kết quả: Cấp 4 – Nguy cơ rất cao (đỏ)." in html
    # A zone board does not enter capacity.
    assert reverse("epidemic_capacity_edit", args=[province.zone_a.pk]) not in html


def test_it_enters_capacity_and_recomputes(
    province: Province, health_officer: Any
) -> None:
    compute_levels(week_start=WEEK)
    client = client_for(health_officer)
    url = reverse("epidemic_capacity_edit", args=[province.commune_a.pk])
    form = client.get(url, {"week": "2021-10-13"})
    assert 'value="2021-W41"' in form.content.decode()
    response = client.post(
        url,
        {
            "week": "2021-W41",
            "status": "falls_short",
            "treatment_beds": "12",
            "population": "25000",
            "coverage_one_dose_pct": "72,5",
            "note": "Thiếu giường hồi sức",
        },
    )
    row = WeeklyLevel.objects.get(unit=province.commune_a, week_start=WEEK)
    assert response.status_code == 302
    assert response["Location"] == reverse("epidemic_level_detail", args=[row.pk])
    assert (row.population, row.base_level, row.level) == (25000, 1, 2)
    detail = client.get(response["Location"]).content.decode()
    assert "nâng lên một cấp" in detail
    assert "Thiếu giường hồi sức" in detail


def test_it_shows_bad_capacity_input_in_vietnamese(
    province: Province, health_officer: Any
) -> None:
    client = client_for(health_officer)
    url = reverse("epidemic_capacity_edit", args=[province.commune_a.pk])
    response = client.post(
        url, {"week": "2021-W41", "status": "meets", "treatment_beds": "-3"}
    )
    assert response.status_code == 200
    assert "Số giường điều trị không được âm (-3)." in response.content.decode()
    future = client.post(url, {"week": "2021-W45", "status": "meets"})
    assert "chưa bắt đầu" in future.content.decode()
    assert not CapacityEntry.objects.exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    # Those who see the zone are refused; those below it do not see it at all.
    [("zone", 403), ("police", 403), ("enterprise", 404), ("team_leader", 404)],
)
def test_it_refuses_the_capacity_form_to_other_roles(
    province: Province, persona: str, status: int
) -> None:
    client = client_for(province.user(persona))
    url = reverse("epidemic_capacity_edit", args=[province.zone_a.pk])
    response = client.post(url, {"week": "2021-W41", "status": "meets"})
    assert response.status_code == status
    if status == 403:
        assert (
            "Chỉ Ban Chỉ đạo tỉnh, cấp xã và cán bộ y tế" in response.content.decode()
        )
    assert not CapacityEntry.objects.exists()


def test_it_computes_the_week_for_the_officer_s_units(province: Province) -> None:
    client = client_for(province.user("commune"))
    response = client.post(reverse("epidemic_level_compute"), {"week": "2021-10-11"})
    assert response.status_code == 302
    units = set(
        WeeklyLevel.objects.filter(week_start=WEEK).values_list("unit_id", flat=True)
    )
    # Commune A and its zone; commune B is not theirs to assess.
    assert units == {province.commune_a.pk, province.zone_a.pk}
    refused = client_for(province.user("enterprise")).post(
        reverse("epidemic_level_compute"), {"week": "2021-10-11"}
    )
    assert refused.status_code == 403


def test_it_fits_a_phone(province: Province) -> None:
    compute_levels(week_start=WEEK)
    html = (
        client_for(province.user("commune"))
        .get(reverse("epidemic_level_list"), {"week": "2021-W41"})
        .content.decode()
    )
    # The table collapses into labelled rows on a narrow screen (app.css).
    assert 'class="responsive level-table"' in html
    assert 'data-label="Cấp độ"' in html
    assert 'name="viewport"' in html


def test_it_lists_in_a_constant_number_of_queries(province: Province) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests import factories as f

    client = client_for(province.user("province"))
    url = reverse("epidemic_level_list")
    compute_levels(week_start=WEEK)
    client.get(url, {"week": "2021-W41"})  # warm the session and caches
    with CaptureQueriesContext(connection) as few:
        client.get(url, {"week": "2021-W41"})
    for n in range(10):
        f.make_commune(province.province, f"Xã Thêm {n}", f"7{n:04d}")
    compute_levels(week_start=WEEK)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url, {"week": "2021-W41"})
    assert "Xã Thêm 9" in response.content.decode()
    assert len(many) == len(few)


def test_it_writes_the_demo_weeks(province: Province) -> None:
    from tuquan.levels.demo import write_levels

    counted: dict[str, int] = {}

    class Writer:
        def count(self, model: Any, n: int) -> None:
            counted[model._meta.label_lower] = n

    with time_machine.travel(datetime(2021, 11, 10, 9, 0, tzinfo=HCM), tick=False):
        assert write_levels(Writer()) == 16  # 4 units × 4 weeks
    weeks = set(WeeklyLevel.objects.values_list("week_start", flat=True))
    # The current week (from Monday 8/11) and the three before it.
    assert weeks == {date(2021, 10, 18) + timedelta(days=7 * n) for n in range(4)}
    assert counted == {"levels.weeklylevel": 16}
