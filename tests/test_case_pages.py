"""The health officer's pages: cases, contacts with reasons, decisions (htmx),
follow-ups, lockdown options, chains; the employers' "not before" list."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tests import factories as f
from tests.conftest import Province
from tuquan.accounts.choices import Role
from tuquan.core.models import AuditAction, AuditEntry
from tuquan.health.cases import confirm_case
from tuquan.health.models import Case, Contact, ContactStatus, FollowUp
from tuquan.health.tracing import trace_case
from tuquan.organisations.choices import AgencyFunction, OrgKind
from tuquan.organisations.models import Organisation

pytestmark = pytest.mark.django_db


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def traced_case(province: Province, health_officer: Any) -> Case:
    """The member is a case; the team leader (same team, same boarding house
    is not needed) is an F1 candidate."""
    case = confirm_case(
        worker=province.member, basis="positive_test", by=health_officer
    )
    trace_case(case, by=health_officer)
    return case


def test_it_confirms_a_case_from_the_form_and_traces_its_contacts(
    province: Province, health_officer: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = login(health_officer)
    form = client.get(f"/cases/new/?worker={province.member.pk}")
    assert "Trần Thị Lan" in form.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/cases/new/",
            {
                "worker": province.member.pk,
                "basis": "positive_test",
                "confirmed_on": timezone.localdate().isoformat(),
                "client_id": "0b6f9c1e-8f43-4c55-9d0e-3f1f0f3a2b11",
            },
        )
    case = Case.objects.get()
    assert response.status_code == 302 and response.url == f"/cases/{case.pk}/"
    page = client.get(response.url).content.decode()
    assert "Nguyễn Văn Đông" in page  # the team leader, an F1 candidate
    assert "Cùng tổ tự quản: Tổ tự quản Xưởng Rang" in page
    assert "Nếu phong tỏa" in page  # the lockdown options
    # The same form posted twice (a double tap) makes one case.
    client.post(
        "/cases/new/",
        {
            "worker": province.member.pk,
            "basis": "positive_test",
            "client_id": "0b6f9c1e-8f43-4c55-9d0e-3f1f0f3a2b11",
        },
    )
    assert Case.objects.count() == 1


def test_it_explains_a_refused_confirmation_in_vietnamese(
    province: Province, health_officer: Any
) -> None:
    client = login(health_officer)
    future = (timezone.localdate() + timedelta(days=2)).isoformat()
    page = client.post(
        "/cases/new/",
        {
            "worker": province.member.pk,
            "basis": "positive_test",
            "confirmed_on": future,
        },
    ).content.decode()
    assert "Ngày không được ở tương lai." in page
    page = client.post("/cases/new/", {"basis": "positive_test"}).content.decode()
    assert "Chọn người lao động" in page
    assert Case.objects.count() == 0


def test_it_finds_only_visible_workers_to_confirm(
    province: Province, health_officer: Any
) -> None:
    commune_b_officer = _commune_b_health_officer(province)
    found = (
        login(commune_b_officer).get("/cases/new/workers/?q=tran thi").content.decode()
    )
    assert "Trần Thị Lan" not in found
    found = login(health_officer).get("/cases/new/workers/?q=tran thi").content.decode()
    assert "Trần Thị Lan" in found


def test_it_audits_every_view_of_a_case(traced_case: Case, health_officer: Any) -> None:
    client = login(health_officer)
    client.get("/cases/")
    client.get(f"/cases/{traced_case.pk}/")
    reads = AuditEntry.objects.filter(action=AuditAction.VIEW_PERSONAL)
    assert reads.count() == 2


def test_it_confirms_and_dismisses_contacts_with_htmx(
    traced_case: Case, health_officer: Any
) -> None:
    contact = traced_case.contacts.get()
    client = login(health_officer)
    row = client.post(
        f"/contacts/{contact.pk}/decide/",
        {"decision": "confirm"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert row.startswith(f'<tr id="contact-{contact.pk}"')
    until = traced_case.confirmed_on + timedelta(days=14)
    assert f"Cách ly đến {until:%d/%m/%Y}" in row
    assert FollowUp.objects.filter(contact=contact).count() == 3
    row = client.post(
        f"/contacts/{contact.pk}/decide/",
        {"decision": "dismiss"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "Đã loại" in row
    contact.refresh_from_db()
    assert contact.status == ContactStatus.DISMISSED


def test_it_marks_a_follow_up_test_done(traced_case: Case, health_officer: Any) -> None:
    client = login(health_officer)
    follow_up = traced_case.follow_ups.first()
    client.post(
        f"/follow-ups/{follow_up.pk}/done/", {"note": "Âm tính", "next": "/cases/"}
    )
    follow_up.refresh_from_db()
    assert follow_up.done_on == timezone.localdate() and follow_up.note == "Âm tính"


def test_it_lists_due_follow_ups_and_cases(
    traced_case: Case, health_officer: Any
) -> None:
    traced_case.follow_ups.update(due_on=timezone.localdate())
    page = login(health_officer).get("/cases/").content.decode()
    assert "Trần Thị Lan" in page
    assert "3 lần xét nghiệm theo dõi đến hạn" in page


def test_it_shows_the_chain_of_an_enterprise(
    province: Province, traced_case: Case, health_officer: Any
) -> None:
    Contact.objects.update(status=ContactStatus.CONFIRMED)
    page = (
        login(health_officer)
        .get(f"/cases/chains/{province.enterprise_a.pk}/")
        .content.decode()
    )
    assert "Trần Thị Lan" in page and "Nguyễn Văn Đông" in page


def test_it_shows_employers_who_may_not_work_without_a_diagnosis(
    province: Province, traced_case: Case, health_officer: Any
) -> None:
    contact = traced_case.contacts.get()
    login(health_officer).post(
        f"/contacts/{contact.pk}/decide/", {"decision": "confirm"}
    )
    page = (
        login(province.user("enterprise")).get("/work-restrictions/").content.decode()
    )
    assert "Trần Thị Lan" in page and "Nguyễn Văn Đông" in page
    assert traced_case.isolation_until.strftime("%d/%m/%Y") in page
    for secret in ("COVID", "F0", "F1", "cách ly", "Dương tính"):
        assert secret not in page, secret
    # Outside the enterprise's scope: nobody listed.
    page = (
        login(province.user("enterprise_b")).get("/work-restrictions/").content.decode()
    )
    assert "Trần Thị Lan" not in page


def _commune_b_health_officer(province: Province) -> Any:
    station = Organisation.objects.create(
        kind=OrgKind.AGENCY,
        name="Trạm Y tế phường B",
        parent=province.province,
        jurisdiction=province.commune_b,
        function=AgencyFunction.HEALTH,
    )
    return f.make_user(
        "ytexab", Role.AGENCY_OFFICER, station, function=AgencyFunction.HEALTH
    )


def test_it_hides_other_scopes(province: Province, traced_case: Case) -> None:
    contact = traced_case.contacts.get()
    follow_up = traced_case.follow_ups.first()
    other = login(_commune_b_health_officer(province))
    assert "Trần Thị Lan" not in other.get("/cases/").content.decode()
    assert other.get(f"/cases/{traced_case.pk}/").status_code == 404
    assert (
        other.post(
            f"/contacts/{contact.pk}/decide/", {"decision": "confirm"}
        ).status_code
        == 404
    )
    assert other.post(f"/follow-ups/{follow_up.pk}/done/").status_code == 404
    assert other.get(f"/cases/chains/{province.enterprise_a.pk}/").status_code == 404
    for persona in ("enterprise", "zone", "commune", "team_leader", "police"):
        client = login(province.user(persona))
        assert client.get("/cases/").status_code == 403, persona
        assert client.get(f"/cases/{traced_case.pk}/").status_code == 403, persona
        assert client.post(f"/cases/{traced_case.pk}/trace/").status_code == 403, (
            persona
        )
    contact.refresh_from_db()
    assert contact.status == ContactStatus.CANDIDATE
