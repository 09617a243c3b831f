"""POST /api/v1/health-declarations (the batch of kiosks and offline phones),
GET /api/v1/health-declarations and GET /api/v1/teams/{id}/roll-call."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone, translation
from django.utils.translation import gettext

from tests.conftest import OUTSIDE, Province
from tuquan.health.models import DeclarationRevision, HealthDeclaration
from tuquan.health.rollcall import MAX_BATCH
from tuquan.health.services import submit_declaration
from tuquan.people.models import EmploymentStatus

pytestmark = pytest.mark.django_db
URL = "/api/v1/health-declarations"


def item(worker: Any, **extra: Any) -> dict[str, Any]:
    return {"client_id": str(uuid.uuid4()), "worker": worker.pk, **extra}


def post(client: Client, declarations: Any) -> Any:
    return client.post(
        URL,
        data=json.dumps({"declarations": declarations}),
        content_type="application/json",
    )


def vi(text: str) -> str:
    with translation.override("vi"):
        return gettext(text)


def login(province: Province, persona: str) -> Client:
    client = Client()
    client.force_login(province.user(persona))
    return client


def test_it_accepts_declarations(province: Province) -> None:
    client = login(province, "team_leader")
    items = [item(province.member, symptoms=["fever"]), item(province.leader)]
    response = post(client, items)
    assert response.status_code == 200, response.content
    body = response.json()
    assert sorted(body["accepted"]) == sorted(i["client_id"] for i in items)
    assert body["duplicates"] == [] and body["rejected"] == []
    member = HealthDeclaration.objects.get(worker=province.member)
    assert not member.healthy and member.symptoms == ["fever"]
    assert member.by_proxy and member.declared_by == province.user("team_leader")
    assert member.day == timezone.localdate()
    own = HealthDeclaration.objects.get(worker=province.leader)
    assert own.healthy and not own.by_proxy


def test_it_answers_a_replay_as_duplicates(province: Province) -> None:
    client = login(province, "team_leader")
    items = [item(province.member)]
    post(client, items)
    body = post(client, items).json()
    assert body["accepted"] == [] and body["duplicates"] == [items[0]["client_id"]]
    assert HealthDeclaration.objects.count() == 1
    assert DeclarationRevision.objects.count() == 0


def test_it_counts_a_replaced_declaration_as_a_duplicate(province: Province) -> None:
    client = login(province, "team_leader")
    first, second = item(province.member), item(province.member, symptoms=["cough"])
    post(client, [first])
    post(client, [second])
    body = post(client, [first]).json()
    assert body["duplicates"] == [first["client_id"]]
    assert HealthDeclaration.objects.get().symptoms == ["cough"]


def test_it_replaces_the_days_declaration_and_keeps_history(
    province: Province,
) -> None:
    earlier = submit_declaration(worker=province.member, client_id=uuid.uuid4())
    client = login(province, "team_leader")
    body = post(client, [item(province.member, symptoms=["cough"])]).json()
    assert len(body["accepted"]) == 1
    declaration = HealthDeclaration.objects.get(worker=province.member)
    assert declaration.pk == earlier.declaration.pk and not declaration.healthy
    revision = DeclarationRevision.objects.get()
    assert revision.declaration == declaration and revision.healthy
    assert revision.client_id == earlier.declaration.client_id


def test_it_keeps_the_last_of_two_in_one_batch(province: Province) -> None:
    client = login(province, "team_leader")
    first, second = item(province.member, exposures=["contact"]), item(province.member)
    body = post(client, [first, second]).json()
    assert sorted(body["accepted"]) == sorted([first["client_id"], second["client_id"]])
    declaration = HealthDeclaration.objects.get(worker=province.member)
    assert str(declaration.client_id) == second["client_id"] and declaration.healthy
    revision = DeclarationRevision.objects.get(declaration=declaration)
    assert str(revision.client_id) == first["client_id"]
    assert revision.exposures == ["contact"] and not revision.healthy


def test_it_rejects_bad_items_and_keeps_the_good_ones(province: Province) -> None:
    province.colleague.employment_status = EmploymentStatus.LEFT
    province.colleague.save()
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    good = item(province.member)
    twice = dict(good)
    client = login(province, "enterprise")
    items = [
        "not an object",
        {"client_id": "not-a-uuid", "worker": province.member.pk},
        good,
        twice,
        {"client_id": str(uuid.uuid4()), "worker": "12"},
        item(province.outsider),
        item(province.colleague),
        item(province.leader, symptoms=["hiccups"]),
        item(province.leader, day=tomorrow),
        item(province.leader, day="31/12/2020"),
        item(province.leader, exposures="contact"),
        {"client_id": str(uuid.uuid4()), "worker": 987654321},
    ]
    response = post(client, items)
    assert response.status_code == 200
    body = response.json()
    assert body["accepted"] == [good["client_id"]]
    rejected = {r["index"]: r for r in body["rejected"]}
    assert sorted(rejected) == [0, 1, 3, 4, 5, 6, 7, 8, 9, 10, 11]
    assert rejected[0]["client_id"] is None
    assert rejected[3]["field"] == "client_id"
    assert rejected[3]["reason"] == vi(
        "This client_id appears more than once in the batch."
    )
    assert rejected[4]["field"] == "worker"
    scope = vi("Unknown worker, or not in your scope.")
    assert rejected[5]["reason"] == scope and rejected[11]["reason"] == scope
    assert rejected[6]["reason"] == vi(
        "This worker is not working now; no declaration is taken."
    )
    assert rejected[7]["field"] == "symptoms" and "hiccups" in rejected[7]["reason"]
    assert rejected[8]["reason"] == vi("The day cannot be in the future.")
    assert rejected[9]["field"] == "day"
    assert rejected[10]["field"] == "exposures"
    assert rejected[5]["client_id"] == items[5]["client_id"]
    assert HealthDeclaration.objects.count() == 1


def test_it_rejects_a_worker_outside_the_leaders_team(province: Province) -> None:
    client = login(province, "team_leader")
    body = post(client, [item(province.colleague), item(province.resident)]).json()
    assert body["accepted"] == []
    assert [r["field"] for r in body["rejected"]] == ["worker", "worker"]


def test_it_refuses_more_than_the_limit(province: Province) -> None:
    client = login(province, "team_leader")
    items = [item(province.member) for _ in range(MAX_BATCH + 1)]
    response = post(client, items)
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "declarations"
    assert HealthDeclaration.objects.count() == 0


def test_it_answers_broken_json_with_400(province: Province) -> None:
    client = login(province, "team_leader")
    response = client.post(URL, data="{not json", content_type="application/json")
    assert response.status_code == 400
    response = client.post(URL, data="[]", content_type="application/json")
    assert response.status_code == 422


def test_it_stores_5000_in_one_request(province: Province) -> None:
    today = timezone.localdate()
    items = [
        item(
            province.member,
            day=(today - timedelta(days=n)).isoformat(),
            symptoms=["fever"] if n % 7 == 0 else [],
        )
        for n in range(MAX_BATCH)
    ]
    client = login(province, "team_leader")
    response = post(client, items)
    body = response.json()
    assert len(body["accepted"]) == MAX_BATCH, body["rejected"][:3]
    assert HealthDeclaration.objects.filter(worker=province.member).count() == MAX_BATCH
    assert HealthDeclaration.objects.filter(healthy=False).count() == 715
    assert len(post(client, items).json()["duplicates"]) == MAX_BATCH


def test_it_requires_authentication(province: Province) -> None:
    response = Client().post(URL, data="{}", content_type="application/json")
    assert response.status_code == 401


# --- the list --------------------------------------------------------------------


@pytest.fixture
def declared(province: Province) -> Province:
    yesterday = timezone.localdate() - timedelta(days=1)
    submit_declaration(worker=province.member, client_id=uuid.uuid4())
    submit_declaration(
        worker=province.leader, symptoms=["cough"], client_id=uuid.uuid4()
    )
    submit_declaration(worker=province.resident, client_id=uuid.uuid4())
    submit_declaration(worker=province.member, client_id=uuid.uuid4(), day=yesterday)
    submit_declaration(worker=province.outsider, client_id=uuid.uuid4())
    return province


def names(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return sorted(i["worker"] for i in response.json()["items"])


def test_it_lists_and_filters_declarations(declared: Province) -> None:
    client = login(declared, "zone")
    today = timezone.localdate().isoformat()
    assert len(names(client.get(URL))) == 4
    assert len(names(client.get(URL, {"day": today}))) == 3
    team = names(client.get(URL, {"team": declared.team_a.pk, "day": today}))
    assert team == sorted([declared.member.full_name, declared.leader.full_name])
    assert names(client.get(URL, {"healthy": "false"})) == [declared.leader.full_name]
    by_enterprise = names(client.get(URL, {"enterprise": declared.enterprise_a2.pk}))
    assert by_enterprise == [declared.resident.full_name]
    body = client.get(URL).json()
    assert body["count"] == 4
    assert {"id", "client_id", "worker_id", "day", "healthy", "symptoms"} <= set(
        body["items"][0]
    )


def test_it_hides_other_scopes(declared: Province) -> None:
    for persona in ("zone", "enterprise", "team_leader", "commune"):
        shown = names(login(declared, persona).get(URL))
        assert shown and not any(OUTSIDE in name for name in shown), persona
    assert names(login(declared, "enterprise_b").get(URL)) == [
        declared.outsider.full_name
    ]
    team = login(declared, "team_leader").get(URL).json()
    assert {i["worker"] for i in team["items"]} == {
        declared.member.full_name,
        declared.leader.full_name,
    }


# --- the roll call as JSON ---------------------------------------------------------


def roll_call_url(team: Any) -> str:
    return f"/api/v1/teams/{team.pk}/roll-call"


def test_it_answers_the_roll_call(declared: Province) -> None:
    client = login(declared, "team_leader")
    body = client.get(roll_call_url(declared.team_a)).json()
    assert body["counts"] == {
        "members": 2,
        "healthy": 1,
        "symptoms": 1,
        "missing": 0,
        "by_proxy": 0,
    }
    statuses = {m["worker"]: m for m in body["members"]}
    assert statuses[declared.member.full_name]["status"] == "healthy"
    sick = statuses[declared.leader.full_name]
    assert sick["status"] == "symptoms"
    assert sick["symptoms"] == [{"code": "cough", "label": "Ho"}]


def test_it_answers_an_earlier_days_roll_call_with_missing_and_proxy(
    province: Province,
) -> None:
    yesterday = timezone.localdate() - timedelta(days=1)
    submit_declaration(
        worker=province.member,
        client_id=uuid.uuid4(),
        day=yesterday,
        by=province.user("team_leader"),
    )
    client = login(province, "team_leader")
    body = client.get(
        roll_call_url(province.team_a), {"day": yesterday.isoformat()}
    ).json()
    assert body["day"] == yesterday.isoformat()
    assert body["counts"]["missing"] == 1 and body["counts"]["by_proxy"] == 1
    member = next(m for m in body["members"] if m["worker_id"] == province.member.pk)
    assert member["by_proxy"] and member["status"] == "healthy"
    future = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client.get(roll_call_url(province.team_a), {"day": future})
    assert response.status_code == 422


def test_it_hides_other_scopes_in_the_roll_call(declared: Province) -> None:
    for persona in ("zone", "enterprise", "team_leader"):
        response = login(declared, persona).get(roll_call_url(declared.team_b))
        assert response.status_code == 404, persona
        assert OUTSIDE not in response.content.decode()
    response = login(declared, "enterprise_b").get(roll_call_url(declared.team_a))
    assert response.status_code == 404
