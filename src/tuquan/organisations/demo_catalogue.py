"""Catalogue for the demo province: Đắk Lắk after 1 July 2025 (old Đắk Lắk + old Phú Yên).

Pure Python data and deterministic generators, no Django models and no database, so the
``tuquan demo`` command (and tests) can build a realistic sample organisation from it.
Every screen that shows this data labels it "dữ liệu mẫu"; the data is still meant to be
as close to reality as public sources allow:

* ``ZONES``: the industrial parks (KCN) and industrial clusters (CCN) of the merged
  province, by their public names, each placed in the post-2025 commune or ward (names
  exactly as in ``vietnam_provinces`` 2025.10.1, province 66) and cited to the page where
  the name was found. Facts that could not be confirmed are flagged ``# UNCERTAIN`` in a
  comment next to them.
* name pools and ``person_name()`` for plausible Kinh and Ê Đê / M'nông people;
* enterprise name parts, ``SECTORS`` and ``enterprise_name()`` (invented names only);
* residence, workshop, line, shift and bus-route pools, and team pledges;
* ``PROVINCE_BODIES``: the provincial steering committee and the agencies it directs.

``check_catalogue()`` at the bottom returns a list of problems (empty when all is well);
``python -m tuquan.organisations.demo_catalogue`` prints them.

Old-to-new commune mapping was checked against the 2025 conversion table shipped by the
``vietnamadminunits`` package (converter_2025.json), used once offline for research; it is
not a dependency of this module.
"""

from __future__ import annotations

import math
import random
import unicodedata
from collections.abc import Sequence
from typing import Any

PROVINCE_CODE = 66
PROVINCE_NAME = "Đắk Lắk"

# Bounding box of today's province, rounded outwards. Sources: old Đắk Lắk spans about
# 12.16–13.42 N, 107.48–109.00 E and old Phú Yên 12.71–13.70 N, 108.67–109.46 E
# (province bounds in the vietnamadminunits data set; for Phú Yên also QĐ 1746/QĐ-TTg
# 30/12/2023: 12°42'36"–13°41'28" N, 108°40'40"–109°27'47" E).
PROVINCE_BBOX = {"lat_min": 12.1, "lat_max": 13.8, "lng_min": 107.4, "lng_max": 109.5}
FORMER_PROVINCE_BBOX = {
    "dak_lak": {
        "lat_min": 12.15,
        "lat_max": 13.45,
        "lng_min": 107.45,
        "lng_max": 109.0,
    },
    "phu_yen": {"lat_min": 12.7, "lat_max": 13.7, "lng_min": 108.67, "lng_max": 109.46},
}

INDUSTRIAL_PARK = "industrial_park"
INDUSTRIAL_CLUSTER = "industrial_cluster"
ZONE_KINDS = (INDUSTRIAL_PARK, INDUSTRIAL_CLUSTER)
# operating: has tenants; under_construction: investor chosen, works started;
# planned: in the provincial plan only.
ZONE_STATUSES = ("operating", "under_construction", "planned")

# Sources used below (quoted by several zones).
_SRC_CAFELAND_HOA_PHU = "https://cafeland.vn/quy-hoach/tang-dien-tich-khu-cong-nghiep-tai-dak-lak-len-gap-3-lan-67872.html"
_SRC_PHU_XUAN = "https://tracuuquyhoach.com/tin-tuc/pho-thu-tuong-tran-hong-ha-du-khoi-cong-khu-cong-nghiep-phu-xuan-dak-lak-51677281"
_SRC_QH_DAK_LAK = (
    "https://baoquankhu7.vn/(X(1)S(d5fjcfoppis4lhgpgrqjqhqb))/ExtAppCommon/Home_V2/ViewDetailPost"
    "?AspxAutoDetectCookieSupport=1&idLoaiTin=376&idPost=45454"
    " (Quy hoạch tỉnh Đắk Lắk 2021–2030: KCN M'Drắk 300 ha, Ea Kar 480 ha, Ea H'leo 400 ha;"
    " CCN Buôn Chăm)"
)
_SRC_VCCI_2012 = "https://www.vccinews.com/prode/25848/.html (Many Opportunities to Invest into Dak Lak Industrial Parks, 19/4/2012)"
_SRC_TAI_LIEU_DL = "https://tai-lieu.com/tai-lieu/su-phat-trien-cong-nghiep-va-cac-khu-cong-nghiep-tren-dia-ban-tinh-dac-lak-62261"
_SRC_PY_AREAS = "https://kinhtevadubao.vn/mot-so-kcn-tinh-lam-dong-va-phu-yen-se-bi-thu-hep-lai-8948.html"
_SRC_PY_3KCN = "https://baodautu.vn/phu-yen-co-205-ha-dat-chua-cho-thue-lai-tai-cac-khu-cong-nghiep-d176204.html"
_SRC_PY_CCN = "https://baophuyen.vn/82/66414/con-nhieu-kho-khan.html"
_SRC_PY_CCN_2005 = "http://socongthuong.phuyen.gov.vn/default.aspx?page=news&do=detail&category_id=178&news_id=9954"
_SRC_PY_SONG_CAU_CCN = "https://baophuyen.vn/82/133030/tx-song-cau--thanh-lap-hai-cum-cong-nghiep-trieu-son-va-trung-trinh.html"


def _zone(**fields: Any) -> dict[str, Any]:
    return fields


