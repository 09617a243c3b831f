"""Benchmark: the worker's declaration page on a phone over slow 3G.

    .venv/bin/python bench/bench_declaration_page.py

Builds a throw-away SQLite database with one worker, serves it with
``tuquan runserver`` (DEBUG off) on a free port, and opens the worker's
personal link in Debian's Chromium at phone size (360 × 740, touch) with the
DevTools "Slow 3G" profile (400 ms latency, 400 kbit/s each way) and the cache
disabled, ``--runs`` times. Prints the bytes transferred (encoded, headers
included), the time to usable (the "I am fine today" button visible and the
client UUID filled in by the page's script) and the time until the declaration
is stored after the tap. Targets: ≤ 60 KB transferred, usable in ≤ 3 s.
"""

from __future__ import annotations

import argparse
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKDIR = Path(tempfile.mkdtemp(prefix="tuquan-bench-page-"))
ENV = {
    **os.environ,
    "DATABASE_URL": f"sqlite:///{WORKDIR / 'bench.sqlite3'}",
    "DJANGO_SETTINGS_MODULE": "tuquan.settings",
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "127.0.0.1",
    "SECURE_SSL_REDIRECT": "0",
    "TUQUAN_TESTING": "1",
}
os.environ.update(ENV)
sys.path.insert(0, str(ROOT / "src"))

import django  # noqa: E402

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs a loop

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.urls import reverse  # noqa: E402

from tuquan.health.models import HealthDeclaration  # noqa: E402
from tuquan.health.services import health_link_token  # noqa: E402
from tuquan.organisations.choices import OrgKind  # noqa: E402
from tuquan.organisations.models import AdminUnit, Enterprise, Zone  # noqa: E402
from tuquan.people.models import Worker  # noqa: E402

SLOW_3G = {
    "offline": False,
    "latency": 400,
    "downloadThroughput": 400 * 1000 / 8,
    "uploadThroughput": 400 * 1000 / 8,
}
BUDGET_BYTES = 60 * 1024
BUDGET_SECONDS = 3.0


def build() -> str:
    call_command("migrate", verbosity=0)
    province = AdminUnit.objects.create(
        name="Tỉnh Thử", kind=OrgKind.PROVINCE, code="T"
    )
    commune = AdminUnit.objects.create(
        name="Xã Thử", kind=OrgKind.COMMUNE, parent=province, code="TX"
    )
    zone = Zone.objects.create(name="KCN Thử", commune=commune)
    enterprise = Enterprise.objects.create(
        name="Công ty Thử", zone=zone, tax_code="0100109106", code="0100109106"
    )
    worker = Worker(
        full_name="Trần Thị Lan",
        date_of_birth="1995-05-17",
        sex="female",
        enterprise=enterprise,
    )
    worker.national_id = "066195012345"
    worker.save()
    token = health_link_token(worker)
    connection.close()
    return reverse("declare", args=[token])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    path = build()
    port = free_port()
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/tuquan"),
            "runserver",
            f"127.0.0.1:{port}",
            "--noreload",
        ],
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}{path}"
    rows = []
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=["--no-sandbox", "--disable-gpu", "--disable-quic"],
            )
            for _run in range(args.runs):
                HealthDeclaration.objects.all().delete()
                context = browser.new_context(
                    viewport={"width": 360, "height": 740},
                    device_scale_factor=2,
                    is_mobile=True,
                    has_touch=True,
                    locale="vi-VN",
                )
                page = context.new_page()
                cdp = context.new_cdp_session(page)
                cdp.send("Network.enable")
                cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
                cdp.send("Network.emulateNetworkConditions", SLOW_3G)
                encoded: list[float] = []
                cdp.on(
                    "Network.loadingFinished",
                    lambda event, sink=encoded: sink.append(event["encodedDataLength"]),
                )
                started = time.monotonic()
                page.goto(url, wait_until="commit")
                page.locator("#healthy button").wait_for(state="visible")
                page.wait_for_function(
                    "document.querySelector('[name=client_id]').value"
                )
                usable = time.monotonic() - started
                transferred = int(sum(encoded))
                tapped = time.monotonic()
                page.locator("#healthy button").tap()
                page.wait_for_url("**/ok/")
                stored = time.monotonic() - tapped
                assert HealthDeclaration.objects.count() == 1
                rows.append((transferred, usable, stored))
                context.close()
            browser.close()
    finally:
        server.terminate()
        server.wait()
    size = [row[0] for row in rows]
    usable = [row[1] for row in rows]
    stored = [row[2] for row in rows]
    print(f"declaration page, Chromium 360×740, Slow 3G, cache off, {len(rows)} runs:")
    print(f"  page bytes transferred: {max(size):,} (budget {BUDGET_BYTES:,})")
    print(
        f"  time to usable: median {statistics.median(usable):.2f} s, "
        f"max {max(usable):.2f} s (target ≤ {BUDGET_SECONDS:.0f} s)"
    )
    print(
        f"  tap → declaration stored and thank-you page shown: median "
        f"{statistics.median(stored):.2f} s, max {max(stored):.2f} s"
    )
    met = max(size) <= BUDGET_BYTES and max(usable) <= BUDGET_SECONDS
    print(f"  targets: {'met' if met else 'MISSED'}")


if __name__ == "__main__":
    main()
