"""The worker API: masked personal data, the audited reveal, registration with
dates typed either way, references resolved within the caller's scope, and team
membership."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from tests import factories as f
from tests.conftest import OUTSIDE, Province
from tuquan.core.models import AuditEntry
from tuquan.organisations.models import Room, Workshop
from tuquan.people.models import Employment, Sex, TeamMembership, Worker

API = "/api/v1"
NARROW = ("commune", "zone", "enterprise", "team_leader", "worker", "outsider")


def vi(msgid: str) -> str:
    with translation.override("vi"):
        return gettext(msgid)


def as_user(province: Province, persona: str) -> Client:
    client = Client()
    client.force_login(province.user(persona))
    return client


def errors(response: Any) -> dict[str, list[str]]:
    assert response.status_code == 422, response.content
    return {e["field"]: e["messages"] for e in response.json()["detail"]}


def new_worker(province: Province, **extra: Any) -> dict[str, Any]:
    born = date(1998, 3, 4)
    return {
        "full_name": "Hoàng Thị Mai",
        "date_of_birth": "1998-03-04",
        "sex": "female",
        "national_id": f.valid_national_id(born=born, sex=Sex.FEMALE),
        "phone": "0987 654 321",
        "enterprise_id": province.enterprise_a.pk,
        **extra,
    }


def post(client: Client, url: str, data: Any) -> Any:
    return client.post(url, data, content_type="application/json")


def patch(client: Client, url: str, data: Any) -> Any:
    return client.patch(url, data, content_type="application/json")


# --- reading -------------------------------------------------------------------------


@pytest.mark.parametrize("persona", NARROW)
def test_it_hides_other_scopes(province: Province, persona: str) -> None:
    client = as_user(province, persona)
    listed = client.get(f"{API}/workers")
    assert listed.status_code == 200
    assert OUTSIDE not in listed.content.decode()
    assert client.get(f"{API}/workers", {"q": OUTSIDE}).json()["items"] == []
    outsider = province.outsider.pk
    assert client.get(f"{API}/workers/{outsider}").status_code == 404
    assert post(client, f"{API}/workers/{outsider}/reveal", {}).status_code == 404
    assert (
        patch(client, f"{API}/workers/{outsider}", {"full_name": "X"}).status_code
        == 404
    )
    province.outsider.refresh_from_db()
    assert province.outsider.full_name.startswith(OUTSIDE)


def test_it_hides_other_scopes_from_the_other_enterprise(province: Province) -> None:
    client = as_user(province, "enterprise_b")
    items = client.get(f"{API}/workers").json()["items"]
    assert [i["id"] for i in items] == [province.outsider.pk]
    assert client.get(f"{API}/workers/{province.member.pk}").status_code == 404


def test_it_shows_a_worker_only_their_own_record(province: Province) -> None:
    items = as_user(province, "worker").get(f"{API}/workers").json()["items"]
    assert [i["id"] for i in items] == [province.member.pk]


def test_it_shows_a_team_leader_the_team_members(province: Province) -> None:
    items = as_user(province, "team_leader").get(f"{API}/workers").json()["items"]
    assert sorted(i["id"] for i in items) == sorted(
        [province.leader.pk, province.member.pk]
    )


def test_it_masks_national_id_and_phone(province: Province) -> None:
    worker = province.colleague
    client = as_user(province, "enterprise")
    response = client.get(f"{API}/workers/{worker.pk}")
    body = response.json()
    assert body["national_id_masked"] == "•" * 9 + worker.national_id[-3:]
    assert body["phone_masked"] == "•" * 9 + worker.phone[-3:]
    assert "national_id" not in body and "phone" not in body
    text = response.content.decode()
    assert worker.national_id not in text
    assert worker.phone not in text and worker.phone[3:] not in text
    listed = client.get(f"{API}/workers").content.decode()
    assert worker.national_id not in listed


def test_it_lists_names_and_visible_teams(province: Province) -> None:
    client = as_user(province, "commune")
    leader = client.get(f"{API}/workers/{province.leader.pk}").json()
    assert leader["enterprise_name"] == province.enterprise_a.name
    assert leader["residence_name"] == province.residence_a.name
    assert leader["team_ids"] == [province.team_a.pk]
    # The enterprise officer does not see the boarding-house team.
    resident = as_user(province, "zone").get(f"{API}/workers/{province.resident.pk}")
    assert resident.json()["team_ids"] == []


def test_it_filters_and_searches_workers(province: Province) -> None:
    client = as_user(province, "commune")
    found = client.get(f"{API}/workers", {"q": "tran thi lan"}).json()["items"]
    assert [i["id"] for i in found] == [province.member.pk]
    by_id = client.get(f"{API}/workers", {"q": province.colleague.national_id})
    assert [i["id"] for i in by_id.json()["items"]] == [province.colleague.pk]
    in_team = client.get(f"{API}/workers", {"team": province.team_a.pk}).json()
    assert in_team["count"] == 2
    women = client.get(f"{API}/workers", {"sex": "female"}).json()["items"]
    assert {i["id"] for i in women} == {province.member.pk, province.resident.pk}


def test_it_lists_a_page_of_workers_in_a_bounded_number_of_queries(
    province: Province, django_assert_max_num_queries: Any
) -> None:
    for n in range(40):
        f.make_worker(
            f"Công nhân Thêm {n:02d}",
            enterprise=province.enterprise_a,
            residence=province.residence_a,
            teams=(province.team_a,),
        )
    client = as_user(province, "province")
    # Session, user, role assignments, count, page, current teams.
    with django_assert_max_num_queries(6):
        response = client.get(f"{API}/workers")
    body = response.json()
    assert body["count"] == 45
    assert len(body["items"]) == 45
    folded = [i["full_name"] for i in body["items"]]
    assert folded == [w.full_name for w in Worker.objects.order_by("name_folded", "id")]


# --- revealing personal data --------------------------------------------------------


@pytest.mark.parametrize("persona", ("enterprise", "province", "police"))
def test_it_reveals_personal_data_to_allowed_roles_and_audits(
    province: Province, persona: str
) -> None:
    worker = province.colleague
    response = post(as_user(province, persona), f"{API}/workers/{worker.pk}/reveal", {})
    assert response.status_code == 200, response.content
    assert response.json() == {"national_id": worker.national_id, "phone": worker.phone}
    entry = AuditEntry.objects.get(action="view_personal", object_id=str(worker.pk))
    assert entry.user == province.user(persona)
    assert entry.via == "api"


@pytest.mark.parametrize("persona", ("team_leader", "commune", "zone"))
def test_it_refuses_to_reveal_personal_data_to_other_roles(
    province: Province, persona: str
) -> None:
    worker = province.member
    response = post(as_user(province, persona), f"{API}/workers/{worker.pk}/reveal", {})
    assert response.status_code == 403
    assert response.json()["detail"] == vi(
        "Your role does not allow seeing personal data."
    )
    assert worker.national_id not in response.content.decode()
    assert not AuditEntry.objects.filter(action="view_personal").exists()


# --- registering and changing -------------------------------------------------------


def test_it_registers_a_worker(province: Province) -> None:
    client = as_user(province, "enterprise")
    data = new_worker(province, team_ids=[province.team_a.pk])
    response = post(client, f"{API}/workers", data)
    assert response.status_code == 201, response.content
    body = response.json()
    worker = Worker.objects.get(pk=body["id"])
    assert worker.national_id == data["national_id"]
    assert worker.phone == "+84987654321"
    assert worker.sex == Sex.FEMALE
    assert body["team_ids"] == [province.team_a.pk]
    assert body["date_of_birth"] == "1998-03-04"
    assert data["national_id"] not in response.content.decode()
    assert Employment.objects.filter(
        worker=worker, enterprise=province.enterprise_a
    ).exists()
    assert AuditEntry.objects.filter(action="create", object_id=str(worker.pk)).exists()


def test_it_accepts_the_date_of_birth_typed_dd_mm_yyyy(province: Province) -> None:
    client = as_user(province, "enterprise")
    data = new_worker(province, date_of_birth="04/03/1998")
    response = post(client, f"{API}/workers", data)
    assert response.status_code == 201, response.content
    assert response.json()["date_of_birth"] == "1998-03-04"


@pytest.mark.parametrize(
    "typed", ["1998-02-30", "30/02/1998", "4 March 1998", "98-03-04"]
)
def test_it_refuses_an_impossible_date(province: Province, typed: str) -> None:
    client = as_user(province, "enterprise")
    response = post(client, f"{API}/workers", new_worker(province, date_of_birth=typed))
    assert errors(response) == {
        "date_of_birth": [
            vi(
                "The field “%(field)s” must be a valid date, written dd/mm/yyyy "
                "or yyyy-mm-dd."
            )
            % {"field": "date_of_birth"}
        ]
    }


def test_it_refuses_a_bad_sex_and_a_missing_national_id(province: Province) -> None:
    data = new_worker(province, sex="nam")
    del data["national_id"]
    response = post(as_user(province, "enterprise"), f"{API}/workers", data)
    assert errors(response) == {
        "sex": [
            vi("The field “%(field)s” must be one of: %(choices)s.")
            % {"field": "sex", "choices": "male, female"}
        ],
        "national_id": [
            vi("The field “%(field)s” is required.") % {"field": "national_id"}
        ],
    }


def test_it_reports_service_errors_per_field(province: Province) -> None:
    data = new_worker(province, national_id="123", phone="12345")
    response = post(as_user(province, "enterprise"), f"{API}/workers", data)
    messages = errors(response)
    assert set(messages) == {"national_id", "phone"}
    assert not Worker.objects.filter(full_name="Hoàng Thị Mai").exists()


def test_it_refuses_an_enterprise_outside_the_scope(province: Province) -> None:
    data = new_worker(province, enterprise_id=province.enterprise_b.pk)
    response = post(as_user(province, "enterprise"), f"{API}/workers", data)
    model = Worker._meta.get_field("enterprise").related_model
    assert errors(response) == {
        "enterprise_id": [
            vi("There is no %(model)s with id %(id)s in your scope.")
            % {"model": model._meta.verbose_name, "id": province.enterprise_b.pk}
        ]
    }
    assert OUTSIDE not in response.content.decode()


def test_it_refuses_parts_and_teams_outside_the_scope(province: Province) -> None:
    workshop_b = Workshop.objects.create(enterprise=province.enterprise_b, name="X")
    room_b = Room.objects.create(residence=province.residence_b, number="1")
    data = new_worker(
        province,
        workshop_id=workshop_b.pk,
        room_id=room_b.pk,
        team_ids=[province.team_a.pk, province.team_b.pk],
    )
    response = post(as_user(province, "enterprise"), f"{API}/workers", data)
    assert set(errors(response)) == {"workshop_id", "room_id", "team_ids"}


def test_it_names_service_errors_after_the_request_fields(province: Province) -> None:
    other = Workshop.objects.create(enterprise=province.enterprise_a2, name="Xưởng Gỗ")
    data = new_worker(province, workshop_id=other.pk)
    response = post(as_user(province, "zone"), f"{API}/workers", data)
    assert errors(response) == {
        "workshop_id": [vi("This does not belong to the worker's enterprise.")]
    }


def test_it_refuses_to_register_for_a_role_that_may_not_edit(
    province: Province,
) -> None:
    response = post(
        as_user(province, "team_leader"), f"{API}/workers", new_worker(province)
    )
    assert response.status_code in (403, 422)
    assert not Worker.objects.filter(full_name="Hoàng Thị Mai").exists()


def test_it_hires_a_worker_registered_at_another_enterprise(province: Province) -> None:
    colleague = province.colleague
    data = new_worker(
        province,
        full_name=colleague.full_name,
        date_of_birth=colleague.date_of_birth.isoformat(),
        sex=colleague.sex,
        national_id=colleague.national_id,
        enterprise_id=province.enterprise_a2.pk,
    )
    response = post(as_user(province, "zone"), f"{API}/workers", data)
    assert response.status_code == 201, response.content
    assert response.json()["id"] == colleague.pk
    assert response.json()["enterprise_id"] == province.enterprise_a2.pk
    assert Worker.objects.count() == 5
    assert Employment.objects.filter(
        worker=colleague, enterprise=province.enterprise_a2
    ).exists()


def test_it_updates_only_the_fields_sent(province: Province) -> None:
    worker = province.colleague
    national_id = worker.national_id
    response = patch(
        as_user(province, "enterprise"),
        f"{API}/workers/{worker.pk}",
        {"phone": "0912.111.222", "employment_start": "01/06/2020"},
    )
    assert response.status_code == 200, response.content
    worker.refresh_from_db()
    assert worker.phone == "+84912111222"
    assert worker.employment_start == date(2020, 6, 1)
    assert worker.national_id == national_id
    assert worker.full_name == "Lê Văn Hùng"


def test_it_refuses_an_unknown_field(province: Province) -> None:
    response = patch(
        as_user(province, "enterprise"),
        f"{API}/workers/{province.colleague.pk}",
        {"fullname": "Sai tên trường"},
    )
    assert errors(response) == {
        "fullname": [
            vi("“%(field)s” is not a field of this request.") % {"field": "fullname"}
        ]
    }


def test_it_keeps_teams_outside_the_scope_when_setting_teams(
    province: Province,
) -> None:
    # The enterprise officer cannot see the boarding-house team: clearing the
    # worker's teams must not end a membership they cannot see.
    worker = province.colleague
    TeamMembership.objects.create(team=province.team_a, worker=worker)
    TeamMembership.objects.create(team=province.team_a_residence, worker=worker)
    response = patch(
        as_user(province, "enterprise"), f"{API}/workers/{worker.pk}", {"team_ids": []}
    )
    assert response.status_code == 200, response.content
    assert response.json()["team_ids"] == []
    current = set(worker.memberships.current().values_list("team_id", flat=True))
    assert current == {province.team_a_residence.pk}


def test_it_answers_403_to_a_role_that_sees_but_may_not_edit(
    province: Province,
) -> None:
    response = patch(
        as_user(province, "team_leader"),
        f"{API}/workers/{province.member.pk}",
        {"full_name": "Tên mới"},
    )
    assert response.status_code == 403
    province.member.refresh_from_db()
    assert province.member.full_name == "Trần Thị Lan"


# --- team members --------------------------------------------------------------------


def test_it_lists_team_members(province: Province) -> None:
    # Naming the leader through the API gives the membership its role.
    officer = as_user(province, "enterprise")
    patch(
        officer, f"{API}/teams/{province.team_a.pk}", {"leader_id": province.leader.pk}
    )
    client = as_user(province, "team_leader")
    body = client.get(f"{API}/teams/{province.team_a.pk}/members").json()
    assert body["count"] == 2
    roles = {m["worker_id"]: m["role"] for m in body["items"]}
    assert roles == {province.leader.pk: "leader", province.member.pk: "member"}
    assert [m["full_name"] for m in body["items"]] == [
        "Nguyễn Văn Đông",
        "Trần Thị Lan",
    ]


def test_it_sets_team_members(province: Province) -> None:
    team = province.team_a
    client = as_user(province, "enterprise")
    response = client.put(
        f"{API}/teams/{team.pk}/members",
        {"worker_ids": [province.leader.pk, province.colleague.pk]},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert sorted(m["worker_id"] for m in response.json()) == sorted(
        [province.leader.pk, province.colleague.pk]
    )
    left = TeamMembership.objects.get(team=team, worker=province.member)
    assert left.left_on is not None
    entry = AuditEntry.objects.filter(object_id=str(team.pk), action="update").last()
    assert entry is not None and "members" in entry.changes


def test_it_keeps_the_leader_in_the_team(province: Province) -> None:
    client = as_user(province, "enterprise")
    response = client.put(
        f"{API}/teams/{province.team_a.pk}/members",
        {"worker_ids": [province.member.pk]},
        content_type="application/json",
    )
    assert list(errors(response)) == ["worker_ids"]
    assert province.team_a.memberships.current().count() == 2


def test_it_refuses_members_outside_the_scope(province: Province) -> None:
    client = as_user(province, "enterprise")
    response = client.put(
        f"{API}/teams/{province.team_a.pk}/members",
        {"worker_ids": [province.leader.pk, province.outsider.pk]},
        content_type="application/json",
    )
    assert list(errors(response)) == ["worker_ids"]
    assert not TeamMembership.objects.filter(
        team=province.team_a, worker=province.outsider
    ).exists()


def test_it_refuses_to_set_members_for_a_role_that_may_not_edit(
    province: Province,
) -> None:
    client = as_user(province, "team_leader")
    response = client.put(
        f"{API}/teams/{province.team_a.pk}/members",
        {"worker_ids": [province.leader.pk]},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert province.team_a.memberships.current().count() == 2


def test_it_hides_other_scopes_in_team_members(province: Province) -> None:
    client = as_user(province, "enterprise")
    team_b = province.team_b.pk
    assert client.get(f"{API}/teams/{team_b}/members").status_code == 404
    response = client.put(
        f"{API}/teams/{team_b}/members",
        {"worker_ids": []},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert province.team_b.memberships.current().count() == 1