# Keys: name, short_name, kind, status, former_province ("dak_lak" | "phu_yen"),
# former_location (pre-2025 commune, district), ward_name (exact vietnam_provinces
# name), ward_code, lat, lng (approximate WGS84), area_ha (planned area), sectors
# (codes from SECTORS typical of the zone), source.
#
# Note: vietnam_provinces 2025.10.1 spells four Buôn Ma Thuột wards with two spaces
# ("Phường  Tân An") and uses U+2019 in names such as "Xã M’Drắk". ``ward_name`` keeps
# the package spelling so that it matches exactly; look wards up by ``ward_code``.
ZONES: list[dict[str, Any]] = [
    # ---- Industrial parks, old Đắk Lắk -------------------------------------------
    _zone(
        name="Khu công nghiệp Hòa Phú",
        short_name="KCN Hòa Phú",
        kind=INDUSTRIAL_PARK,
        status="operating",
        former_province="dak_lak",
        former_location="xã Hòa Phú, TP Buôn Ma Thuột",
        ward_name="Xã Hòa Phú",
        ward_code=24175,
        # OpenStreetMap landuse area way/182822939 (centre).
        lat=12.5992,
        lng=107.9410,
        # 181.73 ha established; the Prime Minister agreed an extension to 331.73 ha.
        area_ha=181.73,
        sectors=[
            "coffee",
            "agri_products",
            "wood",
            "building_materials",
            "animal_feed",
            "packaging",
        ],
        source=_SRC_CAFELAND_HOA_PHU,
    ),
    _zone(
        name="Khu công nghiệp Phú Xuân",
        short_name="KCN Phú Xuân",
        kind=INDUSTRIAL_PARK,
        status="under_construction",  # ground broken March 2025 (QĐ 1708/QĐ-TTg)
        former_province="dak_lak",
        former_location="xã Ea Drơng, huyện Cư M'gar",
        # Old xã Ea Drơng (Cư M'gar) went into Xã Cuôr Đăng. Not to be confused with
        # today's "Xã Ea Drông" (old Buôn Hồ) nor with "Xã Phú Xuân" (old Krông Năng).
        ward_name="Xã Cuôr Đăng",
        ward_code=24301,
        lat=12.765,  # UNCERTAIN: placed inside old Ea Drơng, 15–20 km NE of the city
        lng=108.160,
        area_ha=313.03,
        sectors=["agri_products", "coffee", "food", "garment", "logistics"],
        source=_SRC_PHU_XUAN,
    ),
    _zone(
        name="Khu công nghiệp M'Drắk",
        short_name="KCN M'Drắk",
        kind=INDUSTRIAL_PARK,
        status="planned",
        former_province="dak_lak",
        former_location="huyện M'Drắk",
        ward_name="Xã M’Drắk",  # UNCERTAIN: commune not published; district seat used
        ward_code=24412,
        lat=12.790,  # UNCERTAIN: near the old district town
        lng=108.725,
        area_ha=300.0,
        sectors=["cassava_starch", "wood", "building_materials", "solar"],
        source=_SRC_QH_DAK_LAK,
    ),
    _zone(
        name="Khu công nghiệp Ea Kar",
        short_name="KCN Ea Kar",
        kind=INDUSTRIAL_PARK,
        status="planned",
        former_province="dak_lak",
        former_location="huyện Ea Kar",
        ward_name="Xã Ea Kar",  # UNCERTAIN: commune not published; district seat used
        ward_code=24373,
        lat=12.805,  # UNCERTAIN
        lng=108.470,
        area_ha=480.0,
        sectors=["agri_products", "cassava_starch", "food", "wood"],
        source=_SRC_QH_DAK_LAK,
    ),
    _zone(
        name="Khu công nghiệp Ea H'leo",
        short_name="KCN Ea H'leo",
        kind=INDUSTRIAL_PARK,
        status="planned",
        former_province="dak_lak",
        former_location="huyện Ea H'leo",
        # UNCERTAIN: commune not published; Xã Ea Drăng absorbed the old district town.
        ward_name="Xã Ea Drăng",
        ward_code=24181,
        lat=13.215,  # UNCERTAIN
        lng=108.215,
        area_ha=400.0,
        sectors=["agri_products", "coffee", "wood", "solar"],
        source=_SRC_QH_DAK_LAK,
    ),
    # ---- Industrial parks, old Phú Yên (managed by the Phú Yên economic zone board) --
    _zone(
        name="Khu công nghiệp Hòa Hiệp 1",
        short_name="KCN Hòa Hiệp 1",
        kind=INDUSTRIAL_PARK,
        status="operating",
        former_province="phu_yen",
        former_location="phường Hòa Hiệp Bắc và Hòa Hiệp Trung, TX Đông Hòa",
        # Hòa Hiệp Trung went whole into Phường Hòa Hiệp; Hòa Hiệp Bắc was split, its
        # larger part also going to Phường Hòa Hiệp.
        ward_name="Phường Hòa Hiệp",
        ward_code=22261,
        lat=13.005,
        lng=109.358,
        area_ha=102.33,  # adjusted 1/2000 zoning plan approved 9/5/2024
        sectors=[
            "seafood",
            "food",
            "animal_feed",
            "pharma",
            "mechanical",
            "building_materials",
        ],
        source="https://amp.baodautu.vn/phu-yen-phe-duyet-do-an-dieu-chinh-quy-hoach-khu-cong-nghiep-hoa-hiep-1-d214803.html",
    ),
    _zone(
        name="Khu công nghiệp Hòa Hiệp 2",
        short_name="KCN Hòa Hiệp 2",
        kind=INDUSTRIAL_PARK,
        status="planned",  # UNCERTAIN: no tenant information found
        former_province="phu_yen",
        former_location="TX Đông Hòa (Khu kinh tế Nam Phú Yên)",
        ward_name="Phường Hòa Hiệp",  # UNCERTAIN: exact old commune not found
        ward_code=22261,
        lat=12.972,  # UNCERTAIN
        lng=109.385,
        area_ha=106.0,  # reduced from 221 ha by the Prime Minister
        sectors=["seafood", "mechanical", "garment", "packaging"],
        source=_SRC_PY_AREAS,
    ),
    _zone(
        name="Khu công nghiệp An Phú",
        short_name="KCN An Phú",
        kind=INDUSTRIAL_PARK,
        status="operating",
        former_province="phu_yen",
        former_location="xã An Phú, TP Tuy Hòa",
        ward_name="Phường Bình Kiến",  # old xã An Phú went whole into Phường Bình Kiến
        ward_code=22045,
        lat=13.152,
        lng=109.262,
        area_ha=68.4,  # reduced from 100 ha
        sectors=["seafood", "food", "pharma", "wood", "packaging", "garment"],
        source=_SRC_PY_AREAS + " ; " + _SRC_PY_3KCN,
    ),
    _zone(
        name="Khu công nghiệp Đông Bắc Sông Cầu – Khu vực I",
        short_name="KCN Đông Bắc Sông Cầu I",
        kind=INDUSTRIAL_PARK,
        status="operating",
        former_province="phu_yen",
        former_location="xã Xuân Hải và xã Xuân Cảnh, TX Sông Cầu",
        # The park straddles old Xuân Hải (now Xã Xuân Lộc) and old Xuân Cảnh (now Xã
        # Xuân Cảnh); it lies on QL1D, mostly in Xuân Hải, so Xã Xuân Lộc is used.
        ward_name="Xã Xuân Lộc",
        ward_code=22057,
        lat=13.600,
        lng=109.235,
        area_ha=104.0,  # "hơn 104 ha" (105.8 ha in the original phase-1 plan)
        sectors=["seafood", "wood", "food", "animal_feed"],
        source=_SRC_PY_3KCN
        + " ; https://baophuyen.vn/82/1257/hap-luc-tu-khu-cong-nghiep-dong-bac-song-cau.html",
    ),
    _zone(
        name="Khu công nghiệp Đông Bắc Sông Cầu – Khu vực II",
        short_name="KCN Đông Bắc Sông Cầu II",
        kind=INDUSTRIAL_PARK,
        status="planned",
        former_province="phu_yen",
        former_location="TX Sông Cầu",
        ward_name="Xã Xuân Lộc",  # UNCERTAIN: assumed next to area I, in old Xuân Hải
        ward_code=22057,
        lat=13.625,  # UNCERTAIN
        lng=109.225,
        area_ha=82.0,
        sectors=["seafood", "wood", "building_materials"],
        source=_SRC_PY_AREAS,
    ),
    _zone(
        name="Khu công nghiệp Hòa Tâm",
        short_name="KCN Hòa Tâm",
        kind=INDUSTRIAL_PARK,
        status="under_construction",  # phase 1 (491.87 ha, Hòa Phát group) started 8/2025
        former_province="phu_yen",
        former_location="xã Hòa Tâm, TX Đông Hòa",
        ward_name="Xã Hòa Xuân",  # old Hòa Tâm went whole into Xã Hòa Xuân
        ward_code=22291,
        lat=12.915,
        lng=109.400,
        area_ha=1080.0,  # whole park; phase 1 is 491.87 ha
        sectors=["mechanical", "logistics", "building_materials"],
        source="https://baodautu.vn/tap-doan-hoa-phat-dau-tu-khu-cong-nghiep-gan-4200-ty-dong-tai-phu-yen-d289684.html"
        " ; https://dautu.kinhtechungkhoan.vn/vi-sao-khu-kinh-te-nam-phu-yen-thanh-cong-thu-hut-nhieu-khu-cong-nghiep-moi-191080.html",
    ),
    _zone(
        name="Khu công nghiệp công nghệ cao Phú Yên",
        short_name="KCN công nghệ cao Phú Yên",
        kind=INDUSTRIAL_PARK,
        status="under_construction",  # investor approved 23/5/2025 (QĐ 830, 831/QĐ-UBND)
        former_province="phu_yen",
        former_location="Khu kinh tế Nam Phú Yên, TX Đông Hòa",
        # UNCERTAIN: the commune was not found; the launch ceremony (19/8/2025) was held
        # in Xã Hòa Xuân together with KCN Hòa Tâm.
        ward_name="Xã Hòa Xuân",
        ward_code=22291,
        lat=12.910,  # UNCERTAIN
        lng=109.375,
        area_ha=251.6,  # reduced from 370 ha
        sectors=["electronics", "pharma", "solar", "logistics"],
        source="https://langngheviet.com.vn/phu-yen-co-them-hai-khu-cong-nghiep-quy-mo-lon-tao-viec-lam-hang-chuc-ngan-lao-dong-32952.html",
    ),
    _zone(
        name="Khu công nghiệp Hòa Thành",
        short_name="KCN Hòa Thành",
        kind=INDUSTRIAL_PARK,
        status="planned",  # zoning plan commissioned for 2024–2025
        former_province="phu_yen",
        former_location="phường Phú Lâm (TP Tuy Hòa) và xã Hòa Thành (TX Đông Hòa)",
        ward_name="Phường Phú Yên",  # both old units went into Phường Phú Yên
        ward_code=22240,
        lat=13.040,
        lng=109.302,
        area_ha=472.0,  # "khoảng 472 ha" proposed
        sectors=["mechanical", "garment", "logistics", "electronics"],
        source="https://baodautu.vn/phu-yen-lap-2-quy-hoach-quan-trong-lien-quan-den-thi-xa-dong-hoa-d219153.html",
    ),
    # ---- Industrial clusters, old Đắk Lắk ----------------------------------------
    _zone(
        name="Cụm công nghiệp Tân An 1",
        short_name="CCN Tân An 1",
        kind=INDUSTRIAL_CLUSTER,
        status="operating",
        former_province="dak_lak",
        former_location="phường Tân An, TP Buôn Ma Thuột",
        ward_name="Phường  Tân An",  # two spaces: package spelling
        ward_code=24163,
        lat=12.704,
        lng=108.079,
        # Sources give 104.75 ha for Tân An 1 and 2 together; the split is ours.
        area_ha=52.0,
        sectors=["coffee", "agri_products", "wood", "mechanical", "packaging", "food"],
        source=_SRC_VCCI_2012 + " ; " + _SRC_TAI_LIEU_DL,
    ),
    _zone(
        name="Cụm công nghiệp Tân An 2",
        short_name="CCN Tân An 2",
        kind=INDUSTRIAL_CLUSTER,
        status="operating",
        former_province="dak_lak",
        former_location="TP Buôn Ma Thuột (khu vực phường Tân An)",
        ward_name="Phường  Tân An",  # old Tân An, Ea Tu and Hòa Thuận all form it
        ward_code=24163,
        lat=12.713,  # UNCERTAIN: placed next to Tân An 1
        lng=108.090,
        area_ha=52.75,  # plausible: remainder of the 104.75 ha combined figure
        sectors=["coffee", "agri_products", "building_materials", "mechanical", "food"],
        source=_SRC_VCCI_2012 + " ; " + _SRC_TAI_LIEU_DL,
    ),
    _zone(
        name="Cụm công nghiệp Ea Đar",
        short_name="CCN Ea Đar",
        kind=INDUSTRIAL_CLUSTER,
        status="operating",
        former_province="dak_lak",
        former_location="xã Ea Đar, huyện Ea Kar",
        ward_name="Xã Ea Kar",  # old Ea Đar went whole into Xã Ea Kar
        ward_code=24373,
        lat=12.815,  # on QL26, about 5 km from the old Ea Kar town
        lng=108.492,
        area_ha=53.0,  # "gần 53 ha"
        sectors=[
            "wood",
            "building_materials",
            "mechanical",
            "footwear",
            "agri_products",
        ],
        source="https://www.baodaklak.vn/kinh-te/202202/cum-cong-nghiep-ea-dar-huyen-ea-kar-phat-trien-theo-huong-nao-de-thuc-su-hieu-qua-2935282/",
    ),
    _zone(
        name="Cụm công nghiệp Ea Ral",
        short_name="CCN Ea Ral",
        kind=INDUSTRIAL_CLUSTER,
        status="operating",
        former_province="dak_lak",
        former_location="xã Ea Ral, huyện Ea H'leo",
        ward_name="Xã Ea Drăng",  # old Ea Ral went whole into Xã Ea Drăng
        ward_code=24181,
        lat=13.248,  # UNCERTAIN: on QL14 inside old Ea Ral
        lng=108.188,
        area_ha=50.0,  # approximate: "50 ha each" for the district clusters (2012)
        sectors=["agri_products", "cassava_starch", "wood", "coffee"],
        source=_SRC_TAI_LIEU_DL + " ; " + _SRC_VCCI_2012,
    ),
    _zone(
        name="Cụm công nghiệp Krông Búk 1",
        short_name="CCN Krông Búk 1",
        kind=INDUSTRIAL_CLUSTER,
        status="operating",
        former_province="dak_lak",
        former_location="huyện Krông Búk",
        # UNCERTAIN: believed to lie in old Pơng Drang (now Xã Pơng Drang).
        ward_name="Xã Pơng Drang",
        ward_code=24316,
        lat=12.975,  # UNCERTAIN
        lng=108.240,
        area_ha=50.0,  # plausible figure, not found
        sectors=["coffee", "agri_products", "wood"],
        source=_SRC_TAI_LIEU_DL + " ; " + _SRC_VCCI_2012,
    ),
    _zone(
        name="Cụm công nghiệp Hòa Sơn",
        short_name="CCN Hòa Sơn",
        kind=INDUSTRIAL_CLUSTER,
        status="planned",  # added to the cluster plan in 9/2020; progress not confirmed
        former_province="dak_lak",
        former_location="thôn 5 và thôn 6, xã Hòa Sơn, huyện Krông Bông",
        ward_name="Xã Hòa Sơn",
        ward_code=24481,
        lat=12.490,
        lng=108.302,
        area_ha=16.62,
        sectors=["building_materials", "agri_products", "food", "mechanical"],
        source="https://baodaklak.vn/channel/3481/202009/bo-sung-cum-cong-nghiep-hoa-son-vao-quy-hoach-phat-trien-5700485",
    ),
    _zone(
        name="Cụm công nghiệp Buôn Chăm",
        short_name="CCN Buôn Chăm",
        kind=INDUSTRIAL_CLUSTER,
        status="planned",
        former_province="dak_lak",
        former_location="thị trấn Buôn Trấp, huyện Krông Ana",
        ward_name="Xã Krông Ana",  # old Buôn Trấp went whole into Xã Krông Ana
        ward_code=24538,
        lat=12.490,
        lng=108.035,
        area_ha=50.0,  # plausible figure, not found
        sectors=["coffee", "agri_products", "food"],
        source=_SRC_QH_DAK_LAK,
    ),
    _zone(
        name="Cụm công nghiệp Hòa Xuân",
        short_name="CCN Hòa Xuân",
        kind=INDUSTRIAL_CLUSTER,
        status="planned",
        former_province="dak_lak",
        former_location="xã Hòa Xuân, TP Buôn Ma Thuột",
        ward_name="Xã Hòa Phú",  # old Hòa Xuân went whole into Xã Hòa Phú
        ward_code=24175,
        lat=12.640,
        lng=107.965,
        area_ha=50.0,  # plausible figure, not found
        sectors=["logistics", "agri_products", "food", "electronics"],
        source="https://fr.vietnamplus.vn/buon-ma-thuot-vise-a-devenir-un-hub-logistique-des-hauts-plateaux-du-centre/199172.vnp",
    ),
    _zone(
        name="Cụm công nghiệp Ea Ô",
        short_name="CCN Ea Ô",
        kind=INDUSTRIAL_CLUSTER,
        status="planned",
        former_province="dak_lak",
        former_location="xã Ea Ô, huyện Ea Kar",
        ward_name="Xã Ea Ô",
        ward_code=24403,
        lat=12.700,
        lng=108.512,
        area_ha=30.0,  # plausible figure, not found
        sectors=["agri_products", "cassava_starch", "wood"],
        source="https://www.baodaklak.vn/kinh-te/202202/cum-cong-nghiep-ea-dar-huyen-ea-kar-phat-trien-theo-huong-nao-de-thuc-su-hieu-qua-2935282/",
    ),
    _zone(
        name="Cụm công nghiệp M'Drắk",
        short_name="CCN M'Drắk",
        kind=INDUSTRIAL_CLUSTER,
        status="operating",  # UNCERTAIN: had five projects in 2012, infrastructure pending
        former_province="dak_lak",
        former_location="huyện M'Drắk",
        ward_name="Xã M’Drắk",  # UNCERTAIN: district seat (old thị trấn M'Drắk) assumed
        ward_code=24412,
        lat=12.760,  # UNCERTAIN
        lng=108.730,
        area_ha=50.0,  # approximate: "50 ha each" for the district clusters (2012)
        sectors=["cassava_starch", "wood", "building_materials"],
        source=_SRC_VCCI_2012,
    ),
    # ---- Industrial clusters, old Phú Yên ----------------------------------------
    _zone(
        name="Cụm công nghiệp thị trấn Phú Hòa",
        short_name="CCN Phú Hòa",
        kind=INDUSTRIAL_CLUSTER,
        status="operating",  # established by QĐ 1353/QĐ-UBND 20/6/2016
        former_province="phu_yen",
        former_location="thị trấn Phú Hòa, huyện Phú Hòa",
        ward_name="Xã Phú Hòa 1",  # old thị trấn Phú Hòa went whole into Phú Hòa 1
        ward_code=22319,
        lat=13.020,
        lng=109.194,
        area_ha=25.5,
        sectors=["agri_products", "food", "mechanical", "sugar"],
        source="http://socongthuong.phuyen.gov.vn/default.aspx?page=news&do=detail&category_id=135&news_id=11018",
    ),
    _zone(
        name="Cụm công nghiệp Hòa An",
        short_name="CCN Hòa An",
        kind=INDUSTRIAL_CLUSTER,
        status="operating",
        former_province="phu_yen",
        former_location="xã Hòa An, huyện Phú Hòa",
        # UNCERTAIN: old Hòa An was split between Phường Tuy Hòa (east of the
        # expressway, the larger part) and Xã Phú Hòa 1; the cluster's hamlet is unknown.
        ward_name="Phường Tuy Hòa",
        ward_code=22015,
        lat=13.052,
        lng=109.265,
        area_ha=6.8,
        sectors=["food", "wood", "mechanical", "building_materials"],
        source=_SRC_PY_CCN,
    ),
    _zone(
        name="Cụm công nghiệp thị trấn La Hai",
        short_name="CCN La Hai",
        kind=INDUSTRIAL_CLUSTER,
        status="operating",
        former_province="phu_yen",
        former_location="thị trấn La Hai, huyện Đồng Xuân",
        ward_name="Xã Đồng Xuân",  # old La Hai went whole into Xã Đồng Xuân
        ward_code=22081,
        lat=13.379,
        lng=109.111,
        area_ha=5.0,  # plausible: Đồng Xuân had 3 clusters, 14 ha in all (2005 plan)
        sectors=["cassava_starch", "wood", "agri_products"],
        source=_SRC_PY_CCN + " ; " + _SRC_PY_CCN_2005,
    ),
    _zone(
        name="Cụm công nghiệp thị trấn Hai Riêng",
        short_name="CCN Hai Riêng",
        kind=INDUSTRIAL_CLUSTER,
        status="operating",  # infrastructure done, "thirsty for investors"
        former_province="phu_yen",
        former_location="thị trấn Hai Riêng, huyện Sông Hinh",
        ward_name="Xã Sông Hinh",  # old Hai Riêng went whole into Xã Sông Hinh
        ward_code=22207,
        lat=12.982,
        lng=108.891,
        area_ha=10.0,  # plausible: Sông Hinh had 3 clusters, 30 ha in all (2005 plan)
        sectors=["cassava_starch", "wood", "sugar", "agri_products"],
        source=_SRC_PY_CCN + " ; " + _SRC_PY_CCN_2005,
    ),
    _zone(
        name="Cụm công nghiệp Ba Bản",
        short_name="CCN Ba Bản",
        kind=INDUSTRIAL_CLUSTER,
        status="operating",
        former_province="phu_yen",
        former_location="huyện Sơn Hòa",
        # UNCERTAIN: Ba Bản is taken to be near the old district town Củng Sơn, which
        # went into Xã Sơn Hòa.
        ward_name="Xã Sơn Hòa",
        ward_code=22165,
        lat=13.062,  # UNCERTAIN
        lng=108.975,
        area_ha=7.0,  # plausible: Sơn Hòa had 2 clusters, 13 ha in all (2005 plan)
        sectors=["cassava_starch", "sugar", "wood"],
        source=_SRC_PY_CCN + " ; " + _SRC_PY_CCN_2005,
    ),
    _zone(
        name="Cụm công nghiệp Hòa Mỹ Đông",
        short_name="CCN Hòa Mỹ Đông",
        kind=INDUSTRIAL_CLUSTER,
        status="planned",  # UNCERTAIN: listed for investment, progress not confirmed
        former_province="phu_yen",
        former_location="xã Hòa Mỹ Đông, huyện Tây Hòa",
        ward_name="Xã Hòa Mỹ",  # old Hòa Mỹ Đông went whole into Xã Hòa Mỹ
        ward_code=22285,
        lat=12.899,
        lng=109.194,
        area_ha=6.0,  # plausible: Tây Hòa had 3 clusters, 17 ha in all (2005 plan)
        sectors=["agri_products", "building_materials", "food"],
        source=_SRC_PY_CCN + " ; " + _SRC_PY_CCN_2005,
    ),
    _zone(
        name="Cụm công nghiệp Triều Sơn",
        short_name="CCN Triều Sơn",
        kind=INDUSTRIAL_CLUSTER,
        status="operating",  # established 6/2015; occupancy not confirmed
        former_province="phu_yen",
        former_location="thôn Triều Sơn, xã Xuân Thọ 2, TX Sông Cầu",
        ward_name="Xã Xuân Thọ",  # old Xuân Thọ 2 went whole into Xã Xuân Thọ
        ward_code=22075,
        lat=13.376,
        lng=109.224,
        area_ha=8.0,
        sectors=["seafood", "agri_products", "wood"],
        source=_SRC_PY_SONG_CAU_CCN,
    ),
    _zone(
        name="Cụm công nghiệp Trung Trinh",
        short_name="CCN Trung Trinh",
        kind=INDUSTRIAL_CLUSTER,
        status="operating",  # established 6/2015; occupancy not confirmed
        former_province="phu_yen",
        former_location="thôn Trung Trinh, xã Xuân Phương, TX Sông Cầu",
        ward_name="Phường Sông Cầu",  # old Xuân Phương went whole into Phường Sông Cầu
        ward_code=22051,
        lat=13.502,
        lng=109.241,
        area_ha=9.7,
        sectors=["seafood", "food", "mechanical"],
        source=_SRC_PY_SONG_CAU_CCN,
    ),
]

