"""API of incident reports: list with filters and pages, get, idempotent create,
transitions, grouping, hand-overs; all scoped."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.translation import gettext as _

from tests.conftest import Province
from tests.test_incident_workflow import commune_police
from tuquan.security.choices import ReportStatus
from tuquan.security.models import HandOver, IncidentReport
from tuquan.security.services import create_report

API = "/api/v1"


def as_user(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def body(province: Province, **extra: Any) -> dict[str, Any]:
    return {
        "kind": "theft",
        "description": "Mất trộm điện thoại trong tủ đồ",
        "occurred_at": timezone.now().isoformat(),
        "enterprise_id": province.enterprise_a.pk,
        **extra,
    }


def report_at(**place: Any) -> IncidentReport:
    return create_report(
        kind=place.pop("kind", "suspicious"),
        description="Người lạ",
        occurred_at=timezone.now(),
        **place,
    )


def test_it_creates_a_report_once_per_client_id(province: Province) -> None:
    client = as_user(province.user("enterprise"))
    data = body(province, client_id=str(uuid.uuid4()))
    first = client.post(
        f"{API}/incident-reports", data, content_type="application/json"
    )
    assert first.status_code == 201, first.content
    again = client.post(
        f"{API}/incident-reports", data, content_type="application/json"
    )
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert IncidentReport.objects.count() == 1
    # Someone else's client_id never reveals their report.
    other = as_user(province.user("zone")).post(
        f"{API}/incident-reports", data, content_type="application/json"
    )
    assert other.status_code == 409
    assert other.json() == {
        "detail": _("This client_id was already used for another report.")
    }
    created = first.json()
    assert created["source"] == "enterprise" and created["may_be_crime"]
    assert HandOver.objects.filter(report_id=created["id"]).exists()


def test_it_lets_a_worker_report_at_their_workplace(province: Province) -> None:
    client = as_user(province.user("worker"))
    data = body(province)
    del data["enterprise_id"]
    response = client.post(
        f"{API}/incident-reports", data, content_type="application/json"
    )
    assert response.status_code == 201
    assert response.json()["enterprise_id"] == province.enterprise_a.pk
    assert response.json()["team_id"] == province.team_a.pk


def test_it_explains_bad_input(province: Province) -> None:
    client = as_user(province.user("enterprise"))
    response = client.post(
        f"{API}/incident-reports",
        body(province, kind="unicorn"),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"field": "kind", "messages": [_("Choose a kind of incident from the list.")]}
    ]
    response = client.post(
        f"{API}/incident-reports",
        body(province, enterprise_id=province.enterprise_b.pk),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "enterprise_id"
    assert IncidentReport.objects.count() == 0


def test_it_lists_with_filters_and_pages(province: Province) -> None:
    for _n in range(3):
        report_at(kind="theft", enterprise=province.enterprise_a)
    report_at(kind="fire", zone=province.zone_a)
    client = as_user(province.user("police"))
    response = client.get(f"{API}/incident-reports", {"kind": "theft"})
    data = response.json()
    assert data["count"] == 3
    assert {item["kind"] for item in data["items"]} == {"theft"}
    response = client.get(f"{API}/incident-reports", {"severity": "critical"})
    assert response.json()["count"] == 1
    response = client.get(f"{API}/incident-reports", {"page_size": 2})
    assert len(response.json()["items"]) == 2 and response.json()["count"] == 4


def test_it_moves_a_report_and_refuses_a_forbidden_step(province: Province) -> None:
    report = report_at(enterprise=province.enterprise_a)
    url = f"{API}/incident-reports/{report.pk}/transitions"
    enterprise = as_user(province.user("enterprise"))
    response = enterprise.post(
        url, {"to": "verifying"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert "duplicate" in response.json()["allowed_transitions"]
    response = enterprise.post(
        url,
        {"to": "assigned", "assignee": "zone_board"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["detail"] == _(
        "Your role may not move this report to “%(to)s”."
    ) % {"to": ReportStatus.ASSIGNED.label}
    response = enterprise.post(url, {"to": "closed"}, content_type="application/json")
    assert response.status_code == 422
    zone = as_user(province.user("zone"))
    response = zone.post(
        url,
        {"to": "assigned", "assignee": "enterprise_security"},
        content_type="application/json",
    )
    assert response.json()["status"] == "assigned"


def test_it_groups_reports_into_an_incident(province: Province) -> None:
    one = report_at(enterprise=province.enterprise_a)
    two = report_at(zone=province.zone_a)
    three = report_at(enterprise=province.enterprise_a2)
    client = as_user(province.user("zone"))
    response = client.post(
        f"{API}/incidents",
        {"report_ids": [one.pk, two.pk], "title": "Người lạ quanh KCN"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    incident = response.json()
    assert incident["report_ids"] == [one.pk, two.pk]
    response = client.post(
        f"{API}/incidents",
        {"report_ids": [three.pk], "incident_id": incident["id"]},
        content_type="application/json",
    )
    assert response.json()["report_ids"] == [one.pk, two.pk, three.pk]


def test_it_updates_a_hand_over(province: Province) -> None:
    _station, officer = commune_police(province, province.commune_a, "cax")
    report = report_at(kind="theft", enterprise=province.enterprise_a)
    client = as_user(officer)
    listing = client.get(f"{API}/handovers").json()
    assert [item["report_id"] for item in listing["items"]] == [report.pk]
    url = f"{API}/handovers/{report.handover.pk}"
    response = client.patch(
        url,
        {"receiving_officer": "Đại úy Bình", "record_number": "15/TB"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["status"] == "received"
    response = as_user(province.user("enterprise")).patch(
        url, {"outcome": "x"}, content_type="application/json"
    )
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("persona", "sees_a", "sees_b"),
    [
        ("police", True, True),
        ("commune", True, False),
        ("zone", True, False),
        ("enterprise", True, False),
        ("enterprise_b", False, True),
        ("worker", False, False),
        ("outsider", False, False),
    ],
)
def test_it_hides_other_scopes(
    province: Province, persona: str, sees_a: bool, sees_b: bool
) -> None:
    a = report_at(kind="theft", enterprise=province.enterprise_a)
    b = report_at(kind="theft", enterprise=province.enterprise_b)
    client = as_user(province.user(persona))
    ids = {item["id"] for item in client.get(f"{API}/incident-reports").json()["items"]}
    handovers = {
        item["report_id"] for item in client.get(f"{API}/handovers").json()["items"]
    }
    for report, expected in ((a, sees_a), (b, sees_b)):
        assert (report.pk in ids) == expected
        assert (report.pk in handovers) == expected
        got = client.get(f"{API}/incident-reports/{report.pk}")
        assert got.status_code == (200 if expected else 404)
        moved = client.post(
            f"{API}/incident-reports/{report.pk}/transitions",
            {"to": "verifying"},
            content_type="application/json",
        )
        assert moved.status_code in ((200, 403) if expected else (404,))
        patched = client.patch(
            f"{API}/handovers/{report.handover.pk}",
            {"receiving_officer": "X", "record_number": "1"},
            content_type="application/json",
        )
        assert patched.status_code in ((200, 403) if expected else (404,))
    grouped = client.post(
        f"{API}/incidents",
        {"report_ids": [a.pk, b.pk]},
        content_type="application/json",
    )
    if sees_a and sees_b:
        assert grouped.status_code == 200
    else:
        assert grouped.status_code == 404
        assert not IncidentReport.objects.filter(incident__isnull=False).exists()
