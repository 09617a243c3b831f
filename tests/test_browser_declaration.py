"""End to end in Chromium at phone size: a worker opens the personal link and
declares healthy in at most three taps; the symptom path; with the network
down the declaration waits on the phone and is sent when the network is back.
The time to usable over slow 3G is measured by bench/bench_declaration_page.py."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from tests.conftest import Province
from tests.test_declaration_page import (
    PAGE_BUDGET,
    shipped_profiles,
)
from tuquan.health.models import HealthDeclaration
from tuquan.health.services import health_link_token

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

if shutil.which("chromium") is None:  # .ci/run installs it; say why when absent
    pytest.skip(
        "Debian's chromium is not installed (apt-get install chromium)",
        allow_module_level=True,
    )

FIGURES = Path("test-results/declaration-figures.json")


@pytest.fixture(autouse=True)
def _setup(settings: Any, tmp_path: Path, transactional_db: Any) -> None:
    settings.SECURE_SSL_REDIRECT = False
    shipped_profiles()


def link(live_server: Any, province: Province) -> str:
    return live_server.url + reverse(
        "declare", args=[health_link_token(province.member)]
    )


def record(name: str, value: Any) -> None:
    FIGURES.parent.mkdir(exist_ok=True)
    figures = json.loads(FIGURES.read_text()) if FIGURES.exists() else {}
    figures[name] = value
    FIGURES.write_text(json.dumps(figures, indent=2))
    print(f"{name}: {value}")


def test_it_lets_a_worker_declare_healthy_in_three_taps(
    phone: Any, live_server: Any, province: Province
) -> None:
    page = phone
    loaded: list[Any] = []

    def keep(response: Any) -> None:
        loaded.append(response)

    page.on("response", keep)
    taps = 1  # scanning the QR or tapping the link opens the page
    page.goto(link(live_server, province))
    assert "Xin chào, Lan" in page.inner_text("h1")
    assert page.evaluate("document.documentElement.scrollWidth") <= 361
    page_bytes = sum(len(response.body()) for response in loaded)
    page.remove_listener("response", keep)
    button = page.locator("#healthy button")
    box = button.bounding_box()
    assert box["height"] >= 90 and box["width"] >= 300  # a huge button
    page.screenshot(path="test-results/declare-page.png", full_page=True)
    button.tap()
    taps += 1
    page.wait_for_url("**/ok/")
    assert taps <= 3
    assert "Cảm ơn Lan!" in page.inner_text("#done")
    page.screenshot(path="test-results/declare-done.png", full_page=True)
    declaration = HealthDeclaration.objects.get()
    assert declaration.healthy and declaration.worker == province.member
    assert page_bytes <= PAGE_BUDGET
    record("taps_healthy", taps)
    record("page_bytes_uncompressed", page_bytes)


def test_it_takes_the_symptom_path_on_a_phone(
    phone: Any, live_server: Any, province: Province
) -> None:
    page = phone
    page.goto(link(live_server, province))
    assert not page.locator("#symptoms").is_visible()
    page.locator("summary").tap()
    page.locator("label", has_text="Sốt").tap()
    page.locator("label", has_text="Đau họng").tap()
    page.locator("label", has_text="đi về từ nơi đang có dịch").tap()
    page.screenshot(path="test-results/declare-symptoms.png", full_page=True)
    page.locator("#symptoms button").tap()
    page.wait_for_url("**/ok/")
    assert "Hãy báo ngay cho tổ trưởng" in page.inner_text("#done")
    declaration = HealthDeclaration.objects.get()
    assert declaration.symptoms == ["fever", "sore_throat"]
    assert declaration.exposures == ["outbreak_area"]


def test_it_keeps_an_offline_declaration_and_sends_it_later(
    phone: Any, live_server: Any, province: Province
) -> None:
    page = phone
    page.goto(link(live_server, province))
    page.context.set_offline(True)
    page.locator("#healthy button").tap()
    page.wait_for_selector("#q", state="visible")
    assert "Chưa gửi được, sẽ tự gửi lại khi có mạng" in page.inner_text("#q")
    pending = json.loads(page.evaluate("localStorage.getItem('tqd')"))
    assert "client_id=" in pending["b"]
    page.screenshot(path="test-results/declare-offline.png", full_page=True)
    assert HealthDeclaration.objects.count() == 0
    page.context.set_offline(False)  # the page sends it by itself
    page.wait_for_url("**/ok/")
    assert page.evaluate("localStorage.getItem('tqd')") is None
    declaration = HealthDeclaration.objects.get()
    assert declaration.healthy
    assert pending["b"].count(str(declaration.client_id)) == 1
    assert declaration.revisions.count() == 0
