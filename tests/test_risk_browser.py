"""End to end in Chromium at phone size: an enterprise officer fills in the
risk self-assessment and sees the score and risk group."""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import Province
from tests.factories import PASSWORD
from tuquan.riskassess.models import Assessment
from tuquan.riskassess.shipped import install_national_set

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

if shutil.which("chromium") is None:  # .ci/run installs it; say why when absent
    pytest.skip(
        "Debian's chromium is not installed (apt-get install chromium)",
        allow_module_level=True,
    )


def test_it_lets_an_officer_assess_on_a_phone(
    phone, live_server, province: Province
) -> None:  # type: ignore[no-untyped-def]
    install_national_set()  # a transactional test starts from empty tables
    page = phone
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "doanhnghiep")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    enterprise = province.enterprise_a
    page.goto(f"{live_server.url}/risk/enterprises/{enterprise.pk}/new/")
    questions = page.locator("fieldset.risk-q:has(input[type=radio])")
    assert questions.count() == 15
    for index in range(15):
        # The last option of CS1 and CS2, the first elsewhere: 10 + 10 = 20.
        options = questions.nth(index).locator("label.risk-opt")
        (options.last if index < 2 else options.first).tap()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360 + 1
    with page.expect_navigation():
        page.locator("button.risk-submit").tap()
    assert page.url.startswith(f"{live_server.url}/risk/")
    assert "/new/" not in page.url
    score = page.locator(".risk-score")
    assert "6,67%" in score.inner_text()
    assert "band-very_low" in (score.get_attribute("class") or "")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360 + 1
    page.screenshot(path="test-results/risk-assessment.png", full_page=True)
    assert Assessment.objects.get().total_points == 20
