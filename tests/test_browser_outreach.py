"""In Chromium at phone size: a commune officer writes a message and watches
the check turn from "needs work" to "passes" while editing, approves and sends
it to a team; a worker reads it from the personal link and answers the quiz;
the reach on the officer's page updates."""

from __future__ import annotations

import shutil
from typing import Any

import pytest

from tests.conftest import Province, new_phone
from tests.factories import PASSWORD
from tuquan.health.services import health_link_token
from tuquan.outreach.models import Delivery, Message

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

if shutil.which("chromium") is None:
    pytest.skip(
        "Debian's chromium is not installed (apt-get install chromium)",
        allow_module_level=True,
    )

BAD = (
    "Đề nghị người lao động nghiêm túc chấp hành quy định phòng cháy trong "
    "tình hình mới."
)
GOOD = "Thấy cháy, hãy hô to và gọi 114. Đừng đi thang máy."


@pytest.fixture(autouse=True)
def _insecure(settings: Any) -> None:
    settings.SECURE_SSL_REDIRECT = False


def test_it_takes_a_message_from_writing_to_an_answered_quiz(
    phone: Any, browser: Any, live_server: Any, province: Province
) -> None:
    page = phone
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "xa")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/outreach/new/")
    page.fill("#id_title", "Báo cháy")
    page.select_option("#id_topic", "fire")
    page.fill("#id_body", BAD)
    page.wait_for_selector("#or-check[data-verdict=fail] [data-code=jargon]")
    assert page.locator("#or-check [data-code=no_action]").count() == 1
    page.screenshot(path="test-results/outreach-check-fail.png", full_page=True)
    page.fill("#id_body", GOOD)
    page.wait_for_selector("#or-check[data-verdict=pass]")
    page.fill("#id_quiz_question", "Số báo cháy là số nào?")
    page.fill("#id_answer_1", "113")
    page.fill("#id_answer_2", "114")
    page.select_option("#id_quiz_right", "2")
    page.select_option("#id_audience_unit", str(province.team_a.pk))
    page.wait_for_selector("#or-audience [data-count='2']")
    assert page.evaluate("document.documentElement.scrollWidth") <= 361
    page.screenshot(path="test-results/outreach-form.png", full_page=True)
    page.click("#or-form button[type=submit]")
    page.wait_for_selector("#or-approve")
    message = Message.objects.get()
    assert message.check_passed
    page.click("#or-approve")
    page.wait_for_selector("#or-send")
    page.click("#or-send")
    page.wait_for_selector("#or-state[data-state=sent]")
    assert page.inner_text("#or-right-total").startswith("0 ")
    assert page.evaluate("document.documentElement.scrollWidth") <= 361

    worker = new_phone(browser)
    token = health_link_token(province.member)
    response = worker.goto(f"{live_server.url}/tin/{token}/")
    assert len(response.body()) < 60_000
    worker.click("a.box:has-text('Báo cháy')")
    worker.wait_for_selector("#quiz")
    assert "gọi 114" in worker.inner_text(".body")
    assert worker.evaluate("document.documentElement.scrollWidth") <= 361
    worker.check("input[name=answer][value='2']")
    worker.click("#quiz button[type=submit]")
    worker.wait_for_selector("#quiz-result.ok")
    worker.screenshot(path="test-results/outreach-inbox-read.png", full_page=True)
    worker.context.close()
    row = Delivery.objects.get(worker=province.member, channel="inbox")
    assert row.quiz_right is True and row.read_at is not None

    page.reload()
    assert page.inner_text("#or-read-total").startswith("1 (50")
    assert page.inner_text("#or-right-total").startswith("1 (50")
    page.screenshot(path="test-results/outreach-reach.png", full_page=True)
