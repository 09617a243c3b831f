"""API of recognition, grading and team rating: create, review, replays and
scoping."""

from __future__ import annotations

import json
import uuid
from datetime import date
from typing import Any

import time_machine
from django.test import Client

from tests.conftest import Province
from tuquan.recognition.models import Grading, Recognition, TeamRating
from tuquan.recognition.services import current_criteria, score_items

BASE = "/api/v1"


def api(province: Province, persona: str) -> Client:
    client = Client()
    client.force_login(province.user(persona))
    return client


def post(client: Client, url: str, body: Any) -> Any:
    return client.post(BASE + url, json.dumps(body), content_type="application/json")


def big(province: Province) -> None:
    for e in (province.enterprise_a, province.enterprise_b):
        e.registered_workforce = 500
        e.save()


def test_it_registers_assesses_and_decides(province: Province) -> None:
    big(province)
    client_id = str(uuid.uuid4())
    with time_machine.travel(date(2026, 2, 10)):
        ent = api(province, "enterprise")
        body = {"enterprise_id": province.enterprise_a.pk, "client_id": client_id}
        first = post(ent, "/recognitions", body)
        assert first.status_code == 201, first.content
        again = post(ent, "/recognitions", body)
        assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
        rid = first.json()["id"]
        answers = [
            {"criterion": c.number, "met": True, "evidence": "Có hồ sơ"}
            for c in current_criteria()
        ]
        assessed = post(
            ent, f"/recognitions/{rid}/self-assessment", {"answers": answers}
        )
        assert assessed.status_code == 200, assessed.content
        assert assessed.json()["state"] == "self_assessed"
    decision = {
        "findings": [{"criterion": a["criterion"], "met": True} for a in answers],
        "recognised": True,
        "decision_number": "05/QĐ-CAT",
        "decision_date": "2026-12-15",
    }
    # A new session: the one made in February has expired by December.
    ent = api(province, "enterprise")
    refused = post(ent, f"/recognitions/{rid}/decision", decision)
    assert refused.status_code == 403
    decided = post(api(province, "police"), f"/recognitions/{rid}/decision", decision)
    assert decided.status_code == 200, decided.content
    assert decided.json()["recognised"] is True
    assert Recognition.objects.count() == 1


def test_it_refuses_a_registration_outside_the_cycle(province: Province) -> None:
    big(province)
    with time_machine.travel(date(2026, 5, 2)):
        response = post(
            api(province, "enterprise"),
            "/recognitions",
            {"enterprise_id": province.enterprise_a.pk},
        )
    assert response.status_code == 422
    assert "year" in response.content.decode()
    assert not Recognition.objects.exists()


def test_it_refuses_a_late_grading(province: Province) -> None:
    scores = [{"item": i.number, "points": 10} for i in score_items()]
    body = {"enterprise_id": province.enterprise_a.pk, "scores": scores}
    with time_machine.travel(date(2026, 12, 1)):
        late = post(api(province, "enterprise"), "/gradings", body)
    assert late.status_code == 422 and not Grading.objects.exists()
    with time_machine.travel(date(2026, 11, 2)):
        made = post(api(province, "enterprise"), "/gradings", body)
    assert made.status_code == 201, made.content
    assert made.json()["total"] == 60
    gid = made.json()["id"]
    review = post(
        api(province, "zone"), f"/gradings/{gid}/review", {"final_class": "trung_binh"}
    )
    assert review.status_code == 200 and review.json()["final_class"] == "trung_binh"


def test_it_rates_a_team_and_refuses_over_the_cap(province: Province) -> None:
    with time_machine.travel(date(2026, 11, 20)):
        client = api(province, "enterprise")
        refused = post(
            client,
            "/team-ratings",
            {"team_id": province.team_a.pk, "grade": "xuat_sac"},
        )
        assert refused.status_code == 422
        detail = refused.json()["detail"][0]
        assert detail["field"] == "grade" and "20" in detail["messages"][0]
        made = post(
            client, "/team-ratings", {"team_id": province.team_a.pk, "grade": "tot"}
        )
    assert made.status_code == 201, made.content
    assert made.json()["period_start"] == "2026-11-15"
    assert TeamRating.objects.count() == 1


def test_it_hides_other_scopes(province: Province) -> None:
    big(province)
    with time_machine.travel(date(2026, 2, 10)):
        rec = post(
            api(province, "enterprise_b"),
            "/recognitions",
            {"enterprise_id": province.enterprise_b.pk},
        ).json()
        # Enterprise A's officer cannot register enterprise B.
        foreign = post(
            api(province, "enterprise"),
            "/recognitions",
            {"enterprise_id": province.enterprise_b.pk},
        )
        assert foreign.status_code == 422
    with time_machine.travel(date(2026, 11, 20)):
        scores = [{"item": i.number, "points": 1} for i in score_items()]
        grading = post(
            api(province, "enterprise_b"),
            "/gradings",
            {"enterprise_id": province.enterprise_b.pk, "scores": scores},
        ).json()
        rating = post(
            api(province, "enterprise_b"),
            "/team-ratings",
            {"team_id": province.team_b.pk, "grade": "dat"},
        ).json()
        outsider_rating = post(
            api(province, "enterprise"),
            "/team-ratings",
            {"team_id": province.team_b.pk, "grade": "dat"},
        )
        assert outsider_rating.status_code == 422
    for persona in ("enterprise", "commune", "zone", "team_leader", "worker"):
        client = api(province, persona)
        assert client.get(f"{BASE}/recognitions").json()["items"] == []
        assert client.get(f"{BASE}/gradings").json()["items"] == []
        assert client.get(f"{BASE}/team-ratings").json()["items"] == []
        assert client.get(f"{BASE}/recognitions/{rec['id']}").status_code == 404
        assert client.get(f"{BASE}/gradings/{grading['id']}").status_code == 404
        assert client.get(f"{BASE}/team-ratings/{rating['id']}").status_code == 404
    police = api(province, "police")
    assert len(police.get(f"{BASE}/recognitions").json()["items"]) == 1
    assert police.get(f"{BASE}/team-ratings/{rating['id']}").status_code == 200


def test_it_refuses_a_client_id_used_in_another_scope(province: Province) -> None:
    client_id = str(uuid.uuid4())
    with time_machine.travel(date(2026, 11, 20)):
        own = post(
            api(province, "enterprise_b"),
            "/team-ratings",
            {"team_id": province.team_b.pk, "grade": "dat", "client_id": client_id},
        )
        assert own.status_code == 201
        other = post(
            api(province, "enterprise"),
            "/team-ratings",
            {"team_id": province.team_a.pk, "grade": "dat", "client_id": client_id},
        )
    assert other.status_code == 422
    assert other.json()["detail"][0]["field"] == "client_id"
    assert TeamRating.objects.count() == 1
