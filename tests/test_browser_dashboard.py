"""End to end in Chromium at phone size: the province officer opens the
dashboard, drills down to a zone, and follows a figure to its rows."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Province
from tests.factories import PASSWORD
from tests.test_rollup_figures import DAYS, START, generate_month
from tests.test_sanction_documents import all_text
from tuquan.core.official_docx import number
from tuquan.reports import rollup
from tuquan.reports.figures import summary
from tuquan.security.models import IncidentReport

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

if shutil.which("chromium") is None:
    pytest.skip(
        "Debian's chromium is not installed (apt-get install chromium)",
        allow_module_level=True,
    )

END = START + dt.timedelta(days=DAYS - 1)
FIRST = END - dt.timedelta(days=6)  # a week keeps the test quick


@pytest.fixture(autouse=True)
def _setup(settings: Any) -> None:
    settings.SECURE_SSL_REDIRECT = False


def test_it_lets_the_province_officer_drill_down_to_the_rows(
    phone: Any, live_server: Any, province: Province
) -> None:
    generate_month(province)
    for i in range(7):
        rollup.refresh_day(FIRST + dt.timedelta(days=i))
    page = phone
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "tinh")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/dashboard/")
    page.wait_for_url(f"**/dashboard/{province.province.pk}/")
    # The period picker takes dd/mm/yyyy.
    page.fill("input[name=start]", FIRST.strftime("%d/%m/%Y"))
    page.fill("input[name=end]", END.strftime("%d/%m/%Y"))
    page.locator("form.period button[type=submit]").tap()
    page.wait_for_url(re.compile(r"start="))
    assert page.evaluate("document.documentElement.scrollWidth") <= 361
    assert page.locator("svg.chart").count() == 3
    page.screenshot(path="test-results/dashboard-province.png", full_page=True)

    page.locator(f"table.children a[data-unit='{province.commune_a.pk}']").tap()
    page.wait_for_url(re.compile(rf"/dashboard/{province.commune_a.pk}/\?"))
    page.locator(f"table.children a[data-unit='{province.zone_a.pk}']").tap()
    page.wait_for_url(re.compile(rf"/dashboard/{province.zone_a.pk}/\?"))
    assert "KCN Hòa Phú" in page.inner_text("h1")
    assert page.evaluate("document.documentElement.scrollWidth") <= 361
    shown = int(page.inner_text("a[data-figure=incidents]").replace(".", ""))
    assert shown > 0
    page.screenshot(path="test-results/dashboard-zone.png", full_page=True)

    page.locator("a[data-figure=incidents]").tap()
    page.wait_for_url(re.compile(r"/security/reports/\?"))
    assert f"place={province.zone_a.pk}" in page.url
    # The list shows exactly the zone's reports of the week: the dashboard's figure.
    rows = page.locator("main table tbody tr.sev-medium")
    assert rows.count() == shown
    expected = IncidentReport.objects.filter(
        scope_path__startswith=province.zone_a.path,
        received_at__gte=rollup.day_bounds(FIRST)[0],
        received_at__lt=rollup.day_bounds(END)[1],
    ).exclude(status="duplicate")
    assert shown == expected.count()
    page.screenshot(path="test-results/dashboard-rows.png", full_page=True)

    # Back on the zone's dashboard: its monthly official report, downloaded.
    page.go_back()
    page.wait_for_url(re.compile(rf"/dashboard/{province.zone_a.pk}/\?"))
    page.locator("#write-report").tap()
    page.wait_for_url(re.compile(rf"/reports/official/\?scope={province.zone_a.pk}"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 361
    page.locator("input[name=kind][value=monthly]").check()
    page.fill("input[name=month]", START.strftime("%Y-%m"))
    page.locator("#report-form button[type=submit]").tap()
    page.wait_for_selector("#download-docx", timeout=60_000)
    page.screenshot(path="test-results/official-report.png", full_page=True)
    with page.expect_download() as download:
        page.locator("#download-docx").tap()
    text = all_text(Path(download.value.path()).read_bytes())
    month = summary(scope=province.zone_a, start=START.replace(day=1), end=END)
    assert month.totals.declarations > 0
    assert province.zone_a.name in text and "BÁO CÁO" in text
    assert f"{number(month.totals.declarations)} lượt khai báo" in text
