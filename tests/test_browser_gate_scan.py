"""End to end in Chromium at phone size: a guard types a card code, sees the
green answer, and the presence count goes up; with the network down the scan
waits on the phone and is sent when the network is back."""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import GateSite
from tests.factories import PASSWORD
from tuquan.gates.models import GateEvent

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

if shutil.which("chromium") is None:  # .ci/run installs it; say why when absent
    pytest.skip(
        "Debian's chromium is not installed (apt-get install chromium)",
        allow_module_level=True,
    )


def test_it_lets_a_guard_scan_a_card_on_a_phone(
    phone, live_server, gates: GateSite
) -> None:  # type: ignore[no-untyped-def]
    page = phone
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "baove")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.click("a.btn:has-text('Quét thẻ')")
    page.wait_for_selector("#scan-code")
    assert page.inner_text("#presence-count") == "0"

    page.fill("#scan-code", gates.cards["leader"].display_code)
    page.click(".scan-submit")
    page.wait_for_selector(".scan-answer.tone-ok")
    assert "Nguyễn Văn Đông" in page.inner_text("#scan-result")
    assert page.inner_text("#presence-count") == "1"
    assert page.evaluate("document.documentElement.scrollWidth") <= 361
    page.screenshot(path="test-results/guard-scan-allowed.png", full_page=True)

    page.fill("#scan-code", "ZZZZ-ZZZZ")
    page.click(".scan-submit")
    page.wait_for_selector(".scan-answer.tone-bad")
    assert "Thẻ không có trong hệ thống" in page.inner_text("#scan-result")

    # Offline: the scan is kept on the phone, then sent with its own time.
    page.context.set_offline(True)
    page.fill("#scan-code", gates.cards["member"].code)
    page.click(".scan-submit")
    page.wait_for_selector(".scan-answer.tone-queued")
    assert page.inner_text("#scan-queue-count") == "1"
    page.screenshot(path="test-results/guard-scan-offline.png", full_page=True)
    page.context.set_offline(False)  # the phone sends its queue by itself
    page.wait_for_selector("#scan-queue", state="hidden")
    assert GateEvent.objects.filter(worker=gates.province.member).count() == 1
    assert GateEvent.objects.count() == 2
