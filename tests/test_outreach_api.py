"""API of outreach: create (with client_id replay), check, audience count,
approve, send, deliveries and reach, each limited to the caller's scope."""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.test import Client

from tests.conftest import Province
from tuquan.outreach.models import Delivery, Message

BASE = "/api/v1"
GOOD = "Thấy cháy, hãy hô to và gọi 114. Đừng đi thang máy."


def api(province: Province, persona: str) -> Client:
    client = Client()
    client.force_login(province.user(persona))
    return client


def post(client: Client, url: str, body: Any = None) -> Any:
    return client.post(
        BASE + url, json.dumps(body or {}), content_type="application/json"
    )


def payload(province: Province, **extra: Any) -> dict[str, Any]:
    body = {
        "title": "Báo cháy",
        "body": GOOD,
        "topic": "fire",
        "quiz_question": "Số báo cháy?",
        "quiz_answers": ["113", "114"],
        "quiz_right": 2,
        "audience_unit_id": province.team_a.pk,
        "channels": ["console"],
    }
    body.update(extra)
    return body


def test_it_creates_approves_sends_and_reports_reach(province: Province) -> None:
    client = api(province, "commune")
    key = str(uuid.uuid4())
    first = post(client, "/outreach/messages", payload(province, client_id=key))
    assert first.status_code == 201, first.content
    data = first.json()
    assert data["check_passed"] is True and data["state"] == "draft"
    again = post(client, "/outreach/messages", payload(province, client_id=key))
    assert again.status_code == 200 and again.json()["id"] == data["id"]
    assert Message.objects.count() == 1
    mid = data["id"]
    early = post(client, f"/outreach/messages/{mid}/send")
    assert early.status_code == 422 and "state" in early.content.decode()
    approved = post(client, f"/outreach/messages/{mid}/approve")
    assert approved.status_code == 200 and approved.json()["state"] == "approved"
    sent = post(client, f"/outreach/messages/{mid}/send")
    assert sent.status_code == 200, sent.content
    assert sent.json()["rows_created"] == 4  # 2 inbox + 2 console
    assert sent.json()["message"]["recipients"] == 2
    row = Delivery.objects.get(worker=province.member, channel="inbox")
    row.read_at = row.sent_at
    row.quiz_answer, row.quiz_right = 2, True
    row.save()
    reach = client.get(f"{BASE}/outreach/messages/{mid}/reach").json()
    assert reach["total"]["recipients"] == 2
    assert reach["total"]["read"] == 1 and reach["total"]["understood_pct"] == 50
    deliveries = client.get(f"{BASE}/outreach/messages/{mid}/deliveries").json()
    assert {d["channel"] for d in deliveries["items"]} == {"inbox", "console"}
    listed = client.get(f"{BASE}/outreach/messages?state=sent").json()
    assert [m["id"] for m in listed["items"]] == [mid]


def test_it_checks_a_text(province: Province) -> None:
    client = api(province, "enterprise")
    result = post(client, "/outreach/check", {"text": "Gọi 0912345678 ngày mai."})
    assert result.status_code == 200
    codes = {r["code"] for r in result.json()["reasons"]}
    assert {"phone_grouping", "vague_time"} <= codes
    assert result.json()["passed"] is False


def test_it_counts_an_audience(province: Province) -> None:
    client = api(province, "zone")
    count = post(client, "/outreach/audience", {"audience_unit_id": province.zone_a.pk})
    assert count.status_code == 200 and count.json() == {"workers": 4}
    outside = post(
        client, "/outreach/audience", {"audience_unit_id": province.zone_b.pk}
    )
    assert outside.status_code == 422
    assert "audience_unit_id" in outside.content.decode()


def test_it_refuses_bad_input(province: Province) -> None:
    client = api(province, "province")
    no_right = post(client, "/outreach/messages", payload(province, quiz_right=None))
    assert no_right.status_code == 422
    assert "quiz_right" in no_right.content.decode()
    long = post(client, "/outreach/messages", payload(province, body="Hãy đến. " * 130))
    assert long.status_code == 422 and "body" in long.content.decode()
    empty = post(client, "/outreach/messages", payload(province, body=""))
    assert empty.status_code == 422
    assert not Message.objects.exists()


def test_it_hides_other_scopes(province: Province) -> None:
    province_client = api(province, "province")
    outside = post(
        province_client,
        "/outreach/messages",
        payload(province, audience_unit_id=province.team_b.pk),
    ).json()
    client = api(province, "enterprise")
    assert client.get(f"{BASE}/outreach/messages/{outside['id']}").status_code == 404
    assert client.get(f"{BASE}/outreach/messages").json()["items"] == []
    for path in ("reach", "deliveries"):
        url = f"{BASE}/outreach/messages/{outside['id']}/{path}"
        assert client.get(url).status_code == 404
    assert (
        post(client, f"/outreach/messages/{outside['id']}/approve").status_code == 404
    )
    refused = post(
        client,
        "/outreach/messages",
        payload(province, audience_unit_id=province.team_b.pk),
    )
    assert refused.status_code == 422
    # Enterprise officers may write, but not approve.
    mine = post(
        client,
        "/outreach/messages",
        payload(province, audience_unit_id=province.enterprise_a.pk),
    ).json()
    assert post(client, f"/outreach/messages/{mine['id']}/approve").status_code == 403
