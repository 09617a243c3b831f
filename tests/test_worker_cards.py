"""Worker cards: issue, replace, revoke, one active card per worker, who may,
bulk issue of missing cards, and the card panel of the worker page."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests import factories as f
from tests.conftest import OUTSIDE, GateSite, Province
from tuquan.core.models import AuditAction, AuditEntry
from tuquan.gates import cards as card_services
from tuquan.gates.cards import (
    REPLACED,
    issue_card,
    issue_missing_cards,
    revoke_card,
)
from tuquan.gates.models import CARD_ALPHABET, WorkerCard
from tuquan.people.models import EmploymentStatus, Worker


@pytest.fixture(autouse=True)
def _plain_http(settings: Any) -> None:
    settings.SECURE_SSL_REDIRECT = False


def active_cards(worker: Worker) -> list[WorkerCard]:
    return list(WorkerCard.objects.active().filter(worker=worker))


# --- services -------------------------------------------------------------------


def test_it_issues_a_card(province: Province) -> None:
    officer = province.user("enterprise")
    card = issue_card(worker=province.colleague, by=officer)
    assert len(card.code) == 8
    assert set(card.code) <= set(CARD_ALPHABET)
    assert card.issued_by == officer
    assert card.qr_payload == f"TQ{card.code}"
    assert active_cards(province.colleague) == [card]
    entry = AuditEntry.objects.get(
        object_type="gates.workercard", object_id=str(card.pk)
    )
    assert entry.action == AuditAction.CREATE
    assert entry.user == officer
    assert entry.scope_path == province.enterprise_a.path


def test_it_never_derives_the_code_from_the_national_id(province: Province) -> None:
    card = issue_card(worker=province.colleague, by=province.user("enterprise"))
    assert province.colleague.national_id_tail not in card.code


def test_it_refuses_a_second_active_card(province: Province) -> None:
    officer = province.user("enterprise")
    issue_card(worker=province.colleague, by=officer)
    with pytest.raises(ValidationError) as exc:
        issue_card(worker=province.colleague, by=officer)
    assert "đã có thẻ" in str(exc.value)
    assert len(active_cards(province.colleague)) == 1


def test_it_replaces_the_active_card(province: Province) -> None:
    officer = province.user("zone")
    old = issue_card(worker=province.colleague, by=officer)
    new = issue_card(worker=province.colleague, by=officer, replace=True)
    old.refresh_from_db()
    assert old.revoked_at is not None
    assert old.revoke_reason == REPLACED
    assert old.revoked_by == officer
    assert new.code != old.code
    assert active_cards(province.colleague) == [new]


def test_it_revokes_a_card(province: Province) -> None:
    officer = province.user("enterprise")
    card = issue_card(worker=province.colleague, by=officer)
    revoke_card(card=card, by=officer, reason="  Mất   thẻ ")
    card.refresh_from_db()
    assert card.revoked_at is not None
    assert card.revoke_reason == "Mất thẻ"
    assert active_cards(province.colleague) == []
    assert AuditEntry.objects.filter(
        object_type="gates.workercard",
        object_id=str(card.pk),
        action=AuditAction.UPDATE,
    ).exists()
    # Revoked: a new card may now be issued without replace.
    issue_card(worker=province.colleague, by=officer)


def test_it_requires_a_reason_to_revoke(province: Province) -> None:
    officer = province.user("enterprise")
    card = issue_card(worker=province.colleague, by=officer)
    with pytest.raises(ValidationError) as exc:
        revoke_card(card=card, by=officer, reason="   ")
    assert "lý do" in str(exc.value)


def test_it_refuses_to_revoke_twice(province: Province) -> None:
    officer = province.user("enterprise")
    card = issue_card(worker=province.colleague, by=officer)
    revoke_card(card=card, by=officer, reason="Mất thẻ")
    with pytest.raises(ValidationError):
        revoke_card(card=card, by=officer, reason="Mất thẻ")


@pytest.mark.parametrize("persona", ["team_leader", "worker", "auditor", "outsider"])
def test_it_refuses_people_who_may_not_change_the_worker(
    province: Province, persona: str
) -> None:
    with pytest.raises(PermissionDenied):
        issue_card(worker=province.colleague, by=province.user(persona))
    assert active_cards(province.colleague) == []


def test_it_refuses_guards(gates: GateSite) -> None:
    worker = gates.province.colleague
    with pytest.raises(PermissionDenied) as exc:
        issue_card(worker=worker, by=gates.guard, replace=True)
    with translation.override("vi"):
        assert "không được" in str(exc.value)
    with pytest.raises(PermissionDenied):
        revoke_card(card=gates.cards["colleague"], by=gates.guard, reason="Mất")


def test_it_refuses_another_enterprises_officer(province: Province) -> None:
    with pytest.raises(PermissionDenied):
        issue_card(worker=province.colleague, by=province.user("enterprise_b"))


def test_it_gives_no_card_to_a_worker_who_left(province: Province) -> None:
    worker = province.colleague
    worker.employment_status = EmploymentStatus.LEFT
    worker.save()
    with pytest.raises(ValidationError):
        issue_card(worker=worker, by=province.user("enterprise"))


def test_it_keeps_one_active_card_in_the_database(province: Province) -> None:
    f.make_card(province.colleague)
    with pytest.raises(IntegrityError), transaction.atomic():
        f.make_card(province.colleague)


def test_it_draws_another_code_on_a_collision(
    province: Province, monkeypatch: Any
) -> None:
    taken = f.make_card(province.member, code="AAAAAAAA")
    draws = iter(["AAAAAAAA", "AAAAAAAA", "BBBBBBBB"])
    monkeypatch.setattr(card_services, "new_card_code", lambda: next(draws))
    card = issue_card(worker=province.colleague, by=province.user("enterprise"))
    assert card.code == "BBBBBBBB"
    assert taken.code != card.code


def test_it_issues_missing_cards_in_bulk(province: Province) -> None:
    officer = province.user("enterprise")
    enterprise = province.enterprise_a
    extra = [f.make_worker(f"Công nhân {n}", enterprise=enterprise) for n in range(25)]
    left = f.make_worker("Đã nghỉ việc", enterprise=enterprise)
    left.employment_status = EmploymentStatus.LEFT
    left.save()
    already = issue_card(worker=province.leader, by=officer)
    workers = Worker.objects.visible_to(officer).filter(enterprise=enterprise)
    count = issue_missing_cards(workers_queryset=workers, by=officer)
    # member, colleague and the 25 new ones; not the leader (has one), not left.
    assert count == 27
    assert active_cards(province.leader) == [already]
    assert active_cards(left) == []
    for worker in extra:
        assert len(active_cards(worker)) == 1
    codes = WorkerCard.objects.values_list("code", flat=True)
    assert len(set(codes)) == len(codes)
    assert (
        AuditEntry.objects.filter(
            object_type="gates.workercard", action=AuditAction.CREATE
        ).count()
        == 28
    )
    # A second run has nothing left to do.
    assert issue_missing_cards(workers_queryset=workers, by=officer) == 0


def test_it_avoids_taken_codes_in_bulk(province: Province, monkeypatch: Any) -> None:
    f.make_card(province.leader, code="AAAAAAAA")
    draws = iter(["AAAAAAAA", "CCCCCCCC", "CCCCCCCC", "DDDDDDDD"])
    monkeypatch.setattr(card_services, "new_card_code", lambda: next(draws))
    workers = Worker.objects.filter(pk__in=[province.member.pk, province.colleague.pk])
    count = issue_missing_cards(
        workers_queryset=workers, by=province.user("enterprise")
    )
    assert count == 2
    assert set(
        WorkerCard.objects.filter(worker__in=workers).values_list("code", flat=True)
    ) == {"CCCCCCCC", "DDDDDDDD"}


def test_it_refuses_bulk_issue_to_guards(gates: GateSite) -> None:
    gates.cards["colleague"].delete()
    with pytest.raises(PermissionDenied):
        issue_missing_cards(workers_queryset=Worker.objects.all(), by=gates.guard)


def test_it_leaves_out_workers_the_caller_may_not_change(province: Province) -> None:
    officer = province.user("enterprise")
    count = issue_missing_cards(workers_queryset=Worker.objects.all(), by=officer)
    assert count == 3  # leader, member, colleague of enterprise A
    assert active_cards(province.outsider) == []
    assert active_cards(province.resident) == []


# --- the worker page ------------------------------------------------------------


def test_it_shows_the_card_on_the_worker_page(client: Client, gates: GateSite) -> None:
    client.force_login(gates.province.user("enterprise"))
    card = gates.cards["colleague"]
    html = client.get(reverse("worker_detail", args=[card.worker_id])).content.decode()
    assert card.display_code in html
    assert reverse("card_revoke", args=[card.pk]) in html
    assert "Cấp thẻ thay thế" in html


def test_it_hides_the_buttons_from_readers(client: Client, gates: GateSite) -> None:
    client.force_login(gates.province.user("team_leader"))
    card = gates.cards["member"]
    html = client.get(reverse("worker_detail", args=[card.worker_id])).content.decode()
    assert card.display_code in html
    assert reverse("card_revoke", args=[card.pk]) not in html
    assert reverse("card_issue", args=[card.worker_id]) not in html


def test_it_issues_and_replaces_from_the_worker_page(
    client: Client, province: Province
) -> None:
    client.force_login(province.user("enterprise"))
    url = reverse("card_issue", args=[province.colleague.pk])
    response = client.post(url)
    assert response.status_code == 302
    first = active_cards(province.colleague)[0]
    response = client.post(url, follow=True)
    assert "đã có thẻ" in response.content.decode()
    client.post(url, {"replace": "1"})
    [second] = active_cards(province.colleague)
    assert second.pk != first.pk


def test_it_revokes_from_the_page(client: Client, gates: GateSite) -> None:
    client.force_login(gates.province.user("enterprise"))
    card = gates.cards["colleague"]
    url = reverse("card_revoke", args=[card.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200
    assert "bắt buộc" in response.content.decode()
    response = client.post(url, {"reason": "Mất thẻ"})
    assert response.status_code == 302
    card.refresh_from_db()
    assert card.revoke_reason == "Mất thẻ"


def test_it_forbids_readers_to_revoke(client: Client, gates: GateSite) -> None:
    client.force_login(gates.province.user("team_leader"))
    card = gates.cards["member"]
    url = reverse("card_revoke", args=[card.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"reason": "Mất"}).status_code == 403
    assert client.post(reverse("card_issue", args=[card.worker_id])).status_code == 403


@pytest.mark.parametrize("persona", ["zone", "enterprise", "team_leader"])
def test_it_hides_other_scopes(client: Client, gates: GateSite, persona: str) -> None:
    client.force_login(gates.province.user(persona))
    outsider_card = gates.cards["outsider"]
    for response in (
        client.get(reverse("card_revoke", args=[outsider_card.pk])),
        client.post(reverse("card_revoke", args=[outsider_card.pk]), {"reason": "x"}),
        client.post(reverse("card_issue", args=[outsider_card.worker_id])),
    ):
        assert response.status_code == 404
        assert OUTSIDE not in response.content.decode()
    outsider_card.refresh_from_db()
    assert outsider_card.revoked_at is None
