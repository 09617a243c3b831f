"""The registry API: the organisation tree, zones, enterprises (and their parts),
residences and teams under /api/v1/."""

from __future__ import annotations

from datetime import time
from typing import Any

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from tests import factories as f
from tests.conftest import OUTSIDE, Province
from tuquan.core.models import AuditEntry
from tuquan.organisations.choices import OperatingMode, OrgKind
from tuquan.organisations.models import (
    BusRoute,
    Enterprise,
    Line,
    OperatingModeChange,
    Residence,
    Shift,
    Team,
    Workshop,
    Zone,
)

API = "/api/v1"
# Personas whose subtree excludes commune B, where every OUTSIDE object lives.
NARROW = ("commune", "zone", "enterprise", "team_leader", "worker", "outsider")
COLLECTIONS = (
    "organisations",
    "admin-units",
    "zones",
    "enterprises",
    "residences",
    "teams",
)


def vi(msgid: str) -> str:
    with translation.override("vi"):
        return gettext(msgid)


def as_user(province: Province, persona: str) -> Client:
    client = Client()
    client.force_login(province.user(persona))
    return client


def names(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["name"] for item in response.json()["items"]]


def errors(response: Any) -> dict[str, list[str]]:
    assert response.status_code == 422, response.content
    return {e["field"]: e["messages"] for e in response.json()["detail"]}


def parts(province: Province) -> dict[str, Any]:
    ent_a, ent_b = province.enterprise_a, province.enterprise_b
    roasting = Workshop.objects.create(enterprise=ent_a, name="Xưởng Rang")
    Line.objects.create(workshop=roasting, name="Dây chuyền 2")
    Line.objects.create(workshop=roasting, name="Dây chuyền 1")
    return {
        "workshop": roasting,
        "workshop_b": Workshop.objects.create(
            enterprise=ent_b, name=f"Xưởng {OUTSIDE}"
        ),
        "shift": Shift.objects.create(
            enterprise=ent_a, name="Ca 1", starts_at=time(6), ends_at=time(14)
        ),
        "route": BusRoute.objects.create(
            enterprise=ent_a, name="Tuyến Buôn Ma Thuột", stops="Ngã sáu\n\nBến xe\n"
        ),
        "route_b": BusRoute.objects.create(enterprise=ent_b, name=f"Tuyến {OUTSIDE}"),
    }


# --- lists, details and scope --------------------------------------------------------


@pytest.mark.parametrize("persona", NARROW)
def test_it_hides_other_scopes(province: Province, persona: str) -> None:
    parts(province)
    client = as_user(province, persona)
    for collection in COLLECTIONS:
        response = client.get(f"{API}/{collection}")
        assert response.status_code == 200, collection
        assert OUTSIDE not in response.content.decode(), collection
        searched = client.get(f"{API}/{collection}", {"q": OUTSIDE})
        assert searched.json()["items"] == [], collection
    outside = {
        "organisations": province.commune_b,
        "admin-units": province.commune_b,
        "zones": province.zone_b,
        "enterprises": province.enterprise_b,
        "residences": province.residence_b,
        "teams": province.team_b,
    }
    for collection, obj in outside.items():
        response = client.get(f"{API}/{collection}/{obj.pk}")
        assert response.status_code == 404, collection
        assert OUTSIDE not in response.content.decode()
    ent_b = province.enterprise_b.pk
    for sub in ("workshops", "shifts", "bus-routes"):
        assert client.get(f"{API}/enterprises/{ent_b}/{sub}").status_code == 404
    assert (
        client.get(f"{API}/residences/{province.residence_b.pk}/rooms").status_code
        == 404
    )
    assert client.get(f"{API}/teams/{province.team_b.pk}/members").status_code == 404


def test_it_hides_other_scopes_from_the_other_enterprise(province: Province) -> None:
    client = as_user(province, "enterprise_b")
    assert names(client.get(f"{API}/enterprises")) == [province.enterprise_b.name]
    assert (
        client.get(f"{API}/enterprises/{province.enterprise_a.pk}").status_code == 404
    )
    assert names(client.get(f"{API}/teams")) == [province.team_b.name]
    assert client.get(f"{API}/teams/{province.team_a.pk}").status_code == 404


