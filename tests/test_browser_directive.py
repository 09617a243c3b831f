"""End to end in Chromium at phone size: the commune officer finds Letter
23's task in "Việc phải làm", accepts it and sends a progress report; the
committee officer approves it on the directive's page (htmx)."""

from __future__ import annotations

import shutil
from typing import Any

import pytest

from tests.conftest import Province, new_phone
from tests.factories import PASSWORD
from tests.test_directive_services import make_directive
from tuquan.directives.choices import ReportState
from tuquan.directives.models import Assignment, ProgressReport

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

if shutil.which("chromium") is None:
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


def fits(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 361


def test_it_lets_a_unit_report_and_the_issuer_approve(
    browser: Any, live_server: Any, province: Province, settings: Any
) -> None:
    settings.SECURE_SSL_REDIRECT = False
    directive = make_directive(province)
    task = directive.tasks.get()
    url = live_server.url

    unit = new_phone(browser)
    log_in(unit, url, province.user("commune").username)
    unit.goto(f"{url}/directives/inbox/")
    fits(unit)
    with unit.expect_navigation():
        unit.locator("form[action*='/accept/'] button").first.tap()
    assert "flash-success" in unit.content()
    assert Assignment.objects.get(task=task, unit=province.commune_a).accepted_at
    with unit.expect_navigation(url=f"{url}/directives/tasks/{task.pk}/report/"):
        unit.locator(f"a[href='/directives/tasks/{task.pk}/report/']").first.tap()
    fits(unit)
    unit.fill("#id_percentage", "100")
    unit.fill("#id_narrative", "Đã tổ chức 12 buổi tuyên truyền ngắn gọn, dễ nhớ.")
    unit.screenshot(path="test-results/directive-report.png", full_page=True)
    with unit.expect_navigation(url=f"{url}/directives/inbox/"):
        unit.locator("form.dv-form button[type=submit]").tap()
    report = ProgressReport.objects.get()
    assert (report.unit_id, report.percentage) == (province.commune_a.pk, 100)
    unit.context.close()

    issuer = new_phone(browser)
    log_in(issuer, url, province.user("province").username)
    issuer.goto(f"{url}/directives/inbox/")
    with issuer.expect_navigation():
        issuer.locator(f"a[href$='#report-{report.pk}']").tap()
    fits(issuer)
    card = issuer.locator(f"#report-{report.pk}")
    card.locator("button[value=approve]").tap()
    issuer.wait_for_selector(f"#report-{report.pk} .dv-approved")
    # The unit's bucket is refreshed with the review (done, late: 2021 deadline).
    issuer.wait_for_selector("#dv-tasks-block .dv-done_late")
    issuer.screenshot(path="test-results/directive-approved.png", full_page=True)
    report.refresh_from_db()
    assert report.state == ReportState.APPROVED
    # The list and the directive form fit the phone too.
    for path in ("/ban-tin/", "/directives/", "/directives/new/"):
        issuer.goto(url + path)
        fits(issuer)
    issuer.click("#dv-add-task")
    assert issuer.locator("fieldset.dv-taskform").count() == 2
    fits(issuer)
    issuer.screenshot(path="test-results/directive-form.png", full_page=True)
    issuer.context.close()