ZONES_BY_SHORT_NAME: dict[str, dict[str, Any]] = {z["short_name"]: z for z in ZONES}


def zones(kind: str | None = None, status: str | None = None) -> list[dict[str, Any]]:
    """Zones filtered by kind and/or status, in catalogue order."""
    return [
        z
        for z in ZONES
        if (kind is None or z["kind"] == kind)
        and (status is None or z["status"] == status)
    ]


# ---------------------------------------------------------------------------------
# People
# ---------------------------------------------------------------------------------

MALE = "male"
FEMALE = "female"
SEXES = (MALE, FEMALE)

# Kinh family names with weights in per cent of the population. National shares as
# usually quoted (Nguyễn ≈ 38 %, Trần ≈ 11 %, Lê ≈ 9.5 %, Phạm ≈ 7 %, ...); Hoàng/Huỳnh
# and Vũ/Võ are split towards the central-coast spellings common in Phú Yên.
FAMILY_NAMES: list[tuple[str, float]] = [
    ("Nguyễn", 38.0),
    ("Trần", 11.0),
    ("Lê", 9.5),
    ("Phạm", 6.5),
    ("Huỳnh", 3.0),
    ("Hoàng", 2.3),
    ("Phan", 4.5),
    ("Võ", 2.6),
    ("Vũ", 1.4),
    ("Đặng", 2.1),
    ("Bùi", 2.0),
    ("Đỗ", 1.4),
    ("Hồ", 1.3),
    ("Ngô", 1.3),
    ("Dương", 1.0),
    ("Lý", 0.5),
    ("Trương", 1.2),
    ("Đinh", 1.0),
    ("Đoàn", 0.7),
    ("Mai", 0.6),
    ("Lương", 0.6),
    ("Cao", 0.5),
    ("Hà", 0.5),
    ("Lâm", 0.4),
    ("Châu", 0.3),
    ("Thái", 0.3),
    ("Tô", 0.3),
    ("Lưu", 0.3),
    ("Nông", 0.3),  # Tày/Nùng families who settled in Đắk Lắk
    # Rarer names, so that the weights add up to about 100.
    ("Trịnh", 0.5),
    ("Đào", 0.6),
    ("Tạ", 0.3),
    ("Phùng", 0.3),
    ("Triệu", 0.3),
    ("Quách", 0.2),
    ("Kiều", 0.2),
    ("Lại", 0.2),
    ("La", 0.2),
    ("Tăng", 0.2),
    ("Từ", 0.2),
    ("Chu", 0.2),
    ("Tống", 0.2),
    ("Thân", 0.2),
    ("Hứa", 0.2),
    ("Ông", 0.2),
    ("Nghiêm", 0.1),
    ("Giáp", 0.1),
]

