"""Administrative units from vietnam-provinces, and the legacy 2021 shape."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from tests import factories as f
from tuquan.accounts.choices import Role
from tuquan.organisations.admin_units import load_admin_units
from tuquan.organisations.choices import OrgKind
from tuquan.organisations.models import AdminUnit, Enterprise
from tuquan.people.models import Worker


@pytest.mark.django_db
def test_it_loads_dak_lak_communes_and_wards() -> None:
    out = StringIO()
    call_command("load_admin_units", "--province", "66", stdout=out)
    province = AdminUnit.objects.get(kind=OrgKind.PROVINCE, code="66")
    communes = AdminUnit.objects.filter(kind=OrgKind.COMMUNE, parent=province)
    assert communes.count() == 102
    assert communes.filter(division_type="phường").count() == 14
    assert all(c.path.startswith(province.path) for c in communes)


@pytest.mark.django_db
def test_it_changes_nothing_when_loaded_twice() -> None:
    call_command("load_admin_units", "--province", "66", stdout=StringIO())
    before = list(AdminUnit.objects.values_list("pk", "path", "name").order_by("pk"))
    result = load_admin_units(province_codes=[66])
    assert (
        list(AdminUnit.objects.values_list("pk", "path", "name").order_by("pk"))
        == before
    )
    assert (result.unchanged, result.updated, result.communes_created) == (103, 0, 0)


@pytest.mark.django_db
def test_it_loads_all_provinces() -> None:
    call_command("load_admin_units", "--all", stdout=StringIO())
    assert AdminUnit.objects.filter(kind=OrgKind.PROVINCE).count() == 34
    assert AdminUnit.objects.filter(kind=OrgKind.COMMUNE).count() == 3321


@pytest.mark.django_db
def test_it_scopes_a_2021_shaped_tree_with_districts() -> None:
    province = AdminUnit.objects.create(
        name="Tỉnh Đắk Lắk", kind=OrgKind.PROVINCE, code="66"
    )
    district = AdminUnit.objects.create(
        name="Thành phố Buôn Ma Thuột",
        kind=OrgKind.DISTRICT,
        parent=province,
        code="643",
    )
    other_district = AdminUnit.objects.create(
        name="Huyện Krông Búk", kind=OrgKind.DISTRICT, parent=province, code="650"
    )
    commune = AdminUnit.objects.create(
        name="Xã Hòa Phú", kind=OrgKind.COMMUNE, parent=district, code="24175"
    )
    far = AdminUnit.objects.create(
        name="Xã Pơng Drang", kind=OrgKind.COMMUNE, parent=other_district, code="24400"
    )
    zone = f.make_zone(commune, "KCN Hòa Phú")
    far_zone = f.make_zone(far, "CCN Krông Búk 1")
    enterprise = f.make_enterprise(zone, "Công ty A")
    far_enterprise = f.make_enterprise(far_zone, "Công ty B")
    f.make_worker("Nguyễn Văn A", enterprise=enterprise)
    f.make_worker("Nguyễn Văn B", enterprise=far_enterprise)
    district_officer = f.make_user("huyen", Role.COMMUNE_COMMITTEE, district)
    assert list(Enterprise.objects.visible_to(district_officer)) == [enterprise]
    assert [w.full_name for w in Worker.objects.visible_to(district_officer)] == [
        "Nguyễn Văn A"
    ]
    assert zone.path.startswith(district.path)
