"""End to end in Chromium at phone size: a team leader starts a patrol, scans
two checkpoints, loses the network for the second (it waits on the phone and
is sent when the network is back, with the time it was made), writes an
observation with a photo offline too, another online, and ends the patrol
with a hand-over note."""

from __future__ import annotations

import shutil
from typing import Any

import pytest

from tests.conftest import Province
from tests.factories import PASSWORD
from tests.test_patrol_entries import GPS, png_with_exif
from tests.test_patrol_sessions import make_checkpoints
from tuquan.patrols.models import PatrolEntry, PatrolSession

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

if shutil.which("chromium") is None:  # .ci/run installs it; say why when absent
    pytest.skip(
        "Debian's chromium is not installed (apt-get install chromium)",
        allow_module_level=True,
    )


@pytest.fixture(autouse=True)
def _insecure(settings: Any, tmp_path: Any) -> None:
    settings.SECURE_SSL_REDIRECT = False
    settings.MEDIA_ROOT = tmp_path


def test_it_lets_a_team_leader_run_a_patrol_on_a_phone(
    phone: Any, live_server: Any, province: Province
) -> None:
    checkpoints = make_checkpoints(province)
    page = phone
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "totruong")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/patrols/")
    page.click("a.btn:has-text('Bắt đầu tuần tra')")
    page.wait_for_selector("#start-form")
    assert page.is_checked(f"input[name=members][value='{province.member.pk}']")
    page.click("#start-submit")
    page.wait_for_selector("#scan-code")
    assert page.evaluate("document.documentElement.scrollWidth") <= 361

    # First checkpoint, online.
    page.fill("#scan-code", checkpoints[0].display_code)
    page.click("#scan-form .pt-submit")
    page.wait_for_selector(".pt-answer.tone-ok")
    assert "Cổng chính" in page.inner_text("#patrol-result")
    assert "Cổng chính" in page.inner_text("#patrol-log")
    page.screenshot(path="test-results/patrol-scan.png", full_page=True)

    # Second checkpoint, with the network gone: kept on the phone.
    page.context.set_offline(True)
    page.fill("#scan-code", checkpoints[1].qr_payload)
    page.click("#scan-form .pt-submit")
    page.wait_for_selector(".pt-answer.tone-queued")
    assert page.inner_text("#patrol-queue-count") == "1"
    assert "đang chờ gửi" in page.inner_text("#patrol-log")
    made_at = page.evaluate(
        "JSON.parse(localStorage.getItem('tuquan-patrol-queue-' + "
        "document.getElementById('patrol').dataset.session))[0].occurred_at"
    )
    # An observation with a small photo, still offline: it waits too.
    page.click(".pt-observe summary")
    page.fill("#observe-text", "Hàng rào phía Bắc bị cắt")
    page.set_input_files(
        "#observe-photo",
        files=[{"name": "rao.png", "mimeType": "image/png", "buffer": png_with_exif()}],
    )
    page.click("#observe-form .pt-submit")
    page.wait_for_function(
        "document.getElementById('patrol-queue-count').textContent === '2'"
    )
    page.screenshot(path="test-results/patrol-offline.png", full_page=True)
    assert PatrolEntry.objects.count() == 1

    # The network comes back: the phone sends its queue by itself.
    page.context.set_offline(False)
    page.wait_for_selector("#patrol-queue", state="hidden")
    page.wait_for_selector("#patrol-log li:not(.pending):has-text('Bãi xe công nhân')")
    second = PatrolEntry.objects.get(checkpoint=checkpoints[1])
    assert second.occurred_at.isoformat(timespec="seconds")[:19] == made_at[:19]
    assert PatrolEntry.objects.filter(kind="scan").count() == 2
    fence = PatrolEntry.objects.get(text="Hàng rào phía Bắc bị cắt")
    stored = fence.photo.read()
    assert stored.startswith(b"\x89PNG") and GPS not in stored

    page.fill("#observe-text", "Cửa kho hóa chất không khóa")
    page.click("#observe-form .pt-submit")
    page.wait_for_selector("#patrol-log li:has-text('Cửa kho hóa chất không khóa')")

    page.fill("#end-note", "Đã báo bảo vệ khóa cửa kho.")
    page.click("#end-form button[type=submit]")
    page.wait_for_selector("text=Đã kết thúc ca tuần tra")
    session = PatrolSession.objects.get()
    assert session.ended_at is not None
    assert session.handover_note == "Đã báo bảo vệ khóa cửa kho."
    assert session.entries.count() == 4
    assert page.evaluate("document.documentElement.scrollWidth") <= 361
    page.screenshot(path="test-results/patrol-ended.png", full_page=True)
