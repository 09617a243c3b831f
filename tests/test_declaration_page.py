"""The worker's declaration page behind the personal link: no login, healthy
in one tap, a symptom checklist from the disease profile, a second declaration
the same day updates, replays never duplicate, renewed links stop working, and
the page stays under 60 KB."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import OUTSIDE, Province
from tuquan.health.models import DeclarationRevision, DiseaseProfile, HealthDeclaration
from tuquan.health.profiles import SHIPPED
from tuquan.health.services import health_link_token, renew_health_link
from tuquan.people.models import EmploymentStatus

PAGE_BUDGET = 60 * 1024


@pytest.fixture(autouse=True)
def _setup(settings: Any, db: Any) -> None:
    settings.SECURE_SSL_REDIRECT = False
    shipped_profiles()


def shipped_profiles() -> None:
    """The profiles migration 0002 ships (a transactional test flushes them)."""
    for values in SHIPPED:
        DiseaseProfile.objects.update_or_create(code=values["code"], defaults=values)


def url(province: Province, name: str = "declare") -> str:
    return reverse(name, args=[health_link_token(province.member)])


def post(client: Client, address: str, **data: Any) -> Any:
    data.setdefault("client_id", str(uuid.uuid4()))
    return client.post(address, data)


def test_it_shows_the_page_for_a_valid_link(client: Client, province: Province) -> None:
    response = client.get(url(province))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Xin chào, Lan" in html
    assert "Trần Thị" not in html  # the first name only
    assert "Công ty TNHH Cà phê Hòa Phú" in html
    assert timezone.localdate().strftime("%d/%m/%Y") in html
    assert "Hôm nay tôi khỏe" in html
    assert "Tôi có triệu chứng" in html
    assert "Mất vị giác hoặc khứu giác" in html  # labels from the profile
    assert "tôi đi về từ nơi đang có dịch" in html
    assert "getRandomValues" in html and "randomUUID" not in html
    assert re.search(r'name="client_id" value="[0-9a-f-]{36}"', html)
    assert response["Cache-Control"] == "private, no-store"
    assert response["Referrer-Policy"] == "no-referrer"
    assert 'id="status"' not in html  # nothing declared yet


def test_it_refuses_a_renewed_or_garbage_link(
    client: Client, province: Province
) -> None:
    old = url(province)
    renew_health_link(worker=province.member, by=province.user("enterprise"))
    for address in (
        old,
        "/d/garbage/",
        "/d/" + signing.dumps({"w": province.member.pk, "v": 2}, salt="x") + "/",
    ):
        response = client.get(address)
        assert response.status_code == 404
        assert "Đường dẫn này không còn dùng được" in response.content.decode()
        assert post(client, address, choice="healthy").status_code == 404
    assert HealthDeclaration.objects.count() == 0
    assert client.get(url(province)).status_code == 200  # the new link works


def test_it_records_healthy_in_one_post(client: Client, province: Province) -> None:
    response = post(client, url(province), choice="healthy")
    assert response.status_code == 302
    assert response["Location"] == url(province, "declare_done")
    declaration = HealthDeclaration.objects.get()
    assert declaration.worker == province.member
    assert declaration.day == timezone.localdate()
    assert declaration.healthy and not declaration.by_proxy
    assert declaration.declared_by is None
    html = client.get(response["Location"]).content.decode()
    assert "Cảm ơn Lan!" in html
    assert "hôm nay, ngày" in html and "bạn khỏe" in html
    page = client.get(url(province)).content.decode()
    assert 'id="status"' in page and ": khỏe." in page


def test_it_records_symptoms_and_exposures(client: Client, province: Province) -> None:
    response = post(
        client,
        url(province),
        choice="symptoms",
        symptom=["fever", "cough"],
        exposure=["contact"],
    )
    assert response.status_code == 302
    declaration = HealthDeclaration.objects.get()
    assert not declaration.healthy
    assert declaration.symptoms == ["cough", "fever"]
    assert declaration.exposures == ["contact"]
    html = client.get(response["Location"]).content.decode()
    assert "Sốt" in html and "Ho" in html
    assert "tiếp xúc gần với người mắc" in html
    assert "Hãy báo ngay cho tổ trưởng" in html


def test_it_asks_for_a_sign_when_the_checklist_is_empty(
    client: Client, province: Province
) -> None:
    response = post(client, url(province), choice="symptoms")
    assert response.status_code == 400
    assert "Hãy đánh dấu ít nhất một mục" in response.content.decode()
    response = post(client, url(province), choice="symptoms", symptom=["nonsense"])
    assert response.status_code == 400
    assert HealthDeclaration.objects.count() == 0


def test_it_updates_a_second_declaration_the_same_day(
    client: Client, province: Province
) -> None:
    address = url(province)
    post(client, address, choice="healthy")
    post(client, address, choice="symptoms", symptom=["fever"])
    declaration = HealthDeclaration.objects.get()
    assert not declaration.healthy and declaration.symptoms == ["fever"]
    assert [r.healthy for r in declaration.revisions.all()] == [True]
    html = client.get(address).content.decode()
    assert "có dấu hiệu bệnh" in html


def test_it_does_not_duplicate_a_replay(client: Client, province: Province) -> None:
    address = url(province)
    client_id = str(uuid.uuid4())
    first = post(client, address, choice="healthy", client_id=client_id)
    # The phone's script retries the same declaration after a lost answer.
    for _ in range(3):
        again = client.post(
            address,
            {"choice": "healthy", "client_id": client_id},
            headers={"X-TQ-Declare": "1"},
        )
        assert again.status_code == 200
        assert again.json() == {"next": first["Location"]}
    assert HealthDeclaration.objects.count() == 1
    assert DeclarationRevision.objects.count() == 0
    assert str(HealthDeclaration.objects.get().client_id) == client_id


def test_it_answers_the_script_in_json(client: Client, province: Province) -> None:
    headers = {"X-TQ-Declare": "1"}
    response = client.post(
        url(province),
        {"choice": "symptoms", "client_id": str(uuid.uuid4())},
        headers=headers,
    )
    assert response.status_code == 400
    assert "Hãy đánh dấu" in response.json()["error"]
    response = client.post(
        "/d/garbage/", {"choice": "healthy", "client_id": "x"}, headers=headers
    )
    assert response.status_code == 404
    assert "không còn dùng được" in response.json()["error"]


def test_it_needs_a_client_id(client: Client, province: Province) -> None:
    response = client.post(url(province), {"choice": "healthy", "client_id": "no"})
    assert response.status_code == 400
    assert HealthDeclaration.objects.count() == 0


def test_it_takes_yesterday_from_an_offline_phone_but_nothing_older(
    client: Client, province: Province
) -> None:
    today = timezone.localdate()
    yesterday = today - timedelta(days=1)
    response = post(client, url(province), choice="healthy", day=yesterday.isoformat())
    assert response.status_code == 302
    assert HealthDeclaration.objects.get().day == yesterday
    old = (today - timedelta(days=3)).isoformat()
    response = post(client, url(province), choice="healthy", day=old)
    assert response.status_code == 400
    assert "quá cũ" in response.content.decode()
    assert HealthDeclaration.objects.count() == 1


def test_it_tells_a_worker_who_is_not_working(
    client: Client, province: Province
) -> None:
    worker = province.member
    worker.employment_status = EmploymentStatus.ON_LEAVE
    worker.save()
    address = url(province)
    html = client.get(address).content.decode()
    assert "không có tên trong danh sách đang làm việc" in html
    assert 'name="choice"' not in html
    response = post(client, address, choice="healthy")
    assert response.status_code == 400
    assert HealthDeclaration.objects.count() == 0


def test_it_says_when_no_disease_is_followed(
    client: Client, province: Province
) -> None:
    DiseaseProfile.objects.update(active=False)
    html = client.get(url(province)).content.decode()
    assert "Hiện chưa cần khai báo y tế" in html
    assert post(client, url(province), choice="healthy").status_code == 400


def test_it_weighs_at_most_60_kb(client: Client, province: Province) -> None:
    response = client.get(url(province))
    html = response.content
    # Everything is inline: no stylesheet, script or image to fetch.
    assert not re.search(rb"<link[^>]+stylesheet|<script[^>]+src=|<img", html)
    assert b"htmx" not in html
    assert len(html) <= PAGE_BUDGET
    done = post(client, url(province), choice="healthy")["Location"]
    assert len(client.get(done).content) <= PAGE_BUDGET
    script = re.search(rb"<script>(.*?)</script>", html, re.S).group(1)
    assert len(script) <= 1200  # "a few hundred bytes", minified by hand


def test_it_hides_other_scopes(client: Client, province: Province) -> None:
    # The link names one worker: nothing of anyone else, and a token altered to
    # name another worker is refused.
    html = client.get(url(province)).content.decode()
    assert OUTSIDE not in html
    token = health_link_token(province.member)
    health_link_token(province.outsider)
    _payload, signature = token.split(":", 1)
    forged = f"{province.outsider.pk}.1:{signature}"  # another worker, same signature
    response = client.get(f"/d/{forged}/")
    assert response.status_code == 404
    assert OUTSIDE not in response.content.decode()
    signed_in = Client()
    signed_in.force_login(province.user("outsider"))
    assert "Xin chào, Lan" in signed_in.get(url(province)).content.decode()
    # A value signed for another purpose (another salt) is no link either.
    other = signing.Signer(salt="x", algorithm="sha256").sign(f"{province.member.pk}.1")
    assert client.get(f"/d/{other}/").status_code == 404


# --- for editors: the link on the worker page and the printed cards -------------


def test_it_shows_the_link_to_editors_on_the_worker_page(
    client: Client, province: Province
) -> None:
    worker_page = reverse("worker_detail", args=[province.member.pk])
    client.force_login(province.user("enterprise"))
    html = client.get(worker_page).content.decode()
    assert 'id="health-link"' in html
    assert "http://testserver" + url(province) in html
    assert 'class="qr declare-qr"' in html
    client.force_login(province.user("team_leader"))  # a reader, not an editor
    html = client.get(worker_page).content.decode()
    assert 'id="health-link"' not in html
    assert url(province) not in html


def test_it_renews_the_link_for_editors(client: Client, province: Province) -> None:
    old = url(province)
    renew = reverse("declare_link_renew", args=[province.member.pk])
    client.force_login(province.user("team_leader"))
    assert client.post(renew).status_code == 403
    assert client.get(old).status_code == 200
    client.force_login(province.user("enterprise"))
    response = client.post(renew)
    assert response.status_code == 302
    assert response["Location"].endswith("#health-link")
    assert client.get(old).status_code == 404
    assert client.get(url(province)).status_code == 200
    assert client.get(renew).status_code == 405


def test_it_hides_the_renewal_of_other_scopes(
    client: Client, province: Province
) -> None:
    old = reverse("declare", args=[health_link_token(province.outsider)])
    client.force_login(province.user("enterprise"))
    renew = reverse("declare_link_renew", args=[province.outsider.pk])
    response = client.post(renew)
    assert response.status_code == 404
    assert OUTSIDE not in response.content.decode()
    assert client.get(old).status_code == 200


def test_it_prints_the_declaration_qr_on_cards_on_demand(
    client: Client, province: Province
) -> None:
    from tests import factories as f

    for worker in (province.leader, province.member, province.colleague):
        f.make_card(worker)
    sheet = reverse("card_sheet_enterprise", args=[province.enterprise_a.pk])
    client.force_login(province.user("enterprise"))
    html = client.get(sheet).content.decode()
    assert "declare-qr" not in html and 'id="with-declare"' in html
    html = client.get(sheet + "?declare=1").content.decode()
    assert html.count('class="qr declare-qr"') == 3
    assert html.count('<article class="tq-card"') == 3
    client.force_login(province.user("team_leader"))  # not an editor: no QR
    team_sheet = reverse("card_sheet_team", args=[province.team_a.pk])
    html = client.get(team_sheet + "?declare=1").content.decode()
    assert "declare-qr" not in html and 'id="with-declare"' not in html
