"""End to end in Chromium at phone size: an anonymous tipster sends a tip
(the page's script does the proof of work), keeps the receipt code, and later
reads the handler's reply with it and answers."""

from __future__ import annotations

import shutil
import time
from typing import Any

import pytest
from django.core.cache import cache

from tests.conftest import Province
from tuquan.tips import services
from tuquan.tips.models import Tip

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

if shutil.which("chromium") is None:
    pytest.skip(
        "Debian's chromium is not installed (apt-get install chromium)",
        allow_module_level=True,
    )


@pytest.fixture(autouse=True)
def _setup(settings: Any) -> None:
    settings.SECURE_SSL_REDIRECT = False
    settings.TUQUAN_TIP_POW_BITS = 14  # the real difficulty: the phone does it
    cache.clear()


def test_it_lets_an_anonymous_tipster_follow_the_reply(
    phone: Any, live_server: Any, province: Province, settings: Any
) -> None:
    page = phone
    page.goto(live_server.url + "/to-giac/")
    started = time.perf_counter()
    assert page.evaluate("document.documentElement.scrollWidth") <= 361
    page.select_option("#id_kind", "theft")
    page.fill("#id_place_text", "Nhà trọ Hoa Mai, phòng 12")
    page.select_option("#id_place", str(province.commune_a.pk))
    page.fill("#id_description", "Mất xe máy Wave đỏ trong sân nhà trọ lúc 2 giờ sáng.")
    # The script finds the proof and hides the sum question.
    page.wait_for_selector("#tip-check", state="hidden", timeout=10_000)
    solved = time.perf_counter() - started
    print(f"proof of work ({settings.TUQUAN_TIP_POW_BITS} bits) in {solved:.2f} s")
    assert solved < 5
    page.screenshot(path="test-results/tip-form.png", full_page=True)
    page.locator("button[type=submit]").tap()
    code = page.inner_text("#receipt-code").strip()
    assert len(code.replace("-", "")) == 20
    page.screenshot(path="test-results/tip-receipt.png", full_page=True)

    tip = Tip.objects.get()
    assert tip.scope_path == province.commune_a.path
    services.reply(
        tip=tip,
        by=province.user("police"),
        body="Công an xã đã nhận tin, đang xác minh. Bạn có thấy biển số xe không?",
        status="verifying",
    )

    later = page.context.new_page()  # days later, a new tab
    later.goto(live_server.url + "/to-giac/tra-cuu/")
    later.fill("#id_code", code.lower())
    later.locator("button[type=submit]").tap()
    later.wait_for_selector("#tip-thread")
    assert "đang xác minh" in later.inner_text("#tip-thread")
    assert later.evaluate("document.documentElement.scrollWidth") <= 361
    later.fill("#id_body", "Biển số 47B1-123.45, xe màu đỏ.")
    later.locator("button[type=submit]").tap()
    later.wait_for_selector("text=Biển số 47B1-123.45")
    later.screenshot(path="test-results/tip-thread.png", full_page=True)
    assert tip.messages.filter(author="tipster").count() == 1
    assert "47B1" not in later.url and code not in later.url
