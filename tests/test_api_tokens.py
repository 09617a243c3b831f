"""API tokens: create, list, revoke in the web UI and with the command."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command
from django.test import Client

from tests.conftest import Province
from tuquan.accounts.models import ApiToken


def test_it_creates_a_token_and_shows_it_once(
    province: Province, client: Client
) -> None:
    client.force_login(province.user("enterprise"))
    response = client.post("/tokens/", {"name": "Cổng Bắc"})
    token = ApiToken.objects.get(user=province.user("enterprise"))
    raw = response.context["new_token"]
    assert ApiToken.digest_of(raw) == token.digest
    assert raw not in client.get("/tokens/").content.decode()


def test_it_authenticates_the_api_with_the_token(province: Province) -> None:
    _token, raw = ApiToken.issue(user=province.user("enterprise"), name="x")
    response = Client().get("/api/v1/workers", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200


def test_it_revokes_a_token(province: Province, client: Client) -> None:
    token, raw = ApiToken.issue(user=province.user("enterprise"), name="x")
    client.force_login(province.user("enterprise"))
    client.post(f"/tokens/{token.pk}/revoke/")
    response = Client().get("/api/v1/workers", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 401


def test_it_hides_other_scopes(province: Province, client: Client) -> None:
    token, _raw = ApiToken.issue(
        user=province.user("enterprise_b"), name="Ngoài phạm vi"
    )
    client.force_login(province.user("enterprise"))
    assert "Ngoài phạm vi" not in client.get("/tokens/").content.decode()
    assert client.post(f"/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_it_prints_a_token_from_the_command(province: Province) -> None:
    out = StringIO()
    call_command("create_token", "doanhnghiep", stdout=out)
    raw = out.getvalue().strip()
    assert ApiToken.objects.filter(digest=ApiToken.digest_of(raw)).exists()
