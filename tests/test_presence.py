"""Who is inside now, headcounts against the workforce, daily history."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tests.conftest import OUTSIDE, GateSite
from tuquan.gates.presence import (
    day_history,
    enterprise_breakdown,
    missing_checkouts,
    site_headcounts,
)
from tuquan.gates.services import record_gate_events
from tuquan.organisations.models import Shift, Workshop

pytestmark = pytest.mark.django_db


def passages(gates: GateSite, *rows: tuple[Any, str, str, Any]) -> None:
    events = [
        {
            "client_id": str(uuid.uuid4()),
            "gate": gate.pk,
            "card": gates.cards[name].code,
            "direction": direction,
            "occurred_at": at.isoformat(),
        }
        for gate, name, direction, at in rows
    ]
    guard = gates.province.user("zone")
    result = record_gate_events(events=events, by=guard)
    assert result.rejected == []


def counts(user: Any) -> dict[str, int]:
    return {row.site: row.inside for row in site_headcounts(user)}


def test_it_counts_in_minus_out_per_site(gates: GateSite) -> None:
    now = timezone.now()
    hour = timedelta(hours=1)
    passages(
        gates,
        (gates.gate_a, "leader", "in", now - 3 * hour),
        (gates.gate_a, "member", "in", now - 3 * hour),
        (gates.gate_a, "member", "out", now - hour),
        (gates.gate_a, "resident", "in", now - 2 * hour),
        # Enterprise A has its own gate: its people are counted there.
        (gates.gate_enterprise_a, "colleague", "in", now - hour),
    )
    seen = counts(gates.province.user("zone"))
    assert seen["KCN Hòa Phú"] == 2  # leader and resident, at the zone gate
    assert seen["Công ty TNHH Cà phê Hòa Phú"] == 1  # colleague, at its own gate
    # Enterprise A2 has no gate of its own: counted at the zone gate.
    assert seen["Công ty CP Gỗ Tây Nguyên"] == 1


def test_it_stops_counting_an_entry_never_checked_out(gates: GateSite) -> None:
    now = timezone.now()
    passages(
        gates,
        (gates.gate_a, "leader", "in", now - timedelta(hours=17)),
        (gates.gate_a, "resident", "in", now - timedelta(hours=15)),
    )
    assert counts(gates.province.user("zone"))["KCN Hòa Phú"] == 1
    yesterday = timezone.localtime(now - timedelta(hours=17)).date()
    missing = missing_checkouts(gates.province.zone_a, yesterday)
    assert [event.worker.full_name for event in missing] == ["Nguyễn Văn Đông"]


def test_it_breaks_an_enterprise_down_by_workshop_and_shift(gates: GateSite) -> None:
    enterprise = gates.province.enterprise_a
    roasting = Workshop.objects.create(enterprise=enterprise, name="Xưởng Rang")
    morning = Shift.objects.create(
        enterprise=enterprise, name="Ca 1", starts_at="06:00", ends_at="14:00"
    )
    for worker in (gates.province.leader, gates.province.colleague):
        worker.workshop, worker.shift = roasting, morning
        worker.save()
    passages(
        gates,
        (gates.gate_enterprise_a, "leader", "in", timezone.now() - timedelta(hours=1)),
    )
    breakdown = enterprise_breakdown(enterprise)
    assert ("Xưởng Rang", 1, 2) in [tuple(row) for row in breakdown["workshop"]]
    assert ("Ca 1", 1, 2) in [tuple(row) for row in breakdown["shift"]]
    assert ("", 0, 1) in [tuple(row) for row in breakdown["shift"]]


def test_it_keeps_a_daily_history(gates: GateSite) -> None:
    now = timezone.localtime()
    # Noon yesterday: every passage below falls on the same calendar day.
    yesterday = now.replace(hour=12, minute=0) - timedelta(days=1)
    passages(
        gates,
        (gates.gate_a, "leader", "in", yesterday - timedelta(hours=2)),
        (gates.gate_a, "leader", "out", yesterday - timedelta(hours=1)),
        (gates.gate_a, "resident", "in", yesterday - timedelta(hours=1)),
        (gates.gate_a, "resident", "in", now - timedelta(minutes=5)),
    )
    history = {row.day: row for row in day_history(gates.province.zone_a)}
    day = yesterday.date()
    assert history[day].workers == 2 and history[day].exits == 1


def test_it_shows_the_presence_pages(gates: GateSite) -> None:
    passages(gates, (gates.gate_a, "leader", "in", timezone.now() - timedelta(hours=1)))
    client = Client()
    client.force_login(gates.province.user("zone"))
    overview = client.get("/presence/").content.decode()
    assert "KCN Hòa Phú" in overview and "Đang có mặt" in overview
    page = client.get(f"/presence/{gates.province.zone_a.pk}/").content.decode()
    assert "Nguyễn Văn Đông" in page
    ent = client.get(f"/presence/{gates.province.enterprise_a.pk}/")
    assert "Theo phân xưởng" in ent.content.decode()


def test_it_answers_presence_through_the_api(gates: GateSite) -> None:
    passages(gates, (gates.gate_a, "leader", "in", timezone.now() - timedelta(hours=1)))
    client = Client()
    client.force_login(gates.province.user("zone"))
    rows = {row["site"]: row for row in client.get("/api/v1/presence").json()}
    assert rows["KCN Hòa Phú"]["inside"] == 1
    assert rows["KCN Hòa Phú"]["registered"] == 200


def test_it_hides_other_scopes(gates: GateSite) -> None:
    record_gate_events(
        events=[
            {
                "client_id": str(uuid.uuid4()),
                "gate": gates.gate_b.pk,
                "card": gates.cards["outsider"].code,
                "direction": "in",
                "occurred_at": timezone.now().isoformat(),
            }
        ],
        by=gates.guard_b,
    )
    for persona in ("zone", "enterprise", "commune", "team_leader"):
        client = Client()
        client.force_login(gates.province.user(persona))
        assert OUTSIDE not in client.get("/presence/").content.decode()
        assert OUTSIDE not in client.get("/api/v1/presence").content.decode()
        assert client.get(f"/presence/{gates.province.zone_b.pk}/").status_code == 404
    enterprise = Client()
    enterprise.force_login(gates.province.user("enterprise"))
    sites = [row["site"] for row in enterprise.get("/api/v1/presence").json()]
    assert sites == ["Công ty TNHH Cà phê Hòa Phú"]
