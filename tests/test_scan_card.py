"""The guard's scan page and POST /api/v1/gates/{id}/scan."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tests.conftest import OUTSIDE, GateSite
from tuquan.gates import restrictions
from tuquan.gates.models import GateEvent
from tuquan.people.models import EmploymentStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def guard(gates: GateSite) -> Client:
    client = Client()
    client.force_login(gates.guard)
    return client


def scan(
    client: Client, gates: GateSite, code: str, direction: str = "in", **extra: Any
) -> str:
    response = client.post(
        f"/gates/{gates.gate_a.pk}/scan/",
        {"code": code, "direction": direction, **extra},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    return response.content.decode()


def test_it_shows_the_scan_page_to_the_guard(gates: GateSite, guard: Client) -> None:
    page = guard.get(f"/gates/{gates.gate_a.pk}/scan/").content.decode()
    assert "Cổng chính KCN Hòa Phú" in page
    assert 'id="presence-count">0<' in page
    assert 'name="code"' in page


def test_it_lets_a_worker_in_and_counts_them(gates: GateSite, guard: Client) -> None:
    card = gates.cards["leader"]
    typed = f"{card.code[:4].lower()} {card.code[4:].lower()}"  # as a guard types it
    answer = scan(guard, gates, typed)
    assert "tone-ok" in answer
    assert "Nguyễn Văn Đông" in answer
    assert 'id="presence-count" hx-swap-oob="true">1<' in answer
    event = GateEvent.objects.get()
    assert event.source == "scan" and event.recorded_by == gates.guard
    out = scan(guard, gates, card.code, "out")
    assert "tone-ok" in out and ">0<" in out


def test_it_says_already_inside_without_storing(gates: GateSite, guard: Client) -> None:
    code = gates.cards["member"].code
    scan(guard, gates, code)
    again = scan(guard, gates, code)
    assert "tone-warn" in again and "Đã ở trong" in again
    assert GateEvent.objects.count() == 1


def test_it_counts_an_old_entry_as_left(gates: GateSite, guard: Client) -> None:
    code = gates.cards["member"].code
    scan(guard, gates, code)
    GateEvent.objects.update(occurred_at=timezone.now() - timedelta(hours=20))
    from tuquan.gates.models import Presence

    Presence.objects.update(occurred_at=timezone.now() - timedelta(hours=20))
    assert "tone-ok" in scan(guard, gates, code)


def test_it_refuses_each_bad_card_in_red(gates: GateSite, guard: Client) -> None:
    assert "Thẻ không có trong hệ thống" in scan(guard, gates, "ZZZZZZZZ")
    card = gates.cards["colleague"]
    card.revoked_at = timezone.now()
    card.save()
    revoked = scan(guard, gates, card.code)
    assert "tone-bad" in revoked and "thu hồi" in revoked
    resident = gates.province.resident
    resident.employment_status = EmploymentStatus.ON_LEAVE
    resident.save()
    assert "không còn làm việc" in scan(guard, gates, gates.cards["resident"].code)
    outsider = scan(guard, gates, gates.cards["outsider"].code)
    assert "khu hoặc doanh nghiệp khác" in outsider
    assert OUTSIDE not in outsider  # never name a worker of another zone
    assert GateEvent.objects.count() == 0


def test_it_refuses_a_worker_who_must_not_work(gates: GateSite, guard: Client) -> None:
    member = gates.province.member

    def isolation(worker_ids: Any, at: Any) -> dict[int, str]:
        return {member.pk: "đang cách ly tại nhà"} if member.pk in worker_ids else {}

    restrictions.register(isolation)
    try:
        refused = scan(guard, gates, gates.cards["member"].code)
        leaving = scan(guard, gates, gates.cards["member"].code, "out")
    finally:
        restrictions.unregister(isolation)
    assert "tone-bad" in refused and "đang cách ly tại nhà" in refused
    assert "tone-ok" in leaving


def test_it_never_counts_a_resent_scan_twice(gates: GateSite, guard: Client) -> None:
    client_id = str(uuid.uuid4())
    code = gates.cards["leader"].code
    scan(guard, gates, code, "out", client_id=client_id)
    scan(guard, gates, code, "out", client_id=client_id)
    assert GateEvent.objects.count() == 1


def test_it_works_without_javascript(gates: GateSite, guard: Client) -> None:
    response = guard.post(
        f"/gates/{gates.gate_a.pk}/scan/",
        {"code": gates.cards["leader"].code, "direction": "in"},
    )
    page = response.content.decode()
    assert "<html" in page and "tone-ok" in page and 'id="presence-count">1<' in page


def test_it_asks_for_a_code(gates: GateSite, guard: Client) -> None:
    assert "Chưa có mã thẻ" in scan(guard, gates, "  ")


def test_it_hides_other_scopes(gates: GateSite) -> None:
    guard_b = Client()
    guard_b.force_login(gates.guard_b)
    assert guard_b.get(f"/gates/{gates.gate_a.pk}/scan/").status_code == 404
    assert guard_b.get(f"/gates/{gates.gate_b.pk}/scan/").status_code == 200
    auditor = Client()
    auditor.force_login(gates.province.user("auditor"))
    # The auditor sees the gate but does not guard it.
    assert auditor.get(f"/gates/{gates.gate_a.pk}/scan/").status_code == 403
    team_leader = Client()
    team_leader.force_login(gates.province.user("team_leader"))
    assert team_leader.get(f"/gates/{gates.gate_a.pk}/scan/").status_code == 404


def test_it_scans_through_the_api(gates: GateSite, guard: Client) -> None:
    url = f"/api/v1/gates/{gates.gate_a.pk}/scan"
    body = guard.post(
        url,
        {"card": gates.cards["leader"].code, "direction": "in"},
        content_type="application/json",
    ).json()
    assert body["allowed"] and body["recorded"] and body["worker"] == "Nguyễn Văn Đông"
    again = guard.post(
        url,
        {"card": gates.cards["leader"].code, "direction": "in"},
        content_type="application/json",
    ).json()
    assert again["status"] == "already_inside" and not again["recorded"]
    other = guard.post(
        f"/api/v1/gates/{gates.gate_b.pk}/scan",
        {"card": gates.cards["outsider"].code, "direction": "in"},
        content_type="application/json",
    )
    assert other.status_code == 404
