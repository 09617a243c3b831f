"""The tip API: public submission (idempotent), reading with the receipt code
in the body, and the handlers' list, detail, reply and status — scoped."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from tests.conftest import Province
from tests.test_tip_handling import commune_police
from tuquan.tips import challenge
from tuquan.tips.models import Tip


@pytest.fixture(autouse=True)
def _fresh_limits(settings: Any) -> None:
    cache.clear()
    settings.TUQUAN_TIP_POW_BITS = 8


def api_tip(client: Client, **overrides: Any) -> Any:
    issued = client.get("/api/v1/public/tips/challenge").json()
    body = {
        "kind": "drugs",
        "place_text": "Bãi xe KCN",
        "description": "Có người bán ma túy ở bãi xe lúc tan ca.",
        "challenge": issued["challenge"],
        "proof": challenge.solve(issued["challenge"], issued["bits"]),
        **overrides,
    }
    return client.post("/api/v1/public/tips", body, content_type="application/json")


def test_it_submits_a_tip_without_authentication(province: Province) -> None:
    client = Client()
    response = api_tip(client, place_id=province.zone_a.pk)
    assert response.status_code == 201
    code = response.json()["receipt_code"]
    read = client.post(
        "/api/v1/public/tips/receipt", {"code": code}, content_type="application/json"
    )
    assert read.status_code == 200
    assert read.json()["status"] == "received" and read.json()["messages"] == []
    wrote = client.post(
        "/api/v1/public/tips/receipt/messages",
        {"code": code, "body": "Thêm: xe máy màu đen"},
        content_type="application/json",
    )
    assert wrote.status_code == 201
    assert wrote.json()["messages"][0]["author"] == "tipster"


def test_it_replays_a_retry_with_the_same_client_id(province: Province) -> None:
    client = Client()
    client_id = str(uuid.uuid4())
    issued = client.get("/api/v1/public/tips/challenge").json()
    body = {
        "kind": "drugs",
        "place_text": "Bãi xe KCN",
        "description": "Có người bán ma túy ở bãi xe lúc tan ca.",
        "challenge": issued["challenge"],
        "answer": str(eval(issued["question"])),
        "client_id": client_id,
    }
    first = client.post("/api/v1/public/tips", body, content_type="application/json")
    second = client.post("/api/v1/public/tips", body, content_type="application/json")
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["receipt_code"] == second.json()["receipt_code"]
    assert second.json()["replayed"] is True
    assert Tip.objects.count() == 1


def test_it_names_bad_fields_in_vietnamese(province: Province) -> None:
    response = api_tip(Client(), kind="nope", description="ngắn", place_id=999999)
    assert response.status_code == 422
    fields = {item["field"] for item in response.json()["detail"]}
    assert fields == {"kind", "description", "place_id"}
    assert not Tip.objects.exists()


def test_it_lets_handlers_list_read_reply_and_change_status(
    province: Province,
) -> None:
    public = Client()
    code = api_tip(public, place_id=province.zone_a.pk).json()["receipt_code"]
    tip = Tip.objects.get()
    police = Client()
    police.force_login(province.user("police"))
    listing = police.get("/api/v1/tips").json()
    assert [item["id"] for item in listing["items"]] == [tip.pk]
    assert "receipt" not in str(listing) and "contact_sealed" not in str(listing)
    detail = police.get(f"/api/v1/tips/{tip.pk}").json()
    assert detail["description"].startswith("Có người bán")
    replied = police.post(
        f"/api/v1/tips/{tip.pk}/messages",
        {"body": "Đã chuyển tổ trinh sát."},
        content_type="application/json",
    )
    assert replied.status_code == 201
    status = police.post(
        f"/api/v1/tips/{tip.pk}/status",
        {"status": "verifying", "note": "Đang xác minh"},
        content_type="application/json",
    )
    assert status.status_code == 200 and status.json()["status"] == "verifying"
    bad = police.post(
        f"/api/v1/tips/{tip.pk}/status",
        {"status": "forwarded"},
        content_type="application/json",
    )
    assert bad.status_code == 422
    read = public.post(
        "/api/v1/public/tips/receipt", {"code": code}, content_type="application/json"
    ).json()
    assert read["status"] == "verifying"
    assert [m["body"] for m in read["messages"]] == [
        "Đã chuyển tổ trinh sát.",
        "Đang xác minh",
    ]


def test_it_hides_other_scopes(province: Province) -> None:
    public = Client()
    api_tip(public, place_id=province.commune_b.pk)
    tip = Tip.objects.get()
    officer = Client()
    officer.force_login(commune_police(province, province.commune_a, "congan-a"))
    assert officer.get("/api/v1/tips").json()["items"] == []
    assert officer.get(f"/api/v1/tips/{tip.pk}").status_code == 404
    reply = officer.post(
        f"/api/v1/tips/{tip.pk}/messages",
        {"body": "x"},
        content_type="application/json",
    )
    assert reply.status_code == 404
    for persona in ("province", "commune", "enterprise", "auditor"):
        officer.force_login(province.user(persona))
        assert officer.get("/api/v1/tips").json()["items"] == [], persona
        assert officer.get(f"/api/v1/tips/{tip.pk}").status_code == 404
    assert not tip.messages.exists()
    anonymous = Client()
    assert anonymous.get("/api/v1/tips").status_code == 401