MIDDLE_NAMES: dict[str, list[tuple[str, float]]] = {
    MALE: [
        ("Văn", 40.0),
        ("Hữu", 7.0),
        ("Đức", 7.0),
        ("Minh", 8.0),
        ("Quốc", 5.0),
        ("Công", 5.0),
        ("Thanh", 5.0),
        ("Ngọc", 3.0),
        ("Xuân", 3.0),
        ("Đình", 4.0),
        ("Trọng", 3.0),
        ("Quang", 4.0),
        ("Tấn", 4.0),
        ("Thành", 3.0),
        ("Anh", 3.0),
        ("Hoàng", 2.0),
        ("Duy", 2.0),
    ],
    FEMALE: [
        ("Thị", 55.0),
        ("Ngọc", 7.0),
        ("Thu", 5.0),
        ("Kim", 5.0),
        ("Thanh", 5.0),
        ("Mỹ", 4.0),
        ("Hồng", 4.0),
        ("Thùy", 4.0),
        ("Bích", 3.0),
        ("Phương", 3.0),
        ("Minh", 3.0),
        ("Hoài", 2.0),
    ],
}
# Share of women's names written "Thị" + a second middle name ("Nguyễn Thị Kim Oanh").
FEMALE_DOUBLE_MIDDLE_SHARE = 0.12

GIVEN_NAMES: dict[str, list[str]] = {
    MALE: [
        "An", "Bảo", "Bình", "Cường", "Dũng", "Duy", "Đạt", "Định", "Đông", "Giang",
        "Hải", "Hào", "Hiếu", "Hòa", "Hoàng", "Hùng", "Huy", "Khánh", "Khoa", "Kiên",
        "Lâm", "Lộc", "Long", "Lợi", "Luân", "Minh", "Nam", "Nghĩa", "Nhân", "Phát",
        "Phong", "Phúc", "Phước", "Quân", "Quang", "Sang", "Sơn", "Tài", "Tâm", "Thắng",
        "Thành", "Thiện", "Thịnh", "Tiến", "Toàn", "Trí", "Trung", "Tuấn", "Tùng", "Việt",
        "Vinh", "Vũ",
    ],
    FEMALE: [
        "Anh", "Ánh", "Bích", "Châu", "Chi", "Diễm", "Dung", "Duyên", "Giang", "Hà",
        "Hạnh", "Hằng", "Hiền", "Hoa", "Hồng", "Huệ", "Hương", "Huyền", "Lan", "Liên",
        "Linh", "Loan", "Ly", "Mai", "My", "Nga", "Ngân", "Nhung", "Nhi", "Oanh",
        "Phương", "Phượng", "Quyên", "Tâm", "Thảo", "Thu", "Thủy", "Trang", "Trinh",
        "Tuyết", "Uyên", "Vân", "Vy", "Xuân", "Yến",
    ],
}  # fmt: skip

