"""The rules of ``health.services.submit_declaration`` (one per worker per day,
history kept, idempotent, by proxy only for the team leader or an editor)."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests import factories as f
from tests.conftest import Province
from tuquan.accounts.choices import Role
from tuquan.health.models import DeclarationRevision, HealthDeclaration
from tuquan.health.services import submit_declaration
from tuquan.people.models import EmploymentStatus

pytestmark = pytest.mark.django_db


def test_it_is_healthy_by_default(province: Province) -> None:
    result = submit_declaration(worker=province.member, client_id=uuid.uuid4())
    assert result.created
    declaration = result.declaration
    assert declaration.healthy
    assert declaration.day == timezone.localdate()
    assert not declaration.by_proxy and declaration.declared_by is None


def test_it_marks_symptoms_as_not_healthy(province: Province) -> None:
    result = submit_declaration(
        worker=province.member, symptoms=["fever", "cough"], client_id=uuid.uuid4()
    )
    assert not result.declaration.healthy
    assert result.declaration.symptoms == ["cough", "fever"]


def test_it_updates_the_same_day_and_keeps_a_revision(province: Province) -> None:
    first = submit_declaration(worker=province.member, client_id=uuid.uuid4())
    second = submit_declaration(
        worker=province.member, symptoms=["fever"], client_id=uuid.uuid4()
    )
    assert second.declaration.pk == first.declaration.pk
    assert HealthDeclaration.objects.filter(worker=province.member).count() == 1
    assert not HealthDeclaration.objects.get(pk=first.declaration.pk).healthy
    revision = DeclarationRevision.objects.get(declaration=first.declaration)
    assert revision.healthy and revision.client_id == first.declaration.client_id


def test_it_answers_a_replayed_client_id_with_the_same_row(province: Province) -> None:
    client_id = uuid.uuid4()
    first = submit_declaration(worker=province.member, client_id=client_id)
    again = submit_declaration(
        worker=province.member, symptoms=["fever"], client_id=client_id
    )
    assert not again.created
    assert again.declaration.pk == first.declaration.pk
    assert again.declaration.healthy
    assert HealthDeclaration.objects.count() == 1
    assert DeclarationRevision.objects.count() == 0


def test_it_refuses_a_future_day(province: Province) -> None:
    with pytest.raises(ValidationError) as info:
        submit_declaration(
            worker=province.member,
            client_id=uuid.uuid4(),
            day=timezone.localdate() + timedelta(days=1),
        )
    assert "day" in info.value.message_dict
    assert HealthDeclaration.objects.count() == 0


def test_it_refuses_an_inactive_worker(province: Province) -> None:
    province.member.employment_status = EmploymentStatus.LEFT
    province.member.save()
    with pytest.raises(ValidationError) as info:
        submit_declaration(worker=province.member, client_id=uuid.uuid4())
    assert "worker" in info.value.message_dict
    assert HealthDeclaration.objects.count() == 0


def test_it_refuses_an_unknown_symptom(province: Province) -> None:
    with pytest.raises(ValidationError) as info:
        submit_declaration(
            worker=province.member, symptoms=["hiccups"], client_id=uuid.uuid4()
        )
    assert "hiccups" in info.value.message_dict["symptoms"][0]
    assert HealthDeclaration.objects.count() == 0


def test_it_lets_the_team_leader_declare_by_proxy(province: Province) -> None:
    leader = province.user("team_leader")
    result = submit_declaration(
        worker=province.member, client_id=uuid.uuid4(), by=leader
    )
    assert result.declaration.by_proxy
    assert result.declaration.declared_by == leader


def test_it_is_not_by_proxy_when_the_leader_declares_for_himself(
    province: Province,
) -> None:
    leader = province.user("team_leader")
    result = submit_declaration(
        worker=province.leader, client_id=uuid.uuid4(), by=leader
    )
    assert not result.declaration.by_proxy


def test_it_refuses_another_teams_leader(province: Province) -> None:
    other_team = f.make_team("Tổ Xưởng Gỗ", enterprise=province.enterprise_a2)
    other_leader = f.make_user("totruong-go", Role.TEAM_LEADER, other_team)
    with pytest.raises(PermissionDenied):
        submit_declaration(
            worker=province.member, client_id=uuid.uuid4(), by=other_leader
        )
    assert HealthDeclaration.objects.count() == 0
