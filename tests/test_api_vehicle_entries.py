"""The vehicle-entry API: batches of up to 5,000 with per-entry results,
request-level errors, the list and the board's review."""

from __future__ import annotations

import json
import random
from datetime import timedelta
from typing import Any

from django.test import Client
from django.utils import timezone

from tests.conftest import OUTSIDE, GateSite
from tests.test_vehicle_entries import event, record, vehicle, vi
from tuquan.gates.models import VehicleEntry
from tuquan.gates.vehicles import MAX_BATCH, record_vehicle_entry

URL = "/api/v1/vehicle-entries"


def as_user(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def send(client: Client, body: Any) -> Any:
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(URL, data, content_type="application/json")


def test_it_answers_accepted_duplicate_and_rejected(gates: GateSite) -> None:
    client = as_user(gates.guard)
    events = [event(gates.gate_a) for _ in range(3)]
    first = send(client, {"entries": events})
    assert first.status_code == 200
    assert [a["index"] for a in first.json()["accepted"]] == [0, 1, 2]
    bad = event(gates.gate_a, plate="1")
    answer = send(client, {"entries": [*events[:2], bad]}).json()
    assert answer["accepted"] == []
    assert answer["duplicate"] == [
        {"index": 0, "client_id": events[0]["client_id"]},
        {"index": 1, "client_id": events[1]["client_id"]},
    ]
    assert answer["rejected"][0]["index"] == 2
    assert answer["rejected"][0]["field"] == "plate"
    assert "51A-123.45" in answer["rejected"][0]["reason"]
    assert VehicleEntry.objects.count() == 3


def test_it_survives_shuffled_chunks_resent(gates: GateSite) -> None:
    client = as_user(gates.guard)
    events = [event(gates.gate_a, driver_phone="") for _ in range(600)]
    rng = random.Random(3)
    for _round in range(3):
        shuffled = events[:]
        rng.shuffle(shuffled)
        for start in range(0, len(shuffled), 150):
            if rng.random() < 0.3:
                continue  # a chunk lost on the way; resent in a later round
            send(client, {"entries": shuffled[start : start + 150]})
    send(client, {"entries": events})  # the final catch-up
    assert VehicleEntry.objects.count() == 600


def test_it_answers_broken_json_with_400(gates: GateSite) -> None:
    response = send(as_user(gates.guard), '{"entries": [')
    assert response.status_code == 400
    assert response.json()["detail"] == vi("The request body is not valid JSON.")


def test_it_answers_a_wrong_shape_with_422(gates: GateSite) -> None:
    client = as_user(gates.guard)
    response = send(client, [event(gates.gate_a)])
    assert response.status_code == 422
    response = send(client, {"entries": "many"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "entries"


def test_it_refuses_a_batch_over_5000(gates: GateSite) -> None:
    entries = [event(gates.gate_a) for _ in range(MAX_BATCH + 1)]
    response = send(as_user(gates.guard), {"entries": entries})
    assert response.status_code == 422
    message = response.json()["detail"][0]["messages"][0]
    assert "5000" in message and "5001" in message
    assert VehicleEntry.objects.count() == 0


def test_it_rejects_future_and_old_times(gates: GateSite) -> None:
    now = timezone.now()
    entries = [
        event(gates.gate_a, occurred_at=(now + timedelta(hours=1)).isoformat()),
        event(gates.gate_a, occurred_at=(now - timedelta(days=40)).isoformat()),
        event(gates.gate_a),
    ]
    answer = send(as_user(gates.guard), {"entries": entries}).json()
    assert [a["index"] for a in answer["accepted"]] == [2]
    assert [r["field"] for r in answer["rejected"]] == ["occurred_at"] * 2


def test_it_requires_authentication(gates: GateSite) -> None:
    assert send(Client(), {"entries": []}).status_code == 401


def test_it_lists_entries_with_filters(gates: GateSite) -> None:
    flagged = record(gates, disinfected=False, plate="29B1 55555")
    record(gates, plate="51A 11111")
    client = as_user(gates.province.user("zone"))
    answer = client.get(URL).json()
    assert answer["count"] == 2
    item = answer["items"][0]
    assert item["plate"] == "51A-111.11"
    assert item["driver_phone"].endswith("678") and "•" in item["driver_phone"]
    only = client.get(URL, {"not_disinfected": "true"}).json()
    assert [i["id"] for i in only["items"]] == [flagged.pk]
    assert only["items"][0]["needs_review"] is True
    by_gate = client.get(URL, {"gate": gates.gate_b.pk}).json()
    assert by_gate["count"] == 0


def test_it_reviews_an_entry(gates: GateSite) -> None:
    flagged = record(gates, disinfected=False)
    url = f"{URL}/{flagged.pk}/review"
    guard = as_user(gates.guard)
    assert guard.post(url, "{}", content_type="application/json").status_code == 403
    zone = as_user(gates.province.user("zone"))
    response = zone.post(url, {"note": "ok"}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["needs_review"] is False
    again = zone.post(url, "{}", content_type="application/json")
    assert again.status_code == 422


def test_it_hides_other_scopes(gates: GateSite) -> None:
    record(gates, plate="51A 11111")
    hidden = record_vehicle_entry(
        gate=gates.gate_b,
        values=vehicle(plate="99Z 99999", driver_name=OUTSIDE, disinfected=False),
        by=gates.guard_b,
    )
    for user in (gates.province.user("zone"), gates.guard):
        client = as_user(user)
        text = json.dumps(client.get(URL).json(), ensure_ascii=False)
        assert "51A-111.11" in text and "99Z-999.99" not in text
        assert OUTSIDE not in text
        review = client.post(
            f"{URL}/{hidden.pk}/review", "{}", content_type="application/json"
        )
        assert review.status_code == 404
        answer = send(client, {"entries": [event(gates.gate_b)]}).json()
        assert answer["accepted"] == []
        assert OUTSIDE not in json.dumps(answer, ensure_ascii=False)
    assert VehicleEntry.objects.filter(gate=gates.gate_b).count() == 1


def test_it_has_unique_operation_ids() -> None:
    from tuquan.api import api

    names = [
        op.view_func.__name__
        for _prefix, router in api._routers
        for path_view in router.path_operations.values()
        for op in path_view.operations
    ]
    assert len(names) == len(set(names))
    mine = {
        "record_vehicle_entries_api",
        "list_vehicle_entries",
        "review_vehicle_entry_api",
        "check_in_visitor_api",
        "list_visitors",
        "check_out_visitor_api",
    }
    assert mine <= set(names)