# Ê Đê and M'nông names are written given name first, family name last, with the
# gender marker "Y" (men, followed by a space) or "H'" (women, no space): "Y Khoa Niê",
# "H'Hen Niê". Families: the two main Ê Đê lines Niê and Mlô with their branches
# (Niê Kdăm, Mlô Duôn Du, ...), Êban, Byă, Buôn Yă, Ksơr, Adrơng, Kbuôr, Buôn Krông and
# Kmăn (Ê Đê Bih); M'nông Gar families Bing and N'Tơr. Sources:
# https://baodaklak.vn/van-hoa-du-lich-van-hoc-nghe-thuat/202206/doi-dieu-ve-hocua-nguoi-tay-nguyen-c52464b
# and http://kyuc.space/vi/doku.php?id=101-t-n-ng-i-la-gi (Tên người Ê Đê).
ETHNIC_NAME_SHARE = 0.08
ETHNIC_PREFIX = {MALE: "Y ", FEMALE: "H'"}
ETHNIC_FAMILY_NAMES: list[tuple[str, float]] = [
    ("Niê", 22.0),
    ("Mlô", 12.0),
    ("Êban", 10.0),
    ("Niê Kdăm", 6.0),
    ("Byă", 6.0),
    ("Buôn Yă", 5.0),
    ("Ksơr", 6.0),
    ("Adrơng", 5.0),
    ("Kbuôr", 4.0),
    ("Mlô Duôn Du", 3.0),
    ("Niê Siêng", 3.0),
    ("Buôn Krông", 4.0),
    ("Kmăn", 2.0),
    ("Hđơk", 2.0),
    ("Bing", 3.0),  # M'nông Gar
    ("N'Tơr", 2.0),  # M'nông Gar
]
ETHNIC_GIVEN_NAMES: dict[str, list[str]] = {
    MALE: [
        "Khoa", "Ngông", "Wang", "Tuyn", "Jut", "Bih", "Sưn", "Hơn", "Bhin", "Kông",
        "Blô", "Thuyên", "Dhăm", "Nuê", "Tlang", "Duah", "Siêng", "Ber", "Lăng", "Yơn",
        "Drin", "Kluh", "Phi", "Nguôn",
    ],
    FEMALE: [
        "Hen", "Nghia", "Blum", "Jam", "Yim", "Ngơm", "Bia", "Nga", "Loan", "Dung",
        "Lim", "Hoa", "Juen", "Wen", "Mai", "Linh", "Ruah", "Duyên", "Ly", "Nhi",
        "Lan", "Mơ",
    ],
}  # fmt: skip


def _weighted(rng: random.Random, pairs: Sequence[tuple[str, float]]) -> str:
    names = [name for name, _ in pairs]
    weights = [weight for _, weight in pairs]
    return rng.choices(names, weights=weights, k=1)[0]


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def person_name(rng: random.Random, sex: str) -> str:
    """A plausible full name for a person of ``sex`` ("male" or "female").

    About 92 % are Kinh names, family name first ("Nguyễn Văn Hùng", "Trần Thị Kim
    Oanh"); about 8 % follow the Ê Đê / M'nông pattern, given name first ("Y Khoa Niê",
    "H'Hen Niê"). Deterministic for a given ``rng`` state; always NFC.
    """
    if sex not in SEXES:
        raise ValueError(f"sex must be 'male' or 'female', not {sex!r}")
    if rng.random() < ETHNIC_NAME_SHARE:
        given = rng.choice(ETHNIC_GIVEN_NAMES[sex])
        family = _weighted(rng, ETHNIC_FAMILY_NAMES)
        return _nfc(f"{ETHNIC_PREFIX[sex]}{given} {family}")
    family = _weighted(rng, FAMILY_NAMES)
    middle = _weighted(rng, MIDDLE_NAMES[sex])
    if sex == FEMALE and middle == "Thị" and rng.random() < FEMALE_DOUBLE_MIDDLE_SHARE:
        second = _weighted(rng, [p for p in MIDDLE_NAMES[FEMALE] if p[0] != "Thị"])
        middle = f"Thị {second}"
    given = rng.choice(GIVEN_NAMES[sex])
    while given == middle.split()[-1] or given == family:  # no "Ngọc Ngọc", "Lâm Lâm"
        given = rng.choice(GIVEN_NAMES[sex])
    return _nfc(f"{family} {middle} {given}")


def is_ethnic_name(name: str) -> bool:
    """True for names in the Ê Đê / M'nông pattern ("Y ..." or "H'...")."""
    return name.startswith(("Y ", "H'"))


# ---------------------------------------------------------------------------------
# Enterprises
# ---------------------------------------------------------------------------------

SECTORS: list[tuple[str, str]] = [
    ("coffee", "Chế biến cà phê"),
    ("cassava_starch", "Chế biến tinh bột sắn"),
    ("agri_products", "Chế biến nông sản (điều, hồ tiêu, ca cao)"),
    ("wood", "Chế biến gỗ, lâm sản"),
    ("garment", "Dệt may"),
    ("footwear", "Da giày"),
    ("animal_feed", "Sản xuất thức ăn chăn nuôi"),
    ("food", "Chế biến thực phẩm, đồ uống"),
    ("seafood", "Chế biến thủy sản"),
    ("sugar", "Mía đường"),
    ("solar", "Năng lượng tái tạo (điện mặt trời)"),
    ("packaging", "Bao bì, in ấn"),
    ("mechanical", "Cơ khí, chế tạo"),
    ("building_materials", "Vật liệu xây dựng"),
    ("electronics", "Điện, điện tử"),
    ("pharma", "Dược phẩm, thiết bị y tế"),
    ("logistics", "Kho vận, logistics"),
]
SECTOR_LABELS: dict[str, str] = dict(SECTORS)

LEGAL_FORMS: list[tuple[str, float]] = [
    ("Công ty TNHH", 45.0),
    ("Công ty TNHH MTV", 15.0),
    ("Công ty Cổ phần", 32.0),
    ("Doanh nghiệp tư nhân", 4.0),
    ("Hợp tác xã", 4.0),
]

# Words naming the trade inside a company name ("Công ty TNHH Chế biến Cà phê ...").
ENTERPRISE_SECTOR_WORDS: dict[str, list[str]] = {
    "coffee": ["Chế biến Cà phê", "Cà phê", "Cà phê Xuất khẩu", "Cà phê Rang xay"],
    "cassava_starch": ["Tinh bột sắn", "Chế biến Tinh bột sắn", "Nông sản và Tinh bột"],
    "agri_products": [
        "Nông sản",
        "Chế biến Nông sản",
        "Nông sản Xuất khẩu",
        "Hồ tiêu",
        "Chế biến Hạt điều",
        "Ca cao",
    ],
    "wood": ["Gỗ", "Chế biến Gỗ", "Lâm sản", "Đồ gỗ Nội thất", "Gỗ Ván ép"],
    "garment": ["May mặc", "Dệt may", "May Xuất khẩu", "Thời trang"],
    "footwear": ["Giày da", "Da giày", "Sản xuất Giày dép"],
    "animal_feed": ["Thức ăn Chăn nuôi", "Dinh dưỡng Vật nuôi", "Thức ăn Thủy sản"],
    "food": ["Thực phẩm", "Chế biến Thực phẩm", "Nước giải khát", "Bánh kẹo"],
    "seafood": [
        "Thủy sản",
        "Chế biến Thủy sản",
        "Hải sản",
        "Thủy sản Xuất khẩu",
        "Cá ngừ",
    ],
    "sugar": ["Mía đường", "Đường và Nông sản"],
    "solar": ["Điện mặt trời", "Năng lượng Xanh", "Năng lượng Tái tạo"],
    "packaging": ["Bao bì", "Bao bì Carton", "Bao bì Nhựa", "In và Bao bì"],
    "mechanical": ["Cơ khí", "Cơ khí Chế tạo", "Kết cấu Thép", "Cơ khí Nông nghiệp"],
    "building_materials": [
        "Vật liệu Xây dựng",
        "Gạch không nung",
        "Bê tông",
        "Đá Granit",
    ],
    "electronics": ["Điện tử", "Linh kiện Điện tử", "Thiết bị Điện"],
    "pharma": ["Dược phẩm", "Thiết bị Y tế", "Dược liệu"],
    "logistics": ["Logistics", "Kho vận", "Vận tải và Kho bãi"],
}

# Invented trade names built from the auspicious Sino-Vietnamese words that such names
# use. Well-known real brands of the region are kept out (see _BLOCKED_BRANDS).
ENTERPRISE_BRANDS: list[str] = [
    "Phước Thịnh", "An Phát", "Hưng Long", "Tân Thành", "Minh Khang", "Thành Lợi",
    "Đức Tín", "Gia Bảo", "Kim Phát", "Trường Phát", "Nam Việt", "Phú Cường",
    "Đại Lộc", "Thịnh An", "Quang Minh", "Bình Minh", "Thiên Phú", "Vạn Lợi",
    "Phú Thịnh", "Hải Đăng", "Sao Mai", "Cao Nguyên Xanh", "Đại Ngàn", "Hòa An Phát",
    "Lộc Phát", "Tân Hưng", "Việt Tín", "Hồng Phát", "Minh Phú Lộc", "An Khang",
    "Tường Vy", "Thuận Thiên", "Phúc Hưng", "Bảo Ngọc", "Đông Phương", "Tâm Đức",
]  # fmt: skip

ENTERPRISE_REGION_SUFFIXES: dict[str, list[str]] = {
    "dak_lak": ["Đắk Lắk", "Tây Nguyên", "Buôn Ma Thuột"],
    "phu_yen": ["Phú Yên", "Miền Trung", "Tuy Hòa"],
}
ENTERPRISE_REGION_SUFFIX_SHARE = 0.3

