"""API of contact tracing: contacts with reasons, decisions, F2, lockdown
options, follow-ups, and the employers' "not before" list."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tests.conftest import Province
from tuquan.core.models import AuditAction, AuditEntry
from tuquan.health.cases import confirm_case
from tuquan.health.models import Case
from tuquan.health.tracing import trace_case

pytestmark = pytest.mark.django_db
API = "/api/v1"


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def case(province: Province, health_officer: Any) -> Case:
    case = confirm_case(
        worker=province.member, basis="positive_test", by=health_officer
    )
    trace_case(case, by=health_officer)
    return case


def test_it_lists_contacts_with_their_reasons_and_audits_it(
    province: Province, case: Case, health_officer: Any
) -> None:
    items = login(health_officer).get(f"{API}/cases/{case.pk}/contacts").json()
    assert [item["worker"] for item in items] == ["Nguyễn Văn Đông"]
    assert items[0]["reasons"][0]["code"] == "team"
    assert items[0]["reasons"][0]["text"].startswith("Cùng tổ tự quản")
    assert items[0]["generation"] == 1 and items[0]["status"] == "candidate"
    assert AuditEntry.objects.filter(action=AuditAction.VIEW_PERSONAL).count() == 1


def test_it_confirms_dismisses_and_traces_f2(case: Case, health_officer: Any) -> None:
    client = login(health_officer)
    contact_id = case.contacts.get().pk
    refused = client.post(f"{API}/contacts/{contact_id}/trace")
    assert refused.status_code == 422
    assert "F1 đã xác nhận" in refused.json()["detail"][0]["messages"][0]
    until = (timezone.localdate() + timedelta(days=10)).isoformat()
    confirmed = client.post(
        f"{API}/contacts/{contact_id}/confirm",
        {"quarantine_until": until},
        content_type="application/json",
    ).json()
    assert confirmed["status"] == "confirmed" and confirmed["quarantine_until"] == until
    assert client.post(f"{API}/contacts/{contact_id}/trace").status_code == 200
    again = client.post(f"{API}/cases/{case.pk}/trace").json()
    assert again == {"found": 1}
    dismissed = client.post(f"{API}/contacts/{contact_id}/dismiss").json()
    assert dismissed["status"] == "dismissed"


def test_it_answers_lockdown_options(case: Case, health_officer: Any) -> None:
    options = (
        login(health_officer).get(f"{API}/cases/{case.pk}/lockdown-options").json()
    )
    by_scope = {option["scope"]: option for option in options}
    assert by_scope["team"]["affected"] == 2
    assert by_scope["site"]["affected"] == by_scope["site"]["workforce"] == 3
    assert by_scope["team"]["share"] == pytest.approx(2 / 3)


def test_it_lists_and_closes_follow_ups(case: Case, health_officer: Any) -> None:
    client = login(health_officer)
    due_by = (timezone.localdate() + timedelta(days=30)).isoformat()
    items = client.get(f"{API}/follow-ups?due_by={due_by}").json()["items"]
    assert len(items) == 3
    done = client.post(
        f"{API}/follow-ups/{items[0]['id']}/done",
        {"note": "Âm tính"},
        content_type="application/json",
    ).json()
    assert done["done_on"] == timezone.localdate().isoformat()
    assert client.get(f"{API}/follow-ups?due_by={due_by}").json()["count"] == 2


def test_it_tells_employers_the_first_day_back_only(
    province: Province, case: Case
) -> None:
    items = login(province.user("enterprise")).get(f"{API}/work-restrictions").json()
    assert items["items"] == [
        {
            "worker_id": province.member.pk,
            "worker": "Trần Thị Lan",
            "enterprise_id": province.enterprise_a.pk,
            "not_before": (case.isolation_until + timedelta(days=1)).isoformat(),
        }
    ]


def test_it_hides_other_scopes(province: Province, case: Case) -> None:
    contact_id = case.contacts.get().pk
    for persona in ("enterprise", "zone", "commune", "team_leader", "police"):
        client = login(province.user(persona))
        assert client.get(f"{API}/cases/{case.pk}/contacts").status_code == 403
        assert (
            client.post(
                f"{API}/contacts/{contact_id}/confirm",
                {},
                content_type="application/json",
            ).status_code
            == 403
        )
        assert client.get(f"{API}/follow-ups").status_code == 403
    outside = login(province.user("enterprise_b"))
    assert outside.get(f"{API}/work-restrictions").json()["items"] == []
