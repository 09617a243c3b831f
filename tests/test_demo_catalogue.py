"""Tests for tuquan.organisations.demo_catalogue: real places, plausible people."""

from __future__ import annotations

import random
import unicodedata

import pytest
from vietnam_provinces import Ward

from tuquan.organisations import demo_catalogue as cat

WARDS = {w.name: int(w.code) for w in Ward.iter_by_province(cat.PROVINCE_CODE)}


def test_self_check_finds_no_problem():
    assert cat.check_catalogue() == []


@pytest.mark.parametrize("zone", cat.ZONES, ids=lambda z: z["short_name"])
def test_zone_ward_exists_in_province_66(zone):
    assert zone["ward_name"] in WARDS
    assert WARDS[zone["ward_name"]] == zone["ward_code"]


@pytest.mark.parametrize("zone", cat.ZONES, ids=lambda z: z["short_name"])
def test_zone_coordinates_lie_in_the_province(zone):
    # Old Đắk Lắk 12.16–13.42 N, 107.48–109.00 E; old Phú Yên 12.71–13.70 N,
    # 108.67–109.46 E: the merged province fits in this box.
    assert 12.1 <= zone["lat"] <= 13.8
    assert 107.4 <= zone["lng"] <= 109.5
    box = cat.FORMER_PROVINCE_BBOX[zone["former_province"]]
    assert box["lat_min"] <= zone["lat"] <= box["lat_max"]
    assert box["lng_min"] <= zone["lng"] <= box["lng_max"]


def test_zone_names_are_unique_and_match_their_kind():
    names = [z["name"] for z in cat.ZONES]
    shorts = [z["short_name"] for z in cat.ZONES]
    assert len(names) == len(set(names))
    assert len(shorts) == len(set(shorts))
    for zone in cat.ZONES:
        if zone["kind"] == cat.INDUSTRIAL_PARK:
            assert zone["name"].startswith("Khu công nghiệp ")
            assert zone["short_name"].startswith("KCN ")
        else:
            assert zone["kind"] == cat.INDUSTRIAL_CLUSTER
            assert zone["name"].startswith("Cụm công nghiệp ")
            assert zone["short_name"].startswith("CCN ")
            assert zone["area_ha"] <= 75  # the legal ceiling for a cluster
        assert zone["area_ha"] > 0
        assert zone["source"]


def test_both_former_provinces_and_enough_zones():
    parks = cat.zones(cat.INDUSTRIAL_PARK)
    clusters = cat.zones(cat.INDUSTRIAL_CLUSTER)
    assert len(parks) >= 4
    assert len(clusters) >= 10
    assert {z["former_province"] for z in parks} == {"dak_lak", "phu_yen"}
    assert {z["former_province"] for z in clusters} == {"dak_lak", "phu_yen"}
    assert {
        "KCN Hòa Phú",
        "KCN Hòa Hiệp 1",
        "KCN An Phú",
        "KCN Đông Bắc Sông Cầu I",
    } <= set(cat.ZONES_BY_SHORT_NAME)


def test_person_name_is_deterministic_for_a_seed():
    def draw(seed):
        rng = random.Random(seed)
        return [cat.person_name(rng, sex) for sex in ["male", "female"] * 100]

    assert draw(2021) == draw(2021)
    assert draw(2021) != draw(2022)


def test_person_names_are_nfc_and_plausible():
    rng = random.Random(7)
    kinh_family = {n for n, _ in cat.FAMILY_NAMES}
    ethnic_family = {n for n, _ in cat.ETHNIC_FAMILY_NAMES}
    names = [(sex, cat.person_name(rng, sex)) for sex in ["male", "female"] * 2000]
    ethnic = 0
    for sex, name in names:
        assert name == unicodedata.normalize("NFC", name)
        assert name == name.strip() and "  " not in name
        if cat.is_ethnic_name(name):
            ethnic += 1
            # Given name first, family name last; Y for men, H' for women.
            assert name.startswith("Y " if sex == "male" else "H'")
            assert any(name.endswith(" " + family) for family in ethnic_family)
        else:
            # Family name first, then middle name(s), then the given name.
            parts = name.split()
            assert parts[0] in kinh_family
            assert 3 <= len(parts) <= 4
            assert parts[-1] in cat.GIVEN_NAMES[sex]
            if sex == "female" and len(parts) == 4:
                assert parts[1] == "Thị"
    share = ethnic / len(names)
    assert 0.05 <= share <= 0.11  # about 8 %


def test_nguyen_is_about_38_percent():
    rng = random.Random(1)
    names = [cat.person_name(rng, "male") for _ in range(5000)]
    kinh = [n for n in names if not cat.is_ethnic_name(n)]
    share = sum(n.startswith("Nguyễn ") for n in kinh) / len(kinh)
    assert 0.34 <= share <= 0.42


def test_person_name_rejects_unknown_sex():
    with pytest.raises(ValueError):
        cat.person_name(random.Random(0), "other")


def test_enterprise_names_cover_every_sector():
    rng = random.Random(3)
    for code, label in cat.SECTORS:
        assert label
        name = cat.enterprise_name(rng, code, "dak_lak")
        assert name.startswith(("Công ty", "Doanh nghiệp tư nhân", "Hợp tác xã"))
        assert name == unicodedata.normalize("NFC", name)
        assert cat.WORKSHOPS_BY_SECTOR[code]
        assert cat.line_name(code, 2).endswith("2")
    with pytest.raises(ValueError):
        cat.enterprise_name(rng, "unknown")


def test_generators_for_places_and_routes():
    rng = random.Random(5)
    hoa_phu = cat.ZONES_BY_SHORT_NAME["KCN Hòa Phú"]
    route = cat.bus_route_name(rng, hoa_phu)
    assert route.startswith("Tuyến ") and route.split(" (")[0].endswith("– KCN Hòa Phú")
    assert "Tuy Hòa" not in " ".join(cat.bus_origins(hoa_phu))
    assert cat.residence_name(rng, "dormitory", hoa_phu).endswith("KCN Hòa Phú")
    assert cat.residence_name(rng).split()[0] in {"Nhà", "Khu", "Dãy"}
    assert all(cat.residence_address(rng, zone) for zone in cat.ZONES)


def test_shifts_pledges_and_bodies():
    assert [s[0] for s in cat.SHIFT_TEMPLATES][:3] == ["Ca 1", "Ca 2", "Ca 3"]
    for _, start, end in cat.SHIFT_TEMPLATES:
        assert len(start) == len(end) == 5 and start[2] == end[2] == ":"
    for kind in ("workplace", "residence"):
        assert cat.TEAM_PLEDGES[kind]
        assert all(4 <= len(p) <= 6 for p in cat.TEAM_PLEDGES[kind])
    functions = {b["function"] for b in cat.PROVINCE_BODIES}
    assert functions == {
        None,
        "police",
        "health",
        "park_board",
        "industry_trade",
        "labour_federation",
    }
    committee = next(b for b in cat.PROVINCE_BODIES if b["kind"] == "committee")
    assert committee["name"].endswith("Toàn dân bảo vệ an ninh Tổ quốc tỉnh Đắk Lắk")
