"""The map: markers coloured by epidemic level or risk group, drawn as SVG."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from tuquan.reports import mapview, rollup
from tuquan.reports.models import EnterpriseDay, NodeDay

DAY = dt.date(2021, 7, 15)


def client_for(province: Any, persona: str) -> Client:
    client = Client()
    client.force_login(province.user(persona))
    return client


@pytest.mark.django_db
def test_it_lays_out_units_from_the_tree_without_coordinates(province: Any) -> None:
    rollup.refresh_day(DAY)
    drawing = mapview.build(scope=province.province, day=DAY)
    assert not drawing.geographic
    kinds = {(m.kind, m.pk) for m in drawing.markers}
    assert ("zone", province.zone_a.pk) in kinds
    assert ("enterprise", province.enterprise_b.pk) in kinds
    # Deterministic: the same layout twice.
    again = mapview.build(scope=province.province, day=DAY)
    assert [(m.x, m.y) for m in drawing.markers] == [(m.x, m.y) for m in again.markers]
    for m in drawing.markers:
        assert 0 <= m.x <= mapview.WIDTH and 0 <= m.y <= mapview.HEIGHT


@pytest.mark.django_db
def test_it_colours_by_level_and_by_risk(province: Any) -> None:
    rollup.refresh_day(DAY)
    NodeDay.objects.create(
        day=DAY,
        organisation=province.zone_a,
        path=province.zone_a.path,
        epidemic_level=3,
    )
    EnterpriseDay.objects.filter(day=DAY, enterprise=province.enterprise_a).update(
        risk_band="high", workers_registered=12, in_isolation=2
    )
    by_level = mapview.build(scope=province.zone_a, day=DAY)
    colours = {m.pk: m.colour for m in by_level.markers}
    assert colours[province.zone_a.pk] == mapview.LEVEL_COLOURS[3]
    assert colours[province.enterprise_a.pk] == mapview.LEVEL_COLOURS[3]
    by_risk = mapview.build(scope=province.zone_a, day=DAY, colour_by="risk")
    colours = {m.pk: m.colour for m in by_risk.markers}
    assert colours[province.enterprise_a.pk] == mapview.BAND_COLOURS["high"]
    assert colours[province.enterprise_a2.pk] == mapview.NO_DATA
    zone = next(m for m in by_risk.markers if m.pk == province.zone_a.pk)
    a2 = EnterpriseDay.objects.get(day=DAY, enterprise=province.enterprise_a2)
    assert zone.workers == 12 + a2.workers_registered and zone.isolated == 2
    assert zone.band == "high"


@pytest.mark.django_db
def test_it_places_zones_by_coordinates_and_draws_tiles_when_set(province: Any) -> None:
    province.zone_a.latitude, province.zone_a.longitude = (
        Decimal("12.7"),
        Decimal("108.0"),
    )
    province.zone_a.save()
    province.zone_b.latitude, province.zone_b.longitude = (
        Decimal("12.6"),
        Decimal("108.2"),
    )
    province.zone_b.save()
    rollup.refresh_day(DAY)
    drawing = mapview.build(scope=province.province, day=DAY)
    assert drawing.geographic and not drawing.tiles
    a = next(m for m in drawing.markers if m.pk == province.zone_a.pk)
    b = next(m for m in drawing.markers if m.pk == province.zone_b.pk)
    assert a.x < b.x and a.y < b.y  # west and north of zone B
    with override_settings(TUQUAN_MAP_TILES="https://tiles.example/{z}/{x}/{y}.png"):
        tiled = mapview.build(scope=province.province, day=DAY)
    assert tiled.tiles
    assert "https://tiles.example/" in tiled.svg


@pytest.mark.django_db
def test_the_page_links_markers_to_dashboards(province: Any) -> None:
    rollup.refresh_day(DAY)
    response = client_for(province, "zone").get(
        reverse("dashboard_map", args=(province.zone_a.pk,)),
        {"day": DAY.strftime("%d/%m/%Y"), "colour": "risk"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert reverse("dashboard", args=(province.enterprise_a.pk,)) in page
    assert "Ngoài phạm vi" not in page


@pytest.mark.django_db
def test_it_hides_other_scopes(province: Any) -> None:
    client = client_for(province, "zone")
    response = client.get(reverse("dashboard_map", args=(province.province.pk,)))
    assert response.status_code == 403
    assert "Ngoài phạm vi" not in response.content.decode()
