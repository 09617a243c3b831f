"""End to end in Chromium at phone size: a team leader logs in and sees only
their own team's members."""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import OUTSIDE, Province
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

if shutil.which("chromium") is None:  # .ci/run installs it; say why when absent
    pytest.skip(
        "Debian's chromium is not installed (apt-get install chromium)",
        allow_module_level=True,
    )


def test_it_shows_the_team_leader_only_their_team(
    phone, live_server, province: Province
) -> None:  # type: ignore[no-untyped-def]
    page = phone
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "totruong")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    assert "Tổ tự quản Xưởng Rang" in page.content()

    page.goto(f"{live_server.url}/workers/")
    rows = page.locator("table tbody tr")
    names = rows.all_inner_texts()
    joined = " ".join(names)
    assert "Nguyễn Văn Đông" in joined
    assert "Trần Thị Lan" in joined
    assert "Lê Văn Hùng" not in joined  # same enterprise, not in the team
    assert OUTSIDE not in page.content()
    # Phone layout: no horizontal scrolling of the page.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360 + 1
    page.screenshot(path="test-results/team-leader-workers.png", full_page=True)

    # A worker outside the team cannot be opened by URL either.
    response = page.goto(f"{live_server.url}/workers/{province.outsider.pk}/")
    assert response is not None and response.status == 404
