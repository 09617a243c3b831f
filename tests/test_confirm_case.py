"""Confirmed cases: who may confirm, isolation dates, the gate refusing an
isolated worker, audited reads, and what employers never see."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from tests.conftest import GateSite, Province
from tuquan.core.models import AuditAction, AuditEntry
from tuquan.health.cases import close_case, confirm_case
from tuquan.health.models import Case

pytestmark = pytest.mark.django_db


def test_it_confirms_a_case_with_the_isolation_of_the_profile(
    province: Province, health_officer: Any
) -> None:
    case = confirm_case(
        worker=province.member, basis="positive_test", by=health_officer
    )
    today = timezone.localdate()
    assert case.isolation_until == today + timedelta(days=14)  # COVID-19, 2021
    entry = AuditEntry.objects.get(action=AuditAction.CREATE, object_id=str(case.pk))
    assert entry.user == health_officer


def test_it_refuses_a_second_confirmation(
    province: Province, health_officer: Any
) -> None:
    confirm_case(worker=province.member, basis="positive_test", by=health_officer)
    with pytest.raises(ValidationError, match="đã là ca bệnh"):
        confirm_case(
            worker=province.member, basis="authority_notice", by=health_officer
        )
    assert Case.objects.count() == 1


def test_it_lets_only_health_officers_confirm(province: Province) -> None:
    for persona in ("enterprise", "zone", "police", "team_leader"):
        with pytest.raises(PermissionDenied):
            confirm_case(
                worker=province.member, basis="positive_test", by=province.user(persona)
            )
    assert not Case.objects.exists()


def test_it_refuses_a_future_date_and_an_early_close(
    province: Province, health_officer: Any
) -> None:
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError):
        confirm_case(
            worker=province.member,
            basis="positive_test",
            by=health_officer,
            confirmed_on=tomorrow,
        )
    case = confirm_case(
        worker=province.member, basis="positive_test", by=health_officer
    )
    with pytest.raises(ValidationError):
        close_case(
            case=case,
            outcome="recovered",
            by=health_officer,
            closed_on=case.confirmed_on - timedelta(days=1),
        )
    close_case(case=case, outcome="recovered", by=health_officer)
    with pytest.raises(ValidationError, match="đã kết thúc"):
        close_case(case=case, outcome="recovered", by=health_officer)


def test_it_makes_the_gate_refuse_an_isolated_worker(
    gates: GateSite, health_officer: Any
) -> None:
    province = gates.province
    confirm_case(worker=province.member, basis="positive_test", by=health_officer)
    guard = Client()
    guard.force_login(gates.guard)
    answer = guard.post(
        f"/gates/{gates.gate_a.pk}/scan/",
        {"code": gates.cards["member"].code, "direction": "in"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    until = (timezone.localdate() + timedelta(days=14)).strftime("%d/%m/%Y")
    assert "tone-bad" in answer and until in answer
    assert "COVID" not in answer and "ca bệnh" not in answer  # no diagnosis
    # Once the case is closed the worker comes back.
    close_case(case=Case.objects.get(), outcome="recovered", by=health_officer)
    again = guard.post(
        f"/gates/{gates.gate_a.pk}/scan/",
        {"code": gates.cards["member"].code, "direction": "in"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "tone-ok" in again


def test_it_answers_the_api_and_audits_every_read(
    province: Province, health_officer: Any
) -> None:
    client = Client()
    client.force_login(health_officer)
    client_id = str(uuid.uuid4())
    body = {
        "worker": province.member.pk,
        "basis": "positive_test",
        "client_id": client_id,
    }
    first = client.post("/api/v1/cases", body, content_type="application/json")
    again = client.post("/api/v1/cases", body, content_type="application/json")
    assert (first.status_code, again.status_code) == (201, 200)
    case_id = first.json()["id"]
    listed = client.get("/api/v1/cases").json()
    assert [item["id"] for item in listed["items"]] == [case_id]
    client.get(f"/api/v1/cases/{case_id}")
    reads = AuditEntry.objects.filter(action=AuditAction.VIEW_PERSONAL)
    assert reads.count() == 2
    closed = client.post(
        f"/api/v1/cases/{case_id}/close",
        {"outcome": "recovered"},
        content_type="application/json",
    )
    assert closed.json()["outcome"] == "recovered"


def test_it_hides_cases_from_everyone_else(
    province: Province, health_officer: Any
) -> None:
    case = confirm_case(
        worker=province.member, basis="positive_test", by=health_officer
    )
    for persona in ("enterprise", "zone", "commune", "team_leader", "worker", "police"):
        client = Client()
        client.force_login(province.user(persona))
        assert client.get("/api/v1/cases").status_code == 403, persona
        assert client.get(f"/api/v1/cases/{case.pk}").status_code == 403, persona
        response = client.post(
            "/api/v1/cases",
            {"worker": province.member.pk, "basis": "positive_test"},
            content_type="application/json",
        )
        assert response.status_code in (403, 404), persona
    assert Case.objects.count() == 1
