"""Printable card sheets per team and per enterprise: ten cards an A4 sheet,
only in-scope workers with an active card, the count of workers without one,
issuing the missing cards, and (in Chromium) a printed PDF whose QR decodes."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests import factories as f
from tests.conftest import OUTSIDE, GateSite, Province
from tuquan.gates.cards import qr_svg
from tuquan.gates.models import WorkerCard
from tuquan.people.models import EmploymentStatus

NARROW = ["commune", "zone", "enterprise", "team_leader", "worker", "outsider"]


@pytest.fixture(autouse=True)
def _plain_http(settings: Any) -> None:
    settings.SECURE_SSL_REDIRECT = False


def sheets_of(html: str) -> list[int]:
    """Cards on each sheet of the page."""
    parts = html.split('<section class="sheet"')[1:]
    return [part.count('<article class="tq-card"') for part in parts]


def enterprise_sheet(province: Province) -> str:
    return reverse("card_sheet_enterprise", args=[province.enterprise_a.pk])


def test_it_prints_ten_cards_a_sheet(client: Client, gates: GateSite) -> None:
    province = gates.province
    for n in range(20):
        f.make_card(
            f.make_worker(f"Công nhân {n:02}", enterprise=province.enterprise_a)
        )
    client.force_login(province.user("enterprise"))
    html = client.get(enterprise_sheet(province)).content.decode()
    # 20 new + leader, member, colleague = 23 cards: 10, 10, 3.
    assert sheets_of(html) == [10, 10, 3]
    card = gates.cards["colleague"]
    assert card.display_code in html
    assert "Công ty TNHH Cà phê Hòa Phú" in html  # enterprise on each card
    assert "Tổ tự quản Xưởng Rang" in html  # team of the leader and member
    assert html.count("<svg") >= 23
    assert 'class="tq-card-photo"' in html
    assert "window.print()" in html
    assert "tuquan/cards.css" in html


def test_it_sets_the_print_layout(client: Client, gates: GateSite) -> None:
    css = (
        Path(__file__).parent.parent / "src/tuquan/static/tuquan/cards.css"
    ).read_text()
    assert re.search(r"@page\s*\{\s*size:\s*A4", css)
    assert "grid-template-columns: 85mm 85mm" in css
    assert "repeat(5, 54mm)" in css
    assert "break-after: page" in css
    assert re.search(r"@media print\s*\{[^}]*\.no-print", css)


def test_it_encodes_the_qr_payload(gates: GateSite) -> None:
    card = gates.cards["member"]
    svg = qr_svg(card.qr_payload)
    assert svg.startswith("<svg") and 'viewBox="0 0 ' in svg
    # A regular QR (21 modules for version 1, plus the quiet zone), not Micro QR.
    size = int(re.search(r'viewBox="0 0 (\d+)', svg).group(1))
    assert size >= 21


def test_it_prints_a_teams_sheet(client: Client, gates: GateSite) -> None:
    province = gates.province
    client.force_login(province.user("team_leader"))
    html = client.get(
        reverse("card_sheet_team", args=[province.team_a.pk])
    ).content.decode()
    assert sheets_of(html) == [2]
    assert "Nguyễn Văn Đông" in html
    assert "Trần Thị Lan" in html
    assert "Lê Văn Hùng" not in html  # same enterprise, not in the team
    assert 'name="action" value="issue_missing"' not in html  # not an editor


def test_it_leaves_out_revoked_cards_and_counts_the_missing(
    client: Client, gates: GateSite
) -> None:
    province = gates.province
    card = gates.cards["colleague"]
    card.revoked_at = card.issued_at
    card.save()
    f.make_worker("Chưa có thẻ", enterprise=province.enterprise_a)
    left = f.make_worker("Đã nghỉ", enterprise=province.enterprise_a)
    left.employment_status = EmploymentStatus.LEFT
    left.save()
    client.force_login(province.user("enterprise"))
    html = client.get(enterprise_sheet(province)).content.decode()
    assert sheets_of(html) == [2]
    assert card.display_code not in html
    assert "Lê Văn Hùng" not in html
    assert "2 người lao động đang làm việc chưa có thẻ" in html
    assert 'name="action" value="issue_missing"' in html


def test_it_issues_the_missing_cards_first(client: Client, gates: GateSite) -> None:
    province = gates.province
    for n in range(3):
        f.make_worker(f"Mới {n}", enterprise=province.enterprise_a)
    client.force_login(province.user("enterprise"))
    url = enterprise_sheet(province)
    response = client.post(url, {"action": "issue_missing"}, follow=True)
    html = response.content.decode()
    assert "Đã cấp 3 thẻ." in html
    assert sheets_of(html) == [6]
    assert "chưa có thẻ" not in html


def test_it_refuses_issuing_to_readers(client: Client, gates: GateSite) -> None:
    province = gates.province
    f.make_worker("Mới", enterprise=province.enterprise_a)
    client.force_login(province.user("team_leader"))
    url = reverse("card_sheet_team", args=[province.team_a.pk])
    assert client.post(url, {"action": "issue_missing"}).status_code == 403
    client.force_login(gates.guard)
    assert client.post(url, {"action": "issue_missing"}).status_code == 404
    assert WorkerCard.objects.count() == 5


def test_it_shows_a_zone_board_only_its_workers(
    client: Client, gates: GateSite
) -> None:
    province = gates.province
    client.force_login(province.user("zone"))
    html = client.get(enterprise_sheet(province)).content.decode()
    assert OUTSIDE not in html
    assert sheets_of(html) == [3]


@pytest.mark.parametrize("persona", NARROW)
def test_it_hides_other_scopes(client: Client, gates: GateSite, persona: str) -> None:
    province = gates.province
    client.force_login(province.user(persona))
    for url in (
        reverse("card_sheet_enterprise", args=[province.enterprise_b.pk]),
        reverse("card_sheet_team", args=[province.team_b.pk]),
    ):
        for response in (
            client.get(url),
            client.post(url, {"action": "issue_missing"}),
        ):
            assert response.status_code == 404
            assert OUTSIDE not in response.content.decode()
    assert WorkerCard.objects.count() == 5


def test_it_hides_sheets_from_guards(client: Client, gates: GateSite) -> None:
    client.force_login(gates.guard)
    url = enterprise_sheet(gates.province)
    assert client.get(url).status_code == 404


# --- in Chromium: printed to PDF ------------------------------------------------

needs_chromium = pytest.mark.skipif(
    shutil.which("chromium") is None, reason="Debian's chromium is not installed"
)


@needs_chromium
@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_prints_ten_cards_on_each_a4_page(
    browser: Any,
    live_server: Any,
    gates: GateSite,
    tmp_path: Path,
) -> None:
    province = gates.province
    for n in range(22):
        f.make_card(
            f.make_worker(f"Công nhân {n:02}", enterprise=province.enterprise_a)
        )
    # 25 cards: 3 pages (10, 10, 5).
    context = browser.new_context(locale="vi-VN")
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", "doanhnghiep")
        page.fill("#id_password", f.PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")
        page.goto(live_server.url + enterprise_sheet(province))
        assert page.locator(".sheet-print").is_visible()
        pdf = tmp_path / "cards.pdf"
        page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
        page.emulate_media(media="print")
        assert not page.locator(".sheet-print").is_visible()
        boxes = page.locator(".tq-card").evaluate_all(
            "cards => cards.map(c => c.getBoundingClientRect().height)"
        )
        assert len(boxes) == 25
        page.screenshot(path=str(tmp_path / "sheet.png"), full_page=True)
    finally:
        context.close()
    data = pdf.read_bytes()
    assert len(re.findall(rb"/Type\s*/Page[^s]", data)) == 3
    if shutil.which("pdftoppm") and shutil.which("zbarimg"):
        subprocess.run(
            ["pdftoppm", "-r", "200", "-png", "-f", "1", "-l", "1", str(pdf)]
            + [str(tmp_path / "page")],
            check=True,
        )
        [png] = tmp_path.glob("page*.png")
        decoded = subprocess.run(
            ["zbarimg", "--quiet", "--raw", str(png)],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.split()
        assert len(decoded) == 10
        payloads = set(WorkerCard.objects.active().values_list("code", flat=True))
        assert {code.removeprefix("TQ") for code in decoded} <= payloads
