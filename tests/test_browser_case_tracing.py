"""End to end in Chromium at phone size: a health officer confirms a case,
sees the F1 candidates with their reasons and confirms one; the gate then
refuses the quarantined worker."""

from __future__ import annotations

import shutil
from typing import Any

import pytest

from tests.conftest import GateSite, new_phone
from tests.factories import PASSWORD
from tuquan.health.models import Case, ContactStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

if shutil.which("chromium") is None:  # .ci/run installs it; say why when absent
    pytest.skip(
        "Debian's chromium is not installed (apt-get install chromium)",
        allow_module_level=True,
    )


def log_in(page: Any, url: str, username: str) -> None:
    page.goto(f"{url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}/")


def test_it_traces_contacts_and_the_gate_refuses_a_quarantined_worker(
    browser: Any, live_server: Any, gates: GateSite, health_officer: Any
) -> None:
    page = new_phone(browser)
    log_in(page, live_server.url, health_officer.username)
    page.click("nav a:has-text('Ca bệnh')")
    page.click("a.btn:has-text('Xác nhận ca bệnh')")
    page.fill("#worker-q", "tran thi lan")
    page.check("#worker-choices input[type=radio]")
    page.click("button:has-text('Xác nhận ca bệnh và truy vết')")
    page.wait_for_selector("#contacts")
    case = Case.objects.get()
    row = page.locator("#contacts tbody tr").first
    assert "Nguyễn Văn Đông" in row.inner_text()
    assert "Cùng tổ tự quản" in row.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 361
    page.screenshot(path="test-results/case-contacts.png", full_page=True)

    row.locator("button:has-text('Xác nhận F1')").click()
    page.wait_for_selector("#contacts tr.contact-confirmed")
    contact = case.contacts.get()
    assert contact.status == ContactStatus.CONFIRMED
    assert "Cách ly đến" in page.inner_text(f"#contact-{contact.pk}")
    page.context.close()

    guard = new_phone(browser)
    log_in(guard, live_server.url, "baove")
    guard.click("a.btn:has-text('Quét thẻ')")
    guard.fill("#scan-code", gates.cards["leader"].display_code)
    guard.click(".scan-submit")
    guard.wait_for_selector(".scan-answer.tone-bad")
    answer = guard.inner_text("#scan-result")
    assert contact.quarantine_until.strftime("%d/%m/%Y") in answer
    assert "F1" not in answer and "COVID" not in answer
    guard.screenshot(path="test-results/gate-refuses-quarantined.png", full_page=True)
    guard.context.close()
