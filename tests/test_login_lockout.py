"""Login with a lock-out after repeated failures."""

from __future__ import annotations

import time_machine
from django.test import Client
from django.utils import timezone

from tests.conftest import Province
from tests.factories import PASSWORD
from tuquan.core.models import AuditAction, AuditEntry


def test_it_logs_in_with_the_right_password(province: Province, client: Client) -> None:
    response = client.post("/login/", {"username": "doanhnghiep", "password": PASSWORD})
    assert response.status_code == 302
    assert AuditEntry.objects.filter(
        action=AuditAction.LOGIN, username="doanhnghiep"
    ).exists()


def test_it_locks_the_account_after_five_failures(
    province: Province, client: Client
) -> None:
    for _ in range(5):
        response = client.post(
            "/login/", {"username": "doanhnghiep", "password": "sai"}
        )
        assert response.status_code == 200
    response = client.post("/login/", {"username": "doanhnghiep", "password": PASSWORD})
    assert response.status_code == 200
    assert "tạm khoá" in response.content.decode()
    assert AuditEntry.objects.filter(action=AuditAction.LOCKED).count() == 1


def test_it_unlocks_after_the_lock_period(province: Province, client: Client) -> None:
    for _ in range(5):
        client.post("/login/", {"username": "doanhnghiep", "password": "sai"})
    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=16)):
        response = client.post(
            "/login/", {"username": "doanhnghiep", "password": PASSWORD}
        )
    assert response.status_code == 302


def test_it_shows_a_vietnamese_error_for_a_wrong_password(
    province: Province, client: Client
) -> None:
    response = client.post("/login/", {"username": "doanhnghiep", "password": "sai"})
    assert "mật khẩu chính xác" in response.content.decode()
