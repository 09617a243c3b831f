"""Shared fixtures: a small province with one persona at every level.

Everything named "Ngoài phạm vi" (outside scope) must never be visible to the
personas of commune A / zone A / enterprise A / team A.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import pytest

from tests import factories as f
from tuquan.accounts.choices import Role
from tuquan.accounts.models import User
from tuquan.organisations.choices import AgencyFunction, OrgKind
from tuquan.organisations.models import (
    AdminUnit,
    Enterprise,
    Organisation,
    Residence,
    Team,
    Zone,
)
from tuquan.people.models import Sex, Worker

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API

OUTSIDE = "Ngoài phạm vi"


@dataclass
class Province:
    province: AdminUnit
    commune_a: AdminUnit
    commune_b: AdminUnit
    committee: Organisation
    police: Organisation
    zone_a: Zone
    zone_b: Zone
    enterprise_a: Enterprise
    enterprise_a2: Enterprise
    enterprise_b: Enterprise
    residence_a: Residence
    residence_b: Residence
    team_a: Team
    team_a_residence: Team
    team_b: Team
    leader: Worker
    member: Worker
    colleague: Worker
    resident: Worker
    outsider: Worker
    users: dict[str, User]

    def user(self, persona: str) -> User:
        return self.users[persona]


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Each test starts with an empty cache: cached dashboard figures, gates
    and flood counters must not leak from one test's database to the next."""
    from django.core.cache import cache

    cache.clear()


def restore_shipped_profiles() -> None:
    """The disease profiles a migration ships; a transactional test (browser,
    replay) empties every table when it ends, migration data included."""
    from tuquan.health.models import DiseaseProfile
    from tuquan.health.profiles import SHIPPED

    for values in SHIPPED:
        DiseaseProfile.objects.update_or_create(code=values["code"], defaults=values)


@pytest.fixture
def province(db: Any) -> Province:
    restore_shipped_profiles()
    prov = AdminUnit.objects.create(
        name="Tỉnh Đắk Lắk", kind=OrgKind.PROVINCE, code="66", division_type="tỉnh"
    )
    commune_a = f.make_commune(prov, "Xã Hòa Phú", "24175")
    commune_b = f.make_commune(prov, f"Phường {OUTSIDE} B", "99999")
    committee = Organisation.objects.create(
        kind=OrgKind.COMMITTEE, name="Ban Chỉ đạo tỉnh", parent=prov, jurisdiction=prov
    )
    police = Organisation.objects.create(
        kind=OrgKind.AGENCY,
        name="Công an tỉnh",
        parent=prov,
        jurisdiction=prov,
        function=AgencyFunction.POLICE,
    )
    zone_a = f.make_zone(commune_a, "Khu công nghiệp Hòa Phú", short_name="KCN Hòa Phú")
    zone_b = f.make_zone(commune_b, f"KCN {OUTSIDE}")
    ent_a = f.make_enterprise(zone_a, "Công ty TNHH Cà phê Hòa Phú")
    ent_a2 = f.make_enterprise(zone_a, "Công ty CP Gỗ Tây Nguyên")
    ent_b = f.make_enterprise(zone_b, f"Công ty {OUTSIDE}")
    res_a = f.make_residence(commune_a, "Nhà trọ Hoa Mai")
    res_b = f.make_residence(commune_b, f"Nhà trọ {OUTSIDE}")
    team_a = f.make_team("Tổ tự quản Xưởng Rang", enterprise=ent_a)
    team_a_res = f.make_team("Tổ tự quản nhà trọ Hoa Mai", residence=res_a)
    team_b = f.make_team(f"Tổ {OUTSIDE}", enterprise=ent_b)
    leader = f.make_worker(
        "Nguyễn Văn Đông", enterprise=ent_a, residence=res_a, teams=(team_a,)
    )
    member = f.make_worker(
        "Trần Thị Lan", enterprise=ent_a, sex=Sex.FEMALE, teams=(team_a,)
    )
    colleague = f.make_worker("Lê Văn Hùng", enterprise=ent_a)
    resident = f.make_worker(
        "Phạm Thị Hoa",
        enterprise=ent_a2,
        residence=res_a,
        sex=Sex.FEMALE,
        teams=(team_a_res,),
    )
    outsider = f.make_worker(
        f"{OUTSIDE} Văn Xa", enterprise=ent_b, residence=res_b, teams=(team_b,)
    )
    team_a.leader = leader
    team_a.save()
    users = {
        "province": f.make_user("tinh", Role.PROVINCE_COMMITTEE, committee),
        "police": f.make_user(
            "congan", Role.AGENCY_OFFICER, police, function=AgencyFunction.POLICE
        ),
        "commune": f.make_user("xa", Role.COMMUNE_COMMITTEE, commune_a),
        "zone": f.make_user("kcn", Role.ZONE_BOARD, zone_a),
        "enterprise": f.make_user("doanhnghiep", Role.ENTERPRISE_OFFICER, ent_a),
        "team_leader": f.make_user("totruong", Role.TEAM_LEADER, team_a),
        "worker": f.make_user("congnhan", Role.WORKER, ent_a),
        "auditor": f.make_user("kiemtoan", Role.AUDITOR, prov),
        "outsider": f.make_user("nguoingoai"),
        "enterprise_b": f.make_user("doanhnghiepb", Role.ENTERPRISE_OFFICER, ent_b),
    }
    member.user = users["worker"]
    member.save()
    leader.user = users["team_leader"]
    leader.save()
    return Province(
        province=prov,
        commune_a=commune_a,
        commune_b=commune_b,
        committee=committee,
        police=police,
        zone_a=zone_a,
        zone_b=zone_b,
        enterprise_a=ent_a,
        enterprise_a2=ent_a2,
        enterprise_b=ent_b,
        residence_a=res_a,
        residence_b=res_b,
        team_a=team_a,
        team_a_residence=team_a_res,
        team_b=team_b,
        leader=leader,
        member=member,
        colleague=colleague,
        resident=resident,
        outsider=outsider,
        users=users,
    )


