"""The patrols API: checkpoints, plans, starting and ending patrols, the batch
of log entries, and a team's activity; each limited to the caller's scope."""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.test import Client
from django.utils import timezone

from tests.conftest import OUTSIDE, Province
from tests.test_patrol_sessions import make_checkpoints, outside_session, start
from tuquan.patrols.models import PatrolEntry, PatrolSession
from tuquan.patrols.services import create_plan


def api(province: Province, persona: str) -> Client:
    client = Client()
    client.force_login(province.user(persona))
    return client


def text(response: Any) -> str:
    return json.dumps(response.json(), ensure_ascii=False)


def post(client: Client, url: str, body: Any) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def test_it_lists_the_checkpoints_a_team_patrols(province: Province) -> None:
    checkpoints = make_checkpoints(province)
    body = api(province, "team_leader").get("/api/v1/patrol-checkpoints").json()
    names = {row["name"] for row in body["items"]}
    assert names == {c.name for c in checkpoints[:3]}
    row = next(r for r in body["items"] if r["id"] == checkpoints[0].pk)
    assert row["qr_payload"] == f"TQP-{checkpoints[0].code}"


def test_it_starts_and_ends_a_patrol(province: Province) -> None:
    checkpoints = make_checkpoints(province)
    leader = province.user("team_leader")
    plan = create_plan(
        team=province.team_a,
        name="Ca đêm",
        weekdays=[5, 6],
        start_time=timezone.now().time(),
        duration_minutes=60,
        route=[checkpoints[2].pk, checkpoints[0].pk],
        by=leader,
    )
    client = api(province, "team_leader")
    plans = client.get("/api/v1/patrol-plans").json()["items"]
    assert plans[0]["route"] == [checkpoints[2].pk, checkpoints[0].pk]
    assert plans[0]["weekdays"] == [5, 6]
    request = {
        "team": province.team_a.pk,
        "plan": plan.pk,
        "members": [province.leader.pk, province.member.pk],
        "client_id": str(uuid.uuid4()),
    }
    first = post(client, "/api/v1/patrol-sessions", request)
    assert first.status_code == 201, first.content
    again = post(client, "/api/v1/patrol-sessions", request)
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    session_id = first.json()["id"]
    batch = post(
        client,
        "/api/v1/patrol-entries",
        {
            "entries": [
                {
                    "client_id": str(uuid.uuid4()),
                    "session": session_id,
                    "kind": "scan",
                    "code": checkpoints[2].qr_payload,
                    "occurred_at": timezone.now().isoformat(),
                }
            ]
        },
    )
    assert batch.status_code == 200 and len(batch.json()["accepted"]) == 1
    log = client.get(f"/api/v1/patrol-sessions/{session_id}/entries").json()
    assert log["items"][0]["checkpoint_id"] == checkpoints[2].pk
    ended = post(
        client,
        f"/api/v1/patrol-sessions/{session_id}/end",
        {"handover_note": "Mọi điểm bình thường"},
    )
    assert ended.status_code == 200 and ended.json()["ended_at"]
    twice = post(client, f"/api/v1/patrol-sessions/{session_id}/end", {})
    assert twice.status_code == 422
    assert "đã kết thúc" in text(twice)


def test_it_refuses_patrols_to_others_than_the_leader(province: Province) -> None:
    make_checkpoints(province)
    response = post(
        api(province, "enterprise"),
        "/api/v1/patrol-sessions",
        {"team": province.team_a.pk, "members": [province.leader.pk]},
    )
    assert response.status_code == 403
    assert "Chỉ tổ trưởng" in text(response)
    assert not PatrolSession.objects.exists()


def test_it_answers_a_bad_batch_clearly(province: Province) -> None:
    client = api(province, "team_leader")
    response = client.post(
        "/api/v1/patrol-entries", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    response = post(client, "/api/v1/patrol-entries", {"items": []})
    assert response.status_code == 422
    assert "entries" in response.content.decode()


def test_it_gives_a_team_activity(province: Province) -> None:
    make_checkpoints(province)
    start(province)
    body = (
        api(province, "enterprise")
        .get(f"/api/v1/teams/{province.team_a.pk}/activity", {"quarter": "2026-Q4"})
        .json()
    )
    assert body["quarter"] == "2026-Q4"
    assert body["start"] == "2026-10-01" and body["end"] == "2026-12-31"
    assert body["members"] == 2
    bad = api(province, "enterprise").get(
        f"/api/v1/teams/{province.team_a.pk}/activity", {"quarter": "2026-Q5"}
    )
    assert bad.status_code == 422 and "2026-Q4" in text(bad)


def test_it_hides_other_scopes(province: Province) -> None:
    make_checkpoints(province)
    mine = start(province)
    theirs = outside_session(province)
    for persona in ("team_leader", "enterprise", "zone", "commune", "worker"):
        client = api(province, persona)
        for url in (
            "/api/v1/patrol-checkpoints",
            "/api/v1/patrol-plans",
            "/api/v1/patrol-sessions",
        ):
            assert OUTSIDE not in client.get(url).content.decode(), (persona, url)
        assert client.get(f"/api/v1/patrol-sessions/{theirs.pk}").status_code == 404
        assert (
            client.get(f"/api/v1/patrol-sessions/{theirs.pk}/entries").status_code
            == 404
        )
        assert (
            post(client, f"/api/v1/patrol-sessions/{theirs.pk}/end", {}).status_code
            == 404
        )
        assert (
            client.get(f"/api/v1/teams/{province.team_b.pk}/activity").status_code
            == 404
        )
        response = post(
            client,
            "/api/v1/patrol-sessions",
            {"team": province.team_b.pk, "members": [province.outsider.pk]},
        )
        assert response.status_code == 422
    sessions = api(province, "zone").get("/api/v1/patrol-sessions").json()["items"]
    assert [s["id"] for s in sessions] == [mine.pk]
    assert PatrolEntry.objects.count() == 0