@pytest.mark.parametrize("persona", ("province", "police", "auditor"))
def test_it_shows_the_whole_province_to_province_wide_personas(
    province: Province, persona: str
) -> None:
    client = as_user(province, persona)
    assert province.zone_b.name in names(client.get(f"{API}/zones"))
    assert (
        client.get(f"{API}/enterprises/{province.enterprise_b.pk}").status_code == 200
    )


def test_it_shows_an_enterprise_officer_only_their_subtree(province: Province) -> None:
    client = as_user(province, "enterprise")
    assert names(client.get(f"{API}/enterprises")) == [province.enterprise_a.name]
    assert names(client.get(f"{API}/zones")) == []
    assert names(client.get(f"{API}/teams")) == [province.team_a.name]
    body = client.get(f"{API}/enterprises/{province.enterprise_a.pk}").json()
    assert body["tax_code"] == province.enterprise_a.tax_code
    assert body["kind"] == "enterprise"
    assert body["path"] == province.enterprise_a.path
    assert body["parent_id"] == province.zone_a.pk


def test_it_lists_the_tree_in_path_order_with_kind_and_depth(
    province: Province,
) -> None:
    client = as_user(province, "commune")
    items = client.get(f"{API}/organisations").json()["items"]
    paths = [item["path"] for item in items]
    assert paths == sorted(paths)
    first = items[0]
    assert first["id"] == province.commune_a.pk
    assert first["kind"] == "commune"
    assert first["depth"] == province.commune_a.depth
    assert {"zone", "enterprise", "residence", "team"} <= {
        "zone" if i["kind"] == OrgKind.INDUSTRIAL_PARK else i["kind"] for i in items
    }


def test_it_filters_the_tree_by_subtree_and_kind(province: Province) -> None:
    client = as_user(province, "province")
    under = client.get(
        f"{API}/organisations", {"under": province.zone_a.pk, "kind": "enterprise"}
    ).json()
    assert sorted(i["name"] for i in under["items"]) == sorted(
        [province.enterprise_a.name, province.enterprise_a2.name]
    )
    assert under["count"] == 2
    node = client.get(f"{API}/organisations/{province.team_a.pk}").json()
    assert node["kind"] == "team"
    assert node["parent_id"] == province.enterprise_a.pk


def test_it_does_not_widen_the_scope_through_the_under_filter(
    province: Province,
) -> None:
    client = as_user(province, "enterprise")
    response = client.get(f"{API}/organisations", {"under": province.province.pk})
    assert names(response) == [province.enterprise_a.name, province.team_a.name]


def test_it_lists_admin_units(province: Province) -> None:
    client = as_user(province, "province")
    items = client.get(f"{API}/admin-units").json()["items"]
    assert [i["name"] for i in items][:1] == [province.province.name]
    assert {"division_type", "remote"} <= items[0].keys()
    communes = client.get(f"{API}/admin-units", {"kind": "commune", "q": "hoa phu"})
    assert names(communes) == [province.commune_a.name]


def test_it_searches_without_accents_and_filters(province: Province) -> None:
    client = as_user(province, "province")
    assert names(client.get(f"{API}/enterprises", {"q": "ca phe hoa phu"})) == [
        province.enterprise_a.name
    ]
    in_zone = client.get(f"{API}/enterprises", {"zone": province.zone_a.pk})
    assert sorted(names(in_zone)) == sorted(
        [province.enterprise_a.name, province.enterprise_a2.name]
    )
    assert names(client.get(f"{API}/teams", {"team_kind": "residence"})) == [
        province.team_a_residence.name
    ]


def test_it_paginates_by_page_number_in_a_stable_order(province: Province) -> None:
    for n in range(55):
        f.make_enterprise(province.zone_a, f"Công ty Thêm {n:02d}")
    client = as_user(province, "zone")
    first = client.get(f"{API}/enterprises").json()
    second = client.get(f"{API}/enterprises", {"page": 2}).json()
    assert first["count"] == second["count"] == 57
    assert len(first["items"]) == 50
    assert len(second["items"]) == 7
    ids = [i["id"] for i in first["items"] + second["items"]]
    assert len(set(ids)) == 57
    small = client.get(f"{API}/enterprises", {"page_size": 5, "page": 3}).json()
    assert [i["id"] for i in small["items"]] == ids[10:15]


