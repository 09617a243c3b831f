"""The home page per role and the tree browser."""

from __future__ import annotations

from django.test import Client

from tests.conftest import Province


def test_it_shows_the_enterprise_officer_what_to_do(
    province: Province, client: Client
) -> None:
    client.force_login(province.user("enterprise"))
    html = client.get("/").content.decode()
    # Lê Văn Hùng is in no team: the home page says so.
    assert "chưa tham gia tổ tự quản" in html


def test_it_shows_a_worker_their_own_record(province: Province, client: Client) -> None:
    client.force_login(province.user("worker"))
    html = client.get("/").content.decode()
    assert "Trần Thị Lan" in html
    assert "Tổ tự quản Xưởng Rang" in html


def test_it_shows_the_team_leader_their_team(
    province: Province, client: Client
) -> None:
    client.force_login(province.user("team_leader"))
    html = client.get("/").content.decode()
    assert "Tổ tự quản Xưởng Rang" in html


def test_it_browses_the_tree_from_the_user_roots(
    province: Province, client: Client
) -> None:
    client.force_login(province.user("commune"))
    html = client.get("/tree/").content.decode()
    assert "Xã Hòa Phú" in html
    assert "KCN Hòa Phú" in html
    kids = client.get(f"/tree/{province.zone_a.pk}/children/").content.decode()
    assert "Cà phê Hòa Phú" in kids


def test_it_hides_other_scopes(province: Province, client: Client) -> None:
    client.force_login(province.user("commune"))
    assert "Ngoài phạm vi" not in client.get("/tree/").content.decode()
    assert client.get(f"/tree/{province.zone_b.pk}/children/").status_code == 404
