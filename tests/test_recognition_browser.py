"""In Chromium at phone size: an enterprise officer rates a team, with the
team's activity shown beside the form, and the page fits a 360 px screen."""

from __future__ import annotations

import shutil
from typing import Any

import pytest

from tests.conftest import Province
from tests.factories import PASSWORD
from tuquan.recognition.models import TeamRating

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

if shutil.which("chromium") is None:  # .ci/run installs it; say why when absent
    pytest.skip(
        "Debian's chromium is not installed (apt-get install chromium)",
        allow_module_level=True,
    )


@pytest.fixture(autouse=True)
def _insecure(settings: Any) -> None:
    settings.SECURE_SSL_REDIRECT = False


def test_it_lets_an_enterprise_officer_rate_a_team_on_a_phone(
    phone: Any, live_server: Any, province: Province
) -> None:
    page = phone
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "doanhnghiep")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/team-ratings/")
    page.click(f"a:has-text('{province.team_a.name}')")
    page.wait_for_selector(".rc-evidence")
    assert page.evaluate("document.documentElement.scrollWidth") <= 361
    page.screenshot(path="test-results/team-rating-form.png", full_page=True)
    # Excellent alone would break the cap: refused, with the reason shown.
    page.click("label.rc-choice:has-text('Xuất sắc')")
    page.click(".rc-form button[type=submit]")
    page.wait_for_selector(".errorlist")
    assert "20" in page.inner_text(".errorlist")
    assert not TeamRating.objects.exists()
    page.click("label.rc-choice:has-text('Tốt')")
    page.click(".rc-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/team-ratings/")
    assert "Tốt" in page.inner_text("table")
    page.screenshot(path="test-results/team-rating.png", full_page=True)
    assert TeamRating.objects.get().grade.code == "tot"
