"""POST /api/v1/gate-events and the batch service behind it."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tests.conftest import GateSite
from tuquan.gates.choices import EventFlag, GateKind
from tuquan.gates.models import GateEvent, Presence
from tuquan.gates.services import MAX_BATCH, record_gate_events
from tuquan.organisations.choices import OperatingMode
from tuquan.organisations.models import BusRoute
from tuquan.people.models import EmploymentStatus

pytestmark = pytest.mark.django_db
URL = "/api/v1/gate-events"


def event(gate: Any, card: Any, direction: str = "in", **extra: Any) -> dict:
    return {
        "client_id": str(uuid.uuid4()),
        "gate": gate.pk,
        "card": card.code,
        "direction": direction,
        "occurred_at": timezone.now().isoformat(),
        **extra,
    }


def post(client: Client, events: Any) -> Any:
    return client.post(
        URL, data=json.dumps({"events": events}), content_type="application/json"
    )


@pytest.fixture
def guard_client(gates: GateSite) -> Client:
    client = Client()
    client.force_login(gates.guard)
    return client


def test_it_accepts_valid_passages(gates: GateSite, guard_client: Client) -> None:
    events = [event(gates.gate_a, gates.cards[name]) for name in ("leader", "member")]
    response = post(guard_client, events)
    assert response.status_code == 200
    body = response.json()
    assert sorted(body["accepted"]) == sorted(e["client_id"] for e in events)
    assert body["duplicates"] == [] and body["rejected"] == []
    stored = GateEvent.objects.get(client_id=events[0]["client_id"])
    assert stored.worker == gates.province.leader
    assert stored.site_id == gates.province.zone_a.pk
    assert stored.enterprise_id == gates.province.enterprise_a.pk
    assert stored.recorded_by == gates.guard
    assert Presence.objects.filter(site=gates.province.zone_a).count() == 2


def test_it_reports_replays_as_duplicates(
    gates: GateSite, guard_client: Client
) -> None:
    events = [event(gates.gate_a, gates.cards["leader"])]
    post(guard_client, events)
    body = post(guard_client, events).json()
    assert body["accepted"] == [] and body["duplicates"] == [events[0]["client_id"]]
    assert GateEvent.objects.count() == 1


def test_it_rejects_bad_events_without_blocking_good_ones(
    gates: GateSite, guard_client: Client
) -> None:
    good = event(gates.gate_a, gates.cards["leader"])
    now = timezone.now()
    twin = event(gates.gate_a, gates.cards["member"])
    bad = [
        "not an object",
        {**event(gates.gate_a, gates.cards["member"]), "client_id": "abc"},
        {**event(gates.gate_a, gates.cards["member"]), "card": "ZZZZ-ZZZZ"},
        event(gates.gate_a, gates.cards["outsider"]),  # card of zone B
        {**event(gates.gate_a, gates.cards["member"]), "direction": "sideways"},
        {
            **event(gates.gate_a, gates.cards["member"]),
            "occurred_at": (now + timedelta(hours=1)).isoformat(),
        },
        {
            **event(gates.gate_a, gates.cards["member"]),
            "occurred_at": (now - timedelta(days=60)).isoformat(),
        },
        {**event(gates.gate_a, gates.cards["member"]), "occurred_at": "hôm qua"},
        event(gates.gate_b, gates.cards["member"]),  # not the guard's gate
        twin,
        dict(twin),  # the same client UUID twice in one batch
    ]
    response = post(guard_client, [good, *bad])
    body = response.json()
    assert response.status_code == 200
    assert sorted(body["accepted"]) == sorted([good["client_id"], twin["client_id"]])
    reasons = {item["index"]: item for item in body["rejected"]}
    assert sorted(reasons) == [1, 2, 3, 4, 5, 6, 7, 8, 9, 11]
    assert reasons[1]["field"] == "__all__"
    assert reasons[2]["field"] == "client_id"
    assert "Thẻ không có trong hệ thống" in reasons[3]["reason"]
    assert "khu hoặc doanh nghiệp khác" in reasons[4]["reason"]
    assert reasons[5]["field"] == "direction"
    assert "tương lai" in reasons[6]["reason"]
    assert "30 ngày" in reasons[7]["reason"]
    assert reasons[8]["field"] == "occurred_at"
    assert reasons[9]["field"] == "gate"
    assert "nhiều lần" in reasons[11]["reason"]
    assert GateEvent.objects.count() == 2


def test_it_refuses_revoked_cards_and_inactive_workers(
    gates: GateSite, guard_client: Client
) -> None:
    card = gates.cards["leader"]
    card.revoked_at = timezone.now() - timedelta(minutes=5)
    card.save()
    colleague = gates.province.colleague
    colleague.employment_status = EmploymentStatus.LEFT
    colleague.save()
    earlier = (timezone.now() - timedelta(hours=1)).isoformat()
    events = [
        event(gates.gate_a, card),
        # Read offline before the card was revoked: still valid.
        event(gates.gate_a, card, occurred_at=earlier),
        event(gates.gate_a, gates.cards["colleague"]),
    ]
    body = post(guard_client, events).json()
    assert body["accepted"] == [events[1]["client_id"]]
    reasons = [item["reason"] for item in body["rejected"]]
    assert "thu hồi" in reasons[0]
    assert "không còn làm việc" in reasons[1]


def test_it_refuses_worker_gates_for_vehicles_only(
    gates: GateSite, guard_client: Client
) -> None:
    gates.gate_a.gate_kind = GateKind.VEHICLE
    gates.gate_a.save()
    body = post(guard_client, [event(gates.gate_a, gates.cards["leader"])]).json()
    assert body["rejected"][0]["field"] == "gate"


def test_it_flags_exits_in_three_on_site_mode(
    gates: GateSite, guard_client: Client
) -> None:
    enterprise = gates.province.enterprise_a
    enterprise.operating_mode = OperatingMode.ON_SITE
    enterprise.save()
    events = [event(gates.gate_a, gates.cards["leader"], "out")]
    post(guard_client, events)
    assert GateEvent.objects.get().flag == EventFlag.ON_SITE_EXIT


def test_it_flags_entries_off_the_registered_route(
    gates: GateSite, guard_client: Client
) -> None:
    enterprise = gates.province.enterprise_a
    enterprise.operating_mode = OperatingMode.FIXED_ROUTE
    enterprise.save()
    route = BusRoute.objects.create(enterprise=enterprise, name="Tuyến 1")
    other = BusRoute.objects.create(enterprise=enterprise, name="Tuyến 2")
    leader = gates.province.leader
    leader.bus_route = route
    leader.save()
    on_route = event(gates.gate_a, gates.cards["leader"], bus_route=route.pk)
    off_route = event(gates.gate_a, gates.cards["leader"], bus_route=other.pk)
    walked_in = event(gates.gate_a, gates.cards["member"])
    unknown = event(gates.gate_a, gates.cards["member"], bus_route=999999)
    body = post(guard_client, [on_route, off_route, walked_in, unknown]).json()
    assert body["rejected"][0]["field"] == "bus_route"
    flags = dict(GateEvent.objects.values_list("client_id", "flag"))
    assert flags[uuid.UUID(on_route["client_id"])] == ""
    assert flags[uuid.UUID(off_route["client_id"])] == EventFlag.OFF_ROUTE
    assert flags[uuid.UUID(walked_in["client_id"])] == EventFlag.OFF_ROUTE


def test_it_refuses_workers_who_must_not_work(
    gates: GateSite, guard_client: Client
) -> None:
    from tuquan.gates import restrictions

    leader = gates.province.leader

    def quarantine(worker_ids: Any, at: Any) -> dict[int, str]:
        return {leader.pk: "cách ly tập trung"} if leader.pk in worker_ids else {}

    restrictions.register(quarantine)
    try:
        entering = event(gates.gate_a, gates.cards["leader"], "in")
        leaving = event(gates.gate_a, gates.cards["leader"], "out")
        body = post(guard_client, [entering, leaving]).json()
    finally:
        restrictions.unregister(quarantine)
    assert body["accepted"] == [leaving["client_id"]]
    assert "cách ly tập trung" in body["rejected"][0]["reason"]


def test_it_keeps_the_latest_passage_as_presence(
    gates: GateSite, guard_client: Client
) -> None:
    now = timezone.now()
    card = gates.cards["leader"]
    later = event(gates.gate_a, card, "out", occurred_at=now.isoformat())
    earlier = event(
        gates.gate_a, card, "in", occurred_at=(now - timedelta(hours=2)).isoformat()
    )
    post(guard_client, [later])
    post(guard_client, [earlier])  # arrives late from an offline phone
    presence = Presence.objects.get(worker=gates.province.leader)
    assert presence.direction == "out"


def test_it_answers_request_level_errors(gates: GateSite, guard_client: Client) -> None:
    broken = guard_client.post(URL, data="{not json", content_type="application/json")
    assert broken.status_code == 400
    assert "JSON" in broken.json()["detail"]
    missing = guard_client.post(URL, data="{}", content_type="application/json")
    assert missing.status_code == 422
    too_many = post(
        guard_client, [event(gates.gate_a, gates.cards["leader"])] * (MAX_BATCH + 1)
    )
    assert too_many.status_code == 422
    assert "5000" in json.dumps(too_many.json(), ensure_ascii=False)
    assert GateEvent.objects.count() == 0


def test_it_needs_a_login(gates: GateSite) -> None:
    response = post(Client(), [event(gates.gate_a, gates.cards["leader"])])
    assert response.status_code == 401


def test_it_lets_auditors_read_but_not_record(gates: GateSite) -> None:
    client = Client()
    client.force_login(gates.province.user("auditor"))
    body = post(client, [event(gates.gate_a, gates.cards["leader"])]).json()
    assert body["rejected"][0]["field"] == "gate"


def test_it_hides_other_scopes(gates: GateSite, guard_client: Client) -> None:
    record_gate_events(
        events=[event(gates.gate_b, gates.cards["outsider"])], by=gates.guard_b
    )
    post(guard_client, [event(gates.gate_a, gates.cards["leader"])])
    for persona in ("zone", "enterprise", "commune"):
        client = Client()
        client.force_login(gates.province.user(persona))
        listed = client.get("/api/v1/gate-events").json()["items"]
        assert [item["worker"] for item in listed] == ["Nguyễn Văn Đông"], persona
    guard_b = Client()
    guard_b.force_login(gates.guard_b)
    items = guard_b.get("/api/v1/gate-events").json()["items"]
    assert [item["worker_id"] for item in items] == [gates.province.outsider.pk]
