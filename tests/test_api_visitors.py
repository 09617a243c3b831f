"""The visitor API: check-in (idempotent), list (ID masked), check-out."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from typing import Any

from django.test import Client
from django.utils import timezone

from tests.conftest import OUTSIDE, GateSite
from tests.test_visitors import NATIONAL_ID, check_in, vi, visitor_values
from tuquan.gates.models import Visitor
from tuquan.gates.vehicles import check_in_visitor

URL = "/api/v1/visitors"


def as_user(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def body(gates: GateSite, **extra: Any) -> dict[str, Any]:
    return {
        "gate_id": gates.gate_a.pk,
        "full_name": "Đặng Thị Thu",
        "national_id": "066095123456",
        "organisation_name": "Công ty Vận tải Sài Gòn",
        "host_id": gates.province.enterprise_a.pk,
        "purpose": "Giao hàng",
        **extra,
    }


def readable(response: Any) -> str:
    return json.dumps(response.json(), ensure_ascii=False)


def post(client: Client, url: str, data: Any) -> Any:
    return client.post(url, data, content_type="application/json")


def test_it_checks_in_and_replays_with_200(gates: GateSite) -> None:
    client = as_user(gates.guard)
    data = body(gates, client_id=str(uuid.uuid4()))
    first = post(client, URL, data)
    assert first.status_code == 201, first.content
    assert first.json()["national_id"] == "•••••••••456"
    again = post(client, URL, data)
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert Visitor.objects.count() == 1
    assert NATIONAL_ID not in first.content.decode()


def test_it_answers_422_in_vietnamese(gates: GateSite) -> None:
    client = as_user(gates.guard)
    response = post(client, URL, body(gates, national_id="12"))
    assert response.status_code == 422
    fields = {e["field"]: e["messages"] for e in response.json()["detail"]}
    assert fields["national_id"] == [
        vi("A citizen ID number has 12 digits (you entered %(count)s).") % {"count": 2}
    ]
    response = post(client, URL, body(gates, host_id=gates.province.enterprise_b.pk))
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["detail"]] == ["host_id"]
    assert OUTSIDE not in readable(response)
    future = (timezone.now() + timedelta(hours=2)).isoformat()
    response = post(client, URL, body(gates, time_in=future))
    assert response.status_code == 422


def test_it_lists_and_checks_out(gates: GateSite) -> None:
    visitor = check_in(gates)
    client = as_user(gates.guard)
    listed = client.get(URL, {"inside": "true"}).json()
    assert [v["id"] for v in listed["items"]] == [visitor.pk]
    url = f"{URL}/{visitor.pk}/check-out"
    response = post(client, url, {})
    assert response.status_code == 200 and response.json()["time_out"]
    assert post(client, url, {}).status_code == 422
    assert client.get(URL, {"inside": "true"}).json()["count"] == 0


def test_it_refuses_a_time_out_before_the_time_in(gates: GateSite) -> None:
    visitor = check_in(gates)
    early = (visitor.time_in - timedelta(minutes=5)).isoformat()
    response = post(
        as_user(gates.guard), f"{URL}/{visitor.pk}/check-out", {"at": early}
    )
    assert response.status_code == 422


def test_it_hides_other_scopes(gates: GateSite) -> None:
    check_in(gates, full_name="Khách Trong Phạm Vi")
    hidden = check_in_visitor(
        gate=gates.gate_b,
        values=visitor_values(
            gates, full_name=f"{OUTSIDE} Khách", host=gates.province.enterprise_b
        ),
        by=gates.guard_b,
    )
    for user in (gates.province.user("zone"), gates.guard):
        client = as_user(user)
        text = readable(client.get(URL))
        assert "Khách Trong Phạm Vi" in text and OUTSIDE not in text
        assert post(client, f"{URL}/{hidden.pk}/check-out", {}).status_code == 404
        response = post(client, URL, body(gates, gate_id=gates.gate_b.pk))
        assert response.status_code == 422 and OUTSIDE not in readable(response)
