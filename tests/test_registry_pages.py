"""Registry pages: zones, enterprises, residences, teams and the node page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.humanize.templatetags.humanize import intcomma
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests import factories as f
from tests.conftest import OUTSIDE, Province
from tuquan.core.models import AuditAction, AuditEntry
from tuquan.organisations.choices import OperatingMode, OrgKind
from tuquan.organisations.models import (
    Enterprise,
    Line,
    OperatingModeChange,
    Residence,
    Room,
    Team,
    Workshop,
    Zone,
)
from tuquan.people.models import MembershipRole

LISTS = ["zone_list", "enterprise_list", "residence_list", "team_list"]
# Personas whose scope stops at commune A, zone A, enterprise A or team A.
NARROW = ["commune", "zone", "enterprise", "team_leader", "worker", "outsider"]
REQUIRED = "Trường này là bắt buộc."  # Django's own vi catalogue


@pytest.fixture(autouse=True)
def _plain_http(settings: Any) -> None:
    # The test client speaks plain HTTP; production settings redirect to HTTPS.
    settings.SECURE_SSL_REDIRECT = False


def login(client: Client, province: Province, persona: str) -> Client:
    client.force_login(province.user(persona))
    return client


def page(client: Client, name: str, *args: Any, **query: Any) -> str:
    response = client.get(reverse(name, args=args), query)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.mark.parametrize("persona", NARROW)
@pytest.mark.parametrize("name", LISTS)
def test_it_hides_other_scopes(
    client: Client, province: Province, name: str, persona: str
) -> None:
    login(client, province, persona)
    assert OUTSIDE not in page(client, name)


@pytest.mark.parametrize(
    ("persona", "name", "expected"),
    [
        ("commune", "zone_list", "Khu công nghiệp Hòa Phú"),
        ("commune", "enterprise_list", "Công ty CP Gỗ Tây Nguyên"),
        ("commune", "residence_list", "Nhà trọ Hoa Mai"),
        ("commune", "team_list", "Tổ tự quản nhà trọ Hoa Mai"),
        ("zone", "enterprise_list", "Công ty TNHH Cà phê Hòa Phú"),
        ("enterprise", "team_list", "Tổ tự quản Xưởng Rang"),
        ("team_leader", "team_list", "Tổ tự quản Xưởng Rang"),
        ("province", "enterprise_list", f"Công ty {OUTSIDE}"),
        ("police", "residence_list", f"Nhà trọ {OUTSIDE}"),
    ],
)
def test_it_lists_rows_in_scope(
    client: Client, province: Province, persona: str, name: str, expected: str
) -> None:
    login(client, province, persona)
    assert expected in page(client, name)


def test_it_hides_enterprise_a_from_enterprise_b(
    client: Client, province: Province
) -> None:
    login(client, province, "enterprise_b")
    html = page(client, "enterprise_list")
    assert f"Công ty {OUTSIDE}" in html
    assert "Cà phê Hòa Phú" not in html


@pytest.mark.parametrize(
    ("name", "attr"),
    [
        ("zone_detail", "zone_b"),
        ("enterprise_detail", "enterprise_b"),
        ("residence_detail", "residence_b"),
        ("team_detail", "team_b"),
        ("organisation_detail", "commune_b"),
        ("enterprise_mode", "enterprise_b"),
        ("team_members", "team_b"),
        ("zone_edit", "zone_b"),
        ("enterprise_edit", "enterprise_b"),
    ],
)
@pytest.mark.parametrize("persona", ["commune", "zone", "enterprise"])
def test_it_hides_other_scopes_on_detail_pages(
    client: Client, province: Province, persona: str, name: str, attr: str
) -> None:
    login(client, province, persona)
    response = client.get(reverse(name, args=[getattr(province, attr).pk]))
    assert response.status_code == 404


def test_it_finds_names_without_accents(client: Client, province: Province) -> None:
    login(client, province, "commune")
    html = page(client, "enterprise_list", q="ca phe hoa phu")
    assert "Công ty TNHH Cà phê Hòa Phú" in html
    assert "Gỗ Tây Nguyên" not in html


def test_it_filters_with_scoped_options(client: Client, province: Province) -> None:
    login(client, province, "commune")
    html = page(client, "enterprise_list", zone=province.zone_a.pk)
    assert "Cà phê Hòa Phú" in html
    # The zone filter offers only zones the user can see.
    assert f'value="{province.zone_b.pk}"' not in html
    # A hand-edited, malformed filter is ignored rather than a server error.
    assert "Cà phê Hòa Phú" in page(client, "enterprise_list", zone="abc")


def test_it_answers_htmx_with_the_table_only(
    client: Client, province: Province
) -> None:
    login(client, province, "commune")
    response = client.get(
        reverse("enterprise_list"),
        {"q": "go tay"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="results",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert 'class="responsive"' in html
    assert "Gỗ Tây Nguyên" in html
    assert "Cà phê" not in html
    assert "HX-Request" in response["Vary"]


def test_it_renders_the_whole_page_without_htmx(
    client: Client, province: Province
) -> None:
    login(client, province, "commune")
    html = page(client, "zone_list")
    assert "<html" in html
    assert 'hx-trigger="input changed delay:300ms, search"' in html
    assert 'hx-push-url="true"' in html
    assert 'data-label="' in html


def test_it_paginates_fifty_a_page(client: Client, province: Province) -> None:
    for n in range(55):
        f.make_residence(province.commune_a, f"Nhà trọ số {n:02d}")
    login(client, province, "commune")
    html = page(client, "residence_list")
    assert len(re.findall(r'href="/residences/\d+/"', html)) == 50
    assert "page=2" in html
    assert "Nhà trọ số 54" in page(client, "residence_list", page=2)


def test_it_groups_thousands_with_dots_in_vietnamese() -> None:
    # The pages format counts with intcomma; the project's vi formats group by 3.
    with translation.override("vi"):
        assert intcomma(1234567) == "1.234.567"


def test_it_creates_an_enterprise_through_the_form(
    client: Client, province: Province
) -> None:
    login(client, province, "zone")
    form = page(client, "enterprise_create")
    assert f'value="{province.zone_a.pk}"' in form
    assert f'value="{province.zone_b.pk}"' not in form
    response = client.post(
        reverse("enterprise_create"),
        {
            "name": "Công ty TNHH May Đắk Lắk",
            "tax_code": f.valid_tax_code(9001),
            "zone": province.zone_a.pk,
            "registered_workforce": "250",
        },
    )
    enterprise = Enterprise.objects.get(name="Công ty TNHH May Đắk Lắk")
    assert response.status_code == 302
    assert response["Location"] == reverse("enterprise_detail", args=[enterprise.pk])
    assert enterprise.zone == province.zone_a
    assert enterprise.path.startswith(province.zone_a.path)
    assert AuditEntry.objects.filter(
        action=AuditAction.CREATE,
        object_type="organisations.enterprise",
        object_id=str(enterprise.pk),
        username="kcn",
    ).exists()


def test_it_edits_a_zone_and_audits_it(client: Client, province: Province) -> None:
    login(client, province, "province")
    zone = province.zone_a
    assert reverse("zone_edit", args=[zone.pk]) in page(client, "zone_detail", zone.pk)
    response = client.post(
        reverse("zone_edit", args=[zone.pk]),
        {
            "name": "Khu công nghiệp Hòa Phú mở rộng",
            "short_name": "KCN Hòa Phú",
            "kind": OrgKind.INDUSTRIAL_PARK,
            "commune": province.commune_a.pk,
            "area_ha": "181,7",
        },
    )
    assert response.status_code == 302
    zone.refresh_from_db()
    assert zone.name == "Khu công nghiệp Hòa Phú mở rộng"
    assert str(zone.area_ha) == "181.70"
    entry = AuditEntry.objects.filter(
        action=AuditAction.UPDATE, object_id=str(zone.pk)
    ).latest("id")
    assert "name" in entry.changes


def test_it_refuses_enterprise_creation_to_a_team_leader(
    client: Client, province: Province
) -> None:
    login(client, province, "team_leader")
    assert client.get(reverse("enterprise_create")).status_code == 403
    response = client.post(
        reverse("enterprise_create"),
        {
            "name": "Công ty Lạ",
            "tax_code": f.valid_tax_code(9002),
            "zone": province.zone_a.pk,
        },
    )
    assert response.status_code == 403
    assert not Enterprise.objects.filter(name="Công ty Lạ").exists()
    assert reverse("enterprise_create") not in page(client, "enterprise_list")


def test_it_shows_edit_buttons_only_to_editors(
    client: Client, province: Province
) -> None:
    team = province.team_a
    login(client, province, "team_leader")
    html = page(client, "team_detail", team.pk)
    assert reverse("team_edit", args=[team.pk]) not in html
    assert client.get(reverse("team_edit", args=[team.pk])).status_code == 403
    login(client, province, "enterprise")
    assert reverse("team_edit", args=[team.pk]) in page(client, "team_detail", team.pk)


def test_it_shows_validation_errors_in_vietnamese(
    client: Client, province: Province
) -> None:
    login(client, province, "zone")
    response = client.post(
        reverse("enterprise_create"),
        {"name": "", "tax_code": "", "zone": province.zone_b.pk},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert REQUIRED in html
    assert "Hãy chọn một lựa chọn hợp lệ." in html  # zone B is not offered
    assert "This field is required." not in html
    assert (
        not Enterprise.objects.filter(zone=province.zone_b)
        .exclude(pk=province.enterprise_b.pk)
        .exists()
    )


def test_it_puts_service_errors_on_the_field(
    client: Client, province: Province
) -> None:
    login(client, province, "zone")
    response = client.post(
        reverse("enterprise_create"),
        {
            "name": "Công ty Trùng",
            "tax_code": province.enterprise_a.tax_code,
            "zone": province.zone_a.pk,
            "registered_workforce": "1",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["tax_code"]
    response = client.post(
        reverse("enterprise_create"),
        {
            "name": "Công ty Sai",
            "tax_code": "0100233489",
            "zone": province.zone_a.pk,
            "registered_workforce": "1",
        },
    )
    assert response.context["form"].errors["tax_code"]


def test_it_adds_workshop_line_shift_and_route(
    client: Client, province: Province
) -> None:
    enterprise = province.enterprise_a
    login(client, province, "enterprise")
    detail = page(client, "enterprise_detail", enterprise.pk)
    assert reverse("enterprise_add_part", args=[enterprise.pk, "workshop"]) in detail
    url = reverse("enterprise_add_part", args=[enterprise.pk, "workshop"])
    assert 'name="workshop-name"' in page(
        client, "enterprise_add_part", enterprise.pk, "workshop"
    )
    assert client.post(url, {"workshop-name": "Xưởng Rang"}).status_code == 302
    workshop = Workshop.objects.get(enterprise=enterprise, name="Xưởng Rang")
    url = reverse("enterprise_add_part", args=[enterprise.pk, "line"])
    client.post(url, {"line-workshop": workshop.pk, "line-name": "Chuyền 1"})
    assert Line.objects.filter(workshop=workshop, name="Chuyền 1").exists()
    url = reverse("enterprise_add_part", args=[enterprise.pk, "shift"])
    client.post(
        url,
        {"shift-name": "Ca 1", "shift-starts_at": "06:00", "shift-ends_at": "14:00"},
    )
    url = reverse("enterprise_add_part", args=[enterprise.pk, "route"])
    client.post(url, {"route-name": "Tuyến Buôn Ma Thuột", "route-plate": "47B-123.45"})
    html = page(client, "enterprise_detail", enterprise.pk)
    for text in ("Xưởng Rang", "Chuyền 1", "Ca 1", "06:00", "Tuyến Buôn Ma Thuột"):
        assert text in html
    assert AuditEntry.objects.filter(object_type="organisations.workshop").exists()
    duplicate = client.post(
        reverse("enterprise_add_part", args=[enterprise.pk, "workshop"]),
        {"workshop-name": "xưởng rang"},
    )
    assert duplicate.status_code == 200
    assert duplicate.context["form"].errors["name"]


def test_it_refuses_parts_outside_the_edit_scope(
    client: Client, province: Province
) -> None:
    login(client, province, "team_leader")
    url = reverse("enterprise_add_part", args=[province.enterprise_a.pk, "workshop"])
    assert client.post(url, {"workshop-name": "Xưởng Lạ"}).status_code == 404
    login(client, province, "enterprise")
    url = reverse("enterprise_add_part", args=[province.enterprise_a.pk, "garage"])
    assert client.get(url).status_code == 404
    url = reverse("residence_add_room", args=[province.residence_a.pk])
    assert client.post(url, {"number": "101"}).status_code == 404


def test_it_changes_the_operating_mode(client: Client, province: Province) -> None:
    enterprise = province.enterprise_a
    login(client, province, "enterprise")
    url = reverse("enterprise_mode", args=[enterprise.pk])
    bad = client.post(
        url, {"mode": OperatingMode.ON_SITE, "effective_on": "2021-07-15", "reason": ""}
    )
    assert bad.status_code == 200
    assert set(bad.context["form"].errors) == {"effective_on", "reason"}
    response = client.post(
        url,
        {
            "mode": OperatingMode.ON_SITE,
            "effective_on": "15/07/2021",
            "reason": "Chỉ thị 16 của tỉnh",
        },
    )
    assert response.status_code == 302
    enterprise.refresh_from_db()
    assert enterprise.operating_mode == OperatingMode.ON_SITE
    change = OperatingModeChange.objects.get(enterprise=enterprise)
    assert change.effective_on.isoformat() == "2021-07-15"
    html = page(client, "enterprise_mode", enterprise.pk)
    assert "15/07/2021" in html
    assert "Chỉ thị 16 của tỉnh" in html
    same = client.post(
        url,
        {"mode": OperatingMode.ON_SITE, "effective_on": "16/07/2021", "reason": "Lại"},
    )
    assert same.context["form"].errors["mode"]


def test_it_shows_enterprise_parts_and_breadcrumbs(
    client: Client, province: Province
) -> None:
    login(client, province, "commune")
    html = page(client, "enterprise_detail", province.enterprise_a.pk)
    assert reverse("zone_detail", args=[province.zone_a.pk]) in html
    assert reverse("organisation_detail", args=[province.commune_a.pk]) in html
    # The province is above the commune officer's scope: not in the breadcrumbs.
    assert reverse("organisation_detail", args=[province.province.pk]) not in html
    assert "Tổ tự quản Xưởng Rang" in html


def test_it_creates_a_residence_with_rooms(client: Client, province: Province) -> None:
    login(client, province, "commune")
    response = client.post(
        reverse("residence_create"),
        {
            "name": "Nhà trọ Bình An",
            "residence_kind": "boarding_house",
            "address": "5 Lê Duẩn",
            "commune": province.commune_a.pk,
            "owner_name": "Bà Hạnh",
            "owner_phone": "0912 345 678",
        },
    )
    assert response.status_code == 302
    residence = Residence.objects.get(name="Nhà trọ Bình An")
    assert residence.owner_phone == "+84912345678"
    assert 'name="capacity"' in page(client, "residence_add_room", residence.pk)
    client.post(
        reverse("residence_add_room", args=[residence.pk]),
        {"number": "101", "capacity": "4"},
    )
    assert Room.objects.filter(residence=residence, number="101").exists()
    html = page(client, "residence_detail", residence.pk)
    assert "101" in html
    assert "0912345678" not in html and "+84912345678" not in html


def test_it_keeps_the_owner_phone_for_roles_without_personal_data(
    client: Client, province: Province
) -> None:
    residence = province.residence_a
    residence.owner_phone = "+84912000111"
    residence.save()
    login(client, province, "commune")
    form = page(client, "residence_edit", residence.pk)
    assert "+84912000111" not in form
    client.post(
        reverse("residence_edit", args=[residence.pk]),
        {
            "name": residence.name,
            "residence_kind": residence.residence_kind,
            "address": "7 Lê Duẩn",
            "commune": province.commune_a.pk,
            "owner_phone": "",
        },
    )
    residence.refresh_from_db()
    assert residence.address == "7 Lê Duẩn"
    assert residence.owner_phone == "+84912000111"


def test_it_creates_a_team_through_the_form(client: Client, province: Province) -> None:
    login(client, province, "enterprise")
    response = client.post(
        reverse("team_create"),
        {
            "name": "Tổ tự quản Xưởng Đóng gói",
            "team_kind": "workplace",
            "enterprise": province.enterprise_a.pk,
            "founded_on": "01/09/2021",
            "pledge": "Không để người lạ vào xưởng.",
        },
    )
    assert response.status_code == 302
    team = Team.objects.get(name="Tổ tự quản Xưởng Đóng gói")
    assert team.founded_on.isoformat() == "2021-09-01"
    assert team.path.startswith(province.enterprise_a.path)
    html = page(client, "team_detail", team.pk)
    assert "01/09/2021" in html
    assert "Không để người lạ vào xưởng." in html
    assert AuditEntry.objects.filter(
        action=AuditAction.CREATE,
        object_type="organisations.team",
        object_id=str(team.pk),
    ).exists()


def test_it_adds_and_removes_members(client: Client, province: Province) -> None:
    team, colleague = province.team_a, province.colleague
    login(client, province, "enterprise")
    url = reverse("team_members", args=[team.pk])
    assert "Lê Văn Hùng" in page(client, "team_members", team.pk)  # a candidate
    response = client.post(url, {"action": "add", "add-worker": colleague.pk})
    assert response.status_code == 302
    assert team.memberships.filter(worker=colleague, left_on__isnull=True).exists()
    assert "Lê Văn Hùng" in page(client, "team_detail", team.pk)
    client.post(url, {"action": "remove", "worker": colleague.pk})
    assert not team.memberships.filter(worker=colleague, left_on__isnull=True).exists()
    changes = AuditEntry.objects.filter(
        object_type="organisations.team", object_id=str(team.pk)
    ).values_list("changes", flat=True)
    assert {"members_added": [colleague.pk]} in list(changes)
    assert {"members_removed": [colleague.pk]} in list(changes)


def test_it_keeps_the_other_teams_of_a_removed_member(
    client: Client, province: Province
) -> None:
    resident = province.resident  # in the residence team, invisible to zone A's board
    login(client, province, "zone")
    team_url = reverse("team_members", args=[province.team_a.pk])
    client.post(team_url, {"action": "add", "add-worker": province.colleague.pk})
    enterprise_a2_team = f.make_team("Tổ Gỗ", enterprise=province.enterprise_a2)
    url = reverse("team_members", args=[enterprise_a2_team.pk])
    client.post(url, {"action": "add", "add-worker": resident.pk})
    client.post(url, {"action": "remove", "worker": resident.pk})
    assert resident.memberships.filter(
        team=province.team_a_residence, left_on__isnull=True
    ).exists()


def test_it_chooses_the_leader_and_deputy_among_members(
    client: Client, province: Province
) -> None:
    team = province.team_a
    login(client, province, "enterprise")
    url = reverse("team_members", args=[team.pk])
    response = client.post(
        url,
        {
            "action": "officers",
            "officers-leader": province.member.pk,
            "officers-deputy": province.leader.pk,
        },
    )
    assert response.status_code == 302
    team.refresh_from_db()
    assert (team.leader, team.deputy) == (province.member, province.leader)
    roles = dict(team.memberships.values_list("worker_id", "role"))
    assert roles[province.member.pk] == MembershipRole.LEADER
    assert roles[province.leader.pk] == MembershipRole.DEPUTY
    # Removing the deputy from the team also clears the deputy post.
    client.post(url, {"action": "remove", "worker": province.leader.pk})
    team.refresh_from_db()
    assert team.deputy is None


def test_it_refuses_member_changes_to_a_team_leader(
    client: Client, province: Province
) -> None:
    login(client, province, "team_leader")
    url = reverse("team_members", args=[province.team_a.pk])
    response = client.post(url, {"action": "add", "add-worker": province.colleague.pk})
    assert response.status_code == 403
    assert "Lê Văn Hùng" not in page(client, "team_detail", province.team_a.pk)


def test_it_refuses_a_leader_who_is_also_deputy(
    client: Client, province: Province
) -> None:
    login(client, province, "enterprise")
    url = reverse("team_members", args=[province.team_a.pk])
    response = client.post(
        url,
        {
            "action": "officers",
            "officers-leader": province.leader.pk,
            "officers-deputy": province.leader.pk,
        },
    )
    assert response.status_code == 200
    assert response.context["officers_form"].errors["deputy"]


def test_it_redirects_the_generic_page_or_shows_children(
    client: Client, province: Province
) -> None:
    login(client, province, "commune")
    response = client.get(reverse("organisation_detail", args=[province.zone_a.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("zone_detail", args=[province.zone_a.pk])
    html = page(client, "organisation_detail", province.commune_a.pk)
    assert "Khu công nghiệp Hòa Phú" in html and "Nhà trọ Hoa Mai" in html
    assert OUTSIDE not in html
    login(client, province, "province")
    html = page(client, "organisation_detail", province.province.pk)
    assert "Ban Chỉ đạo tỉnh" in html and "Xã Hòa Phú" in html


def test_it_shows_zone_detail_with_its_enterprises(
    client: Client, province: Province
) -> None:
    login(client, province, "zone")
    html = page(client, "zone_detail", province.zone_a.pk)
    assert "Cà phê Hòa Phú" in html and "Gỗ Tây Nguyên" in html
    assert f"{reverse('enterprise_create')}?zone={province.zone_a.pk}" in html
    # Zone boards edit their own zone (moving it needs the commune's rights).
    assert reverse("zone_edit", args=[province.zone_a.pk]) in html


def test_it_requires_login(client: Client, province: Province) -> None:
    response = client.get(reverse("zone_list"))
    assert response.status_code == 302
    assert Zone.objects.exists()


def test_it_serves_the_pledge_file_only_within_the_scope(
    client: Client, province: Province
) -> None:
    from django.core.files.base import ContentFile

    team = province.team_a
    team.pledge_file.save("quy-uoc.txt", ContentFile("Quy ước tổ".encode()), save=True)
    try:
        login(client, province, "team_leader")
        response = client.get(reverse("team_pledge_file", args=[team.pk]))
        assert response.status_code == 200
        assert b"".join(response.streaming_content).decode() == "Quy ước tổ"
        login(client, province, "enterprise_b")
        assert (
            client.get(reverse("team_pledge_file", args=[team.pk])).status_code == 404
        )
    finally:
        team.pledge_file.delete(save=False)
