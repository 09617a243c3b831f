"""End to end in Chromium at phone size: a worker reports a theft with a photo
and follows its status while the zone board and the police work on it."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Province
from tests.factories import PASSWORD
from tests.test_incident_photos import jpeg
from tests.test_incident_workflow import commune_police
from tuquan.security.choices import ReportStatus
from tuquan.security.kinds import install_kinds
from tuquan.security.models import IncidentReport
from tuquan.security.services import transition_report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

if shutil.which("chromium") is None:  # .ci/run installs it; say why when absent
    pytest.skip(
        "Debian's chromium is not installed (apt-get install chromium)",
        allow_module_level=True,
    )


@pytest.fixture(autouse=True)
def _kinds(settings: Any, transactional_db: Any) -> None:
    # A transactional test empties every table, the shipped kinds included.
    settings.SECURE_SSL_REDIRECT = False
    install_kinds()


def test_it_lets_a_worker_report_a_theft_and_follow_it(
    phone: Any, live_server: Any, province: Province, tmp_path: Path
) -> None:
    _station, police = commune_police(province, province.commune_a, "congan_xa")
    page = phone
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "congnhan")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/security/report/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 361
    page.get_by_label("Trộm cắp tài sản").check()
    page.fill("textarea[name=description]", "Mất xe máy Wave biển 47B1-123.45 ở bãi xe")
    page.select_option("select[name=place]", str(province.enterprise_a.pk))
    photo = tmp_path / "xe.jpg"
    photo.write_bytes(jpeg())
    page.set_input_files("input[name=photos]", str(photo))
    send = page.locator("button.sec-send")
    assert send.bounding_box()["width"] >= 300  # a thumb-sized button
    page.screenshot(path="test-results/incident-report-form.png", full_page=True)
    send.tap()
    page.wait_for_url("**/security/mine/*/")

    report = IncidentReport.objects.get()
    assert report.kind.code == "theft" and report.photos.count() == 1
    assert report.handover.police_unit == _station
    assert report.reference in page.content()
    first_status = page.inner_text(".sec-status")

    transition_report(
        report=report,
        to=ReportStatus.VERIFYING,
        by=province.user("zone"),
        note="Bảo vệ KCN đang trích xuất camera",
    )
    transition_report(
        report=report,
        to=ReportStatus.ASSIGNED,
        by=police,
        assignee="commune_police",
        note="Hồ sơ nội bộ",
        visible_to_reporter=False,
    )
    page.reload()
    assert page.inner_text(".sec-status") != first_status
    timeline = page.inner_text(".sec-timeline")
    assert "Bảo vệ KCN đang trích xuất camera" in timeline
    assert "Hồ sơ nội bộ" not in timeline
    assert page.evaluate("document.documentElement.scrollWidth") <= 361
    page.screenshot(path="test-results/incident-report-status.png", full_page=True)

    page.goto(f"{live_server.url}/security/mine/")
    assert report.reference in page.inner_text("main")
