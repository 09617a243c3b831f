"""End to end in Chromium at phone size: a team leader ticks the members due
for a test and records it; the page never scrolls sideways."""

from __future__ import annotations

import shutil

import pytest
from django.utils import timezone

from tests.conftest import Province
from tests.factories import PASSWORD
from tuquan.screening import services
from tuquan.screening.models import ScreeningTest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

if shutil.which("chromium") is None:  # .ci/run installs it; say why when absent
    pytest.skip(
        "Debian's chromium is not installed (apt-get install chromium)",
        allow_module_level=True,
    )


def test_it_records_a_test_from_the_checklist_on_a_phone(
    phone, live_server, province: Province
) -> None:  # type: ignore[no-untyped-def]
    services.save_schedule(
        enterprise=province.enterprise_a,
        every_days=7,
        share_percent=100,
        method="rapid_antigen",
        starts_on=timezone.localdate(),
        active=True,
        by=province.user("enterprise"),
    )
    page = phone
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "totruong")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/screening/teams/{province.team_a.pk}/")
    due = page.locator("#due li").all_inner_texts()
    assert len(due) == 2 and any("Trần Thị Lan" in text for text in due)
    # Both members are due, so both are ticked already.
    assert page.locator("#checklist input[name=workers]:checked").count() == 2
    page.fill("#id_sampled_on", timezone.localdate().strftime("%d/%m/%Y"))
    page.fill("#id_facility", "Trạm Y tế xã Hòa Phú")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360 + 1
    page.click("#checklist button[type=submit]")
    page.wait_for_load_state()
    assert ScreeningTest.objects.count() == 2
    assert page.locator("#due li").count() == 1  # "nobody is due"
    page.goto(f"{live_server.url}/screening/teams/{province.team_a.pk}/")
    page.screenshot(path="test-results/screening-team.png", full_page=True)
