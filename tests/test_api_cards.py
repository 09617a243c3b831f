"""API for gates and worker cards: list, get and create gates (with client_id
replay), list, issue, replace and revoke a worker's cards, and scope."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.test import Client

from tests.conftest import OUTSIDE, GateSite
from tuquan.gates.cards import REPLACED
from tuquan.gates.models import Gate, WorkerCard

NARROW = ["commune", "zone", "enterprise", "team_leader", "worker", "outsider"]


def api(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


def post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, body, content_type="application/json")


def names(response: Any) -> list[str]:
    return [item["name"] for item in response.json()["items"]]


def messages_of(response: Any) -> str:
    return " ".join(m for d in response.json()["detail"] for m in d["messages"])


# --- gates ----------------------------------------------------------------------


def test_it_lists_gates_in_scope(client: Client, gates: GateSite) -> None:
    response = api(client, gates.province.user("zone")).get("/api/v1/gates")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert names(response) == ["Cổng chính KCN Hòa Phú", "Cổng Xưởng Rang"]
    item = body["items"][0]
    assert item["site_id"] == gates.province.zone_a.pk
    assert item["gate_kind"] == "both"
    assert item["active"] is True
    assert item["kind"] == "gate"


def test_it_filters_gates(client: Client, gates: GateSite) -> None:
    api(client, gates.province.user("zone"))
    response = client.get("/api/v1/gates", {"site": gates.province.enterprise_a.pk})
    assert names(response) == ["Cổng Xưởng Rang"]
    response = client.get("/api/v1/gates", {"gate_kind": "both"})
    assert names(response) == ["Cổng chính KCN Hòa Phú"]
    response = client.get("/api/v1/gates", {"active": "false"})
    assert names(response) == []
    response = client.get("/api/v1/gates", {"page_size": 1})
    assert response.json()["count"] == 2
    assert len(response.json()["items"]) == 1


def test_it_shows_a_guard_only_their_gate(client: Client, gates: GateSite) -> None:
    api(client, gates.guard)
    assert names(client.get("/api/v1/gates")) == ["Cổng chính KCN Hòa Phú"]
    assert client.get(f"/api/v1/gates/{gates.gate_a.pk}").status_code == 200
    for other in (gates.gate_enterprise_a, gates.gate_b):
        assert client.get(f"/api/v1/gates/{other.pk}").status_code == 404


def test_it_gets_a_gate(client: Client, gates: GateSite) -> None:
    api(client, gates.province.user("enterprise"))
    response = client.get(f"/api/v1/gates/{gates.gate_enterprise_a.pk}")
    assert response.status_code == 200
    assert response.json()["gate_kind"] == "worker"


def test_it_creates_a_gate_once(client: Client, gates: GateSite) -> None:
    api(client, gates.province.user("zone"))
    body = {
        "name": "Cổng số 3",
        "site_id": gates.province.zone_a.pk,
        "gate_kind": "vehicle",
        "client_id": str(uuid.uuid4()),
    }
    first = post(client, "/api/v1/gates", body)
    assert first.status_code == 201, first.content
    again = post(client, "/api/v1/gates", body)
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert Gate.objects.filter(name="Cổng số 3").count() == 1
    gate = Gate.objects.get(name="Cổng số 3")
    assert gate.path.startswith(gates.province.zone_a.path)
    assert gate.gate_kind == "vehicle"


def test_it_refuses_a_site_that_is_not_a_zone_or_enterprise(
    client: Client, gates: GateSite
) -> None:
    api(client, gates.province.user("zone"))
    response = post(
        client,
        "/api/v1/gates",
        {"name": "Cổng tổ", "site_id": gates.province.team_a.pk},
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "site_id"
    assert "khu" in messages_of(response) or "doanh nghiệp" in messages_of(response)


def test_it_refuses_a_site_outside_the_scope(client: Client, gates: GateSite) -> None:
    api(client, gates.province.user("enterprise"))
    response = post(
        client,
        "/api/v1/gates",
        {"name": "Cổng lạ", "site_id": gates.province.zone_b.pk},
    )
    assert response.status_code == 422
    assert "phạm vi" in messages_of(response)
    assert OUTSIDE not in response.content.decode()


def test_it_refuses_creating_gates_to_readers(client: Client, gates: GateSite) -> None:
    api(client, gates.province.user("auditor"))
    response = post(
        client,
        "/api/v1/gates",
        {"name": "Cổng kiểm toán", "site_id": gates.province.zone_a.pk},
    )
    assert response.status_code == 403
    assert not Gate.objects.filter(name="Cổng kiểm toán").exists()


def test_it_refuses_guards(client: Client, gates: GateSite) -> None:
    api(client, gates.guard)
    response = post(
        client, "/api/v1/gates", {"name": "Cổng mới", "site_id": gates.gate_a.site_id}
    )
    assert response.status_code in (403, 422)
    worker = gates.province.colleague
    response = post(client, f"/api/v1/workers/{worker.pk}/cards", {"replace": True})
    assert response.status_code == 404
    card = gates.cards["colleague"]
    response = post(client, f"/api/v1/cards/{card.pk}/revoke", {"reason": "Mất"})
    assert response.status_code == 404


# --- cards ----------------------------------------------------------------------


def test_it_lists_a_workers_cards(client: Client, gates: GateSite) -> None:
    card = gates.cards["colleague"]
    api(client, gates.province.user("enterprise"))
    response = client.get(f"/api/v1/workers/{card.worker_id}/cards")
    assert response.status_code == 200
    [item] = response.json()["items"]
    assert item["code"] == card.code
    assert item["display_code"] == card.display_code
    assert item["qr_payload"] == f"TQ{card.code}"
    assert item["revoked_at"] is None


def test_it_issues_replaces_and_revokes(client: Client, gates: GateSite) -> None:
    worker = gates.province.colleague
    old = gates.cards["colleague"]
    api(client, gates.province.user("enterprise"))
    url = f"/api/v1/workers/{worker.pk}/cards"
    response = post(client, url, {})
    assert response.status_code == 422
    assert "đã có thẻ" in messages_of(response)
    response = post(client, url, {"replace": True})
    assert response.status_code == 201
    new_id = response.json()["id"]
    old.refresh_from_db()
    assert old.revoke_reason == REPLACED
    response = post(client, f"/api/v1/cards/{new_id}/revoke", {"reason": "Mất thẻ"})
    assert response.status_code == 200
    assert response.json()["revoke_reason"] == "Mất thẻ"
    assert response.json()["revoked_at"] is not None
    response = post(client, f"/api/v1/cards/{new_id}/revoke", {"reason": "Mất thẻ"})
    assert response.status_code == 422
    assert "đã bị thu hồi" in messages_of(response)
    assert WorkerCard.objects.active().filter(worker=worker).count() == 0
    response = post(client, url, {})
    assert response.status_code == 201
    assert client.get(url).json()["count"] == 3


def test_it_requires_a_revoke_reason(client: Client, gates: GateSite) -> None:
    card = gates.cards["colleague"]
    api(client, gates.province.user("enterprise"))
    response = post(client, f"/api/v1/cards/{card.pk}/revoke", {})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "reason"


def test_it_refuses_readers(client: Client, gates: GateSite) -> None:
    card = gates.cards["member"]
    api(client, gates.province.user("team_leader"))
    assert client.get(f"/api/v1/workers/{card.worker_id}/cards").status_code == 200
    response = post(client, f"/api/v1/workers/{card.worker_id}/cards", {})
    assert response.status_code == 403
    assert "không được" in response.json()["detail"]
    response = post(client, f"/api/v1/cards/{card.pk}/revoke", {"reason": "x"})
    assert response.status_code == 403


@pytest.mark.parametrize("persona", NARROW)
def test_it_hides_other_scopes(client: Client, gates: GateSite, persona: str) -> None:
    api(client, gates.province.user(persona))
    listing = client.get("/api/v1/gates")
    assert listing.status_code == 200
    assert OUTSIDE not in listing.content.decode()
    card = gates.cards["outsider"]
    for response in (
        client.get(f"/api/v1/gates/{gates.gate_b.pk}"),
        client.get(f"/api/v1/workers/{card.worker_id}/cards"),
        post(client, f"/api/v1/workers/{card.worker_id}/cards", {"replace": True}),
        post(client, f"/api/v1/cards/{card.pk}/revoke", {"reason": "x"}),
    ):
        assert response.status_code == 404
        assert OUTSIDE not in response.content.decode()
    card.refresh_from_db()
    assert card.revoked_at is None
