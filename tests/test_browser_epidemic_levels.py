"""End to end in Chromium at phone size: a commune officer computes this
week's levels, opens their commune and enters a treatment capacity that falls
short, which raises the level by one."""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import OUTSIDE, Province
from tests.factories import PASSWORD
from tuquan.levels.thresholds import install_shipped

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

if shutil.which("chromium") is None:  # .ci/run installs it; say why when absent
    pytest.skip(
        "Debian's chromium is not installed (apt-get install chromium)",
        allow_module_level=True,
    )


def test_it_lets_a_commune_officer_raise_the_level_from_a_phone(
    phone, live_server, province: Province
) -> None:  # type: ignore[no-untyped-def]
    install_shipped()  # a transactional test empties the migration's data
    page = phone
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "xa")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/epidemic-levels/")
    page.get_by_role("button", name="Tính cấp độ dịch của tuần này ngay").click()
    page.wait_for_selector("table.level-table tbody tr a")
    table = page.locator("table.level-table").inner_text()
    assert "Xã Hòa Phú" in table
    assert "Cấp 2 – Nguy cơ trung bình (vàng)" in table
    assert OUTSIDE not in page.content()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360 + 1

    page.get_by_role("link", name="Xã Hòa Phú").click()
    page.get_by_role("link", name="Nhập khả năng thu dung, điều trị").click()
    page.get_by_label("không đáp ứng").check()
    page.fill("#id_treatment_beds", "4")
    page.get_by_role("button", name="Lưu").click()
    badge = page.locator("#level-badge")
    assert badge.inner_text() == "Cấp 3 – Nguy cơ cao (cam)"
    assert "nâng lên một cấp" in page.content()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360 + 1
    page.screenshot(path="test-results/epidemic-level-detail.png", full_page=True)