@pytest.fixture(scope="session")
def browser_type_launch_args(
    browser_type_launch_args: dict[str, Any],
) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-dev-shm-usage",
            "--disable-quic",
        ],
    }


@pytest.fixture
def phone(browser, live_server):  # type: ignore[no-untyped-def]
    """A page in a 360 × 740 touch-screen phone (browser tests)."""
    page = new_phone(browser)
    yield page
    page.context.close()


def new_phone(browser: Any) -> Any:
    context = browser.new_context(
        viewport={"width": 360, "height": 740},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="vi-VN",
    )
    return context.new_page()


@dataclass
class GateSite:
    """Gates on top of the small province: zone A's main gate, enterprise A's
    own gate, and a gate of zone B (outside every narrow persona's scope)."""

    province: Province
    gate_a: Any
    gate_enterprise_a: Any
    gate_b: Any
    cards: dict[str, Any]
    guard: User
    guard_b: User


@pytest.fixture
def gates(province: Province) -> GateSite:
    from tuquan.gates.choices import GateKind

    gate_a = f.make_gate(province.zone_a, "Cổng chính KCN Hòa Phú")
    gate_ent = f.make_gate(
        province.enterprise_a, "Cổng Xưởng Rang", gate_kind=GateKind.WORKER
    )
    gate_b = f.make_gate(province.zone_b, f"Cổng {OUTSIDE}")
    cards = {
        name: f.make_card(getattr(province, name))
        for name in ("leader", "member", "colleague", "resident", "outsider")
    }
    guard = f.make_user("baove", Role.GATE_GUARD, gate_a)
    province.users["guard"] = guard
    return GateSite(
        province=province,
        gate_a=gate_a,
        gate_enterprise_a=gate_ent,
        gate_b=gate_b,
        cards=cards,
        guard=guard,
        guard_b=f.make_user("baoveb", Role.GATE_GUARD, gate_b),
    )


@pytest.fixture
def health_officer(province: Province) -> Any:
    """An officer of the provincial health department (sees cases province-wide)."""
    health = Organisation.objects.create(
        kind=OrgKind.AGENCY,
        name="Sở Y tế",
        parent=province.province,
        jurisdiction=province.province,
        function=AgencyFunction.HEALTH,
    )
    return f.make_user(
        "yte", Role.AGENCY_OFFICER, health, function=AgencyFunction.HEALTH
    )
