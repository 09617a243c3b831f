"""End to end in Chromium at phone size: a zone officer turns a flagged gate
passage into a violation record, then issues the sanction decision and
downloads it."""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import GateSite
from tests.factories import PASSWORD
from tests.test_violation_record import flagged_event
from tuquan.violations.models import (
    Authority,
    LegalProvision,
    SanctionDecision,
    Violation,
)
from tuquan.violations.provisions import load_shipped

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

if shutil.which("chromium") is None:  # .ci/run installs it; say why when absent
    pytest.skip(
        "Debian's chromium is not installed (apt-get install chromium)",
        allow_module_level=True,
    )


def test_it_lets_a_zone_officer_record_and_decide_on_a_phone(
    phone, live_server, gates: GateSite
) -> None:  # type: ignore[no-untyped-def]
    load_shipped(LegalProvision, Authority)  # a transactional test emptied them
    province = gates.province
    event = flagged_event(province.member, gates.gate_a)
    page = phone
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "kcn")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/violations/gate-flags/")
    assert "Trần Thị Lan" in page.inner_text("main")
    page.click(f"a[href$='?gate_event={event.pk}']")
    page.wait_for_selector("#record_number")
    assert page.is_checked(f"input[name=worker][value='{province.member.pk}']")
    assert page.input_value("#detection") == "gate_flag"
    mask = LegalProvision.objects.get(code="nd117-12-1a-khau-trang")
    page.select_option("#provision", str(mask.pk))
    page.fill("#record_number", "09/BB-VPHC")
    assert page.evaluate("document.documentElement.scrollWidth") <= 361
    page.screenshot(path="test-results/violation-record.png", full_page=True)
    page.click("form.form-grid button[type=submit]")
    page.wait_for_selector(".vi-facts")
    violation = Violation.objects.get()
    assert violation.gate_event_id == event.pk
    assert violation.detection == "gate_flag"

    page.click(f"a[href$='?violation={violation.pk}']")
    page.wait_for_selector("#fine_amount")
    commune_chair = Authority.objects.get(code="ct-ubnd-xa")
    page.select_option("#authority", str(commune_chair.pk))
    page.fill("#number", "21/QĐ-XPHC")
    page.fill("#issuing_body", "UBND xã Hòa Phú")
    page.fill("#signer_name", "Nguyễn Văn Chủ")
    page.fill("#place_name", "Hòa Phú")
    page.fill("#fine_amount", "5.000.000")  # above the range: refused
    page.click("form.form-grid button[type=submit]")
    page.wait_for_selector("[role=alert]")
    assert SanctionDecision.objects.count() == 0
    page.fill("#fine_amount", "2.000.000")
    assert page.evaluate("document.documentElement.scrollWidth") <= 361
    page.click("form.form-grid button[type=submit]")
    page.wait_for_selector("a[href$='decision.docx']")
    decision = SanctionDecision.objects.get()
    assert decision.fine_amount == 2_000_000
    page.screenshot(path="test-results/violation-decision.png", full_page=True)
    with page.expect_download() as download:
        page.click("a[href$='decision.docx']")
    assert download.value.suggested_filename.endswith(".docx")
