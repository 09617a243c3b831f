"""API authentication: bearer tokens for machines, the session (with CSRF) for
browsers, 401 in Vietnamese for everyone else."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone, translation
from django.utils.translation import gettext

from tests.conftest import OUTSIDE, Province
from tuquan.accounts.api_auth import forget_tokens
from tuquan.accounts.models import ApiToken
from tuquan.core.models import AuditEntry
from tuquan.organisations.models import Zone

API = "/api/v1"


def vi(msgid: str) -> str:
    with translation.override("vi"):
        return gettext(msgid)


def bearer(raw: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def new_zone(province: Province) -> dict[str, Any]:
    return {"name": "KCN Hòa Phú 2", "commune_id": province.commune_a.pk}


def test_it_accepts_a_bearer_token(province: Province) -> None:
    _token, raw = ApiToken.issue(user=province.user("enterprise"), name="Máy chấm công")
    response = Client().get(f"{API}/enterprises", **bearer(raw))
    assert response.status_code == 200
    assert [i["id"] for i in response.json()["items"]] == [province.enterprise_a.pk]


def test_it_writes_with_a_bearer_token_without_csrf(province: Province) -> None:
    _token, raw = ApiToken.issue(user=province.user("commune"), name="Đồng bộ")
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        f"{API}/zones",
        new_zone(province),
        content_type="application/json",
        **bearer(raw),
    )
    assert response.status_code == 201, response.content
    entry = AuditEntry.objects.get(
        action="create", object_id=str(response.json()["id"])
    )
    assert entry.user == province.user("commune")
    assert entry.via == "api"


def test_it_refuses_a_revoked_token(province: Province) -> None:
    token, raw = ApiToken.issue(user=province.user("enterprise"), name="x")
    token.revoke()
    response = Client().get(f"{API}/workers", **bearer(raw))
    assert response.status_code == 401
    assert response.json() == {"detail": vi("Log in or send a valid API token.")}


def test_it_refuses_a_token_of_an_inactive_user(province: Province) -> None:
    user = province.user("enterprise")
    _token, raw = ApiToken.issue(user=user, name="x")
    user.is_active = False
    user.save()
    assert Client().get(f"{API}/workers", **bearer(raw)).status_code == 401


@pytest.mark.parametrize(
    "header", ["Bearer tq_not-a-token", "Basic Zm9vOmJhcg==", "Bearer"]
)
def test_it_refuses_a_wrong_authorization_header(
    province: Province, header: str
) -> None:
    response = Client().get(f"{API}/zones", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/zones"),
        ("get", "/workers/1"),
        ("post", "/zones"),
        ("patch", "/teams/1"),
    ],
)
def test_it_answers_401_in_vietnamese_without_credentials(
    province: Province, method: str, path: str
) -> None:
    client = Client(enforce_csrf_checks=True)
    response = getattr(client, method)(
        f"{API}{path}", {}, content_type="application/json"
    )
    assert response.status_code == 401
    assert response.json() == {"detail": vi("Log in or send a valid API token.")}
    assert not Zone.objects.filter(name="KCN Hòa Phú 2").exists()


def test_it_records_when_a_token_was_last_used(province: Province) -> None:
    token, raw = ApiToken.issue(user=province.user("enterprise"), name="x")
    assert token.last_used_at is None
    Client().get(f"{API}/zones", **bearer(raw))
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert timezone.now() - token.last_used_at < timedelta(minutes=1)


def test_it_writes_last_use_at_most_once_a_minute(province: Province) -> None:
    token, raw = ApiToken.issue(user=province.user("enterprise"), name="x")
    recent = timezone.now() - timedelta(seconds=10)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=recent)
    Client().get(f"{API}/zones", **bearer(raw))
    token.refresh_from_db()
    assert token.last_used_at == recent
    ApiToken.objects.filter(pk=token.pk).update(
        last_used_at=recent - timedelta(hours=1)
    )
    forget_tokens()  # as when the process's token cache has expired
    Client().get(f"{API}/zones", **bearer(raw))
    token.refresh_from_db()
    assert token.last_used_at > recent


def test_it_accepts_the_session_for_reading(province: Province) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(province.user("commune"))
    response = client.get(f"{API}/zones")
    assert response.status_code == 200
    assert [i["id"] for i in response.json()["items"]] == [province.zone_a.pk]


def test_it_refuses_a_session_post_without_the_csrf_token(province: Province) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(province.user("commune"))
    response = client.post(
        f"{API}/zones", new_zone(province), content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json() == {
        "detail": vi("The security check (CSRF) failed: reload the page and try again.")
    }
    assert not Zone.objects.filter(name="KCN Hòa Phú 2").exists()


def test_it_accepts_a_session_post_with_the_csrf_token(province: Province) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(province.user("commune"))
    # What a page of ours gives the browser: the cookie and the same value to echo.
    secret = "tuquan" + "x" * 26
    client.cookies["csrftoken"] = secret
    response = client.post(
        f"{API}/zones",
        new_zone(province),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=secret,
    )
    assert response.status_code == 201, response.content


def test_it_hides_other_scopes(province: Province) -> None:
    _token, raw = ApiToken.issue(user=province.user("enterprise"), name="x")
    client = Client()
    listed = client.get(f"{API}/enterprises", **bearer(raw))
    assert OUTSIDE not in listed.content.decode()
    detail = client.get(f"{API}/enterprises/{province.enterprise_b.pk}", **bearer(raw))
    assert detail.status_code == 404
    # A token never acts beyond its user's scope, whatever the session says.
    other = Client()
    other.force_login(province.user("province"))
    mixed = other.get(f"{API}/enterprises/{province.enterprise_b.pk}", **bearer(raw))
    assert mixed.status_code == 404


def test_it_forgets_a_revoked_token_at_once(province: Province) -> None:
    token, raw = ApiToken.issue(user=province.user("enterprise"), name="x")
    assert Client().get(f"{API}/zones", **bearer(raw)).status_code == 200
    token.revoke()  # the token is now cached by this process: the cache must go
    assert Client().get(f"{API}/zones", **bearer(raw)).status_code == 401


def test_it_forgets_a_deactivated_user_at_once(province: Province) -> None:
    user = province.user("enterprise")
    _token, raw = ApiToken.issue(user=user, name="x")
    assert Client().get(f"{API}/zones", **bearer(raw)).status_code == 200
    user.is_active = False
    user.save()
    assert Client().get(f"{API}/zones", **bearer(raw)).status_code == 401