@pytest.mark.parametrize("collection", COLLECTIONS)
def test_it_lists_a_page_in_a_bounded_number_of_queries(
    province: Province, collection: str, django_assert_max_num_queries: Any
) -> None:
    for n in range(20):
        enterprise = f.make_enterprise(province.zone_a, f"Công ty Thêm {n:02d}")
        f.make_team(f"Tổ Thêm {n:02d}", enterprise=enterprise)
        f.make_residence(province.commune_a, f"Nhà trọ Thêm {n:02d}")
        f.make_zone(province.commune_a, f"KCN Thêm {n:02d}")
        f.make_commune(province.province, f"Xã Thêm {n:02d}")
    client = as_user(province, "province")
    # Session, user, role assignments, count, page: the same for 3 rows or 50.
    with django_assert_max_num_queries(5):
        response = client.get(f"{API}/{collection}")
    assert len(response.json()["items"]) >= 20


# --- writes --------------------------------------------------------------------------


def test_it_creates_a_zone(province: Province) -> None:
    client = as_user(province, "commune")
    response = client.post(
        f"{API}/zones",
        {
            "name": "Cụm công nghiệp Hòa Phú 2",
            "kind": "industrial_cluster",
            "commune_id": province.commune_a.pk,
            "latitude": "12.65",
            "longitude": 108.01,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    zone = Zone.objects.get(pk=body["id"])
    assert zone.kind == OrgKind.INDUSTRIAL_CLUSTER
    assert zone.parent_id == province.commune_a.pk
    assert body["latitude"] == 12.65
    assert body["path"] == zone.path
    assert AuditEntry.objects.filter(object_id=str(zone.pk), action="create").exists()


def test_it_updates_only_the_fields_sent(province: Province) -> None:
    client = as_user(province, "zone")
    ent = province.enterprise_a
    response = client.patch(
        f"{API}/enterprises/{ent.pk}",
        {"sector": "Chế biến cà phê", "registered_workforce": 250},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    ent.refresh_from_db()
    assert (ent.sector, ent.registered_workforce) == ("Chế biến cà phê", 250)
    assert ent.name == "Công ty TNHH Cà phê Hòa Phú"


def test_it_moves_an_enterprise_to_another_zone_in_scope(province: Province) -> None:
    zone_a3 = f.make_zone(province.commune_a, "KCN Hòa Phú 3")
    client = as_user(province, "commune")
    response = client.patch(
        f"{API}/enterprises/{province.enterprise_a2.pk}",
        {"zone_id": zone_a3.pk},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["path"].startswith(zone_a3.path)


def test_it_refuses_a_reference_outside_the_scope(province: Province) -> None:
    client = as_user(province, "commune")
    response = client.post(
        f"{API}/enterprises",
        {
            "name": "Công ty Mới",
            "tax_code": f.valid_tax_code(),
            "zone_id": province.zone_b.pk,
        },
        content_type="application/json",
    )
    messages = errors(response)
    assert list(messages) == ["zone_id"]
    assert OUTSIDE not in response.content.decode()
    moved = client.patch(
        f"{API}/enterprises/{province.enterprise_a.pk}",
        {"zone_id": province.zone_b.pk},
        content_type="application/json",
    )
    assert list(errors(moved)) == ["zone_id"]
    assert Enterprise.objects.filter(zone=province.zone_b).count() == 1


def test_it_answers_404_when_changing_an_object_outside_the_scope(
    province: Province,
) -> None:
    client = as_user(province, "enterprise")
    response = client.patch(
        f"{API}/enterprises/{province.enterprise_b.pk}",
        {"name": "Đổi tên"},
        content_type="application/json",
    )
    assert response.status_code == 404
    province.enterprise_b.refresh_from_db()
    assert province.enterprise_b.name != "Đổi tên"


def test_it_answers_403_to_a_role_that_sees_but_may_not_edit(
    province: Province,
) -> None:
    client = as_user(province, "team_leader")
    response = client.patch(
        f"{API}/teams/{province.team_a.pk}",
        {"pledge": "Không"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["detail"] == vi(
        "You may not change this part of the organisation tree."
    )


def test_it_reports_model_errors_per_request_field(province: Province) -> None:
    client = as_user(province, "commune")
    response = client.post(
        f"{API}/enterprises",
        {"name": "Công ty Mới", "tax_code": "0100233480"},
        content_type="application/json",
    )
    messages = errors(response)
    assert "zone_id" in messages
    bad_tax = client.post(
        f"{API}/enterprises",
        {"name": "Công ty Mới", "tax_code": "abc", "zone_id": province.zone_a.pk},
        content_type="application/json",
    )
    assert list(errors(bad_tax)) == ["tax_code"]


def test_it_words_schema_errors_in_vietnamese_naming_the_field(
    province: Province,
) -> None:
    client = as_user(province, "commune")
    response = client.post(
        f"{API}/zones",
        {"commune_id": "abc", "kind": "farm", "latitude": "north", "surprise": 1},
        content_type="application/json",
    )
    messages = errors(response)
    assert messages["name"] == [
        vi("The field “%(field)s” is required.") % {"field": "name"}
    ]
    assert messages["commune_id"] == [
        vi("The field “%(field)s” must be a whole number.") % {"field": "commune_id"}
    ]
    assert messages["kind"] == [
        vi("The field “%(field)s” must be one of: %(choices)s.")
        % {"field": "kind", "choices": "industrial_park, industrial_cluster"}
    ]
    assert messages["latitude"] == [
        vi("The field “%(field)s” must be a number.") % {"field": "latitude"}
    ]
    assert messages["surprise"] == [
        vi("“%(field)s” is not a field of this request.") % {"field": "surprise"}
    ]


def test_it_words_bad_dates_uuids_and_query_values(province: Province) -> None:
    client = as_user(province, "enterprise")
    response = client.post(
        f"{API}/teams",
        {
            "name": "Tổ Mới",
            "enterprise_id": province.enterprise_a.pk,
            "founded_on": "31/02/2024",
            "client_id": "not-a-uuid",
        },
        content_type="application/json",
    )
    messages = errors(response)
    assert messages["founded_on"] == [
        vi(
            "The field “%(field)s” must be a valid date, written dd/mm/yyyy "
            "or yyyy-mm-dd."
        )
        % {"field": "founded_on"}
    ]
    assert messages["client_id"] == [
        vi("The field “%(field)s” must be a UUID.") % {"field": "client_id"}
    ]
    page = client.get(f"{API}/teams", {"page": 0})
    assert errors(page)["page"] == [
        vi("The field “%(field)s” must be at least %(n)s.") % {"field": "page", "n": 1}
    ]
    assert client.get(f"{API}/teams/abc").status_code == 422


def test_it_refuses_a_body_that_is_not_a_json_object(province: Province) -> None:
    client = as_user(province, "commune")
    response = client.post(f"{API}/zones", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"detail": vi("The request body is not valid JSON.")}
    listed = client.post(f"{API}/zones", [1, 2], content_type="application/json")
    assert errors(listed) == {
        "__all__": [vi("The request body must be a JSON object.")]
    }
    assert client.get(f"{API}/zones/999999").json() == {"detail": vi("Not found.")}


def test_it_creates_a_residence_and_masks_the_owner_phone(province: Province) -> None:
    client = as_user(province, "commune")
    response = client.post(
        f"{API}/residences",
        {
            "name": "Nhà trọ Cô Ba",
            "address": "5 Lê Duẩn",
            "commune_id": province.commune_a.pk,
            "owner_name": "Nguyễn Thị Ba",
            "owner_phone": "0912 345 678",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["owner_phone_masked"] == "•" * 9 + "678"
    assert "0912" not in response.content.decode()
    assert "owner_phone" not in body
    assert Residence.objects.get(pk=body["id"]).owner_phone == "+84912345678"
    bad = client.patch(
        f"{API}/residences/{body['id']}",
        {"owner_phone": "12"},
        content_type="application/json",
    )
    assert list(errors(bad)) == ["owner_phone"]


def test_it_founds_a_team_with_a_date_typed_the_vietnamese_way(
    province: Province,
) -> None:
    client = as_user(province, "enterprise")
    response = client.post(
        f"{API}/teams",
        {
            "name": "Tổ tự quản Xưởng Đóng gói",
            "enterprise_id": province.enterprise_a.pk,
            "leader_id": province.colleague.pk,
            "founded_on": "02/09/2021",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["founded_on"] == "2021-09-02"
    assert body["parent_id"] == province.enterprise_a.pk
    team = Team.objects.get(pk=body["id"])
    assert team.memberships.get(worker=province.colleague).role == "leader"


def test_it_refuses_a_team_leader_outside_the_scope(province: Province) -> None:
    client = as_user(province, "enterprise")
    response = client.patch(
        f"{API}/teams/{province.team_a.pk}",
        {"leader_id": province.outsider.pk},
        content_type="application/json",
    )
    assert list(errors(response)) == ["leader_id"]


def test_it_names_service_errors_after_the_request_fields(province: Province) -> None:
    client = as_user(province, "enterprise")
    response = client.patch(
        f"{API}/teams/{province.team_a.pk}",
        {"deputy_id": province.leader.pk},
        content_type="application/json",
    )
    assert errors(response) == {
        "deputy_id": [vi("The leader and the deputy must be different people.")]
    }


# --- enterprise parts and operating mode ------------------------------------------


def test_it_lists_workshops_with_lines_shifts_and_routes(province: Province) -> None:
    made = parts(province)
    client = as_user(province, "enterprise")
    ent = province.enterprise_a.pk
    workshops = client.get(f"{API}/enterprises/{ent}/workshops").json()
    assert workshops["count"] == 1
    assert [line["name"] for line in workshops["items"][0]["lines"]] == [
        "Dây chuyền 1",
        "Dây chuyền 2",
    ]
    shifts = client.get(f"{API}/enterprises/{ent}/shifts").json()["items"]
    assert shifts == [
        {
            "id": made["shift"].pk,
            "enterprise_id": ent,
            "name": "Ca 1",
            "starts_at": "06:00:00",
            "ends_at": "14:00:00",
        }
    ]
    routes = client.get(f"{API}/enterprises/{ent}/bus-routes").json()["items"]
    assert routes[0]["stops"] == ["Ngã sáu", "Bến xe"]


def test_it_changes_the_operating_mode(province: Province) -> None:
    client = as_user(province, "zone")
    ent = province.enterprise_a
    response = client.post(
        f"{API}/enterprises/{ent.pk}/operating-mode",
        {"mode": "on_site", "effective_on": "15/07/2021", "reason": "Chỉ thị 16"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["previous_mode"] == OperatingMode.NORMAL
    assert response.json()["effective_on"] == "2021-07-15"
    ent.refresh_from_db()
    assert ent.operating_mode == OperatingMode.ON_SITE
    again = client.post(
        f"{API}/enterprises/{ent.pk}/operating-mode",
        {"mode": "on_site", "reason": "Lần nữa"},
        content_type="application/json",
    )
    assert errors(again) == {
        "mode": [vi("The enterprise is already in this operating mode.")]
    }
    assert OperatingModeChange.objects.filter(enterprise=ent).count() == 1


def test_it_hides_other_scopes_when_changing_the_operating_mode(
    province: Province,
) -> None:
    client = as_user(province, "enterprise")
    response = client.post(
        f"{API}/enterprises/{province.enterprise_b.pk}/operating-mode",
        {"mode": "suspended", "reason": "x"},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert not OperatingModeChange.objects.exists()


# --- the OpenAPI document ----------------------------------------------------------


def test_it_renders_the_openapi_document(province: Province) -> None:
    spec = Client().get(f"{API}/openapi.json").json()
    operations = {
        op["operationId"]: (method, path, op)
        for path, item in spec["paths"].items()
        for method, op in item.items()
    }
    expected = {
        "list_organisations", "get_organisation", "list_admin_units",
        "list_zones", "get_zone", "create_zone", "update_zone",
        "list_enterprises", "get_enterprise", "create_enterprise", "update_enterprise",
        "change_operating_mode", "list_workshops", "list_shifts", "list_bus_routes",
        "list_residences", "get_residence", "create_residence", "update_residence",
        "list_teams", "get_team", "create_team", "update_team",
        "list_team_members", "set_team_members",
        "list_workers", "get_worker", "create_worker", "update_worker",
        "reveal_worker_personal_data",
    }  # fmt: skip
    assert expected <= operations.keys()
    for name, (_method, _path, op) in operations.items():
        assert op.get("summary"), name
        assert op.get("tags"), name
    assert operations["update_zone"][:2] == ("patch", "/api/v1/zones/{zone_id}")
    assert operations["set_team_members"][0] == "put"
    assert "Pagination" in spec["info"]["description"]
    worker = spec["components"]["schemas"]["WorkerOut"]["properties"]
    assert "national_id" not in worker
    assert "phone" not in worker