# Real companies or brands of the province (or national ones) that must not appear.
_BLOCKED_BRANDS = (
    "Trung Nguyên", "Thắng Lợi", "Simexco", "Intimex", "Phúc Sinh", "Vinamit",
    "Hòa Phát", "Ngọc Hưng", "Việt Thắng", "Đông Tây Nguyên", "Vĩnh Hiệp", "Tín Nghĩa",
    "Pymepharco", "Hoa Sen", "Vinamilk", "Hoàng Anh Gia Lai", "Đắk Man", "N&G",
)  # fmt: skip


def enterprise_name(
    rng: random.Random, sector_code: str, region: str | None = None
) -> str:
    """An invented but plausible company name for ``sector_code`` (see ``SECTORS``).

    ``region`` ("dak_lak" or "phu_yen") may add a place suffix ("... Phú Yên").
    """
    if sector_code not in ENTERPRISE_SECTOR_WORDS:
        raise ValueError(f"unknown sector {sector_code!r}")
    form = _weighted(rng, LEGAL_FORMS)
    trade = rng.choice(ENTERPRISE_SECTOR_WORDS[sector_code])
    brand = rng.choice(ENTERPRISE_BRANDS)
    name = f"{form} {trade} {brand}"
    if (
        region in ENTERPRISE_REGION_SUFFIXES
        and rng.random() < ENTERPRISE_REGION_SUFFIX_SHARE
    ):
        name = f"{name} {rng.choice(ENTERPRISE_REGION_SUFFIXES[region])}"
    return _nfc(name)


# ---------------------------------------------------------------------------------
# Places: streets, hamlets, residences
# ---------------------------------------------------------------------------------

STREETS: dict[str, list[str]] = {
    "Buôn Ma Thuột": [
        "Lê Duẩn", "Nguyễn Tất Thành", "Phan Bội Châu", "Lê Thánh Tông", "Hùng Vương",
        "Phan Chu Trinh", "Y Jut", "Y Wang", "Y Ngông", "Nơ Trang Lơng", "Mai Hắc Đế",
        "Ngô Quyền", "Hai Bà Trưng", "Quang Trung", "Điện Biên Phủ", "Trần Phú",
        "Giải Phóng", "Lê Thị Hồng Gấm", "Nguyễn Văn Cừ", "Phạm Văn Đồng", "Đinh Tiên Hoàng",
        "Võ Văn Kiệt", "Hà Huy Tập", "Nguyễn Chí Thanh", "Ama Khê", "Trường Chinh",
        "Lý Thái Tổ", "Tôn Đức Thắng", "10 Tháng 3", "Lê Hồng Phong", "Bà Triệu",
        "Xô Viết Nghệ Tĩnh", "Phan Huy Chú", "Nguyễn Thị Định",
    ],
    "Tuy Hòa": [
        "Trần Hưng Đạo", "Hùng Vương", "Lê Duẩn", "Nguyễn Huệ", "Lê Lợi", "Độc Lập",
        "Nguyễn Tất Thành", "Trần Phú", "Duy Tân", "Lê Thánh Tôn", "Nguyễn Du",
        "Hai Bà Trưng", "Điện Biên Phủ", "Phạm Văn Đồng", "Nguyễn Hữu Thọ", "Trường Chinh",
        "Lương Văn Chánh", "Lê Trung Kiên", "Nguyễn Trãi", "Bạch Đằng", "Trần Quang Khải",
        "Nguyễn Công Trứ",
    ],
}  # fmt: skip

# Rural address patterns; "{n}" is a hamlet number.
HAMLET_PATTERNS: list[str] = ["Thôn {n}", "Thôn {n}", "Khu phố {n}", "Tổ dân phố {n}"]
# A few real Ê Đê villages (buôn) around Buôn Ma Thuột.
BUON_NAMES: list[str] = [
    "Buôn Kô Siêr",
    "Buôn Akŏ Dhông",
    "Buôn Ky",
    "Buôn Alê A",
    "Buôn Tơng Jú",
]

# Which town's streets suit residences near a zone: ward name -> town.
URBAN_WARDS: dict[str, str] = {
    "Xã Hòa Phú": "Buôn Ma Thuột",
    "Phường  Tân An": "Buôn Ma Thuột",
    "Xã Cuôr Đăng": "Buôn Ma Thuột",
    "Phường Tuy Hòa": "Tuy Hòa",
    "Phường Bình Kiến": "Tuy Hòa",
    "Phường Phú Yên": "Tuy Hòa",
    "Phường Hòa Hiệp": "Tuy Hòa",
}


def residence_address(rng: random.Random, zone: dict[str, Any] | None = None) -> str:
    """An address line (no ward) for a residence near ``zone``.

    Near Buôn Ma Thuột or Tuy Hòa: a house number, sometimes in an alley ("hẻm"), on a
    real street; elsewhere a hamlet ("Thôn 4") or, near Buôn Ma Thuột, a buôn.
    """
    town = URBAN_WARDS.get(zone["ward_name"]) if zone else rng.choice(list(STREETS))
    if town and rng.random() < 0.7:
        street = rng.choice(STREETS[town])
        number = rng.randint(1, 420)
        if rng.random() < 0.45:
            return f"{rng.randint(1, 60)}/{number} {street}"
        if rng.random() < 0.3:
            return f"Số {rng.randint(1, 40)}, hẻm {number} {street}"
        return f"{number} {street}"
    if town == "Buôn Ma Thuột" and rng.random() < 0.25:
        return rng.choice(BUON_NAMES)
    return rng.choice(HAMLET_PATTERNS).format(n=rng.randint(1, 12))


RESIDENCE_NAME_WORDS: list[str] = [
    "Hoa Mai", "Hoa Sữa", "Bình An", "Thanh Bình", "Phúc Lộc", "An Khang", "Hòa Thuận",
    "Như Ý", "Tâm An", "Minh Châu", "Hồng Phúc", "Thuận Phát", "Cây Bàng", "Sơn Ca",
    "Cô Ba", "Chú Tư", "Bà Sáu", "Út Hiền", "Hạnh Phúc", "Ngọc Lan",
]  # fmt: skip
BOARDING_HOUSE_PATTERNS: list[str] = [
    "Nhà trọ {w}",
    "Nhà trọ {w}",
    "Khu nhà trọ {w}",
    "Dãy trọ {w}",
]
DORMITORY_PATTERNS: list[str] = [
    "Ký túc xá công nhân {zone}",
    "Nhà lưu trú công nhân {zone}",
    "Khu nhà ở công nhân {zone}",
]


def residence_name(
    rng: random.Random, kind: str = "boarding_house", zone: dict[str, Any] | None = None
) -> str:
    """A residence name; ``kind`` is "boarding_house" or "dormitory" (needs ``zone``)."""
    if kind == "dormitory":
        if zone is None:
            raise ValueError("a dormitory name needs its zone")
        return _nfc(rng.choice(DORMITORY_PATTERNS).format(zone=zone["short_name"]))
    return _nfc(
        rng.choice(BOARDING_HOUSE_PATTERNS).format(w=rng.choice(RESIDENCE_NAME_WORDS))
    )


# ---------------------------------------------------------------------------------
# Workplaces: workshops, lines, shifts, bus routes
# ---------------------------------------------------------------------------------

WORKSHOPS_BY_SECTOR: dict[str, list[str]] = {
    "coffee": [
        "Phân xưởng Sơ chế",
        "Xưởng Rang xay",
        "Phân xưởng Phân loại hạt",
        "Phân xưởng Đóng gói",
        "Kho Nguyên liệu",
    ],
    "cassava_starch": [
        "Phân xưởng Tiếp nhận củ",
        "Phân xưởng Nghiền – Lọc",
        "Phân xưởng Ly tâm",
        "Phân xưởng Sấy",
        "Khu Xử lý nước thải",
    ],
    "agri_products": [
        "Phân xưởng Sơ chế",
        "Phân xưởng Sấy",
        "Phân xưởng Tách vỏ",
        "Phân xưởng Phân loại – Đóng bao",
        "Kho Thành phẩm",
    ],
    "wood": [
        "Xưởng Xẻ",
        "Xưởng Sấy gỗ",
        "Xưởng Định hình",
        "Xưởng Lắp ráp",
        "Xưởng Sơn hoàn thiện",
    ],
    "garment": [
        "Xưởng Cắt",
        "Xưởng May 1",
        "Xưởng May 2",
        "Xưởng Là – Đóng gói",
        "Tổ Kiểm tra chất lượng (KCS)",
    ],
    "footwear": [
        "Xưởng Chặt",
        "Xưởng May mũ giày",
        "Xưởng Gò – Ráp đế",
        "Xưởng Hoàn thiện",
    ],
    "animal_feed": [
        "Phân xưởng Nghiền – Trộn",
        "Phân xưởng Ép viên",
        "Phân xưởng Đóng bao",
        "Kho Nguyên liệu",
    ],
    "food": [
        "Phân xưởng Sơ chế",
        "Phân xưởng Chế biến",
        "Phân xưởng Chiết rót",
        "Phân xưởng Đóng gói",
    ],
    "seafood": [
        "Phân xưởng Tiếp nhận nguyên liệu",
        "Phân xưởng Fillet",
        "Phân xưởng Cấp đông",
        "Kho lạnh",
        "Phân xưởng Đóng gói",
    ],
    "sugar": [
        "Phân xưởng Ép mía",
        "Phân xưởng Nấu đường",
        "Phân xưởng Lò hơi",
        "Kho Đường",
    ],
    "solar": ["Xưởng Lắp ráp tấm pin", "Xưởng Khung giá đỡ", "Tổ Vận hành trạm"],
    "packaging": ["Xưởng Tạo sóng", "Xưởng In", "Xưởng Bế – Dán", "Kho Thành phẩm"],
    "mechanical": [
        "Xưởng Gia công cắt gọt",
        "Xưởng Hàn",
        "Xưởng Lắp ráp",
        "Xưởng Sơn tĩnh điện",
    ],
    "building_materials": [
        "Phân xưởng Nghiền sàng",
        "Phân xưởng Ép gạch",
        "Bãi Dưỡng hộ",
        "Trạm Trộn bê tông",
    ],
    "electronics": ["Xưởng SMT", "Xưởng Lắp ráp", "Xưởng Kiểm tra – Đóng gói"],
    "pharma": [
        "Phân xưởng Pha chế",
        "Phân xưởng Viên nén",
        "Phân xưởng Đóng gói",
        "Phòng Kiểm nghiệm",
    ],
    "logistics": ["Kho A", "Kho B", "Bãi Container", "Tổ Bốc xếp"],
}

