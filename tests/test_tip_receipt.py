"""Reading a tip with the receipt code: messages both ways, and the same
answer (and about the same time) for a wrong, malformed or expired code, with
limits against guessing."""

from __future__ import annotations

import statistics
import time
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _

from tests.conftest import Province
from tests.test_tip_submit import send_tip
from tuquan.tips import receipts, services
from tuquan.tips.models import Tip

RECEIPT = "/to-giac/tra-cuu/"


@pytest.fixture(autouse=True)
def _fresh_limits(settings: Any) -> None:
    cache.clear()
    settings.TUQUAN_TIP_POW_BITS = 8


def wrong_answer() -> str:
    return escape(services.wrong_code_message())


def test_it_shows_the_handlers_reply_and_takes_an_answer(province: Province) -> None:
    client = Client()
    _response, code = send_tip(client)
    tip = Tip.objects.get()
    services.reply(
        tip=tip,
        by=province.user("police"),
        body="Chúng tôi đã nhận, đang xác minh.",
        status="verifying",
    )
    services.reply(
        tip=tip, by=province.user("police"), body="ghi chú nội bộ", for_tipster=False
    )
    page = client.post(RECEIPT, {"code": code}).content.decode()
    assert "Chúng tôi đã nhận, đang xác minh." in page
    assert "ghi chú nội bộ" not in page
    assert "congan" not in page  # the handler's name is not shown
    # Typed in lower case, without dashes, with O for 0: still the same code.
    typed = code.replace("-", "").lower().replace("0", "o")
    answer = client.post(RECEIPT, {"code": typed, "body": "Xe biển số 47B1-12345"})
    assert answer.status_code == 200
    assert tip.messages.filter(author="tipster", body__contains="47B1").exists()


@pytest.mark.parametrize("case", ["wrong", "malformed", "expired", "blank-ish"])
def test_it_answers_every_bad_code_the_same(province: Province, case: str) -> None:
    client = Client()
    _response, code = send_tip(client)
    plain = receipts.normalise(code)
    if case == "wrong":
        typed = plain[:-1] + ("2" if plain[-1] != "2" else "3")
    elif case == "malformed":
        typed = "ABC"
    elif case == "blank-ish":
        typed = "----"
    else:
        typed = code
        Tip.objects.update(receipt_expires_at=timezone.now() - timedelta(seconds=1))
    response = client.post(RECEIPT, {"code": typed})
    assert response.status_code == 422
    assert wrong_answer() in response.content.decode()
    api = client.post(
        "/api/v1/public/tips/receipt", {"code": typed}, content_type="application/json"
    )
    assert api.status_code == 422
    assert api.json() == {
        "detail": [{"field": "code", "messages": [services.wrong_code_message()]}]
    }


def test_it_takes_about_as_long_for_an_unknown_code(
    province: Province, settings: Any
) -> None:
    settings.TUQUAN_TIP_CHECKS_PER_MINUTE = 1000
    settings.TUQUAN_TIP_CODE_FAILURES = 1000
    _response, code = send_tip(Client())
    plain = receipts.normalise(code)
    near = plain[:-1] + ("2" if plain[-1] != "2" else "3")  # same lookup, wrong
    far = receipts.new_code()  # (almost surely) no tip with this lookup

    def seconds(typed: str) -> float:
        runs = []
        for _run in range(7):
            started = time.perf_counter()
            with pytest.raises(ValidationError):
                services.open_receipt(typed)
            runs.append(time.perf_counter() - started)
        return statistics.median(runs)

    near_s, far_s, bad_s = seconds(near), seconds(far), seconds("XYZ")
    # Each does one scrypt (milliseconds); a shortcut without one would answer
    # a hundred times faster. The bounds leave room for a busy machine.
    assert 0.25 < far_s / near_s < 4.0, (near_s, far_s)
    assert 0.25 < bad_s / near_s < 4.0, (near_s, bad_s)


def test_it_locks_a_code_prefix_after_five_failures(province: Province) -> None:
    client = Client()
    _response, code = send_tip(client)
    plain = receipts.normalise(code)
    # Same prefix, other endings (never the real code, which is random).
    wrongs = [
        plain[:-2] + f"Z{n}" for n in range(2, 9) if plain[:-2] + f"Z{n}" != plain
    ]
    for wrong in wrongs[:5]:
        assert client.post(RECEIPT, {"code": wrong}).status_code == 422
    locked = client.post(RECEIPT, {"code": code})  # even the right code waits
    assert locked.status_code == 429
    assert (
        escape(_("Too many attempts. Please wait 15 minutes and try again."))
        in locked.content.decode()
    )
    with time_machine.travel(timezone.now() + timedelta(minutes=16), tick=False):
        assert client.post(RECEIPT, {"code": code}).status_code == 200


def test_it_limits_checks_across_all_codes(province: Province, settings: Any) -> None:
    settings.TUQUAN_TIP_CHECKS_PER_MINUTE = 3
    client = Client()
    statuses = [
        client.post(RECEIPT, {"code": receipts.new_code()}).status_code
        for _ in range(5)
    ]
    assert statuses == [422, 422, 422, 429, 429]


def test_it_refuses_messages_on_a_closed_tip(province: Province) -> None:
    client = Client()
    _response, code = send_tip(client)
    tip = Tip.objects.get()
    services.reply(
        tip=tip, by=province.user("police"), body="Đã xử lý xong.", status="verifying"
    )
    services.reply(tip=tip, by=province.user("police"), body="", status="closed")
    response = client.post(RECEIPT, {"code": code, "body": "thêm"})
    assert (
        escape(_("This tip is closed; it no longer takes messages."))
        in response.content.decode()
    )
    assert not tip.messages.filter(author="tipster").exists()


def test_it_never_puts_the_code_in_a_url(province: Province) -> None:
    client = Client()
    response = client.get(RECEIPT, {"code": "ABCD"})
    assert 'value="ABCD"' not in response.content.decode()
