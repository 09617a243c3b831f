"""The team leader's roll call page: statuses and counts, one-tap proxy
declarations, the reminder, earlier days, and scope."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests import factories as f
from tests.conftest import OUTSIDE, Province
from tuquan.accounts.choices import Role
from tuquan.core.models import AuditAction, AuditEntry
from tuquan.health.models import HealthDeclaration
from tuquan.health.rollcall import reminder_text
from tuquan.health.services import submit_declaration

pytestmark = pytest.mark.django_db


def login(province: Province, persona: str) -> Client:
    client = Client()
    client.force_login(province.user(persona))
    return client


def page_url(team: Any, **query: str) -> str:
    url = reverse("team_roll_call", args=[team.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def declare_url(team: Any, worker: Any) -> str:
    return reverse("team_roll_call_declare", args=[team.pk, worker.pk])


@pytest.fixture
def team(province: Province) -> Province:
    """Team A with a third member (the colleague) who declares nothing."""
    province.colleague.memberships.create(team=province.team_a)
    submit_declaration(
        worker=province.leader, symptoms=["fever", "cough"], client_id=uuid.uuid4()
    )
    submit_declaration(
        worker=province.member,
        client_id=uuid.uuid4(),
        by=province.user("team_leader"),
    )
    return province


def test_it_shows_each_member_with_status_and_counts(team: Province) -> None:
    response = login(team, "team_leader").get(page_url(team.team_a))
    assert response.status_code == 200
    call = response.context["call"]
    assert call.counts == {
        "members": 3,
        "healthy": 1,
        "symptoms": 1,
        "missing": 1,
        "by_proxy": 1,
    }
    status = {e.worker.pk: e.status for e in call.entries}
    assert status == {
        team.leader.pk: "symptoms",
        team.member.pk: "healthy",
        team.colleague.pk: "missing",
    }
    html = response.content.decode()
    assert "Sốt" in html and "Ho" in html  # the profile's labels
    for name in (team.leader, team.member, team.colleague):
        assert name.full_name in html
    # Proxy buttons only for the member who has not declared.
    assert declare_url(team.team_a, team.colleague) in html
    assert declare_url(team.team_a, team.member) not in html


def test_it_declares_healthy_by_proxy_in_one_tap(team: Province) -> None:
    client = login(team, "team_leader")
    client_id = str(uuid.uuid4())
    url = declare_url(team.team_a, team.colleague)
    day = timezone.localdate().isoformat()
    response = client.post(
        url, {"client_id": client_id, "day": day}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="rc-{team.colleague.pk}"' in html
    assert 'id="rc-counts" class="rc-counts" hx-swap-oob="true"' in html
    assert response.context["counts"]["missing"] == 0
    # A double tap sends the same client_id: still one declaration.
    client.post(
        url, {"client_id": client_id, "day": day}, headers={"HX-Request": "true"}
    )
    declaration = HealthDeclaration.objects.get(worker=team.colleague)
    assert declaration.healthy and declaration.by_proxy
    assert declaration.declared_by == team.user("team_leader")
    assert str(declaration.client_id) == client_id


def test_it_declares_symptoms_by_proxy(team: Province) -> None:
    client = login(team, "team_leader")
    response = client.post(
        declare_url(team.team_a, team.colleague),
        {
            "client_id": str(uuid.uuid4()),
            "symptoms": ["fever", "headache"],
            "exposures": ["contact"],
        },
    )
    assert response.status_code == 302
    declaration = HealthDeclaration.objects.get(worker=team.colleague)
    assert not declaration.healthy
    assert declaration.symptoms == ["fever", "headache"]
    assert declaration.exposures == ["contact"]
    page = client.get(page_url(team.team_a)).content.decode()
    assert "Đau đầu" in page


def test_it_shows_an_unknown_symptom_as_an_error(team: Province) -> None:
    response = login(team, "team_leader").post(
        declare_url(team.team_a, team.colleague),
        {"client_id": str(uuid.uuid4()), "symptoms": ["hiccups"]},
        headers={"HX-Request": "true"},
    )
    assert "hiccups" in response.content.decode()
    assert not HealthDeclaration.objects.filter(worker=team.colleague).exists()


def test_it_refuses_proxy_to_readers_and_other_leaders(team: Province) -> None:
    auditor = login(team, "auditor")
    page = auditor.get(page_url(team.team_a))
    assert page.status_code == 200
    assert declare_url(team.team_a, team.colleague) not in page.content.decode()
    response = auditor.post(
        declare_url(team.team_a, team.colleague), {"client_id": str(uuid.uuid4())}
    )
    assert response.status_code == 403
    other_team = f.make_team("Tổ Xưởng Gỗ", enterprise=team.enterprise_a2)
    other = Client()
    other.force_login(f.make_user("totruong-go", Role.TEAM_LEADER, other_team))
    response = other.post(
        declare_url(team.team_a, team.colleague), {"client_id": str(uuid.uuid4())}
    )
    assert response.status_code == 404
    assert not HealthDeclaration.objects.filter(worker=team.colleague).exists()


def test_it_lets_an_editor_declare_by_proxy(team: Province) -> None:
    client = login(team, "enterprise")
    page = client.get(page_url(team.team_a)).content.decode()
    assert declare_url(team.team_a, team.colleague) in page
    client.post(
        declare_url(team.team_a, team.colleague), {"client_id": str(uuid.uuid4())}
    )
    assert HealthDeclaration.objects.get(worker=team.colleague).by_proxy


def test_it_offers_a_copyable_reminder_to_the_leader(team: Province) -> None:
    client = login(team, "team_leader")
    response = client.get(page_url(team.team_a))
    html = response.content.decode()
    assert team.colleague.full_name in response.context["reminder_full"]
    assert team.member.full_name not in response.context["reminder_full"]
    assert 'data-copy="rc-message"' in html
    assert "sms:?&amp;body=" + quote(reminder_text(team.team_a)) in html
    # A team leader's role does not show phone numbers.
    assert team.colleague.phone not in html
    assert reverse("team_roll_call_phones", args=[team.team_a.pk]) not in html
    response = client.post(reverse("team_roll_call_phones", args=[team.team_a.pk]))
    assert response.status_code == 403


def test_it_texts_the_missing_members_for_officers_and_audits(team: Province) -> None:
    client = login(team, "enterprise")
    url = reverse("team_roll_call_phones", args=[team.team_a.pk])
    assert url in client.get(page_url(team.team_a)).content.decode()
    response = client.post(url, headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="sms:{team.colleague.phone}?&amp;body=' in html
    assert team.member.phone not in html and team.leader.phone not in html
    entry = AuditEntry.objects.get(action=AuditAction.VIEW_PERSONAL)
    assert entry.object_id == str(team.colleague.pk)
    assert entry.user == team.user("enterprise")
    assert client.get(url).status_code == 405


def test_it_shows_an_earlier_day_and_never_a_future_one(team: Province) -> None:
    client = login(team, "team_leader")
    yesterday = timezone.localdate() - timedelta(days=1)
    response = client.get(page_url(team.team_a, day=yesterday.isoformat()))
    assert response.context["day"] == yesterday
    assert response.context["counts"]["missing"] == 3
    assert "rc-reminder" in response.content.decode()
    assert response.context["call"].missing and "reminder_full" in response.context
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client.get(page_url(team.team_a, day=tomorrow.isoformat()))
    assert response.context["day"] == timezone.localdate()
    response = client.get(page_url(team.team_a, day="not-a-day"))
    assert response.context["day"] == timezone.localdate()


def test_it_declares_an_earlier_day_by_proxy(team: Province) -> None:
    yesterday = timezone.localdate() - timedelta(days=1)
    login(team, "team_leader").post(
        declare_url(team.team_a, team.colleague),
        {"client_id": str(uuid.uuid4()), "day": yesterday.isoformat()},
    )
    assert HealthDeclaration.objects.get(worker=team.colleague).day == yesterday


def test_it_links_the_roll_call_from_the_team_page(team: Province) -> None:
    html = login(team, "team_leader").get(reverse("team_detail", args=[team.team_a.pk]))
    assert page_url(team.team_a) in html.content.decode()


def test_it_hides_other_scopes(team: Province) -> None:
    submit_declaration(worker=team.outsider, client_id=uuid.uuid4())
    for persona in ("zone", "enterprise", "team_leader", "commune"):
        client = login(team, persona)
        assert client.get(page_url(team.team_b)).status_code == 404, persona
        response = client.post(
            declare_url(team.team_b, team.outsider), {"client_id": str(uuid.uuid4())}
        )
        assert response.status_code in (403, 404), persona
        url = reverse("team_roll_call_phones", args=[team.team_b.pk])
        assert client.post(url).status_code in (403, 404), persona
        page = client.get(page_url(team.team_a)).content.decode()
        assert OUTSIDE not in page, persona
    # Declaring an outsider through team A's roll call is refused too.
    response = login(team, "enterprise").post(
        declare_url(team.team_a, team.outsider), {"client_id": str(uuid.uuid4())}
    )
    assert response.status_code == 404
    assert HealthDeclaration.objects.filter(worker=team.outsider).count() == 1