LINE_PATTERNS: dict[str, str] = {
    "garment": "Chuyền may số {n}",
    "footwear": "Chuyền giày số {n}",
    "seafood": "Tổ chế biến số {n}",
    "logistics": "Tổ bốc xếp số {n}",
}
DEFAULT_LINE_PATTERN = "Dây chuyền số {n}"


def line_name(sector_code: str, n: int) -> str:
    """Name of line ``n`` in a workshop of ``sector_code`` ("Chuyền may số 3")."""
    return LINE_PATTERNS.get(sector_code, DEFAULT_LINE_PATTERN).format(n=n)


# (name, start, end); the night shift ends on the next day.
SHIFT_TEMPLATES: list[tuple[str, str, str]] = [
    ("Ca 1", "06:00", "14:00"),
    ("Ca 2", "14:00", "22:00"),
    ("Ca 3", "22:00", "06:00"),
    ("Ca hành chính", "07:30", "16:30"),
]

BUS_ROUTE_PATTERNS: list[str] = [
    "Tuyến {origin} – {zone}",
    "Tuyến {origin} – {zone} (ca sáng)",
    "Tuyến {origin} – {zone} (ca đêm)",
]
# Pick-up points (places people still use after 2025) with approximate coordinates.
BUS_ORIGINS: dict[str, list[tuple[str, float, float]]] = {
    "dak_lak": [
        ("Buôn Ma Thuột", 12.667, 108.038),
        ("Ngã Sáu Buôn Ma Thuột", 12.668, 108.038),
        ("Chợ Tân An", 12.703, 108.072),
        ("Hòa Thắng", 12.663, 108.104),
        ("Buôn Hồ", 12.910, 108.270),
        ("Phước An", 12.711, 108.312),
        ("Quảng Phú", 12.825, 108.090),
        ("Buôn Trấp", 12.487, 108.042),
        ("Ea Kar", 12.832, 108.457),
        ("Ea Drăng", 13.204, 108.208),
        ("M'Drắk", 12.756, 108.735),
        ("Krông Kmar", 12.506, 108.352),
    ],
    "phu_yen": [
        ("Tuy Hòa", 13.090, 109.300),
        ("Chợ Tuy Hòa", 13.092, 109.304),
        ("Phú Lâm", 13.049, 109.311),
        ("Sông Cầu", 13.455, 109.220),
        ("Phú Hòa", 13.020, 109.194),
        ("Chí Thạnh", 13.305, 109.220),
        ("Hòa Vinh", 12.995, 109.334),
        ("Hòa Hiệp Trung", 12.995, 109.372),
        ("La Hai", 13.379, 109.111),
        ("Phú Thứ", 12.985, 109.230),
        ("Củng Sơn", 13.059, 108.968),
        ("Hai Riêng", 12.982, 108.891),
    ],
}
BUS_ROUTE_MAX_KM = 30.0


def _km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


def bus_origins(zone: dict[str, Any]) -> list[str]:
    """Pick-up points within ``BUS_ROUTE_MAX_KM`` of ``zone`` (at least the two nearest)."""
    ranked = sorted(
        BUS_ORIGINS[zone["former_province"]],
        key=lambda o: _km(o[1], o[2], zone["lat"], zone["lng"]),
    )
    near = [
        o
        for o in ranked
        if _km(o[1], o[2], zone["lat"], zone["lng"]) <= BUS_ROUTE_MAX_KM
    ]
    return [name for name, _, _ in (near if len(near) >= 2 else ranked[:2])]


def bus_route_name(rng: random.Random, zone: dict[str, Any]) -> str:
    """A shuttle route name to ``zone`` from a nearby place ("Tuyến Buôn Ma Thuột – KCN Hòa Phú")."""
    origin = rng.choice(bus_origins(zone))
    return rng.choice(BUS_ROUTE_PATTERNS).format(origin=origin, zone=zone["short_name"])


# ---------------------------------------------------------------------------------
# Team pledges (quy ước tự quản): short, easy to understand, remember and act on
# ---------------------------------------------------------------------------------

TEAM_PLEDGES: dict[str, list[list[str]]] = {
    "workplace": [
        [
            "Chấp hành nội quy lao động và nội quy an ninh, trật tự của doanh nghiệp.",
            "Không trộm cắp, cờ bạc, sử dụng ma túy; không vay tín dụng đen.",
            "Thấy người lạ, việc lạ, dấu hiệu phạm tội thì báo ngay tổ trưởng hoặc bảo vệ.",
            "Đoàn kết, giúp nhau trong công việc; mâu thuẫn thì cùng hòa giải, không xô xát.",
            "Giữ gìn tài sản, máy móc của công ty như của mình.",
        ],
        [
            "Đeo khẩu trang, rửa tay sát khuẩn khi vào xưởng và khi ăn ca.",
            "Khai báo y tế trung thực; sốt, ho, khó thở thì báo tổ trưởng, không đi làm.",
            "Giữ khoảng cách khi làm việc, khi ăn ca và trên xe đưa đón.",
            "Đi đúng tuyến, đúng giờ; không tụ tập sau giờ làm.",
            "Tự giám sát nhau, nhắc nhau thực hiện quy định phòng, chống dịch.",
        ],
        [
            "Ra, vào cổng đúng giờ, xuất trình thẻ công nhân.",
            "Không mang hung khí, chất cháy nổ, rượu bia vào doanh nghiệp.",
            "Không nghe, không tung tin thất thiệt; không bị lôi kéo đình công trái pháp luật.",
            "Tuân thủ an toàn lao động, phòng cháy, chữa cháy.",
            "Mỗi tháng tổ họp một lần, bình xét thi đua công khai.",
            "Thành viên vi phạm được tổ góp ý; tái phạm thì báo doanh nghiệp xử lý.",
        ],
    ],
    "residence": [
        [
            "Đăng ký tạm trú, thông báo lưu trú đầy đủ, đúng hạn.",
            "Giữ trật tự; không gây ồn ào sau 22 giờ.",
            "Không cờ bạc, không sử dụng ma túy, không tàng trữ vũ khí, pháo nổ.",
            "Khách đến ở lại phải báo chủ trọ và tổ trưởng.",
            "Thấy người lạ, việc lạ thì báo ngay tổ tự quản hoặc Công an xã, phường.",
        ],
        [
            "Tắt điện, khóa bếp gas trước khi đi làm; không câu mắc điện tùy tiện.",
            "Không để xe, đồ đạc chắn lối đi và lối thoát nạn.",
            "Giữ vệ sinh chung; đổ rác đúng giờ, đúng nơi.",
            "Khóa xe, khóa cửa phòng; tự bảo vệ tài sản của mình và của nhau.",
            "Giúp đỡ nhau khi ốm đau, hoạn nạn.",
        ],
        [
            "Người từ nơi có dịch về phải khai báo y tế ngay.",
            "Có triệu chứng sốt, ho thì ở yên trong phòng và báo tổ trưởng.",
            "Hạn chế tụ tập ăn uống đông người trong khu trọ.",
            "Phối hợp tổ y tế, chính quyền khi được yêu cầu xét nghiệm, cách ly.",
        ],
    ],
}


# ---------------------------------------------------------------------------------
# Province bodies
# ---------------------------------------------------------------------------------

