"""End to end in Chromium at phone size: a team leader opens an outbreak
alert from the list and reads its message and bar chart without scrolling
sideways."""

from __future__ import annotations

import shutil
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.conftest import OUTSIDE, Province
from tests.factories import PASSWORD
from tests.test_outbreak_pages import make_alert

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

if shutil.which("chromium") is None:  # .ci/run installs it; say why when absent
    pytest.skip(
        "Debian's chromium is not installed (apt-get install chromium)",
        allow_module_level=True,
    )


def test_it_shows_the_alert_and_its_chart_on_a_phone(
    phone, live_server, province: Province
) -> None:  # type: ignore[no-untyped-def]
    day = timezone.localdate() - timedelta(days=1)
    make_alert(
        province.team_a,
        "team",
        day=day,
        window_start=day - timedelta(days=27),
        message=(
            "Tổ tự quản Xưởng Rang: 5 người khai có triệu chứng hôm "
            f"{day:%d/%m/%Y}, bình thường khoảng 0,6/ngày; ngưỡng 2,1 "
            "(phương pháp EARS C2)"
        ),
    )
    make_alert(province.team_b, "team", day=day)
    page = phone
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "totruong")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/alerts/")
    assert "5 người khai có triệu chứng" in page.content()
    assert OUTSIDE not in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360 + 1
    page.screenshot(path="test-results/outbreak-alert-list.png", full_page=True)
    page.click(".alert-item a")
    page.wait_for_selector(".alert-chart svg")
    assert page.locator(".alert-chart rect").count() == 28
    assert page.evaluate("document.documentElement.scrollWidth") <= 360 + 1
    page.screenshot(path="test-results/outbreak-alert-detail.png", full_page=True)
