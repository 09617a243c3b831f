"""API of violations and sanction decisions: list/get/create (idempotent),
decisions, .docx, Vietnamese 422s, scoping."""

from __future__ import annotations

import io
import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from docx import Document

from tests.conftest import Province
from tests.test_sanction_decision import decide
from tests.test_violation_record import flagged_event, make_violation, provision
from tuquan.violations.models import Authority, SanctionDecision, Violation

pytestmark = pytest.mark.django_db
API = "/api/v1"


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def payload(province: Province, **extra: Any) -> dict[str, Any]:
    values = {
        "subject_kind": "worker",
        "worker": province.member.pk,
        "provision": provision().pk,
        "occurred_at": (timezone.now() - timedelta(hours=2)).isoformat(),
        "place": "Nhà ăn ca",
        "detection": "inspection",
        "record_number": "11/BB",
        "client_id": str(uuid.uuid4()),
    }
    values.update(extra)
    return values


def test_it_creates_a_violation_once(province: Province) -> None:
    client = login(province.users["police"])
    body = payload(province)
    first = client.post(f"{API}/violations", body, content_type="application/json")
    again = client.post(f"{API}/violations", body, content_type="application/json")
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["id"] == again.json()["id"]
    assert first.json()["subject"] == province.member.full_name
    assert Violation.objects.count() == 1


def test_it_links_a_flagged_gate_passage(gates: Any) -> None:
    province = gates.province
    event = flagged_event(province.member, gates.gate_a)
    response = login(province.users["zone"]).post(
        f"{API}/violations",
        payload(province, gate_event=event.pk, detection="gate_flag"),
        content_type="application/json",
    )
    assert response.status_code == 201
    assert Violation.objects.get().gate_event_id == event.pk


def test_it_answers_bad_input_with_field_messages(province: Province) -> None:
    response = login(province.users["zone"]).post(
        f"{API}/violations",
        payload(province, place=" ", record_number=""),
        content_type="application/json",
    )
    assert response.status_code == 422
    fields = {item["field"] for item in response.json()["detail"]}
    assert fields == {"place", "record_number"}
    assert Violation.objects.count() == 0


def test_it_refuses_recording_for_an_enterprise_officer(province: Province) -> None:
    response = login(province.users["enterprise"]).post(
        f"{API}/violations", payload(province), content_type="application/json"
    )
    assert response.status_code == 403
    assert Violation.objects.count() == 0


def test_it_lists_and_filters(province: Province) -> None:
    make_violation(province, number="X-1")
    make_violation(province, number="X-2", code="nd117-xet-nghiem")
    client = login(province.users["zone"])
    items = client.get(f"{API}/violations").json()["items"]
    assert {i["record_number"] for i in items} == {"X-1", "X-2"}
    rule = provision("nd117-xet-nghiem")
    items = client.get(f"{API}/violations", {"provision": rule.pk}).json()["items"]
    assert [i["record_number"] for i in items] == ["X-2"]
    assert (
        client.get(f"{API}/violations", {"repeat": True}).json()["items"][0][
            "record_number"
        ]
        == "X-2"
    )


def test_it_issues_a_decision_and_serves_the_docx(province: Province) -> None:
    violation = make_violation(province)
    client = login(province.users["commune"])
    body = {
        "violations": [violation.pk],
        "authority": Authority.objects.get(code="ct-ubnd-xa").pk,
        "number": "3/QĐ-XPHC",
        "issuing_body": "UBND xã Hòa Phú",
        "signer_name": "Lê Chủ Tịch",
        "place_name": "Hòa Phú",
        "fine_amount": 1_000_000,
        "client_id": str(uuid.uuid4()),
    }
    made = client.post(
        f"{API}/sanction-decisions", body, content_type="application/json"
    )
    again = client.post(
        f"{API}/sanction-decisions", body, content_type="application/json"
    )
    assert made.status_code == 201 and again.status_code == 200
    data = client.get(f"{API}/sanction-decisions/{made.json()['id']}").json()
    assert data["violations"] == [violation.pk] and data["fine_amount"] == 1_000_000
    docx = client.get(f"{API}/sanction-decisions/{data['id']}/decision.docx")
    assert docx.status_code == 200
    assert Document(io.BytesIO(docx.content)).tables
    record = client.get(f"{API}/violations/{violation.pk}/record.docx")
    assert record.status_code == 200


def test_it_refuses_mixed_subjects_and_bad_fines(province: Province) -> None:
    mine = make_violation(province, number="1")
    other = make_violation(province, number="2", worker=province.colleague)
    client = login(province.users["zone"])
    body = {
        "violations": [mine.pk, other.pk],
        "authority": Authority.objects.get(code="ct-ubnd-huyen").pk,
        "number": "4/QĐ",
        "issuing_body": "UBND",
        "signer_name": "A",
        "place_name": "B",
        "fine_amount": 2_000_000,
    }
    mixed = client.post(
        f"{API}/sanction-decisions", body, content_type="application/json"
    )
    assert mixed.status_code == 422
    assert mixed.json()["detail"][0]["field"] == "violations"
    body.update(violations=[mine.pk], fine_amount=100)
    low = client.post(
        f"{API}/sanction-decisions", body, content_type="application/json"
    )
    assert low.status_code == 422 and low.json()["detail"][0]["field"] == "fine_amount"
    assert SanctionDecision.objects.count() == 0


def test_it_hides_other_scopes(province: Province) -> None:
    mine = make_violation(province, number="A-1")
    theirs = make_violation(
        province, worker=province.outsider, number="B-1", by=province.users["province"]
    )
    their_decision = decide(province, [theirs], by=province.users["province"])
    client = login(province.users["zone"])
    items = client.get(f"{API}/violations").json()["items"]
    assert [i["id"] for i in items] == [mine.pk]
    for url in (
        f"/violations/{theirs.pk}",
        f"/violations/{theirs.pk}/record.docx",
        f"/sanction-decisions/{their_decision.pk}",
        f"/sanction-decisions/{their_decision.pk}/decision.docx",
    ):
        assert client.get(API + url).status_code == 404, url
    foreign = client.post(
        f"{API}/violations",
        payload(province, worker=province.outsider.pk),
        content_type="application/json",
    )
    assert foreign.status_code == 404
    team_leader = login(province.users["team_leader"])
    assert team_leader.get(f"{API}/violations").json()["items"] == []


def test_it_links_an_incident_report_in_scope_only(province: Province) -> None:
    from tuquan.security.models import IncidentKind
    from tuquan.security.services import create_report

    kind = IncidentKind.objects.first()
    mine = create_report(
        kind=kind,
        description="Tụ tập đông người tại nhà ăn ca",
        occurred_at=timezone.now() - timedelta(hours=3),
        by=province.users["zone"],
        enterprise=province.enterprise_a,
    )
    theirs = create_report(
        kind=kind,
        description="Ngoài phạm vi",
        occurred_at=timezone.now() - timedelta(hours=3),
        by=province.users["province"],
        enterprise=province.enterprise_b,
    )
    client = login(province.users["zone"])
    made = client.post(
        f"{API}/violations",
        payload(province, incident_report=mine.pk, detection="report"),
        content_type="application/json",
    )
    assert made.status_code == 201
    assert Violation.objects.get().incident_report == mine
    foreign = client.post(
        f"{API}/violations",
        payload(province, incident_report=theirs.pk),
        content_type="application/json",
    )
    assert foreign.status_code == 404
    assert Violation.objects.count() == 1
