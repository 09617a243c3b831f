"""Gate registry pages: list with filters, a gate's page (guards, last
passages), create and edit, guards limited to their own gate, and the gates
sections of the zone, enterprise and team pages."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests import factories as f
from tests.conftest import OUTSIDE, GateSite
from tuquan.core.models import AuditAction, AuditEntry
from tuquan.gates.choices import Direction, EventFlag, EventSource, GateKind
from tuquan.gates.models import Gate, GateEvent

NARROW = ["commune", "zone", "enterprise", "team_leader", "worker", "outsider"]


@pytest.fixture(autouse=True)
def _plain_http(settings: Any) -> None:
    settings.SECURE_SSL_REDIRECT = False


def login(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


def passage(gate: Gate, worker: Any, minutes_ago: int, **extra: Any) -> GateEvent:
    now = timezone.now()
    return GateEvent.objects.create(
        client_id=uuid.uuid4(),
        gate=gate,
        site_id=gate.site_id,
        worker=worker,
        enterprise_id=worker.enterprise_id,
        direction=extra.pop("direction", Direction.IN),
        occurred_at=now - timedelta(minutes=minutes_ago),
        received_at=now,
        source=EventSource.SCAN,
        **extra,
    )


def test_it_links_gates_to_their_page(gates: GateSite) -> None:
    assert gates.gate_a.url_name == "gate_detail"
    assert (
        reverse("gate_detail", args=[gates.gate_a.pk]) == f"/gates/{gates.gate_a.pk}/"
    )


def test_it_lists_the_gates_in_scope(client: Client, gates: GateSite) -> None:
    login(client, gates.province.user("zone"))
    html = client.get(reverse("gate_list")).content.decode()
    assert "Cổng chính KCN Hòa Phú" in html
    assert "Cổng Xưởng Rang" in html
    assert OUTSIDE not in html


def test_it_shows_an_enterprise_officer_only_their_gates(
    client: Client, gates: GateSite
) -> None:
    login(client, gates.province.user("enterprise"))
    html = client.get(reverse("gate_list")).content.decode()
    assert "Cổng Xưởng Rang" in html
    assert "Cổng chính KCN Hòa Phú" not in html


def test_it_filters_the_list(client: Client, gates: GateSite) -> None:
    login(client, gates.province.user("zone"))
    f.make_gate(gates.province.zone_a, "Cổng phụ cũ", active=False)
    url = reverse("gate_list")
    html = client.get(url, {"site": gates.province.enterprise_a.pk}).content.decode()
    assert "Cổng Xưởng Rang" in html
    assert "Cổng chính KCN Hòa Phú" not in html
    html = client.get(url, {"site": gates.province.zone_a.pk}).content.decode()
    assert "Cổng Xưởng Rang" in html  # a zone's filter includes its enterprises
    html = client.get(url, {"gate_kind": GateKind.WORKER}).content.decode()
    assert "Cổng Xưởng Rang" in html
    assert "Cổng chính KCN Hòa Phú" not in html
    html = client.get(url, {"active": "false"}).content.decode()
    assert "Cổng phụ cũ" in html
    assert "Cổng Xưởng Rang" not in html
    html = client.get(url, {"q": "xuong rang"}).content.decode()
    assert "Cổng Xưởng Rang" in html
    assert "Cổng phụ cũ" not in html
    # An id outside the scope filters to nothing and names nothing.
    html = client.get(url, {"site": gates.province.zone_b.pk}).content.decode()
    assert OUTSIDE not in html
    assert "Cổng Xưởng Rang" not in html


def test_it_answers_htmx_with_the_table(client: Client, gates: GateSite) -> None:
    login(client, gates.province.user("zone"))
    response = client.get(reverse("gate_list"), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<table" in html
    assert "<form" not in html


def test_it_shows_a_gate(client: Client, gates: GateSite) -> None:
    province = gates.province
    passage(gates.gate_a, province.member, 30)
    passage(
        gates.gate_a,
        province.colleague,
        5,
        direction=Direction.OUT,
        flag=EventFlag.ON_SITE_EXIT,
    )
    passage(gates.gate_enterprise_a, province.leader, 3)
    login(client, province.user("zone"))
    html = client.get(reverse("gate_detail", args=[gates.gate_a.pk])).content.decode()
    assert "Cổng chính KCN Hòa Phú" in html
    assert "Khu công nghiệp Hòa Phú" in html or "KCN Hòa Phú" in html
    assert "baove" in html  # the guard assigned here
    assert "baoveb" not in html
    assert "Trần Thị Lan" in html
    assert "Lê Văn Hùng" in html
    assert "Nguyễn Văn Đông" not in html  # passed another gate
    assert html.index("Lê Văn Hùng") < html.index("Trần Thị Lan")  # newest first
    assert "badge warn" in html


def test_it_shows_at_most_fifty_passages(client: Client, gates: GateSite) -> None:
    for n in range(55):
        passage(gates.gate_a, gates.province.member, n)
    login(client, gates.province.user("zone"))
    html = client.get(reverse("gate_detail", args=[gates.gate_a.pk])).content.decode()
    assert html.count("Trần Thị Lan") == 50


def test_it_shows_a_guard_only_their_gate(client: Client, gates: GateSite) -> None:
    login(client, gates.guard)
    html = client.get(reverse("gate_list")).content.decode()
    assert "Cổng chính KCN Hòa Phú" in html
    assert "Cổng Xưởng Rang" not in html
    assert OUTSIDE not in html
    assert client.get(reverse("gate_detail", args=[gates.gate_a.pk])).status_code == 200
    for other in (gates.gate_enterprise_a, gates.gate_b):
        response = client.get(reverse("gate_detail", args=[other.pk]))
        assert response.status_code == 404


def test_it_refuses_guards_the_editing_pages(client: Client, gates: GateSite) -> None:
    login(client, gates.guard)
    assert client.get(reverse("gate_create")).status_code == 403
    response = client.get(reverse("gate_edit", args=[gates.gate_a.pk]))
    assert response.status_code == 403
    html = client.get(reverse("gate_detail", args=[gates.gate_a.pk])).content.decode()
    assert reverse("gate_edit", args=[gates.gate_a.pk]) not in html


def test_it_creates_a_gate(client: Client, gates: GateSite) -> None:
    province = gates.province
    login(client, province.user("zone"))
    response = client.get(reverse("gate_create"), {"site": province.zone_a.pk})
    html = response.content.decode()
    assert response.status_code == 200
    assert OUTSIDE not in html
    assert "Công ty TNHH Cà phê Hòa Phú" in html  # enterprises are sites too
    response = client.post(
        reverse("gate_create"),
        {
            "name": "Cổng số 2",
            "site": province.zone_a.pk,
            "gate_kind": GateKind.VEHICLE,
            "active": "on",
            "client_id": str(uuid.uuid4()),
        },
    )
    gate = Gate.objects.get(name="Cổng số 2")
    assert response.status_code == 302
    assert response["Location"] == reverse("gate_detail", args=[gate.pk])
    assert gate.site_id == province.zone_a.pk
    assert gate.parent_id == province.zone_a.pk
    assert gate.path.startswith(province.zone_a.path)
    assert gate.gate_kind == GateKind.VEHICLE
    assert AuditEntry.objects.filter(
        object_id=str(gate.pk), action=AuditAction.CREATE
    ).exists()


def test_it_refuses_a_site_outside_the_editors_scope(
    client: Client, gates: GateSite
) -> None:
    province = gates.province
    login(client, province.user("enterprise"))
    response = client.post(
        reverse("gate_create"),
        {"name": "Cổng lạ", "site": province.zone_a.pk, "gate_kind": GateKind.BOTH},
    )
    assert response.status_code == 200  # the form again, with an error
    assert not Gate.objects.filter(name="Cổng lạ").exists()
    response = client.post(
        reverse("gate_create"),
        {
            "name": "Cổng lạ",
            "site": province.enterprise_b.pk,
            "gate_kind": GateKind.BOTH,
        },
    )
    assert OUTSIDE not in response.content.decode()
    assert not Gate.objects.filter(name="Cổng lạ").exists()


def test_it_edits_a_gate(client: Client, gates: GateSite) -> None:
    login(client, gates.province.user("enterprise"))
    gate = gates.gate_enterprise_a
    url = reverse("gate_edit", args=[gate.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "name": "Cổng Xưởng Rang (mới)",
            "site": gates.province.enterprise_a.pk,
            "gate_kind": GateKind.BOTH,
        },
    )
    assert response.status_code == 302
    gate.refresh_from_db()
    assert gate.name == "Cổng Xưởng Rang (mới)"
    assert gate.active is False  # unticked
    assert gate.gate_kind == GateKind.BOTH


def test_it_forbids_editing_a_zone_gate_to_an_enterprise_officer(
    client: Client, gates: GateSite
) -> None:
    login(client, gates.province.user("enterprise"))
    # The zone's gate is not even visible to the enterprise officer.
    assert client.get(reverse("gate_edit", args=[gates.gate_a.pk])).status_code == 404


def test_it_adds_gates_to_the_zone_and_enterprise_pages(
    client: Client, gates: GateSite
) -> None:
    province = gates.province
    login(client, province.user("zone"))
    html = client.get(
        reverse("zone_detail", args=[province.zone_a.pk])
    ).content.decode()
    assert "Cổng chính KCN Hòa Phú" in html
    assert f"{reverse('gate_create')}?site={province.zone_a.pk}" in html
    html = client.get(
        reverse("enterprise_detail", args=[province.enterprise_a.pk])
    ).content.decode()
    assert "Cổng Xưởng Rang" in html
    assert reverse("card_sheet_enterprise", args=[province.enterprise_a.pk]) in html
    html = client.get(
        reverse("team_detail", args=[province.team_a.pk])
    ).content.decode()
    assert reverse("card_sheet_team", args=[province.team_a.pk]) in html


def test_it_offers_no_gate_creation_to_readers(client: Client, gates: GateSite) -> None:
    province = gates.province
    login(client, province.user("team_leader"))
    assert client.get(reverse("gate_create")).status_code == 403
    html = client.get(reverse("gate_list")).content.decode()
    assert reverse("gate_create") not in html


@pytest.mark.parametrize("persona", NARROW)
def test_it_hides_other_scopes(client: Client, gates: GateSite, persona: str) -> None:
    province = gates.province
    passage(gates.gate_b, province.outsider, 1)
    login(client, province.user(persona))
    html = client.get(reverse("gate_list")).content.decode()
    assert OUTSIDE not in html
    for name in ("gate_detail", "gate_edit"):
        response = client.get(reverse(name, args=[gates.gate_b.pk]))
        assert response.status_code == 404
        assert OUTSIDE not in response.content.decode()
    response = client.get(reverse("gate_create"))
    assert OUTSIDE not in response.content.decode()


def test_it_hides_other_scopes_from_guards(client: Client, gates: GateSite) -> None:
    passage(gates.gate_b, gates.province.outsider, 1)
    passage(gates.gate_enterprise_a, gates.province.leader, 1)
    login(client, gates.guard)
    html = client.get(reverse("gate_detail", args=[gates.gate_a.pk])).content.decode()
    assert OUTSIDE not in html
    assert "Nguyễn Văn Đông" not in html
