"""Sending an anonymous tip: the public form, the challenge, the receipt code,
retries, floods, and what is (not) stored."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import Client
from django.utils.html import escape
from django.utils.translation import gettext as _

from tests.conftest import Province
from tuquan.tips import challenge, receipts
from tuquan.tips.models import SpentChallenge, Tip

PUBLIC = "/to-giac/"


def page(response: Any) -> str:
    return response.content.decode()


@pytest.fixture(autouse=True)
def _fresh_limits(settings: Any) -> None:
    cache.clear()
    settings.TUQUAN_TIP_POW_BITS = 8  # tests solve quickly; the rule is the same


def form_challenge(client: Client, url: str = PUBLIC) -> str:
    page = client.get(url).content.decode()
    return re.search(r'name="challenge" value="([^"]+)"', page).group(1)


def tip_fields(client: Client, **overrides: Any) -> dict[str, Any]:
    token = form_challenge(client)
    parsed = challenge.parse(token)
    data = {
        "kind": "theft",
        "place_text": "Nhà trọ Hoa Mai, phòng 12",
        "description": "Mất xe máy Wave màu đỏ lúc 22 giờ tối qua.",
        "challenge": token,
        "proof": challenge.solve(token, parsed.bits),
        "answer": "",
    }
    data.update(overrides)
    return data


def send_tip(client: Client, **overrides: Any) -> tuple[Any, str]:
    """POST the form; the response and the receipt code shown (or '')."""
    response = client.post(PUBLIC, tip_fields(client, **overrides))
    match = re.search(r'id="receipt-code">([^<]+)<', response.content.decode())
    return response, match.group(1) if match else ""


def test_it_accepts_a_tip_without_an_account(province: Province) -> None:
    client = Client()
    response, code = send_tip(client, place=str(province.commune_a.pk))
    assert response.status_code == 200
    tip = Tip.objects.get()
    assert tip.kind == "theft"
    assert tip.scope_path == province.commune_a.path
    assert tip.received_at.second == 0 and tip.received_at.microsecond == 0
    assert re.fullmatch(r"([0-9A-Z]{4}-){4}[0-9A-Z]{4}", code)
    assert "no-store" in response["Cache-Control"]


def test_it_stores_the_code_only_as_a_slow_hash(province: Province) -> None:
    _response, code = send_tip(Client())
    tip = Tip.objects.get()
    plain = receipts.normalise(code)
    assert receipts.is_well_formed(plain)
    stored = " ".join(
        str(getattr(tip, f.attname)) for f in Tip._meta.concrete_fields
    ).upper()
    assert plain not in stored and plain[:6] not in stored
    assert receipts.matches(plain, tip.receipt_salt, tip.receipt_hash)
    assert tip.receipt_lookup == receipts.lookup_of(plain)


def test_it_puts_a_tip_without_a_place_under_the_province(province: Province) -> None:
    send_tip(Client())
    assert Tip.objects.get().scope_path == province.province.path


def test_it_writes_no_session_for_the_tipster(province: Province) -> None:
    client = Client()
    response, _code = send_tip(client)
    assert Session.objects.count() == 0
    assert "sessionid" not in response.cookies


def test_it_refuses_a_missing_or_wrong_proof(province: Province) -> None:
    client = Client()
    response, code = send_tip(client, proof="", answer="")
    assert response.status_code == 422 and code == ""
    assert escape(_("The answer to the check question is wrong.")) in page(response)
    assert not Tip.objects.exists()


def test_it_accepts_the_sum_instead_of_the_proof(province: Province) -> None:
    client = Client()
    data = tip_fields(client, proof="")
    parsed = challenge.parse(data["challenge"])
    data["answer"] = str(parsed.a + parsed.b)
    response = client.post(PUBLIC, data)
    assert response.status_code == 200
    assert Tip.objects.count() == 1


def test_it_accepts_each_challenge_once(province: Province) -> None:
    client = Client()
    data = tip_fields(client)
    assert client.post(PUBLIC, data).status_code == 200
    again = client.post(PUBLIC, data)
    assert again.status_code == 422
    assert escape(
        _("This form was already sent. Reload the page to send another tip.")
    ) in page(again)
    assert Tip.objects.count() == 1


def test_it_refuses_a_forged_or_stale_challenge(province: Province) -> None:
    client = Client()
    data = tip_fields(client)
    forged = data["challenge"].replace(".8.", ".1.", 1)
    response = client.post(PUBLIC, {**data, "challenge": forged})
    assert response.status_code == 422
    stale = challenge.issue(now=1_000_000).token
    response = client.post(
        PUBLIC, {**data, "challenge": stale, "proof": challenge.solve(stale, 8)}
    )
    assert response.status_code == 422
    assert not Tip.objects.exists()


def test_it_names_the_bad_fields_and_stores_nothing(province: Province) -> None:
    client = Client()
    response, _code = send_tip(
        client, kind="", place_text="", description="ngắn", place="999999"
    )
    text = page(response)
    assert response.status_code == 422
    assert text.count(escape(_("This field is required."))) == 2  # kind, place
    assert text.count('<ul class="errorlist">') == 3  # kind, place, place_text
    assert not Tip.objects.exists() and not SpentChallenge.objects.exists()


def test_it_escapes_script_in_text(province: Province, client: Client) -> None:
    send_tip(Client(), description="<script>alert(1)</script> lấy trộm điện thoại")
    from tuquan.tips.services import reply

    tip = Tip.objects.get()
    reply(tip=tip, by=province.user("police"), body="Đã nhận")
    client.force_login(province.user("police"))
    page = client.get(f"/tips/{tip.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


def test_it_refuses_a_flood_past_the_limit(province: Province, settings: Any) -> None:
    settings.TUQUAN_TIP_SUBMIT_PER_MINUTE = 2
    client = Client()
    assert send_tip(client)[0].status_code == 200
    assert send_tip(client)[0].status_code == 200
    response, code = send_tip(client)
    assert response.status_code == 429 and code == ""
    assert Tip.objects.count() == 2


def test_it_gives_the_same_code_to_a_retry(province: Province) -> None:
    client = Client()
    client_id = str(uuid.uuid4())
    data = tip_fields(client, client_id=client_id)
    first = client.post(PUBLIC, data).content.decode()
    second = client.post(PUBLIC, data).content.decode()
    code = re.search(r'id="receipt-code">([^<]+)<', first).group(1)
    assert code in second
    assert Tip.objects.count() == 1
    tip = Tip.objects.get()
    assert client_id not in str(tip.client_hash)


def test_it_refuses_a_non_random_client_id(province: Province) -> None:
    response, code = send_tip(Client(), client_id=str(uuid.uuid1()))
    assert response.status_code == 422 and code == ""


def test_it_shows_a_printable_poster_with_a_qr(province: Province) -> None:
    page = Client().get(f"/to-giac/ap-phich/?noi={province.zone_a.pk}")
    text = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in text and f"/to-giac/?noi={province.zone_a.pk}" in text
    form = Client().get(f"/to-giac/?noi={province.zone_a.pk}").content.decode()
    assert f'value="{province.zone_a.pk}" selected' in form