# ``kind`` follows OrgKind ("committee" | "agency"); ``function`` follows AgencyFunction
# for agencies and is None for the committee. The committee's standing agency is the
# provincial police (its letters carry the symbol "BCĐ-CAT").
PROVINCE_BODIES: list[dict[str, Any]] = [
    {
        "name": (
            "Ban Chỉ đạo phòng, chống tội phạm, tệ nạn xã hội và xây dựng phong trào "
            "Toàn dân bảo vệ an ninh Tổ quốc tỉnh Đắk Lắk"
        ),
        "short_name": "Ban Chỉ đạo tỉnh",
        "kind": "committee",
        "function": None,
    },
    {
        "name": "Công an tỉnh Đắk Lắk",
        "short_name": "Công an tỉnh",
        "kind": "agency",
        "function": "police",
    },
    {
        "name": "Sở Y tế tỉnh Đắk Lắk",
        "short_name": "Sở Y tế",
        "kind": "agency",
        "function": "health",
    },
    {
        # UNCERTAIN: after the merger the old Đắk Lắk park board and the Phú Yên economic
        # zone board may carry another name; this is the old Đắk Lắk name.
        "name": "Ban Quản lý các khu công nghiệp tỉnh Đắk Lắk",
        "short_name": "Ban Quản lý các KCN",
        "kind": "agency",
        "function": "park_board",
    },
    {
        "name": "Sở Công Thương tỉnh Đắk Lắk",
        "short_name": "Sở Công Thương",
        "kind": "agency",
        "function": "industry_trade",
    },
    {
        "name": "Liên đoàn Lao động tỉnh Đắk Lắk",
        "short_name": "LĐLĐ tỉnh",
        "kind": "agency",
        "function": "labour_federation",
    },
]


# ---------------------------------------------------------------------------------
# Self-check
# ---------------------------------------------------------------------------------

_ZONE_KEYS = (
    "name", "short_name", "kind", "status", "former_province", "former_location",
    "ward_name", "ward_code", "lat", "lng", "area_ha", "sectors", "source",
)  # fmt: skip


def _in_box(lat: float, lng: float, box: dict[str, float]) -> bool:
    return (
        box["lat_min"] <= lat <= box["lat_max"]
        and box["lng_min"] <= lng <= box["lng_max"]
    )


def _texts() -> list[str]:
    """Every literal string a screen may show, for the NFC check."""
    out: list[str] = []
    for zone in ZONES:
        out += [
            zone["name"],
            zone["short_name"],
            zone["former_location"],
            zone["ward_name"],
        ]
    out += [n for n, _ in FAMILY_NAMES] + [n for n, _ in ETHNIC_FAMILY_NAMES]
    for sex in SEXES:
        out += (
            [n for n, _ in MIDDLE_NAMES[sex]]
            + GIVEN_NAMES[sex]
            + ETHNIC_GIVEN_NAMES[sex]
        )
    out += [label for _, label in SECTORS] + ENTERPRISE_BRANDS
    out += [w for words in ENTERPRISE_SECTOR_WORDS.values() for w in words]
    out += [s for streets in STREETS.values() for s in streets] + BUON_NAMES
    out += RESIDENCE_NAME_WORDS + [w for ws in WORKSHOPS_BY_SECTOR.values() for w in ws]
    out += [p for ps in TEAM_PLEDGES.values() for pledge in ps for p in pledge]
    out += [o[0] for origins in BUS_ORIGINS.values() for o in origins]
    out += [b["name"] for b in PROVINCE_BODIES] + [
        b["short_name"] for b in PROVINCE_BODIES
    ]
    return out


def check_catalogue() -> list[str]:
    """Return the problems found in the catalogue; an empty list means it is sound."""
    problems: list[str] = []
    try:
        from vietnam_provinces import Ward
    except ImportError:  # pragma: no cover - a project dependency
        return ["vietnam_provinces is not installed"]
    wards = {w.name: int(w.code) for w in Ward.iter_by_province(PROVINCE_CODE)}
    sector_codes = {code for code, _ in SECTORS}

    # Zones.
    seen_names: set[str] = set()
    seen_short: set[str] = set()
    for zone in ZONES:
        label = zone.get("short_name", repr(zone))
        missing = [k for k in _ZONE_KEYS if k not in zone]
        if missing:
            problems.append(f"{label}: missing keys {missing}")
            continue
        if zone["name"] in seen_names:
            problems.append(f"{label}: duplicate name {zone['name']!r}")
        if zone["short_name"] in seen_short:
            problems.append(f"{label}: duplicate short name")
        seen_names.add(zone["name"])
        seen_short.add(zone["short_name"])
        if zone["kind"] not in ZONE_KINDS:
            problems.append(f"{label}: bad kind {zone['kind']!r}")
        prefix = (
            ("Khu công nghiệp ", "KCN ")
            if zone["kind"] == INDUSTRIAL_PARK
            else ("Cụm công nghiệp ", "CCN ")
        )
        if not zone["name"].startswith(prefix[0]) or not zone["short_name"].startswith(
            prefix[1]
        ):
            problems.append(f"{label}: name does not match its kind")
        if zone["status"] not in ZONE_STATUSES:
            problems.append(f"{label}: bad status {zone['status']!r}")
        if zone["former_province"] not in FORMER_PROVINCE_BBOX:
            problems.append(f"{label}: bad former province {zone['former_province']!r}")
        elif not _in_box(
            zone["lat"], zone["lng"], FORMER_PROVINCE_BBOX[zone["former_province"]]
        ):
            problems.append(f"{label}: coordinates outside the former province")
        if zone["ward_name"] not in wards:
            problems.append(
                f"{label}: ward {zone['ward_name']!r} not in vietnam_provinces province 66"
            )
        elif wards[zone["ward_name"]] != zone["ward_code"]:
            problems.append(
                f"{label}: ward code {zone['ward_code']} != {wards[zone['ward_name']]} for {zone['ward_name']!r}"
            )
        if not _in_box(zone["lat"], zone["lng"], PROVINCE_BBOX):
            problems.append(
                f"{label}: coordinates ({zone['lat']}, {zone['lng']}) outside the province"
            )
        if not zone["area_ha"] > 0:
            problems.append(f"{label}: area must be positive")
        if zone["kind"] == INDUSTRIAL_CLUSTER and zone["area_ha"] > 75:
            problems.append(f"{label}: a cluster cannot exceed 75 ha")
        if not zone["source"].strip():
            problems.append(f"{label}: no source")
        unknown = set(zone["sectors"]) - sector_codes
        if not zone["sectors"] or unknown:
            problems.append(f"{label}: bad sectors {sorted(unknown) or '(none)'}")
    for kind, minimum in ((INDUSTRIAL_PARK, 4), (INDUSTRIAL_CLUSTER, 10)):
        if len(zones(kind)) < minimum:
            problems.append(f"fewer than {minimum} zones of kind {kind}")

    # Names.
    total = sum(w for _, w in FAMILY_NAMES)
    share = dict(FAMILY_NAMES)["Nguyễn"] / total
    if not 0.35 <= share <= 0.41:
        problems.append(f"Nguyễn is {share:.1%} of family names, expected about 38 %")
    for table in (FAMILY_NAMES, ETHNIC_FAMILY_NAMES, *MIDDLE_NAMES.values()):
        names = [n for n, _ in table]
        if len(names) != len(set(names)) or any(w <= 0 for _, w in table):
            problems.append(
                f"name table starting {names[0]!r} has duplicates or bad weights"
            )
    for sex in SEXES:
        if len(GIVEN_NAMES[sex]) < 40 or len(set(GIVEN_NAMES[sex])) != len(
            GIVEN_NAMES[sex]
        ):
            problems.append(f"need at least 40 distinct {sex} given names")

    # Enterprises and workplaces.
    if len(sector_codes) != len(SECTORS):
        problems.append("duplicate sector codes")
    for mapping_name, mapping in (
        ("ENTERPRISE_SECTOR_WORDS", ENTERPRISE_SECTOR_WORDS),
        ("WORKSHOPS_BY_SECTOR", WORKSHOPS_BY_SECTOR),
    ):
        if set(mapping) != sector_codes:
            problems.append(f"{mapping_name} does not cover exactly the sectors")
    rng = random.Random(0)
    for _ in range(300):
        code = rng.choice(sorted(sector_codes))
        name = enterprise_name(rng, code, rng.choice(["dak_lak", "phu_yen", None]))
        blocked = [b for b in _BLOCKED_BRANDS if b.lower() in name.lower()]
        if blocked:
            problems.append(f"enterprise name {name!r} uses a real brand {blocked}")
            break
    for kind, pledges in TEAM_PLEDGES.items():
        for pledge in pledges:
            if not 4 <= len(pledge) <= 6:
                problems.append(f"{kind} pledge has {len(pledge)} points, expected 4–6")
    if len(SHIFT_TEMPLATES) != 4:
        problems.append("expected three shifts and office hours")

    # Bodies.
    functions = [b["function"] for b in PROVINCE_BODIES if b["kind"] == "agency"]
    expected = {"police", "health", "park_board", "industry_trade", "labour_federation"}
    if set(functions) != expected or len(functions) != len(set(functions)):
        problems.append(f"agency functions {functions} do not match {sorted(expected)}")
    if [b["kind"] for b in PROVINCE_BODIES].count("committee") != 1:
        problems.append("expected exactly one steering committee")

    # Text hygiene.
    for text in _texts():
        if text != unicodedata.normalize("NFC", text):
            problems.append(f"not NFC: {text!r}")
        if text != text.strip():
            problems.append(f"stray white space: {text!r}")
    return problems


if __name__ == "__main__":  # pragma: no cover
    found = check_catalogue()
    for problem in found:
        print(problem)
    print(f"{len(ZONES)} zones, {len(found)} problem(s)")
